"""The parts of the book (years, categories or speakers) and one package per part.

How part membership is known: from the whole book's own navigation. The root page's toctree
lists the part pages, and each part page's toctree lists its speeches, so in the EPUB's
``nav.xhtml`` every top-level entry whose children are *other documents* is a part and its
subtree is the part's content. Top-level entries without such children (the root page, the
glossary, the indexes, or a speech whose children are only its own sections) are front and
back matter, not parts. No second source of truth: whatever the collection pages put
in the toctree is what the part EPUBs contain.

The part key (in the file name ``<slug>-<edition>-<key>.epub``) is the part page's file name:
``_collection/parts/1923.xhtml`` gives ``1923``; the collection pages name them with ASCII keys
(the year, ``undated`` or a slug), and anything else is reduced to ``[a-z0-9-]``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from build_tools.publish.epub_content import (
    COVER_PAGE,
    NavEntry,
    glossary_pages,
    read_nav,
)
from build_tools.publish.epub_documents import resolve_href
from build_tools.publish.epub_package import Package

_NOT_KEY = re.compile(r"[^a-z0-9]+")
#: ``url(file.png)`` or ``url("file.png")`` in a stylesheet.
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")


@dataclass(frozen=True)
class Part:
    """One part of the whole book, as its navigation shows it."""

    key: str  #: ASCII, for the file name: "1923"
    title: str  #: the nav title, in the edition's script: "1923年"
    position: int  #: 1-based, in reading order
    entry: NavEntry  #: the part page and its speeches
    members: tuple[str, ...]  #: the part's documents (manifest hrefs), in spine order

    @property
    def docnames(self) -> tuple[str, ...]:
        return tuple(href.removesuffix(".xhtml") for href in self.members)


def part_key(href: str) -> str:
    """``part_key("_collection/parts/1923.xhtml")`` is ``"1923"``; other names are slugged."""
    stem = PurePosixPath(href).stem
    return _NOT_KEY.sub("-", stem.lower()).strip("-")


def find_parts(package: Package) -> list[Part]:
    """The parts of a whole-book package, or ``[]`` when the book has fewer than two (a flat
    list of speeches, or everything in one part: no volume would be smaller than the book)."""
    spine = {href: number for number, href in enumerate(package.spine())}
    tops = [e for e in read_nav(package) if any(c.href != e.href for c in e.children)]
    if len(tops) < 2:
        return []
    parts: list[Part] = []
    taken: set[str] = set()
    for position, entry in enumerate(tops, start=1):
        key = part_key(entry.href) or f"part{position}"
        if key in taken:
            key = f"{key}-{position}"
        taken.add(key)
        members = sorted({e.href for e in entry.walk() if e.href in spine}, key=lambda h: spine[h])
        parts.append(Part(key, entry.title, position, entry, tuple(members)))
    return parts


def shared_documents(whole: Package, shared: Collection[str] | None) -> list[str]:
    """The hrefs of the documents every part carries, in the whole book's order: ``shared``
    names them (docnames); ``None`` means the glossary pages, so that term links keep working
    offline."""
    if shared is None:
        return glossary_pages(whole)
    return [href for name in shared if (href := f"{name}.xhtml") in whole.docs]


def part_nav(part: Part, *, shared: Sequence[str], nav: Sequence[NavEntry]) -> list[NavEntry]:
    """The part's navigation: its own entry, then those of the ``shared`` documents, taken
    from the whole book's navigation ``nav`` (``read_nav``)."""
    return [part.entry, *(entry for entry in nav if entry.href in shared)]


def part_package(whole: Package, part: Part, *, shared: Sequence[str]) -> Package:
    """A copy of the whole book reduced to one part.

    ``shared`` (from ``shared_documents``) are the documents every part carries as well. The
    whole book's cover goes: the caller gives the part its own. Links to the documents left
    out still point at them: ``rewrite_outside_links`` sends them to the web edition or makes
    them text.
    """
    keep = {*part.members, *shared, whole.nav_href()}
    package = whole.select(keep - {COVER_PAGE})
    package.remove_all(
        item.get("href", "")
        for item in package.manifest()
        if "cover-image" in item.get("properties", "").split()
    )
    _drop_unused_images(package)
    return package


def _drop_unused_images(package: Package) -> None:
    """Images only the left-out documents showed (the cover is replaced by the caller).
    An image a stylesheet names (``url(file.png)``) counts as used."""
    used: set[str] = set()
    for doc_href in package.docs:
        used |= package.docs.facts(doc_href).images
    for css_href, content in package.data.items():
        if css_href.endswith(".css"):
            for url in CSS_URL.findall(content.decode("utf-8", "replace")):
                used.add(resolve_href(css_href, url)[0])
    for item in package.manifest():
        href = item.get("href", "")
        is_image = item.get("media-type", "").startswith("image/")
        if is_image and href not in used and "cover-image" not in item.get("properties", ""):
            package.remove(href)
