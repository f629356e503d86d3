"""The finished EPUBs of the ``epub-basic`` test root: read back, validated, reproducible, seen.

Sphinx's EPUB builder runs as ``build_tools.publish.build`` runs it (a subprocess, doctrees
outside the output), with the two settings ``build_tools.sphinx_ext`` derives from the edition
(``language``, ``epub_language``) passed as overrides; then ``finalize_epub`` and
``split_parts`` finish the books.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from chromium import CHROMIUM, CHROMIUM_ARGS
from ebooklib import epub as ebooklib
from lxml import etree

from build_tools.publish.epub import (
    EpubMeta,
    PartEpub,
    book_identifier,
    epubcheck_report,
    finalize_epub,
    publish_epubs,
    speech_dates,
    split_parts,
)
from build_tools.publish.epub_content import broken_links
from build_tools.publish.epub_documents import EPUB, NS
from build_tools.publish.epub_dress import Dressing
from build_tools.publish.epub_package import Package
from build_tools.variants.table import Variant, get

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "tests" / "roots" / "epub-basic"
EPOCH = 1_767_225_600  #: 2026-01-01T00:00:00Z
WEB = "https://example.org/speeches/{edition}/"

pytestmark = pytest.mark.build


# -- the book as the sources describe it ------------------------------------------------------


def front_matter(path: Path) -> tuple[dict[str, str], str]:
    import yaml

    _, head, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(head), body


def reading_order(docname: str = "index") -> list[str]:
    """The documents in the order the toctrees give, depth first: the book's order."""
    text = (BOOK / f"{docname}.md").read_text(encoding="utf-8")
    order = [docname]
    folder = Path(docname).parent
    for block in re.findall(r"```\{toctree\}\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            if line.strip() and not line.startswith(":"):
                child = os.path.normpath(folder / line.strip()).replace(os.sep, "/")
                order += reading_order(child)
    return order


def title_of(docname: str) -> str:
    path = BOOK / f"{docname}.md"
    if docname.startswith("speeches/"):
        return str(front_matter(path)[0]["title"])
    return re.search(r"^# (.+)$", path.read_text(encoding="utf-8"), flags=re.M)[1]


def speech_paragraphs(docname: str) -> list[str]:
    """The body paragraphs of a speech as a reader sees them: MyST markup taken out."""
    _, body = front_matter(BOOK / f"{docname}.md")
    paragraphs = []
    for block in body.split("\n\n"):
        block = block.strip()
        if not block or block.startswith(("#", "(")):
            continue
        block = re.sub(r"^\[\^\w+\]: ", "", block)  # a footnote's text
        block = re.sub(r"\[\^\w+\]", "", block)  # a footnote reference
        block = re.sub(r"\{\w+\}`([^`]+)`", r"\1", block)  # a role: {term}`易卜生`
        paragraphs.append(block)
    return paragraphs


SPEECHES = [d for d in reading_order() if d.startswith("speeches/")]
PARTS = [d for d in reading_order() if d.startswith("years/")]


# -- building ---------------------------------------------------------------------------------


def sphinx_epub(
    out: Path,
    variant: Variant,
    *,
    source: Path = BOOK,
    conf: Path = BOOK,
    doctrees: Path | None = None,
    hashseed: str = "0",
) -> Path:
    """Run Sphinx's EPUB builder on the test root into ``out``; it must print no warning."""
    doctrees = doctrees or out.parent / f"{out.name}-doctrees"
    warnings = out.parent / f"{out.name}-warnings.txt"
    command = [
        sys.executable, "-m", "sphinx", "-b", "epub", "-q",
        "-c", str(conf),
        "-d", str(doctrees),
        "-D", f"language={variant.sphinx_language}",
        "-D", f"epub_language={variant.name}",
        "-w", str(warnings),
        str(source), str(out),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert warnings.read_text(encoding="utf-8") == ""
    return out


def book_meta(variant: Variant) -> EpubMeta:
    traditional = variant.traditional
    dates = sorted(speech_dates(BOOK).values())
    return EpubMeta(
        title="演講集" if traditional else "演讲集",
        creator="演講集編輯部" if traditional else "演讲集编辑部",
        description="魯迅講演四篇。" if traditional else "鲁迅讲演四篇。",
        subjects=("講演",) if traditional else ("讲演",),
        date_range=(dates[0], dates[-1]),
        vertical=traditional,
    )


@dataclass
class Built:
    variant: Variant
    meta: EpubMeta
    sphinx_dir: Path
    whole: Path
    parts: list[PartEpub]
    text_parts: list[PartEpub]  #: split without a web edition: outside links become text


def build(out: Path, variant: Variant, *, epoch: int | None = EPOCH, hashseed: str = "0") -> Built:
    meta = book_meta(variant)
    sphinx_dir = sphinx_epub(out / "sphinx", variant, hashseed=hashseed)
    assert "colophon.xhtml" in (sphinx_dir / "content.opf").read_text(encoding="utf-8")
    whole = finalize_epub(
        sphinx_dir,
        out / "downloads" / f"speeches-{variant.name}.epub",
        variant=variant,
        meta=meta,
        source_date_epoch=epoch,
    )
    common = {"variant": variant, "meta": meta, "source_date_epoch": epoch}
    parts = split_parts(
        whole,
        out / "downloads",
        web_url=WEB.format(edition=variant.name),
        dates=speech_dates(BOOK),
        **common,
    )
    text_parts = split_parts(whole, out / "offline", **common)
    return Built(variant, meta, sphinx_dir, whole, parts, text_parts)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    """zh-Hans set horizontally, zh-Hant vertically."""
    return {
        name: build(tmp_path_factory.mktemp(name), get(name)) for name in ("zh-Hans", "zh-Hant")
    }


def read(path: Path) -> ebooklib.EpubBook:
    return ebooklib.read_epub(str(path), options={"ignore_ncx": True})


def document(book: ebooklib.EpubBook, href: str) -> etree._Element:
    """A document as stored (``get_content()`` would re-render it through ebooklib's template)."""
    return etree.fromstring(book.get_item_with_href(href).content)


def visible_text(root: etree._Element) -> str:
    """The text of the page body, without note reference marks ("[2]")."""
    root = etree.fromstring(etree.tostring(root))
    for ref in list(root.iterfind(f".//h:a[@{{{EPUB}}}type='noteref']", NS)):
        parent, previous, tail = ref.getparent(), ref.getprevious(), ref.tail or ""
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
        parent.remove(ref)
    return "".join(root.find("h:body", NS).itertext())


# -- read back with ebooklib --------------------------------------------------------------------


@pytest.mark.parametrize("edition", ["zh-Hans", "zh-Hant"])
def test_spine_is_the_books_order(books: dict[str, Built], edition: str) -> None:
    book = read(books[edition].whole)
    spine = [book.get_item_with_id(idref).get_name() for idref, _ in book.spine]
    assert spine == ["cover.xhtml"] + [f"{d}.xhtml" for d in reading_order()]


@pytest.mark.parametrize("edition", ["zh-Hans", "zh-Hant"])
def test_navigation_lists_parts_and_speeches(books: dict[str, Built], edition: str) -> None:
    book = read(books[edition].whole)

    def titles(toc: list) -> list:  # type: ignore[type-arg]
        found = []
        for entry in toc:
            if isinstance(entry, tuple):
                section, children = entry
                found.append((section.title, section.href, titles(children)))
            else:
                found.append((entry.title, entry.href, []))
        return found

    def expected(docname: str) -> tuple:  # type: ignore[type-arg]
        speeches = reading_order(docname)[1:] if docname in PARTS else []
        return (title_of(docname), f"{docname}.xhtml", [expected(s) for s in speeches])

    top = [d for d in reading_order() if "/" not in d or d in PARTS]
    assert titles(book.toc) == [expected(d) for d in top]


@pytest.mark.parametrize("edition", ["zh-Hans", "zh-Hant"])
def test_language_identifier_and_dates(books: dict[str, Built], edition: str) -> None:
    built = books[edition]
    book = read(built.whole)
    assert book.get_metadata("DC", "language") == [(edition, {})]
    assert book.get_metadata("DC", "identifier")[0][0] == book_identifier("speeches", edition)
    assert book.get_metadata("DC", "date") == [("2026-01-01", {})]
    assert book.get_metadata("DC", "title") == [(built.meta.title, {"id": "title"})]
    assert book.get_metadata("DC", "rights")[0][0]
    for href in (item.get_name() for item in book.get_items_of_type(9)):  # ITEM_DOCUMENT
        root = document(book, href)
        assert root.get("lang") == edition
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == edition


def test_identifiers_are_stable_and_distinct() -> None:
    assert book_identifier("speeches", "zh-Hans") == book_identifier("speeches", "zh-Hans")
    identifiers = {book_identifier("speeches", e, p) for e in ("zh-Hans", "zh-Hant")
                   for p in (None, "1923", "1927")}  # fmt: skip
    assert len(identifiers) == 6


@pytest.mark.parametrize("edition", ["zh-Hans", "zh-Hant"])
def test_every_speech_is_there_word_for_word(books: dict[str, Built], edition: str) -> None:
    book = read(books[edition].whole)
    for docname in SPEECHES:
        text = visible_text(document(book, f"{docname}.xhtml"))
        assert title_of(docname) in text
        for paragraph in speech_paragraphs(docname):
            assert paragraph in text, f"{docname}: missing {paragraph[:40]}…"


def test_accessibility_metadata(books: dict[str, Built]) -> None:
    opf = Package.load(books["zh-Hans"].whole).opf
    values: dict[str, list[str]] = {}
    for meta in opf.iterfind("opf:metadata/opf:meta[@property]", NS):
        values.setdefault(meta.get("property"), []).append(meta.text)
    assert values["schema:accessMode"] == ["textual", "visual"]
    assert values["schema:accessModeSufficient"] == ["textual"]
    assert {"structuralNavigation", "tableOfContents", "readingOrder", "alternativeText"} <= set(
        values["schema:accessibilityFeature"]
    )
    assert values["schema:accessibilityHazard"] == ["none"]
    assert values["schema:accessibilitySummary"][0]
    assert values["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.1 Level A"]
    assert values["dcterms:modified"] == ["2026-01-01T00:00:00Z"]


def test_cover_image_and_page(books: dict[str, Built]) -> None:
    package = Package.load(books["zh-Hans"].whole)
    cover = [i for i in package.manifest() if "cover-image" in i.get("properties", "")]
    assert [i.get("href") for i in cover] == ["cover.png"]
    assert package.data["cover.png"][:8] == b"\x89PNG\r\n\x1a\n"
    img = package.docs["cover.xhtml"].find(".//h:img", NS)
    assert img.get("alt") == "封面：演讲集，简体，1923—1927"


def test_footnotes_are_epub3_notes(books: dict[str, Built]) -> None:
    root = Package.load(books["zh-Hans"].whole).docs[f"{SPEECHES[0]}.xhtml"]
    refs = root.findall(f".//h:a[@{{{EPUB}}}type='noteref']", NS)
    notes = {n.get("id"): n for n in root.iterfind(".//h:aside", NS)}
    assert len(refs) == 2
    for ref in refs:
        note = notes[ref.get("href").lstrip("#")]
        assert note.get(f"{{{EPUB}}}type") == "footnote"


def test_cross_references_and_glossary_work_inside(books: dict[str, Built]) -> None:
    package = Package.load(books["zh-Hans"].whole)
    assert broken_links(package) == []
    note = package.docs[f"{SPEECHES[0]}.xhtml"]
    term = note.find(".//h:aside//h:a[@class='reference internal']", NS)
    assert term.get("href") == "../glossary.xhtml#term-0"
    assert package.docs["glossary.xhtml"].find(".//h:dt[@id='term-0']", NS).text == "易卜生"
    assert package.docs["years/1927.xhtml"].find(".//h:p/h:a", NS).get("href") == (
        f"../{SPEECHES[0]}.xhtml"
    )


def test_vertical_writing_is_one_setting(books: dict[str, Built]) -> None:
    for edition, direction, vertical in (("zh-Hans", "ltr", False), ("zh-Hant", "rtl", True)):
        package = Package.load(books[edition].whole)
        assert package.element("spine").get("page-progression-direction") == direction
        links = package.docs[f"{SPEECHES[0]}.xhtml"].iterfind("h:head/h:link", NS)
        assert ("../_static/zh-vertical.css" in [link.get("href") for link in links]) is vertical
    css = Package.load(books["zh-Hant"].whole).data["_static/zh-vertical.css"].decode()
    assert "writing-mode: vertical-rl" in css


# -- one EPUB per part ------------------------------------------------------------------------


def test_one_epub_per_part(books: dict[str, Built]) -> None:
    built = books["zh-Hans"]
    assert [p.path.name for p in built.parts] == [
        "speeches-zh-Hans-1923.epub",
        "speeches-zh-Hans-1924.epub",
        "speeches-zh-Hans-1927.epub",
    ]
    for part, docname in zip(built.parts, PARTS, strict=True):
        book = read(part.path)
        spine = [book.get_item_with_id(i).get_name() for i, _ in book.spine]
        members = [f"{d}.xhtml" for d in reading_order(docname)]
        assert spine == ["cover.xhtml", *members, "glossary.xhtml"]
        assert book.get_metadata("DC", "title")[0][0] == f"演讲集·{title_of(docname)}"
        assert book.get_metadata("DC", "identifier")[0][0] == book_identifier(
            "speeches", "zh-Hans", part.key
        )
        assert broken_links(Package.load(part.path)) == []


def test_links_out_of_a_part_go_to_the_web_or_become_text(books: dict[str, Built]) -> None:
    built = books["zh-Hans"]
    online = Package.load(built.parts[2].path).docs["years/1927.xhtml"]
    link = online.find(".//h:section/h:p/h:a", NS)
    assert link.get("href") == f"{WEB.format(edition='zh-Hans')}{SPEECHES[0]}.html"
    offline = Package.load(built.text_parts[2].path).docs["years/1927.xhtml"]
    paragraph = offline.find(".//h:section/h:p", NS)
    assert paragraph.find("h:a", NS) is None
    assert "可与娜拉走后怎样对读" in "".join(paragraph.itertext())


def test_part_cover_names_the_part(books: dict[str, Built]) -> None:
    img = Package.load(books["zh-Hant"].parts[0].path).docs["cover.xhtml"].find(".//h:img", NS)
    assert img.get("alt") == "封面：演講集，1923年 · 繁體，1923"


def test_parts_of_a_book_with_an_editors_cover_have_one_cover_each(
    books: dict[str, Built], tmp_path: Path
) -> None:
    """The whole book wears the editor's JPEG; each part its own drawn cover, not both."""
    from PIL import Image

    jpeg = tmp_path / "cover.jpg"
    Image.new("RGB", (160, 256), (31, 45, 61)).save(jpeg, "JPEG")
    built = books["zh-Hans"]
    meta = replace(built.meta, cover_image=jpeg)
    common = {"variant": built.variant, "meta": meta, "source_date_epoch": EPOCH}
    whole = finalize_epub(built.sphinx_dir, tmp_path / "whole.epub", **common)
    for part in split_parts(whole, tmp_path, **common):
        package = Package.load(part.path)
        covers = [i.get("href") for i in package.manifest() if i.get("id") == "cover-image"]
        assert covers == ["cover.png"], part.path.name
        assert broken_links(package) == []


# -- the project's recipe ----------------------------------------------------------------------


def make_project(folder: Path, variant: Variant) -> Path:
    """A project as ``build`` sees it: conf.py, source/ (the test root) and Sphinx's EPUB
    output in _build/epub/<edition>/."""
    project = folder / "project"
    shutil.copytree(BOOK, project / "source", ignore=shutil.ignore_patterns("conf.py"))
    (project / "conf.py").write_text(
        (BOOK / "conf.py").read_text(encoding="utf-8")
        + '\nbook_slug = "lectures"\nhtml_baseurl = "https://example.org/lectures/"\n'
        + "variants_vertical_writing = True\n",
        encoding="utf-8",
    )
    return sphinx_again(project, variant)


def sphinx_again(project: Path, variant: Variant) -> Path:
    """Run Sphinx's EPUB builder on the project, incrementally as ``build`` does."""
    sphinx_epub(
        project / "_build" / "epub" / variant.name,
        variant,
        source=project / "source",
        conf=project,
        doctrees=project / "_build" / "doctrees" / variant.name,
    )
    return project


def test_publish_epubs_writes_the_downloads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """``publish_epubs`` as build.py calls it: conf.py and source/ of a project, Sphinx's
    output in _build/epub/<edition>/, the EPUBs in _build/site/downloads/."""
    variant = get("zh-Hant")
    project = make_project(tmp_path, variant)
    downloads = project / "_build" / "site" / "downloads"
    stale = downloads / "lectures-zh-Hant-1999.epub"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"a part that no longer exists")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))

    with caplog.at_level("WARNING", logger="build_tools.publish"):
        written = publish_epubs(project, variant)
    assert caplog.messages == []

    assert [p.name for p in written] == [
        "lectures-zh-Hant.epub",
        "lectures-zh-Hant-1923.epub",
        "lectures-zh-Hant-1924.epub",
        "lectures-zh-Hant-1927.epub",
    ]
    assert not stale.exists()
    book = read(written[0])
    assert book.get_metadata("DC", "title")[0][0] == "演講集"  # converted from conf.py's 演讲集
    assert book.get_metadata("DC", "date") == [("2026-01-01", {})]
    assert book.get_metadata("DC", "subject") == [("演講", {})]
    package = Package.load(written[0])
    assert package.element("spine").get("page-progression-direction") == "rtl"
    link = Package.load(written[3]).docs["years/1927.xhtml"].find(".//h:section/h:p/h:a", NS)
    assert link.get("href") == f"https://example.org/lectures/zh-Hant/{SPEECHES[0]}.html"


def file_identity(paths: list[Path]) -> dict[str, tuple[int, int, str]]:
    """Name → (inode, mtime, SHA-256): a file written again gets a new inode (``write_zip``
    replaces it), whatever the clock says."""
    return {
        p.name: (p.stat().st_ino, p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in paths
    }


@pytest.fixture
def published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[Path]]:
    """A project published once: zh-Hant, three parts (1923, 1924, 1927)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    project = make_project(tmp_path, get("zh-Hant"))
    return project, publish_epubs(project, get("zh-Hant"))


def test_publishing_unchanged_inputs_again_does_nothing(
    published: tuple[Path, list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    project, written = published
    before = file_identity(written)
    state = project / "_build" / "epub" / "zh-Hant.publish.json"
    state_before = (state.stat().st_ino, state.read_bytes())

    def must_not_load(*args: object) -> Package:
        raise AssertionError("publish_epubs loaded the book although nothing changed")

    with monkeypatch.context() as patch:
        patch.setattr(Package, "load", must_not_load)
        again = publish_epubs(project, get("zh-Hant"))
    assert again == written
    assert file_identity(again) == before
    assert (state.stat().st_ino, state.read_bytes()) == state_before

    # A part removed by hand is made again, alike; nothing else is touched.
    written[2].unlink()
    assert publish_epubs(project, get("zh-Hant")) == written
    after = file_identity(written)
    assert {name for name in before if after[name] != before[name]} == {written[2].name}
    assert after[written[2].name][2] == before[written[2].name][2]


def test_a_book_not_made_again_says_its_warnings_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The build summary lists the same warnings whether or not the books were made again."""
    from build_tools.publish import cover

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    monkeypatch.setattr(cover, "find_cjk_font", lambda **_: None)
    project = make_project(tmp_path, get("zh-Hant"))
    runs = []
    for _ in range(2):
        caplog.clear()
        with caplog.at_level("WARNING", logger="build_tools.publish"):
            publish_epubs(project, get("zh-Hant"))
        runs.append(caplog.messages)
    assert len(runs[0]) == 4 and all(m.endswith("[book.epub.no-cover]") for m in runs[0])
    assert runs[1] == runs[0]


@pytest.mark.parametrize("cache", ["kept", "damaged"])
def test_after_editing_one_speech_only_its_part_and_the_whole_book_change(
    published: tuple[Path, list[Path]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: str
) -> None:
    """Made again from the cache of finished documents, or without it when it is damaged
    (then every document is dressed again): the same books either way."""
    project, written = published
    before = file_identity(written)
    kept = project / "_build" / "epub" / "zh-Hant.publish.cache"
    assert kept.stat().st_size > 0
    if cache == "damaged":
        kept.write_bytes(kept.read_bytes()[:1000])
    speech = project / "source" / f"{SPEECHES[1]}.md"  # in 1924
    text = speech.read_text(encoding="utf-8")
    speech.write_text(text.replace("来说几句。", "来说几句。（编者补记。）"), encoding="utf-8")
    sphinx_again(project, get("zh-Hant"))

    from build_tools.publish import epub

    dressed = []

    def dress(package: Package, dressing: Dressing, **options: bytes | None) -> list[str]:
        dressed.append(dressing.title)
        return real_dress(package, dressing, **options)

    from build_tools.publish import epub_documents

    parsed = []

    def parse(data: bytes, name: str) -> object:
        parsed.append(name)
        return real_parse(data, name)

    real_dress, real_parse = epub.dress, epub_documents.parse
    with monkeypatch.context() as patch:
        patch.setattr(epub, "dress", dress)
        patch.setattr(epub_documents, "parse", parse)
        again = publish_epubs(project, get("zh-Hant"))
    assert dressed == ["演講集", "演講集·1924年"]
    # A speech of another part, which Sphinx did not write again, is taken as finished.
    assert (f"{SPEECHES[0]}.xhtml" in parsed) == (cache == "damaged")
    assert again == written
    after = file_identity(again)
    changed = {name for name in before if after[name] != before[name]}
    assert changed == {"lectures-zh-Hant.epub", "lectures-zh-Hant-1924.epub"}
    for name in changed:
        assert after[name][2] != before[name][2]
    assert "编者补记" in visible_text(document(read(again[2]), f"{SPEECHES[1]}.xhtml"))

    # What was made again, and what was not, is what publishing everything afresh gives.
    fresh = tmp_path / "fresh"
    shutil.copytree(project, fresh, ignore=shutil.ignore_patterns("site", "*.publish.*"))
    from_scratch = publish_epubs(fresh, get("zh-Hant"))
    assert [p.name for p in from_scratch] == [p.name for p in again]
    assert [sha256(p) for p in from_scratch] == [sha256(p) for p in again]


def test_a_new_epoch_makes_every_book_again_but_draws_no_cover_again(
    published: tuple[Path, list[Path]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new commit moves every time stamp, so every book is made again; the covers do not
    depend on it and come from the books the last run wrote."""
    project, written = published
    before = file_identity(written)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 86_400))
    from build_tools.publish import cover

    def must_not_draw(*args: object, **kwargs: object) -> Path:
        raise AssertionError("a cover was drawn again")

    with monkeypatch.context() as patch:
        patch.setattr(cover, "make_cover", must_not_draw)
        again = publish_epubs(project, get("zh-Hant"))
    after = file_identity(again)
    assert all(after[name][2] != before[name][2] for name in before)
    assert read(again[0]).get_metadata("DC", "date") == [("2026-01-02", {})]

    fresh = tmp_path / "fresh"
    shutil.copytree(project, fresh, ignore=shutil.ignore_patterns("site", "*.publish.*"))
    assert [sha256(p) for p in publish_epubs(fresh, get("zh-Hant"))] == [sha256(p) for p in again]


# -- EPUBCheck --------------------------------------------------------------------------------


@pytest.mark.epubcheck
def test_epubcheck_reports_nothing(books: dict[str, Built]) -> None:
    paths = [
        path
        for built in books.values()
        for path in [built.whole, *(p.path for p in built.parts + built.text_parts)]
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = dict(zip(paths, pool.map(epubcheck_report, paths), strict=True))
    assert {path.name: report for path, report in reports.items() if report} == {}


@pytest.mark.epubcheck
def test_epubcheck_report_lists_errors(tmp_path: Path, books: dict[str, Built]) -> None:
    """The helper does report problems: a book whose nav points at a missing file."""
    package = Package.load(books["zh-Hans"].whole)
    package.remove("glossary.xhtml")
    broken = package.write(tmp_path / "broken.epub", epoch=EPOCH)
    report = epubcheck_report(broken)
    assert any(line.startswith("ERROR(") and "glossary.xhtml" in line for line in report)


# -- reproducible -----------------------------------------------------------------------------


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("epoch", [EPOCH, None], ids=["SOURCE_DATE_EPOCH", "unset"])
def test_two_clean_builds_give_the_same_bytes(tmp_path: Path, epoch: int | None) -> None:
    variant = get("zh-Hant")
    # Other folders, another second and other hash seeds: none may leak into the bytes.
    first = build(tmp_path / "one", variant, epoch=epoch, hashseed="1")
    time.sleep(1.1)
    second = build(tmp_path / "two", variant, epoch=epoch, hashseed="2")
    for a, b in zip(
        [first.whole, *(p.path for p in first.parts)],
        [second.whole, *(p.path for p in second.parts)],
        strict=True,
    ):
        assert sha256(a) == sha256(b), a.name


def test_zip_layout_is_fixed(books: dict[str, Built]) -> None:
    with zipfile.ZipFile(books["zh-Hans"].whole) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "mimetype"
    assert infos[0].compress_type == zipfile.ZIP_STORED and not infos[0].extra
    names = [i.filename for i in infos[1:]]
    assert names == sorted(names)
    assert {i.date_time for i in infos} == {(2026, 1, 1, 0, 0, 0)}
    assert not any(n.startswith(".") or "doctrees" in n or n.endswith(".epub") for n in names)


# -- Chromium renders a chapter with a CJK font ------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("edition", ["zh-Hans", "zh-Hant"])
def test_chapter_renders_in_a_cjk_font(
    books: dict[str, Built], edition: str, tmp_path: Path, artefacts: Path
) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with zipfile.ZipFile(books[edition].whole) as archive:
        archive.extractall(tmp_path)
    chapter = tmp_path / f"{SPEECHES[0]}.xhtml"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 720, "height": 960})
            page.goto(chapter.as_uri())
            page.wait_for_load_state("load")
            page.screenshot(path=str(artefacts / f"epub-chapter-{edition}.png"))
            style = page.evaluate(
                """() => {
                    const p = document.querySelector('div.body section > p');
                    const s = getComputedStyle(p);
                    const h = getComputedStyle(document.documentElement);
                    return [s.textIndent, s.fontSize, h.writingMode, s.lineHeight];
                }"""
            )
            cdp = page.context.new_cdp_session(page)
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
            node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "div.body p"})
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
        finally:
            browser.close()
    text_indent, font_size, writing_mode, line_height = style
    assert float(text_indent.removesuffix("px")) == 2 * float(font_size.removesuffix("px"))
    assert float(line_height.removesuffix("px")) >= 1.7 * float(font_size.removesuffix("px"))
    assert writing_mode == ("vertical-rl" if edition == "zh-Hant" else "horizontal-tb")
    # The glyphs of the paragraph come from a CJK face, not from a fallback box font.
    cjk = [f for f in fonts if re.search(r"CJK|\b(SC|TC|HK)\b|Han|Song|Ming", f["familyName"])]
    assert cjk, fonts
    assert sum(f["glyphCount"] for f in cjk) >= 0.9 * sum(f["glyphCount"] for f in fonts)


def test_epoch_is_the_last_commit_that_changed_the_book(tmp_path: Path) -> None:
    """Without SOURCE_DATE_EPOCH the EPUBs are dated by the last commit of source/ or
    conf.py: a commit of code or tests leaves them (and their bytes) as they were."""
    import os
    import subprocess

    from build_tools.publish.epub_project import source_date_epoch

    def commit(path: str, when: int) -> None:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(f"{path} {when}\n", encoding="utf-8")
        stamp = f"@{when} +0000"
        env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        for command in (["add", path], ["commit", "-q", "-m", path]):
            subprocess.run(
                ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *command],
                cwd=tmp_path, env=env, check=True,
            )  # fmt: skip

    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    environ = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "environ", environ)
        commit("source/speeches/a.md", 1_700_000_000)
        commit("build_tools/code.py", 1_700_000_500)
        assert source_date_epoch(tmp_path) == 1_700_000_000
        commit("conf.py", 1_700_001_000)
        assert source_date_epoch(tmp_path) == 1_700_001_000
        environ["SOURCE_DATE_EPOCH"] = "1234567890"
        assert source_date_epoch(tmp_path) == 1_234_567_890


def test_front_matter_is_read_again_when_its_file_changes(tmp_path: Path) -> None:
    """Publishing keeps each speech's front matter by file time and size; an edited file,
    a new one, a removed one and a damaged cache are all read as they are now."""
    from build_tools.publish.epub_project import read_front_matter

    source, cache = tmp_path / "source", tmp_path / "front-matter.cache"
    shutil.copytree(BOOK, source, ignore=shutil.ignore_patterns("conf.py"))
    first = read_front_matter(source, cache=cache)
    assert first == read_front_matter(source) and cache.exists()

    speech = source / f"{SPEECHES[0]}.md"
    text = speech.read_text(encoding="utf-8")
    speech.write_text(re.sub(r"(?m)^category: .*$", "category: 讲话", text), encoding="utf-8")
    (source / f"{SPEECHES[1]}.md").unlink()
    (source / "speeches" / "new.md").write_text("---\ntitle: 新\n---\n正文\n", encoding="utf-8")
    again = read_front_matter(source, cache=cache)
    assert again == read_front_matter(source)
    assert again[SPEECHES[0]].data["category"] == "讲话"  # type: ignore[index]
    assert SPEECHES[1] not in again and again["speeches/new"].data == {"title": "新"}

    cache.write_bytes(b"\x80damaged")
    assert read_front_matter(source, cache=cache) == again
