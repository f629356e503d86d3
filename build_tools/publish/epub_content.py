"""The XHTML side of the EPUB: language, reading CSS, EPUB 3 notes, cover page, navigation.

Each function edits a ``Package`` in place and touches only what its name says. The steps for
every document pass the finished ones by (``Documents.to_dress``); the steps that look across
the book read each document's ``Facts`` and parse only the documents they change.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from importlib import resources

from lxml import etree

from build_tools.publish.epub_documents import (
    EPUB,
    NCX,
    NS,
    XHTML,
    XML,
    is_external,
    relative_href,
    resolve_href,
)
from build_tools.publish.epub_package import XHTML_TYPE, Package

STATIC = resources.files("build_tools.publish") / "epub_static"
READING_CSS = "_static/zh-reading.css"
VERTICAL_CSS = "_static/zh-vertical.css"
COVER_PAGE = "cover.xhtml"
NCX_TYPE = "application/x-dtbncx+xml"


@dataclass(frozen=True)
class Words:
    """The few words the EPUB machinery adds to the book, in the edition's script."""

    toc: str
    cover: str
    landmarks: str
    bodymatter: str
    glossary: str


SIMPLIFIED = Words(toc="目录", cover="封面", landmarks="导览", bodymatter="正文", glossary="术语表")
TRADITIONAL = Words(
    toc="目錄", cover="封面", landmarks="導覽", bodymatter="正文", glossary="術語表"
)


def _h(tag: str) -> str:
    return f"{{{XHTML}}}{tag}"


def _epub_type(element: etree._Element, value: str) -> None:
    element.set(f"{{{EPUB}}}type", value)


# -- every document -------------------------------------------------------------------------


def set_language(package: Package, tag: str) -> None:
    """``lang`` and ``xml:lang`` on every document's root: screen readers and fonts use it."""
    for _, root in package.docs.to_dress():
        root.set("lang", tag)
        root.set(f"{{{XML}}}lang", tag)


def link_stylesheets(package: Package, *, vertical: bool) -> None:
    """Add the reading CSS (and the vertical-writing CSS) after each document's own styles."""
    sheets = [READING_CSS] + ([VERTICAL_CSS] if vertical else [])
    for number, href in enumerate(sheets):
        content = (STATIC / posixpath.basename(href)).read_bytes()
        package.add(href, content, item_id=f"book-css-{number}", media_type="text/css")
    nav_href = package.nav_href()
    for doc_href, root in package.docs.to_dress():
        head = root.find("h:head", NS)
        if head is None or doc_href == nav_href:
            continue
        linked = {link.get("href") for link in head.iterfind("h:link", NS)}
        for href in sheets:
            if relative_href(doc_href, href) in linked:
                continue  # a part EPUB is dressed a second time
            link = etree.SubElement(head, _h("link"))
            link.set("rel", "stylesheet")
            link.set("type", "text/css")
            link.set("href", relative_href(doc_href, href))


def mark_notes(package: Package) -> int:
    """Make docutils' footnotes EPUB 3 notes, so readers show them as pop-ups: the reference
    gets ``epub:type="noteref"``, the note (already an ``<aside>``) ``epub:type="footnote"``.
    Returns the number of notes it marked (finished documents have theirs already)."""
    count = 0
    for _, root in package.docs.to_dress():
        for link in root.iterfind(".//h:a[@role='doc-noteref']", NS):
            _epub_type(link, "noteref")
        for note in root.iterfind(".//h:aside[@role='doc-footnote']", NS):
            _epub_type(note, "footnote")
            count += 1
    return count


# -- the cover page -------------------------------------------------------------------------


def add_cover(
    package: Package, image: bytes, *, suffix: str, media_type: str, alt: str, words: Words
) -> None:
    """The cover image (``properties="cover-image"``) and a cover page first in the spine."""
    image_href = f"cover{suffix}"
    package.add(
        image_href, image, item_id="cover-image", media_type=media_type, properties="cover-image"
    )
    page = etree.fromstring(
        f'<html xmlns="{XHTML}" xmlns:epub="{EPUB}"><head><meta charset="utf-8"/>'
        f'<title></title></head><body class="cover"><section epub:type="cover">'
        f'<img src="{image_href}" alt=""/></section></body></html>'
    )
    page.find("h:head/h:title", NS).text = words.cover
    page.find(".//h:img", NS).set("alt", alt)
    package.add(COVER_PAGE, page, item_id="cover-page", media_type=XHTML_TYPE, spine_at=0)


# -- navigation -----------------------------------------------------------------------------


@dataclass
class NavEntry:
    """One entry of the table of contents; ``href`` is a manifest href (no fragment)."""

    title: str
    href: str
    fragment: str = ""
    children: list[NavEntry] = field(default_factory=list)

    def walk(self) -> list[NavEntry]:
        return [self, *(entry for child in self.children for entry in child.walk())]


def read_nav(package: Package) -> list[NavEntry]:
    """The ``toc`` navigation as a tree."""
    nav_href = package.nav_href()
    toc = package.docs.read(nav_href).find(".//h:nav[@epub:type='toc']", NS)
    if toc is None:
        return []

    def entries(ol: etree._Element | None) -> list[NavEntry]:
        found = []
        for li in ol.findall("h:li", NS) if ol is not None else []:
            link = li.find("h:a", NS)
            if link is None:
                continue
            href, fragment = resolve_href(nav_href, link.get("href", ""))
            title = "".join(link.itertext()).strip()
            found.append(NavEntry(title, href, fragment, entries(li.find("h:ol", NS))))
        return found

    return entries(toc.find("h:ol", NS))


def write_nav(
    package: Package,
    entries: list[NavEntry],
    *,
    words: Words,
    landmarks: list[tuple[str, str, str]],
) -> None:
    """Rewrite the navigation document: the ``toc`` from ``entries``, titled in the edition's
    script, and ``landmarks`` (epub:type, href, title) for readers' "go to" menus."""
    nav_href = package.nav_href()
    root = package.docs[nav_href]
    root.find("h:head/h:title", NS).text = words.toc
    body = root.find("h:body", NS)
    for child in list(body):
        body.remove(child)
    toc = etree.SubElement(body, _h("nav"))
    _epub_type(toc, "toc")
    toc.set("id", "toc")
    etree.SubElement(toc, _h("h1")).text = words.toc
    toc.append(_nav_list(entries, nav_href))
    if landmarks:
        marks = etree.SubElement(body, _h("nav"))
        _epub_type(marks, "landmarks")
        marks.set("hidden", "hidden")
        etree.SubElement(marks, _h("h2")).text = words.landmarks
        ol = etree.SubElement(marks, _h("ol"))
        for kind, href, title in landmarks:
            link = etree.SubElement(etree.SubElement(ol, _h("li")), _h("a"))
            _epub_type(link, kind)
            link.set("href", relative_href(nav_href, href))
            link.text = title
    _indent(body)


def _nav_list(entries: list[NavEntry], nav_href: str) -> etree._Element:
    ol = etree.Element(_h("ol"))
    for entry in entries:
        li = etree.SubElement(ol, _h("li"))
        link = etree.SubElement(li, _h("a"))
        target = relative_href(nav_href, entry.href)
        link.set("href", f"{target}#{entry.fragment}" if entry.fragment else target)
        link.text = entry.title
        if entry.children:
            li.append(_nav_list(entry.children, nav_href))
    return ol


def _indent(element: etree._Element) -> None:
    etree.indent(element, space="  ", level=1)
    element.tail = "\n"


def write_ncx(package: Package, entries: list[NavEntry], *, identifier: str, title: str) -> None:
    """Regenerate the EPUB 2 ``toc.ncx`` from the navigation, for old readers. Its ``dtb:uid``
    must equal the package's identifier."""
    item = next((i for i in package.manifest() if i.get("media-type") == NCX_TYPE), None)
    if item is None:
        return
    ncx_href = item.get("href", "")
    root = etree.Element(f"{{{NCX}}}ncx", nsmap={None: NCX}, version="2005-1")
    head = etree.SubElement(root, f"{{{NCX}}}head")
    depth = max((_depth(e) for e in entries), default=1)
    for name, content in (
        ("dtb:uid", identifier),
        ("dtb:depth", str(depth)),
        ("dtb:totalPageCount", "0"),
        ("dtb:maxPageNumber", "0"),
    ):
        etree.SubElement(head, f"{{{NCX}}}meta", name=name, content=content)
    doc_title = etree.SubElement(root, f"{{{NCX}}}docTitle")
    etree.SubElement(doc_title, f"{{{NCX}}}text").text = title
    nav_map = etree.SubElement(root, f"{{{NCX}}}navMap")
    order = iter(range(1, 1_000_000))

    def add(parent: etree._Element, entry: NavEntry) -> None:
        number = next(order)
        point = etree.SubElement(
            parent, f"{{{NCX}}}navPoint", id=f"navPoint{number}", playOrder=str(number)
        )
        label = etree.SubElement(point, f"{{{NCX}}}navLabel")
        etree.SubElement(label, f"{{{NCX}}}text").text = entry.title
        src = relative_href(ncx_href, entry.href)
        etree.SubElement(
            point, f"{{{NCX}}}content", src=f"{src}#{entry.fragment}" if entry.fragment else src
        )
        for child in entry.children:
            add(point, child)

    for entry in entries:
        add(nav_map, entry)
    etree.indent(root, space="  ")
    package.data[ncx_href] = etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", pretty_print=True
    )


def _depth(entry: NavEntry) -> int:
    return 1 + max((_depth(c) for c in entry.children), default=0)


def glossary_pages(package: Package) -> list[str]:
    """The documents that define glossary terms: Sphinx's ``{glossary}`` and the collection's
    glossary page both give each term an id ``term-…`` (``term-0``, ``term-wusi-yundong``)."""
    docs = package.docs
    return [href for href in package.spine() if href in docs and docs.facts(href).defines_terms]


# -- links ----------------------------------------------------------------------------------


def rewrite_outside_links(package: Package, web_url: str | None) -> int:
    """Links to documents that are not in this package (a part EPUB's links to other parts)
    go to the web edition (``web_url`` + docname + ``.html``) or, without ``web_url``,
    become plain text. Returns the number of links changed."""

    def outside(href: str) -> bool:
        return href not in package.docs and href not in package.data

    changed = 0
    for doc_href in list(package.docs):
        if not any(outside(href) for href in package.docs.facts(doc_href).reaches):
            continue  # left stored
        for link in list(package.docs[doc_href].iterfind(".//h:a[@href]", NS)):
            target = link.get("href", "")
            if is_external(target):
                continue
            href, fragment = resolve_href(doc_href, target)
            if not outside(href):
                continue
            changed += 1
            if web_url:
                page = href.removesuffix(".xhtml") + ".html"
                link.set("href", web_url + page + (f"#{fragment}" if fragment else ""))
            else:
                _unwrap(link)
    return changed


def _unwrap(link: etree._Element) -> None:
    """Turn ``<a>`` into ``<span>`` with the same content: the text stays, the link goes."""
    for name in list(link.attrib):
        if name != "class":
            del link.attrib[name]
    link.tag = _h("span")


def drop_unreachable(package: Package) -> list[str]:
    """Remove the non-linear documents no link leads to (Sphinx puts documents outside every
    toctree in the spine with ``linear="no"``; EPUBCheck rejects them unless something links
    to them, OPF-096). Returns their hrefs."""
    dropped: list[str] = []
    reaches = {href: package.docs.facts(href).reaches for href in package.docs}
    while True:
        linked = set().union(*(reaches[href] for href in package.docs))
        hrefs = package.hrefs_by_id()
        idrefs = [
            ref.get("idref", "")
            for ref in package.element("spine").findall("opf:itemref", NS)
            if ref.get("linear") == "no"
        ]
        unreachable = [hrefs[i] if i in hrefs else package.href_of(i) for i in idrefs]
        unreachable = [href for href in unreachable if href not in linked]
        if not unreachable:
            return dropped
        package.remove_all(unreachable)
        dropped += unreachable


def broken_links(package: Package) -> list[str]:
    """Every internal link whose target file or fragment is missing, as "from -> to"."""
    facts = {href: package.docs.facts(href) for href in package.docs}
    broken = []
    for doc_href, known in facts.items():
        for target, href, fragment in known.references:
            missing_file = href not in facts and href not in package.data
            missing_id = bool(fragment) and href in facts and fragment not in facts[href].ids
            if missing_file or missing_id:
                broken.append(f"{doc_href} -> {target}")
    return broken
