"""A speech's parallel translation is marked as English (``lang``, and ``xml:lang`` in the
EPUB's XHTML), so screen readers and fonts treat it as English; the speech stays Chinese."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from epub_validator import epubcheck_report
from lxml import etree
from sphinx_build import Build, build

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
