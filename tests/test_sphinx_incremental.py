"""Incremental builds of the ``book`` test root: nothing to do when nothing changed, and
after an edit exactly the pages that show something of it are read or written again."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.util.console import strip_colors
from sphinx_build import build

pytestmark = [
    pytest.mark.filterwarnings(f"ignore::sphinx.deprecation.RemovedInSphinx11Warning:{module}")
    for module in ("sphinx_sitemap", "sphinx_book_theme", "myst_parser", "pydata_sphinx_theme")
]

DUSHU = "speeches/1927-07-16-dushu-zatan"
WUSHENG = "speeches/1927-02-16-wusheng-de-zhongguo"
LABOUR = "speeches/2010-06-06-laodongju-chuangxian"
NOTE = "speeches/2026-01-01-bianji-shuoming"


class Run:
    """One build of ``srcdir`` (zh-Hans), remembering what it read and wrote."""

    def __init__(self, srcdir: Path, builddir: Path) -> None:
        built = build(srcdir, builddir=builddir)
        self.status = strip_colors(built.status)
        self.warnings = built.warnings
        self.outdir = built.outdir
        self.read = set(re.findall(r"reading sources\.\.\. \[\s*\d+%\] (\S+)", self.status))
        self.written = set(re.findall(r"writing output\.\.\. \[\s*\d+%\] (\S+)", self.status))

    def article(self, docname: str) -> str:
        html = (self.outdir / f"{docname}.html").read_text(encoding="utf-8")
        return str(BeautifulSoup(html, "html.parser").find("article"))

    def nav(self, docname: str) -> list[str]:
        html = (self.outdir / f"{docname}.html").read_text(encoding="utf-8")
        nav = BeautifulSoup(html, "html.parser").select("nav.book-nav li.toctree-l2 a")
        return [a.get_text(strip=True) for a in nav]


@pytest.fixture
def book(rootdir: Path, tmp_path: Path) -> Path:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-book", srcdir)
    return srcdir


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_second_build_reads_and_writes_nothing(book: Path, tmp_path: Path) -> None:
    first = Run(book, tmp_path / "build")
    assert first.warnings == ""
    generated = {p: p.stat().st_mtime_ns for p in (book / "_collection").rglob("*")}
    second = Run(book, tmp_path / "build")
    assert "0 added, 0 changed, 0 removed" in second.status
    assert second.read == set() and second.written == set()
    assert {p: p.stat().st_mtime_ns for p in (book / "_collection").rglob("*")} == generated


def test_generated_pages_edited_by_hand_are_written_again(book: Path, tmp_path: Path) -> None:
    """The collection is unchanged, so the build would take the last one's pages as they
    are; it does so only while they are the files that build wrote."""
    Run(book, tmp_path / "build")
    years, tags = book / "_collection" / "years.md", book / "_collection" / "tags.md"
    written = years.read_text(encoding="utf-8")
    years.write_text(written + "\n手改的一行。\n", encoding="utf-8")
    tags.unlink()
    stray = book / "_collection" / "stray.md"
    stray.write_text("# 不该在这里\n", encoding="utf-8")
    again = Run(book, tmp_path / "build")
    assert years.read_text(encoding="utf-8") == written
    assert tags.exists() and not stray.exists()
    assert "_collection/years" in again.read


def test_an_edit_rereads_the_pages_that_show_it_and_matches_a_fresh_build(
    book: Path, tmp_path: Path
) -> None:
    Run(book, tmp_path / "build")
    edit(book / f"{DUSHU}.md", "category: 讲演", "category: 说明")
    edit(book / f"{DUSHU}.md", "title: 读书杂谈", "title: 读书杂谈（节选）")
    edit(book / f"{DUSHU}.md", "# 读书杂谈", "# 读书杂谈（节选）")
    incremental = Run(book, tmp_path / "build")
    assert incremental.warnings == ""
    assert DUSHU in incremental.read
    assert NOTE in incremental.read  # now shares the category: its related speeches change
    assert WUSHENG in incremental.read  # lists 读书杂谈 among its related speeches
    assert LABOUR not in incremental.read  # shares nothing with it
    assert "_collection/categories" in incremental.read
    # The sidebar of the other speech in 读书杂谈's part shows the new title.
    assert incremental.nav(WUSHENG) == ["无声的中国", "读书杂谈（节选）"]
    assert WUSHENG in incremental.written

    fresh = Run(book, tmp_path / "fresh")
    for page in sorted(fresh.outdir.rglob("*.html")):
        docname = page.relative_to(fresh.outdir).with_suffix("").as_posix()
        if docname in ("search", "genindex"):
            continue
        assert incremental.article(docname) == fresh.article(docname), docname
        assert incremental.nav(docname) == fresh.nav(docname), docname


def test_a_glossary_change_rereads_the_speeches_that_use_the_term(
    book: Path, tmp_path: Path
) -> None:
    Run(book, tmp_path / "build")
    edit(book / "_data" / "glossary.yml", "    slug: wenxue-geming", "    slug: wenxue-geming-1917")
    run = Run(book, tmp_path / "build")
    assert run.warnings == ""
    assert WUSHENG in run.read and "_collection/glossary" in run.read
    assert LABOUR not in run.read
    assert "#term-wenxue-geming-1917" in run.article(WUSHENG)


def test_a_new_speech_appears_in_parts_indexes_and_the_landing_page(
    book: Path, tmp_path: Path
) -> None:
    Run(book, tmp_path / "build")
    (book / "speeches" / "1927-04-08-geming-shidai.md").write_text(
        "---\ntitle: 革命时代的文学\ndate: '1927-04-08'\nspeaker: 鲁迅\ncategory: 讲演\n"
        "script: hans\n---\n\n# 革命时代的文学\n\n今天要讲几句的话。\n",
        encoding="utf-8",
    )
    run = Run(book, tmp_path / "build")
    assert run.warnings == ""
    assert {"index", "_collection/parts/1927", "_collection/speakers"} <= run.read
    assert "本文集收录演讲与报告 9 篇" in run.article("index")
    assert run.nav(WUSHENG) == ["无声的中国", "革命时代的文学", "读书杂谈"]
