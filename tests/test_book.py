"""The book end to end: the sample collection imported and built as ``make`` does it."""

from __future__ import annotations

import hashlib
import html
import re
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from build_tools.variants import table

ROOT = Path(__file__).resolve().parent.parent
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

pytestmark = pytest.mark.build


def speech_files(project: Path) -> list[Path]:
    return sorted((project / "source" / "speeches").glob("*.md"))


def front_matter(text: str) -> tuple[dict[str, object], str]:
    """The YAML front matter and the body after it."""
    _, head, body = text.split("---\n", 2)
    return yaml.safe_load(head), body


class _ArticleText(HTMLParser):
    """The text inside ``<article>``: the page's content without the theme's chrome."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def article_text(path: Path) -> str:
    parser = _ArticleText()
    parser.feed(path.read_text(encoding="utf-8"))
    return "".join(parser.parts)


def missing_in_order(expected: str, actual: str) -> str:
    """The Chinese characters of ``expected`` that ``actual`` lacks, reading both in order.

    Returns the context around the first character that could not be matched, or "".
    """
    want = HAN.findall(expected)
    have = iter(HAN.findall(actual))
    for i, char in enumerate(want):
        if not any(c == char for c in have):
            return "".join(want[max(0, i - 10) : i + 10])
    return ""


def test_layout(built_book: Path) -> None:
    assert (built_book / "index.html").is_file()
    for edition in table.DEFAULT_VARIANTS:
        assert (built_book / edition / "index.html").is_file()
        assert (built_book / "downloads" / f"speeches-{edition}.epub").is_file()
    landing = (built_book / "index.html").read_text(encoding="utf-8")
    assert 'href="zh-Hans/index.html"' in landing
    assert 'href="zh-Hant/index.html"' in landing
    assert "简体" in landing and "繁體" in landing


def test_landing_page_shows_the_collection(built_book: Path, sample_project: Path) -> None:
    """What the collection is, its speeches (linked, with speaker and date) and the books."""
    from bs4 import BeautifulSoup

    landing = BeautifulSoup((built_book / "index.html").read_text(encoding="utf-8"), "html.parser")
    text = " ".join(landing.get_text().split())
    assert f"本文集收录演讲与报告 {len(speech_files(sample_project))} 篇" in text
    speeches = [a for a in landing.select("main li a") if "/speeches/" in a.get("href", "")]
    assert len(speeches) == len(speech_files(sample_project))
    for link in speeches:
        assert (built_book / link["href"]).is_file(), link["href"]
    assert "娜拉走后怎样 鲁迅 · 1923年12月26日" in text
    assert not re.search(r"[\u4e00-\u9fff][:;,?!]", text)
    hant = landing.select('li[lang="zh-Hant"]')[0]
    assert hant.select("a")[0].get_text() == "演講集（繁體）"
    assert 'href="downloads/speeches-zh-Hant.epub"' in str(hant)


def test_downloads_page_names_each_book_by_its_title(built_book: Path) -> None:
    from bs4 import BeautifulSoup

    page = (built_book / "downloads" / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "html.parser")
    books = {a["href"]: a.get_text() for a in soup.select("a[download]")}
    assert books["speeches-zh-Hans.epub"] == "演讲集（简体）"
    assert books["speeches-zh-Hant.epub"] == "演講集（繁體）"
    assert books["speeches-zh-Hans-1923.epub"] == "演讲集 · 1923年（简体）"
    assert set(books) == {
        p.name for p in (built_book / "downloads").iterdir() if p.suffix in (".epub", ".pdf")
    }
    hant = soup.select('section[lang="zh-Hant"]')[0].get_text()
    assert "全書" in hant and "全书" not in hant and "1923年 · 1篇 · EPUB · " in hant
    assert "《娜拉走後怎樣》" in hant  # what the volume holds
    assert "返回首页" in page and "返回 · 返回" not in page
    assert not re.search(r"[\u4e00-\u9fff][:;,?!]", soup.get_text())


def test_every_sample_speech_is_published(built_book: Path, sample_project: Path) -> None:
    files = speech_files(sample_project)
    assert len(files) >= 10  # 8 speeches, the 2021 report and the 2026 CSV row
    for path in files:
        for edition in table.DEFAULT_VARIANTS:
            page = built_book / edition / "speeches" / f"{path.stem}.html"
            assert page.is_file(), page


@pytest.mark.parametrize("edition", table.DEFAULT_VARIANTS)
def test_no_speech_text_is_lost(built_book: Path, sample_project: Path, edition: str) -> None:
    """Every Chinese character of each imported body appears, in order, on its HTML page."""
    from build_tools.variants.convert import convert_myst

    variant = table.get(edition)
    for path in speech_files(sample_project):
        converted = convert_myst(path.read_text(encoding="utf-8"), variant)
        _, body = front_matter(converted)
        body = re.sub(r"^\(.*\)=$", "", body, flags=re.MULTILINE)  # labels are not text
        page = built_book / edition / "speeches" / f"{path.stem}.html"
        lost = missing_in_order(body, article_text(page))
        assert not lost, f"{path.name} ({edition}): text lost around {lost!r}"


@pytest.mark.parametrize("edition", table.DEFAULT_VARIANTS)
def test_no_speech_text_is_lost_in_the_epub(
    built_book: Path, sample_project: Path, edition: str
) -> None:
    """The same, for each speech's chapter inside the edition's whole-book EPUB."""
    from build_tools.variants.convert import convert_myst

    variant = table.get(edition)
    with zipfile.ZipFile(built_book / "downloads" / f"speeches-{edition}.epub") as epub:
        chapters = {Path(n).stem: n for n in epub.namelist() if "/speeches/" in f"/{n}"}
        for path in speech_files(sample_project):
            _, body = front_matter(convert_myst(path.read_text(encoding="utf-8"), variant))
            body = re.sub(r"^\(.*\)=$", "", body, flags=re.MULTILINE)
            xhtml = epub.read(chapters[path.stem]).decode("utf-8")
            text = re.sub(r"<[^>]+>", "", xhtml.split("<body", 1)[1])
            lost = missing_in_order(body, html.unescape(text))
            assert not lost, f"{path.name} ({edition} EPUB): text lost around {lost!r}"


def test_html_lang_is_the_edition_tag(built_book: Path) -> None:
    for edition in table.DEFAULT_VARIANTS:
        page = next((built_book / edition / "speeches").glob("*.html"))
        assert f'<html lang="{edition}"' in page.read_text(encoding="utf-8")


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _mtimes(paths: list[Path]) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in paths}


def test_second_build_changes_nothing(built_book: Path, sample_project: Path) -> None:
    """Nothing is re-read or rewritten: Sphinx finds no outdated document, and our own
    outputs (EPUBs, landing pages) keep their bytes and their modification times."""
    before = _tree_digest(built_book)
    raw_before = _tree_digest(sample_project / "raw")
    ours = [built_book / "index.html", *sorted((built_book / "downloads").iterdir())]
    mtimes = _mtimes(ours)
    for command in (["import", "--no-progress"], ["build", "--no-progress"]):
        result = subprocess.run(
            [sys.executable, "-m", "build_tools", *command],
            cwd=sample_project, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
    assert _tree_digest(built_book) == before
    assert _mtimes(ours) == mtimes
    assert _tree_digest(sample_project / "raw") == raw_before
    for edition in table.DEFAULT_VARIANTS:
        for builder in ("html", "epub"):
            log = sample_project / "_build" / "logs" / f"{edition}-{builder}.log"
            assert "0 added, 0 changed, 0 removed" in log.read_text(encoding="utf-8")
            assert "no targets are out of date." in log.read_text(encoding="utf-8")


def test_build_refuses_while_another_holds_the_lock(built_book: Path, sample_project: Path) -> None:
    from filelock import FileLock

    with FileLock(sample_project / "_build" / ".lock"):
        result = subprocess.run(
            [sys.executable, "-m", "build_tools", "build", "--no-progress"],
            cwd=sample_project, capture_output=True, text=True, check=False,
        )  # fmt: skip
    assert result.returncode == 5
    assert result.stderr == (
        "locked: another build is running in this project "
        f"(it holds {sample_project}/_build/.lock). "
        "Wait for it to finish; the lock is released automatically when that process ends.\n"
    )


def test_the_sample_is_imported_and_built_in_a_copy(built_book: Path, sample_project: Path) -> None:
    """The tests import and build a copy of the sample project: the repository's own source/
    and raw/ are never written, and the copy is what the repository holds."""
    assert built_book == sample_project / "_build" / "site"
    assert ROOT not in sample_project.parents
    assert _tree_digest(sample_project / "raw") == _tree_digest(ROOT / "raw")
    imported = _tree_digest(sample_project / "source" / "speeches")
    assert imported == _tree_digest(ROOT / "source" / "speeches")  # nothing out of date
