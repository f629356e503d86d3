"""An EPUB's XHTML documents: parsed when a step needs their tree, bytes until then.

A document is ``Stored`` until something asks for its tree (``Documents``): its bytes (read,
or inflated from the cache, only when needed) and, read once, its ``Facts``: what the steps
that look across the whole book need of it (the documents it links to, its ids, its images,
whether it is a glossary). A stored document can be *finished*: its bytes are already what
the book publishes (a part cut from the finished whole book, or a document dressed alike by
an earlier run), and dressing passes it by. Also here: the namespaces, and the hrefs between
manifest files.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import posixpath
import re
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass

from lxml import etree

from build_tools.errors import BuildError

OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
XHTML = "http://www.w3.org/1999/xhtml"
EPUB = "http://www.idpf.org/2007/ops"
XML = "http://www.w3.org/XML/1998/namespace"
CONTAINER = "urn:oasis:names:tc:opendocument:xmlns:container"
NCX = "http://www.daisy.org/z3986/2005/ncx/"
NS = {"opf": OPF, "dc": DC, "h": XHTML, "epub": EPUB, "c": CONTAINER, "ncx": NCX}

BAD_XML = "{path}: not well-formed XML ({error}); the EPUB builder's output cannot be edited"

_PARSER = etree.XMLParser(resolve_entities=False, remove_blank_text=False, no_network=True)


def parse(data: bytes, name: str) -> etree._Element:
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as error:
        raise BuildError(BAD_XML.format(path=name, error=error)) from error


# -- documents ------------------------------------------------------------------------------

#: What can link to or show another file, in document order (XPath runs in C).
_REFERRERS = etree.XPath("//h:a | //h:img | //h:link", namespaces=NS)
_A, _IMG = f"{{{XHTML}}}a", f"{{{XHTML}}}img"
_IDS = etree.XPath("//@id", smart_strings=False)  # plain strings: no hold on the tree
#: Whether a document has an element with a ``term-…`` id: it defines glossary terms.
_HAS_TERM = etree.XPath("boolean(//*[starts-with(@id, 'term-')])")
#: A link that leaves the book: "https:", "mailto:" ... (a scheme before any "/", "#" or "?").
EXTERNAL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class Facts:
    """What the steps that look across the whole book need of one document: which documents
    it reaches, what it shows, what can be linked to in it. Links that leave the book
    (``https:``, ``mailto:``) are not counted; the others are resolved to manifest hrefs."""

    reaches: frozenset[str]  #: the other documents its ``<a href>`` lead to
    #: (as written, href, fragment) of every ``<a>``, ``<img>``, ``<link>``, in document order
    references: tuple[tuple[str, str, str], ...]
    images: frozenset[str]  #: what its ``<img src>`` show
    ids: frozenset[str]
    defines_terms: bool  #: it has an element with a ``term-…`` id (a glossary)

    @classmethod
    def of(cls, root: etree._Element, href: str) -> Facts:
        references, reaches, images = [], set(), set()
        for element in _REFERRERS(root):
            target = element.get("href") or element.get("src")
            resolved = _resolve_internal(href, target) if target else None
            if resolved is None:
                continue
            references.append((target, *resolved))
            if element.tag == _A and element.get("href"):
                reaches.add(resolved[0])
            elif element.tag == _IMG and element.get("src"):
                images.add(resolved[0])
        return cls(
            reaches=frozenset(reaches - {href}),
            references=tuple(references),
            images=frozenset(images),
            ids=frozenset(_IDS(root)),
            defines_terms=bool(_HAS_TERM(root)),
        )


def is_external(link: str) -> bool:
    """``https://…``, ``mailto:…``: a link that leaves the book."""
    return bool(EXTERNAL.match(link))


@functools.lru_cache(maxsize=1 << 16)
def _resolve_internal(from_href: str, target: str) -> tuple[str, str] | None:
    return None if is_external(target) else resolve_href(from_href, target)


class Stored:
    """A document not parsed: its bytes (or how to get them) and, once read, its facts."""

    __slots__ = ("_data", "_load", "_sha", "facts", "finished")

    def __init__(
        self,
        data: bytes | None = None,
        *,
        load: Callable[[], bytes] | None = None,
        sha: str | None = None,
        facts: Facts | None = None,
        finished: bool = False,
    ) -> None:
        self._data, self._load, self._sha = data, load, sha
        self.facts = facts
        self.finished = finished  #: the bytes are the document as the book publishes it

    @property
    def data(self) -> bytes:
        if self._data is None:
            assert self._load is not None, "a stored document needs its bytes or a loader"
            self._data = self._load()
        return self._data

    @property
    def sha(self) -> str:
        if self._sha is None:
            self._sha = hashlib.sha256(self.data).hexdigest()
        return self._sha


class Documents(MutableMapping[str, etree._Element]):
    """A package's XHTML documents by manifest href, in manifest order.

    Asking for a document (``docs[href]``) parses it and hands its tree out to be edited;
    ``stored`` and ``facts`` neither parse nor hand out. A document's ``Facts`` are read once
    and kept until its tree is next handed out: edit a tree right after asking for it, never
    later through a reference kept from before.
    """

    def __init__(
        self,
        items: Mapping[str, etree._Element | Stored] | None = None,
        facts: Mapping[str, Facts] | None = None,
    ) -> None:
        self._items: dict[str, etree._Element | Stored] = dict(items or {})
        self._facts: dict[str, Facts] = dict(facts or {})  #: of parsed documents

    def __getitem__(self, href: str) -> etree._Element:
        item = self._items[href]
        if isinstance(item, Stored):
            item = self._items[href] = parse(item.data, href)
        self._facts.pop(href, None)
        return item

    def __setitem__(self, href: str, value: etree._Element | Stored) -> None:  # type: ignore[override]
        self._items[href] = value
        self._facts.pop(href, None)

    def __delitem__(self, href: str) -> None:
        del self._items[href]
        self._facts.pop(href, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, href: object) -> bool:
        return href in self._items

    def discard(self, href: str) -> None:
        if href in self._items:
            del self[href]

    def read(self, href: str) -> etree._Element:
        """The document's tree to read, not to edit: a stored document stays stored (this
        parses a copy each time)."""
        item = self._items[href]
        return parse(item.data, href) if isinstance(item, Stored) else item

    def stored(self, href: str) -> Stored | None:
        """The document as bytes, if nothing has parsed it yet."""
        item = self._items[href]
        return item if isinstance(item, Stored) else None

    def facts(self, href: str) -> Facts:
        """The document's ``Facts``; a stored document stays stored."""
        item = self._items[href]
        if isinstance(item, Stored):
            if item.facts is None:
                item.facts = Facts.of(parse(item.data, href), href)
            return item.facts
        if href not in self._facts:
            self._facts[href] = Facts.of(item, href)
        return self._facts[href]

    def to_dress(self) -> Iterator[tuple[str, etree._Element]]:
        """Every document but the finished stored ones, parsed: what dressing edits."""
        for href, item in list(self._items.items()):
            if not (isinstance(item, Stored) and item.finished):
                yield href, self[href]

    def copy(self, keep: Callable[[str], bool] = lambda href: True) -> Documents:
        """The documents ``keep`` accepts: stored ones shared (bytes do not change), parsed
        ones copied."""
        items = {
            href: item if isinstance(item, Stored) else copy.deepcopy(item)
            for href, item in self._items.items()
            if keep(href)
        }
        return Documents(items, {href: f for href, f in self._facts.items() if href in items})


@functools.lru_cache(maxsize=1 << 16)
def relative_href(from_href: str, to_href: str) -> str:
    """The link from one manifest file to another: ``relative_href("a/b.xhtml", "c.css")``
    is ``"../c.css"``."""
    start, target = from_href.split("/")[:-1], to_href.split("/")
    if _UNUSUAL.intersection(start + target):
        folder = posixpath.dirname(from_href) or "."
        return posixpath.relpath(to_href, folder)  # reads the working directory: slow
    common = 0
    while common < min(len(start), len(target) - 1) and start[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:])


#: Path segments ``relative_href`` leaves to ``posixpath`` (manifest hrefs have none).
_UNUSUAL = frozenset({"", ".", ".."})


@functools.lru_cache(maxsize=1 << 16)  # every part resolves the shared pages' links again
def resolve_href(from_href: str, link: str) -> tuple[str, str]:
    """The manifest href and fragment a relative link in ``from_href`` points to:
    ``resolve_href("speeches/a.xhtml", "../glossary.xhtml#term-0")`` is
    ``("glossary.xhtml", "term-0")``."""
    path, _, fragment = link.partition("#")
    if not path:
        return from_href, fragment
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(from_href), path))
    return joined, fragment
