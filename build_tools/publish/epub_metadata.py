"""The package document's metadata: Dublin Core, identifier, dates, accessibility, direction.

``write_metadata`` replaces the whole ``<metadata>`` Sphinx wrote, so nothing of the EPUB
builder's defaults ("unknown" identifier, build-time date, English guide titles) survives.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from lxml import etree

from build_tools.publish.epub_documents import DC, NS, OPF
from build_tools.publish.epub_package import Package

#: UUID5 namespace of the book identifiers: uuid5(NAMESPACE_URL, "speech-book").
BOOK_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "speech-book")

#: The EPUB Accessibility 1.1 conformance claim. Level A, not AA: the texts quote Latin-script
#: titles and words (German, English, Japanese romaji) without marking their language, which
#: WCAG 2.1 success criterion 3.1.2 (Language of Parts, level AA) requires.
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level A"

SUMMARY = {
    False: (
        "本书为可重排的文字版电子书，内容以文字为主，封面图片附有文字说明。"
        "目录列出各部分与各篇，标题层级与阅读顺序一致；注释为可弹出的脚注，可双向跳转。"
    ),
    True: (
        "本書為可重排的文字版電子書，內容以文字為主，封面圖片附有文字說明。"
        "目錄列出各部分與各篇，標題層級與閱讀順序一致；註釋為可彈出的腳註，可雙向跳轉。"
    ),
}


def book_identifier(slug: str, edition: str, part: str | None = None) -> str:
    """The identifier of a book, the same for every build of the same collection and edition:
    ``urn:uuid:`` + UUID5 of ``<slug>/<edition>`` (``/<part key>`` for one part)."""
    name = "/".join(p for p in (slug, edition, part) if p)
    return f"urn:uuid:{uuid.uuid5(BOOK_NAMESPACE, name)}"


@dataclass(frozen=True)
class Record:
    """Everything ``<metadata>`` says, already in the edition's script."""

    identifier: str
    title: str
    language: str  #: BCP 47, the edition: "zh-Hant"
    creator: str  #: the editor of the collection
    publisher: str
    rights: str
    epoch: int  #: gives dc:date (the day) and dcterms:modified (the second)
    description: str
    subjects: tuple[str, ...]
    traditional: bool
    has_cover: bool
    collection: tuple[str, int] | None = None  #: (collection title, position) for a part


def write_metadata(package: Package, record: Record, *, vertical: bool) -> None:
    """Replace the package document's metadata, and set its identifier, language, spine
    direction and guide to match."""
    opf = package.opf
    opf.set("version", "3.0")
    opf.set("unique-identifier", "book-id")
    opf.set("{http://www.w3.org/XML/1998/namespace}lang", record.language)
    # Only undeclared prefixes need declaring: a11y, dcterms, marc, schema are reserved.
    opf.set(
        "prefix", "ibooks: http://vocabulary.itunes.apple.com/rdf/ibooks/vocabulary-extensions-1.0/"
    )

    old = package.element("metadata")
    metadata = etree.Element(f"{{{OPF}}}metadata", nsmap={"dc": DC, "opf": OPF})
    old.getparent().replace(old, metadata)

    def dc(name: str, text: str, **attributes: str) -> None:
        element = etree.SubElement(metadata, f"{{{DC}}}{name}", attributes)
        element.text = text

    def meta(prop: str, text: str, **attributes: str) -> None:
        element = etree.SubElement(metadata, f"{{{OPF}}}meta", {"property": prop, **attributes})
        element.text = text

    moment = time.gmtime(record.epoch)
    dc("identifier", record.identifier, id="book-id")
    dc("title", record.title, id="title")
    dc("language", record.language)
    dc("creator", record.creator, id="creator")
    meta("role", "edt", refines="#creator", scheme="marc:relators")
    dc("publisher", record.publisher)
    dc("rights", record.rights)
    dc("date", time.strftime("%Y-%m-%d", moment))
    if record.description:
        dc("description", record.description)
    for subject in record.subjects:
        dc("subject", subject)
    meta("dcterms:modified", time.strftime("%Y-%m-%dT%H:%M:%SZ", moment))
    if record.collection:
        name, position = record.collection
        meta("belongs-to-collection", name, id="collection")
        meta("collection-type", "series", refines="#collection")
        meta("group-position", str(position), refines="#collection")

    meta("schema:accessMode", "textual")
    if record.has_cover:
        meta("schema:accessMode", "visual")
    meta("schema:accessModeSufficient", "textual")
    features = ["structuralNavigation", "tableOfContents", "readingOrder"]
    features += ["alternativeText"] if record.has_cover else []
    features += ["displayTransformability"]
    for feature in features:
        meta("schema:accessibilityFeature", feature)
    meta("schema:accessibilityHazard", "none")
    meta("schema:accessibilitySummary", SUMMARY[record.traditional])
    meta("dcterms:conformsTo", CONFORMS_TO)
    meta("a11y:certifiedBy", record.publisher)
    meta("ibooks:specified-fonts", "true")
    if record.has_cover:
        # EPUB 2 readers (and Kindle's converter) find the cover by this name.
        etree.SubElement(metadata, f"{{{OPF}}}meta", name="cover", content="cover-image")
    etree.indent(metadata, space="    ", level=1)
    metadata.tail = "\n  "

    spine = package.element("spine")
    spine.set("page-progression-direction", "rtl" if vertical else "ltr")


def write_guide(package: Package, references: list[tuple[str, str, str]]) -> None:
    """The EPUB 2 ``<guide>`` (type, title, href), kept for readers that still use it."""
    guide = package.opf.find("opf:guide", NS)
    if guide is None:
        guide = etree.SubElement(package.opf, f"{{{OPF}}}guide")
    for child in list(guide):
        guide.remove(child)
    for kind, title, href in references:
        etree.SubElement(guide, f"{{{OPF}}}reference", type=kind, title=title, href=href)
    if not len(guide):
        package.opf.remove(guide)
    else:
        etree.indent(guide, space="    ", level=1)
