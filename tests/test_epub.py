"""The EPUBs the ``epub`` builder makes of the ``test-epub`` root: read back, validated, same bytes.

Built with ``sphinx.testing`` as any Sphinx builder is: zh-Hans set horizontally, zh-Hant
vertically (``variants_vertical_writing``). The books are read back from their zips.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import shutil
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import sphinx_build
import yaml
from chromium import CHROMIUM, debian_chromium
from epub_validator import epubcheck_report
from lxml import etree

from build_tools.sphinx_ext import epub_cover as cover
from build_tools.sphinx_ext.epub_builder import book_identifier

pytestmark = [
    pytest.mark.build,
    *(
        pytest.mark.filterwarnings(f"ignore::sphinx.deprecation.RemovedInSphinx11Warning:{m}")
        for m in ("sphinx_sitemap", "sphinx_book_theme", "myst_parser", "pydata_sphinx_theme")
    ),
]

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "h": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
EPOCH = "1767225600"  #: 2026-01-01T00:00:00Z
YEARS = ("1923", "1924", "1927")
WEB = "https://example.org/speeches/{edition}/"


@dataclass
class Built:
    edition: str
    srcdir: Path
    downloads: Path
    warnings: str

    def whole(self) -> Path:
        return self.downloads / f"speeches-{self.edition}.epub"

    def epubs(self) -> list[Path]:
        return sorted(self.downloads.glob("*.epub"))


def build(srcdir: Path, builddir: Path, edition: str, **overrides: object) -> Built:
    """The EPUBs of ``srcdir`` (the shared ``sphinx_build.build``), read where they are put."""
    built = sphinx_build.build(srcdir, edition, builder="epub", builddir=builddir, **overrides)
    return Built(edition, srcdir, builddir / "downloads", built.warnings)


def copy_root(rootdir: Path, folder: Path) -> Path:
    shutil.copytree(rootdir / "test-epub", folder)
    return folder


@pytest.fixture(scope="module")
def books(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    srcdir = copy_root(rootdir, tmp_path_factory.mktemp("epub") / "src")
    return {
        "zh-Hans": build(srcdir, srcdir.parent / "zh-Hans", "zh-Hans"),
        "zh-Hant": build(
            srcdir, srcdir.parent / "zh-Hant", "zh-Hant", variants_vertical_writing=True
        ),
    }


class Epub:
    """One EPUB read back: its package document, navigation and documents."""

    def __init__(self, path: Path) -> None:
        with zipfile.ZipFile(path) as archive:
            self.files = {name: archive.read(name) for name in archive.namelist()}
        self.opf = etree.fromstring(self.files["content.opf"])

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.files[name])

    def meta(self, path: str) -> list[str]:
        return [e.text or "" for e in self.opf.iterfind(path, NS)]

    def spine(self) -> list[str]:
        hrefs = {i.get("id"): i.get("href") for i in self.opf.iterfind(".//opf:item", NS)}
        return [hrefs[r.get("idref")] for r in self.opf.iterfind(".//opf:itemref", NS)]

    def toc(self) -> list[tuple[str, list[str]]]:
        """The navigation's top entries, each with its children's titles."""
        nav = self.xml("nav.xhtml").find(".//h:nav[@epub:type='toc']/h:ol", NS)
        return [
            (li.find("h:a", NS).text, [a.text for a in li.iterfind("h:ol/h:li/h:a", NS)])
            for li in nav.iterfind("h:li", NS)
        ]

    def text(self, name: str) -> str:
        """The body's text, note reference marks left out."""
        root = self.xml(name)
        for ref in root.iterfind(".//h:a[@epub:type='noteref']", NS):
            ref.text = ""
            for child in ref:
                ref.remove(child)
        return "".join(root.find("h:body", NS).itertext())


def speeches(srcdir: Path) -> dict[str, dict[str, str]]:
    """docname → front matter of each speech."""
    return {
        f"speeches/{path.stem}": yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        for path in sorted((srcdir / "speeches").glob("*.md"))
    }


def paragraphs(path: Path) -> list[str]:
    """A speech's body paragraphs as a reader sees them: MyST markup taken out."""
    body = path.read_text(encoding="utf-8").split("---", 2)[2]
    found = []
    for block in (b.strip() for b in body.split("\n\n")):
        if block and not block.startswith(("#", "(")):
            block = re.sub(r"^\[\^\w+\]: ", "", block)
            found.append(re.sub(r"\[\^\w+\]", "", block))
    return found


# -- the whole book ---------------------------------------------------------------------------


def test_the_build_prints_no_warning(books: dict[str, Built]) -> None:
    assert {name: built.warnings for name, built in books.items()} == {
        "zh-Hans": "",
        "zh-Hant": "",
    }


@pytest.mark.parametrize("edition", ["zh-Hans", "zh-Hant"])
def test_spine_and_navigation_are_the_books_order(books: dict[str, Built], edition: str) -> None:
    built = books[edition]
    book = Epub(built.whole())
    documents = [
        href for href in book.spine() if href.startswith(("_collection/parts/", "speeches/"))
    ]
    # Each year's page, then its speeches, chronologically.
    expected = []
    for year in YEARS:
        expected.append(f"_collection/parts/{year}.xhtml")
        expected += [f"{d}.xhtml" for d in sorted(speeches(built.srcdir)) if d[9:13] == year]
    assert documents == expected
    assert book.spine()[:2] == ["epub-cover.xhtml", "index.xhtml"]
    toc = book.toc()
    years = [title for title, _ in toc if title.endswith("年")]
    assert years == [f"{year}年" for year in YEARS]
    titles = [t for title, children in toc if title.endswith("年") for t in children]
    assert len(titles) == len(speeches(built.srcdir))


@pytest.mark.parametrize("edition", ["zh-Hans", "zh-Hant"])
def test_metadata_says_what_the_book_is(books: dict[str, Built], edition: str) -> None:
    book = Epub(books[edition].whole())
    traditional = edition == "zh-Hant"
    assert book.meta("opf:metadata/dc:language") == [edition]
    assert book.meta("opf:metadata/dc:identifier") == [book_identifier("speeches", edition)]
    assert book.meta("opf:metadata/dc:title") == [
        "演講集（繁體）" if traditional else "演讲集（简体）"
    ]
    assert book.meta("opf:metadata/dc:creator") == [
        "演講集編輯部" if traditional else "演讲集编辑部"
    ]
    assert book.meta("opf:metadata/dc:contributor") == ["魯迅" if traditional else "鲁迅"]
    assert book.meta("opf:metadata/dc:subject") == ["演講" if traditional else "演讲"]
    # No SOURCE_DATE_EPOCH: the day of the last speech, never the day of the build.
    assert book.meta("opf:metadata/dc:date") == ["1927-04-08"]
    assert book.meta("opf:metadata/opf:meta[@property='dcterms:modified']") == [
        "1927-04-08T00:00:00Z"
    ]
    features = book.meta("opf:metadata/opf:meta[@property='schema:accessibilityFeature']")
    assert {"tableOfContents", "readingOrder", "alternativeText"} <= set(features)
    ncx_uid = book.xml("toc.ncx").find(".//ncx:meta[@name='dtb:uid']", NS).get("content")
    assert ncx_uid == book_identifier("speeches", edition)
    assert book.xml("index.xhtml").get("lang") == edition


def test_identifiers_are_stable_and_distinct() -> None:
    names = [("zh-Hans", None), ("zh-Hant", None), ("zh-Hans", "1923"), ("zh-Hant", "1923")]
    identifiers = [book_identifier("speeches", e, p) for e, p in names]
    assert len(set(identifiers)) == 4
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, "speech-book")
    assert identifiers[0] == f"urn:uuid:{uuid.uuid5(namespace, 'speeches/zh-Hans')}"


def test_every_speech_is_there_word_for_word(books: dict[str, Built]) -> None:
    built = books["zh-Hans"]
    book = Epub(built.whole())
    for docname in speeches(built.srcdir):
        text = book.text(f"{docname}.xhtml")
        for paragraph in paragraphs(built.srcdir / f"{docname}.md"):
            assert paragraph in text, (docname, paragraph[:20])


def test_footnotes_are_epub3_notes(books: dict[str, Built]) -> None:
    book = Epub(books["zh-Hans"].whole())
    root = book.xml("speeches/1923-12-26-nala-zouhou-zenyang.xhtml")
    refs = root.findall(".//h:a[@epub:type='noteref']", NS)
    notes = root.findall(".//h:aside[@epub:type='footnote']", NS)
    assert len(refs) == len(notes) == 2
    assert {ref.get("href").lstrip("#") for ref in refs} == {note.get("id") for note in notes}


def test_cover_image_and_page(books: dict[str, Built]) -> None:
    book = Epub(books["zh-Hans"].whole())
    item = book.opf.find(".//opf:item[@properties='cover-image']", NS)
    assert item is not None and item.get("media-type") == "image/png"
    assert book.files[item.get("href")][:8] == b"\x89PNG\r\n\x1a\n"
    assert item.get("href") in book.files["epub-cover.xhtml"].decode()
    landmarks = book.xml("nav.xhtml").find(".//h:nav[@epub:type='landmarks']", NS)
    kinds = [a.get(f"{{{NS['epub']}}}type") for a in landmarks.iterfind(".//h:a", NS)]
    assert kinds == ["cover", "toc", "bodymatter"]


def landmarks(book: Epub) -> list[tuple[str, str]]:
    """The navigation document's landmarks: (epub:type, href)."""
    nav = book.xml("nav.xhtml").find(".//h:nav[@epub:type='landmarks']", NS)
    return [(a.get(f"{{{NS['epub']}}}type"), a.get("href")) for a in nav.iterfind(".//h:a", NS)]


def linked_documents(book: Epub, name: str) -> set[str]:
    """The documents the page ``name`` links to, as paths in the zip."""
    hrefs = (a.get("href").split("#")[0] for a in book.xml(name).iterfind(".//h:a[@href]", NS))
    return {posixpath.normpath(posixpath.join(posixpath.dirname(name), h)) for h in hrefs if h}


@pytest.mark.parametrize("part", [None, *YEARS])
def test_landmarks_open_on_the_contents_and_the_body(books: dict[str, Built], part: str) -> None:
    """A reader opens on the cover (the first in the spine); the landmarks a reading system
    offers as 目录 and 正文 are the page that lists every speech of the book and the first
    page of its body: the first part's title page, or in a part's EPUB its first speech.
    Both are the spine's next documents, so no page is skipped between them."""
    built = books["zh-Hans"]
    book = Epub(built.downloads / f"speeches-zh-Hans{'-' + part if part else ''}.epub")
    members = [f"{d}.xhtml" for d in speeches(built.srcdir) if part in (None, d[9:13])]
    contents = "index.xhtml" if part is None else f"_collection/parts/{part}.xhtml"
    body = f"_collection/parts/{YEARS[0]}.xhtml" if part is None else members[0]
    assert landmarks(book) == [
        ("cover", "epub-cover.xhtml"),
        ("toc", contents),
        ("bodymatter", body),
    ]
    spine = book.spine()
    assert spine[:3] == ["epub-cover.xhtml", contents, body]
    assert set(members) <= linked_documents(book, contents)
    # The first speech is the body's first page, or the page after its part's title.
    assert spine[spine.index(body) + (part is None)] == members[0]


def test_vertical_writing_is_sphinxs_writing_mode(books: dict[str, Built]) -> None:
    for edition, direction in (("zh-Hans", "ltr"), ("zh-Hant", "rtl")):
        book = Epub(books[edition].whole())
        spine = book.opf.find("opf:spine", NS)
        assert spine.get("page-progression-direction") == direction
        vertical = "_static/zh-vertical.css" in book.files
        assert vertical is (edition == "zh-Hant")
        assert ("vertical-rl" in book.files["_static/epub.css"].decode()) is vertical
        links = [link.get("href") for link in book.xml("index.xhtml").iterfind(".//h:link", NS)]
        assert "_static/zh-reading.css" in links
        assert ("_static/zh-vertical.css" in links) is vertical


# -- one EPUB per part ----------------------------------------------------------------------


def test_one_epub_per_part(books: dict[str, Built]) -> None:
    built = books["zh-Hans"]
    assert [p.name for p in built.epubs()] == [
        *(f"speeches-zh-Hans-{year}.epub" for year in YEARS),
        "speeches-zh-Hans.epub",
    ]
    for position, year in enumerate(YEARS, start=1):
        book = Epub(built.downloads / f"speeches-zh-Hans-{year}.epub")
        members = [d for d in speeches(built.srcdir) if d[9:13] == year]
        documents = [h for h in book.spine() if h.endswith(".xhtml")]
        assert documents == [
            "epub-cover.xhtml",
            f"_collection/parts/{year}.xhtml",
            *(f"{d}.xhtml" for d in members),
            "_collection/glossary.xhtml",
        ]
        assert book.meta("opf:metadata/dc:title") == [f"演讲集 · {year}年（简体）"]
        assert book.meta("opf:metadata/dc:identifier") == [
            book_identifier("speeches", "zh-Hans", year)
        ]
        collection = "opf:metadata/opf:meta[@refines='#collection'][@property='group-position']"
        assert book.meta(collection) == [str(position)]
        assert book.toc()[0] == (f"{year}年", [speeches(built.srcdir)[d]["title"] for d in members])


def test_links_out_of_a_part_go_to_the_web(books: dict[str, Built]) -> None:
    built = books["zh-Hans"]
    web = WEB.format(edition="zh-Hans")
    outside = []
    for path in built.epubs():
        book = Epub(path)
        for name in (n for n in book.files if n.endswith(".xhtml")):
            for link in book.xml(name).iterfind(".//h:a[@href]", NS):
                href = link.get("href")
                if href.startswith(web):
                    outside.append(href)
                    continue
                target = href.split("#")[0]
                if target and "://" not in target:
                    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(name), target))
                    assert resolved in book.files, (path.name, name, href)
    assert outside and all(
        re.fullmatch(re.escape(web) + r"[\w/-]+\.html(#[\w-]+)?", h) for h in outside
    )


# -- warnings, validity, bytes ------------------------------------------------------------------


def test_no_cover_is_a_warning_sphinx_can_silence(
    rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cover, "find_cjk_font", lambda **kwargs: None)
    srcdir = copy_root(rootdir, tmp_path / "src")
    warned = build(srcdir, tmp_path / "one", "zh-Hans")
    assert re.search(
        r"WARNING: no cover drawn for 演讲集（简体）: .* \[book\.epub\.no-cover\]", warned.warnings
    )
    assert "cover-image" not in Epub(warned.whole()).files["content.opf"].decode()
    quiet = build(srcdir, tmp_path / "two", "zh-Hans", suppress_warnings=["book.epub.no-cover"])
    assert quiet.warnings == ""


@pytest.mark.epubcheck
def test_epubcheck_reports_nothing(books: dict[str, Built]) -> None:
    paths = [path for built in books.values() for path in built.epubs()]
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = dict(zip(paths, pool.map(epubcheck_report, paths), strict=True))
    assert {path.name: report for path, report in reports.items() if report} == {}


def test_zip_layout_is_fixed(books: dict[str, Built]) -> None:
    with zipfile.ZipFile(books["zh-Hans"].whole()) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "mimetype"
    assert infos[0].compress_type == zipfile.ZIP_STORED and not infos[0].extra
    names = [i.filename for i in infos[1:]]
    assert names == sorted(names)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}  # a zip holds no earlier
    assert not any(n.startswith(".") or "doctrees" in n or n.endswith(".epub") for n in names)


def digests(built: Built) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in built.epubs()}


@pytest.mark.parametrize("epoch", [EPOCH, None], ids=["SOURCE_DATE_EPOCH", "unset"])
def test_two_clean_builds_give_the_same_bytes(
    rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, epoch: str | None
) -> None:
    if epoch:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    # Other folders: no path may leak into the bytes.
    first = build(copy_root(rootdir, tmp_path / "a" / "src"), tmp_path / "a" / "out", "zh-Hant")
    second = build(copy_root(rootdir, tmp_path / "b" / "src"), tmp_path / "b" / "out", "zh-Hant")
    assert digests(first) == digests(second)
    assert len(digests(first)) == 4


def test_an_incremental_build_equals_a_clean_one(rootdir: Path, tmp_path: Path) -> None:
    srcdir = copy_root(rootdir, tmp_path / "src")
    build(srcdir, tmp_path / "out", "zh-Hans")
    speech = srcdir / "speeches" / "1924-01-17-wei-you-tiancai-zhiqian.md"
    speech.write_text(speech.read_text(encoding="utf-8") + "\n编者按：此段为测试而加。\n", "utf-8")
    (srcdir / "speeches" / "1927-04-08-geming-shidai-de-wenxue.md").unlink()
    again = build(srcdir, tmp_path / "out", "zh-Hans")
    clean = build(srcdir, tmp_path / "clean", "zh-Hans")
    assert again.warnings == clean.warnings == ""
    assert digests(again) == digests(clean)
    # Built again with nothing changed: no EPUB is written again.
    made = {path: path.stat().st_mtime_ns for path in again.epubs()}
    build(srcdir, tmp_path / "out", "zh-Hans")
    assert {path: path.stat().st_mtime_ns for path in again.epubs()} == made
    assert "编者按：此段为测试而加。" in Epub(again.whole()).text(f"speeches/{speech.stem}.xhtml")


# -- seen: a chapter in Chromium, set in a CJK font ---------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("edition", ["zh-Hans", "zh-Hant"])
def test_chapter_renders_in_a_cjk_font(
    books: dict[str, Built], edition: str, tmp_path: Path, artefacts: Path
) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with zipfile.ZipFile(books[edition].whole()) as archive:
        archive.extractall(tmp_path)
    shutil.copyfile(tmp_path / "_static" / "cover.png", artefacts / f"epub-cover-{edition}.png")
    chapter = tmp_path / "speeches" / "1923-12-26-nala-zouhou-zenyang.xhtml"
    with debian_chromium() as browser:
        page = browser.new_page(viewport={"width": 720, "height": 960})
        page.goto(chapter.as_uri())
        page.wait_for_load_state("load")
        # The whole page: a vertical one starts at the right, beyond a viewport shot.
        page.screenshot(path=str(artefacts / f"epub-chapter-{edition}.png"), full_page=True)
        style = page.evaluate(
            """() => {
                const s = getComputedStyle(document.querySelector('div.body section > p'));
                return [s.fontSize, s.lineHeight, getComputedStyle(document.body).writingMode];
            }"""
        )
        cdp = page.context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "div.body section > p"})
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
    font_size, line_height, writing_mode = style
    assert float(line_height.removesuffix("px")) >= 1.7 * float(font_size.removesuffix("px"))
    assert writing_mode == ("vertical-rl" if edition == "zh-Hant" else "horizontal-tb")
    # The glyphs of the paragraph come from a CJK face, not from a fallback box font.
    cjk = [f for f in fonts if re.search(r"CJK|\b(SC|TC|HK)\b|Han|Song|Ming", f["familyName"])]
    assert cjk, fonts
    assert sum(f["glyphCount"] for f in cjk) >= 0.9 * sum(f["glyphCount"] for f in fonts)
