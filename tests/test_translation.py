"""A speech's parallel translation is marked as English (``lang``, and ``xml:lang`` in the
EPUB's XHTML, Typst's ``lang: "en"`` in the PDF), so screen readers and fonts treat it as
English and Typst justifies and hyphenates it as English; the speech stays Chinese."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pypdf
import pytest
from bs4 import BeautifulSoup, Tag
from epub_validator import epubcheck_report
from lxml import etree
from sphinx_build import Build, build

from build_tools.sphinx_ext.typst_writer import foreign_call

pytestmark = [
    pytest.mark.build,
    *(
        pytest.mark.filterwarnings(f"ignore::sphinx.deprecation.RemovedInSphinx11Warning:{m}")
        for m in ("sphinx_sitemap", "sphinx_book_theme", "myst_parser", "pydata_sphinx_theme")
    ),
]

REPORT = "speeches/2024-03-05-zhengfu-gongzuo-baogao"  #: as the importer writes it
FRENCH = "speeches/2024-03-06-fayu-yiwen"  #: ``translation language-fr``, by hand
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XHTML = {"h": "http://www.w3.org/1999/xhtml"}


@pytest.fixture(scope="module")
def builds(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Build]:
    srcdir = tmp_path_factory.mktemp("translation") / "src"
    shutil.copytree(rootdir / "test-translation", srcdir)
    return {builder: build(srcdir, builder=builder) for builder in ("html", "epub")}


def translation(html: str) -> Tag:
    [container] = BeautifulSoup(html, "html.parser").select("div.translation")
    return container


def test_the_builds_print_no_warning(builds: dict[str, Build]) -> None:
    assert {name: b.warnings for name, b in builds.items()} == {"html": "", "epub": ""}


def test_html_marks_the_translation_english_and_nothing_else(builds: dict[str, Build]) -> None:
    page = (builds["html"].outdir / f"{REPORT}.html").read_text(encoding="utf-8")
    container = translation(page)
    assert container["lang"] == "en"
    assert container["class"] == ["translation", "docutils", "container"]
    assert "Fellow Deputies," in container.get_text()
    article = BeautifulSoup(page, "html.parser").select_one("article")
    assert article is not None
    assert [e.name for e in article.select("[lang]")] == ["div"]  # the speech stays zh


def test_a_translation_that_names_its_language_keeps_it(builds: dict[str, Build]) -> None:
    page = (builds["html"].outdir / f"{FRENCH}.html").read_text(encoding="utf-8")
    assert translation(page)["lang"] == "fr"


def epub_document(builds: dict[str, Build], docname: str) -> etree._Element:
    epub = builds["epub"].outdir.parent / "downloads" / "speeches-zh-Hans.epub"
    with zipfile.ZipFile(epub) as archive:
        return etree.fromstring(archive.read(f"{docname}.xhtml"))


def test_epub_marks_the_translation_with_lang_and_xml_lang(builds: dict[str, Build]) -> None:
    root = epub_document(builds, REPORT)
    assert (root.get("lang"), root.get(XML_LANG)) == ("zh-Hans", "zh-Hans")
    [container] = root.xpath("//h:div[contains(@class, 'translation')]", namespaces=XHTML)
    assert (container.get("lang"), container.get(XML_LANG)) == ("en", "en")
    [french] = epub_document(builds, FRENCH).xpath(
        "//h:div[contains(@class, 'translation')]", namespaces=XHTML
    )
    assert (french.get("lang"), french.get(XML_LANG)) == ("fr", "fr")


@pytest.mark.epubcheck
def test_epubcheck_accepts_the_marked_translation(builds: dict[str, Build]) -> None:
    epub = builds["epub"].outdir.parent / "downloads" / "speeches-zh-Hans.epub"
    assert epubcheck_report(epub) == []


# -- the PDF: the translation typeset as English ---------------------------------------------


@pytest.fixture(scope="module")
def pdf(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> Build:
    srcdir = tmp_path_factory.mktemp("translation-pdf") / "src"
    shutil.copytree(rootdir / "test-translation", srcdir)
    return build(srcdir, builder="pdf")


def foreign_blocks(markup: str) -> list[tuple[str, str]]:
    """Each ``#foreign(...)[...]`` block of a document's Typst markup: (call, body)."""
    return re.findall(r"^#(foreign\([^)]*\))\[\n(.*?)\n\]$", markup, flags=re.M | re.S)


@pytest.mark.parametrize(
    ("tag", "call"),
    [
        ("en", 'foreign(lang: "en")'),
        ("en-gb", 'foreign(lang: "en", region: "GB")'),
        ("zh-hant-tw", 'foreign(lang: "zh", region: "TW")'),
        ("x-klingon", None),
    ],
)
def test_a_language_class_becomes_typsts_lang_and_region(tag: str, call: str | None) -> None:
    assert foreign_call(tag) == call


def test_pdf_sets_exactly_the_translation_in_english(pdf: Build) -> None:
    """The translation's text, and nothing else, is inside ``#foreign(lang: "en")[...]``, so
    Typst justifies and hyphenates it as English; the hand-marked French says French."""
    assert "WARNING" not in pdf.warnings, pdf.warnings
    markup = (pdf.outdir / "typst" / "docs" / f"{REPORT}.typ").read_text(encoding="utf-8")
    [(call, body)] = foreign_blocks(markup)
    assert call == 'foreign(lang: "en")'
    strings = "".join(re.findall(r'#"((?:[^"\\]|\\.)*)"', body))
    assert strings == (
        "English translation"
        "Report on the Work of the Government"
        "Fellow Deputies,"
        "On behalf of the State Council, I will now report to you on the work of the "
        "government for your deliberation."
    )
    outside = markup.replace(body, "")
    assert "各位代表" in outside and not re.search(
        r"[A-Za-z]{4,}", "".join(re.findall(r'#"((?:[^"\\]|\\.)*)"', outside))
    )
    french = (pdf.outdir / "typst" / "docs" / f"{FRENCH}.typ").read_text(encoding="utf-8")
    assert [call for call, _ in foreign_blocks(french)] == ['foreign(lang: "fr")']


def test_pdf_prints_the_translation_in_a_latin_face(pdf: Build) -> None:
    [book] = pdf.outdir.glob("speeches-zh-Hans.pdf")
    reader = pypdf.PdfReader(book)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Fellow Deputies," in text and "各位代表" in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    assert any("LibertinusSerif" in font for font in fonts), fonts
