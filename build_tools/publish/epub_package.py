"""The EPUB in memory: read what a package document lists, edit it, write a reproducible zip.

``Package.load`` takes the folder Sphinx's EPUB builder wrote, or a finished ``.epub``, and keeps
only the files the package document (``content.opf``) lists: whatever else lies in that folder
(doctrees, ``.buildinfo``, Sphinx's own ``.epub``, unused JavaScript) never reaches the book.

XHTML documents are parsed (lxml) when something first asks for their tree, and serialised
once, in ``entries``. Until then a document is ``Stored``: its bytes, and what the steps that
look across the whole book need to know of it (``Facts``: its links, ids, images), read once.
A stored document can be *finished*: its bytes are already what the book publishes (a part cut
from the finished whole book, or a document dressed alike by an earlier run), and dressing
passes it by.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import posixpath
import re
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from build_tools.errors import BuildError
from build_tools.publish.epub_zip import Deflated, Entries, write_zip

OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
XHTML = "http://www.w3.org/1999/xhtml"
EPUB = "http://www.idpf.org/2007/ops"
XML = "http://www.w3.org/XML/1998/namespace"
CONTAINER = "urn:oasis:names:tc:opendocument:xmlns:container"
NCX = "http://www.daisy.org/z3986/2005/ncx/"
NS = {"opf": OPF, "dc": DC, "h": XHTML, "epub": EPUB, "c": CONTAINER, "ncx": NCX}

XHTML_TYPE = "application/xhtml+xml"
CONTAINER_PATH = "META-INF/container.xml"

NOT_AN_EPUB = (
    "{path} holds no EPUB package ({missing} is missing). Build it first with Sphinx's epub "
    "builder: sphinx-build -b epub -d <doctrees outside the output> source {path}"
)
BAD_XML = "{path}: not well-formed XML ({error}); the EPUB builder's output cannot be edited"

_PARSER = etree.XMLParser(resolve_entities=False, remove_blank_text=False, no_network=True)


def _parse(data: bytes, name: str) -> etree._Element:
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
            item = self._items[href] = _parse(item.data, href)
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
        return _parse(item.data, href) if isinstance(item, Stored) else item

    def stored(self, href: str) -> Stored | None:
        """The document as bytes, if nothing has parsed it yet."""
        item = self._items[href]
        return item if isinstance(item, Stored) else None

    def facts(self, href: str) -> Facts:
        """The document's ``Facts``; a stored document stays stored."""
        item = self._items[href]
        if isinstance(item, Stored):
            if item.facts is None:
                item.facts = Facts.of(_parse(item.data, href), href)
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


@dataclass
class Package:
    """An EPUB publication: the package document, its XHTML documents and its other files.

    Paths (``docs``, ``data``) are manifest hrefs, relative to the package document's folder.
    """

    opf_path: str  #: "content.opf": where the package document sits in the container
    opf: etree._Element  #: the <package> element
    docs: Documents = field(default_factory=Documents)  #: XHTML
    data: dict[str, bytes] = field(default_factory=dict)  #: everything else, as bytes

    # -- reading ----------------------------------------------------------------------------

    @classmethod
    def load(cls, source: Path, *, digests: Mapping[str, str] | None = None) -> Package:
        """Read an unzipped EPUB folder (Sphinx's output) or a ``.epub`` file. ``digests``
        (zip entry → SHA-256, see ``epub_state.sphinx_fingerprint``) are those of the
        folder's files as they are: a document whose digest is known is read when needed."""
        if source.is_dir():

            def read(name: str) -> bytes | None:
                path = source / name
                return path.read_bytes() if path.is_file() else None

            def lazy(name: str) -> Stored | None:
                sha = (digests or {}).get(name)
                return Stored(load=(source / name).read_bytes, sha=sha) if sha else None

            return cls._read(read, source, lazy=lazy)
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
            return cls._read(lambda n: archive.read(n) if n in names else None, source)

    @classmethod
    def _read(
        cls,
        read: Callable[[str], bytes | None],
        source: Path,
        *,
        lazy: Callable[[str], Stored | None] = lambda name: None,
    ) -> Package:
        container = read(CONTAINER_PATH)
        if container is None:
            raise BuildError(NOT_AN_EPUB.format(path=source, missing=CONTAINER_PATH))
        rootfile = _parse(container, CONTAINER_PATH).find(".//c:rootfile", NS)
        opf_path = rootfile.get("full-path", "") if rootfile is not None else ""
        opf_data = read(opf_path) if opf_path else None
        if opf_data is None:
            raise BuildError(NOT_AN_EPUB.format(path=source, missing=opf_path or "content.opf"))
        package = cls(opf_path, _parse(opf_data, opf_path))
        for item in package.manifest():
            href = item.get("href", "")
            if item.get("media-type") == XHTML_TYPE and (
                stored := lazy(package.container_path(href))
            ):
                package.docs[href] = stored
                continue
            content = read(package.container_path(href))
            if content is None:
                raise BuildError(
                    f"{source}: {href} is listed in {opf_path} but missing; rebuild the EPUB"
                )
            if item.get("media-type") == XHTML_TYPE:
                package.docs[href] = Stored(content)
            else:
                package.data[href] = content
        return package

    def copy(self) -> Package:
        return Package(self.opf_path, copy.deepcopy(self.opf), self.docs.copy(), dict(self.data))

    def select(self, docs: Collection[str]) -> Package:
        """A copy that keeps only the XHTML documents ``docs`` (and every other file): the
        others leave the manifest and the spine. Copies only what it keeps, so a part of a
        large book costs what the part costs."""
        kept = self.docs.copy(lambda href: href in docs)
        package = Package(self.opf_path, copy.deepcopy(self.opf), kept, dict(self.data))
        package.remove_all(href for href in self.docs if href not in docs)
        return package

    # -- the package document ---------------------------------------------------------------

    def container_path(self, href: str) -> str:
        """The zip entry name of a manifest href."""
        return posixpath.normpath(posixpath.join(posixpath.dirname(self.opf_path), href))

    def element(self, name: str) -> etree._Element:
        """``metadata``, ``manifest`` or ``spine``."""
        found = self.opf.find(f"opf:{name}", NS)
        if found is None:
            raise BuildError(f"{self.opf_path} has no <{name}>")
        return found

    def manifest(self) -> list[etree._Element]:
        return self.element("manifest").findall("opf:item", NS)

    def item(self, href: str) -> etree._Element | None:
        for item in self.manifest():
            if item.get("href") == href:
                return item
        return None

    def href_of(self, idref: str) -> str:
        for item in self.manifest():
            if item.get("id") == idref:
                return item.get("href", "")
        raise BuildError(
            f"{self.opf_path}: the spine names {idref!r}, which is not in the manifest"
        )

    def hrefs_by_id(self) -> dict[str, str]:
        """Manifest id → href, for looking up many idrefs in one pass."""
        return {item.get("id", ""): item.get("href", "") for item in self.manifest()}

    def spine(self) -> list[str]:
        """The hrefs of the reading order."""
        hrefs = self.hrefs_by_id()
        refs = [ref.get("idref", "") for ref in self.element("spine")]
        return [hrefs[ref] if ref in hrefs else self.href_of(ref) for ref in refs]

    def nav_href(self) -> str:
        for item in self.manifest():
            if "nav" in item.get("properties", "").split():
                return item.get("href", "")
        raise BuildError(f"{self.opf_path} has no navigation document (properties='nav')")

    def add(
        self,
        href: str,
        content: bytes | etree._Element,
        *,
        item_id: str,
        media_type: str,
        properties: str = "",
        spine_at: int | None = None,
    ) -> None:
        """Add a file to the manifest (replacing one at the same href), and to the spine."""
        self.remove(href)
        item = etree.SubElement(self.element("manifest"), f"{{{OPF}}}item")
        item.set("id", item_id)
        item.set("href", href)
        item.set("media-type", media_type)
        if properties:
            item.set("properties", properties)
        if isinstance(content, bytes):
            self.data[href] = content
        else:
            self.docs[href] = content
        if spine_at is not None:
            itemref = etree.Element(f"{{{OPF}}}itemref")
            itemref.set("idref", item_id)
            self.element("spine").insert(spine_at, itemref)

    def remove(self, href: str) -> None:
        """Take a file out of the manifest, the spine and the package."""
        self.remove_all((href,))

    def remove_all(self, hrefs: Iterable[str]) -> None:
        """``remove`` for many files in one pass over the manifest and the spine."""
        doomed = set(hrefs)
        if not doomed:
            return
        ids = set()
        for item in self.manifest():
            if item.get("href") in doomed:
                ids.add(item.get("id"))
                item.getparent().remove(item)
        spine = self.element("spine")
        for itemref in spine.findall("opf:itemref", NS):
            if itemref.get("idref") in ids:
                spine.remove(itemref)
        for href in doomed:
            self.docs.discard(href)
            self.data.pop(href, None)

    # -- writing ----------------------------------------------------------------------------

    def entries(self) -> Entries:
        """Every zip entry but ``mimetype``, by name. A finished stored document is not
        read if the zip holds it already (see ``Deflated``)."""
        container = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<container version="1.0" xmlns="{CONTAINER}">\n'
            f'  <rootfiles>\n    <rootfile full-path="{self.opf_path}" '
            'media-type="application/oebps-package+xml"/>\n  </rootfiles>\n</container>\n'
        )
        etree.indent(self.opf, space="  ")
        files = Entries()
        files.put(CONTAINER_PATH, container.encode("utf-8"))
        files.put(self.opf_path, _xml(self.opf))
        for href in self.docs:
            stored = self.docs.stored(href)
            if stored is not None and stored.finished:
                files.put_lazy(self.container_path(href), stored.sha, lambda s=stored: s.data)
                continue
            root = self.docs[href]
            _no_self_closing(root)
            files.put(self.container_path(href), _xml(root, doctype="<!DOCTYPE html>"))
        for href, content in self.data.items():
            files.put(self.container_path(href), content)
        return files

    def finish(self, entries: Entries) -> None:
        """Keep every document as the bytes ``entries`` (this package's) hold for it, finished:
        a part cut from the package then copies bytes, not trees, and dressing passes them by.
        Call it once the package is dressed and written, not before: a tree edited
        afterwards would no longer be the document."""
        for href in self.docs:
            if not self.docs.stored(href):
                facts = Facts.of(self.docs[href], href)
                name = self.container_path(href)
                data, sha = entries[name], entries.digest(name)
                self.docs[href] = Stored(data, sha=sha, facts=facts, finished=True)

    def write(self, out: Path, *, epoch: int, deflated: Deflated | None = None) -> Path:
        """Write the EPUB atomically and reproducibly (``epub_zip.write_zip``)."""
        return write_zip(self.entries(), out, epoch=epoch, deflated=deflated)


#: HTML elements that have no content; every other element gets an end tag.
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    | {"track", "wbr"}
)


def _no_self_closing(root: etree._Element) -> None:
    """``<div></div>``, never ``<div/>``: an HTML parser (some reading systems, a browser
    given the file as HTML) reads ``<div/>`` as an open tag and nests the rest inside it."""
    for element in _EMPTY(root):
        if etree.QName(element).localname not in VOID:
            element.text = ""


#: Elements with neither text nor children (XPath runs in C; most elements are not empty).
_EMPTY = etree.XPath("descendant-or-self::*[not(node())]")


def _xml(root: etree._Element, *, doctype: str | None = None) -> bytes:
    return (
        etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8", doctype=doctype)
        + b"\n"
    )


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
