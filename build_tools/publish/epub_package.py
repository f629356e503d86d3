"""The EPUB in memory: read what a package document lists, edit it, write a reproducible zip.

``Package.load`` takes the folder Sphinx's EPUB builder wrote, or a finished ``.epub``, and keeps
only the files the package document (``content.opf``) lists: whatever else lies in that folder
(doctrees, ``.buildinfo``, Sphinx's own ``.epub``, unused JavaScript) never reaches the book.
XHTML documents are parsed once (lxml) and serialised once, in ``write``.
"""

from __future__ import annotations

import copy
import functools
import os
import posixpath
import tempfile
import time
import zipfile
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

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

XHTML_TYPE = "application/xhtml+xml"
MIMETYPE = b"application/epub+zip"
CONTAINER_PATH = "META-INF/container.xml"
#: The earliest time a zip entry can carry (1980-01-01T00:00:00Z).
ZIP_EPOCH = 315532800

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


@dataclass
class Package:
    """An EPUB publication: the package document, its XHTML documents and its other files.

    Paths (``docs``, ``data``) are manifest hrefs, relative to the package document's folder.
    """

    opf_path: str  #: "content.opf": where the package document sits in the container
    opf: etree._Element  #: the <package> element
    docs: dict[str, etree._Element] = field(default_factory=dict)  #: XHTML, parsed
    data: dict[str, bytes] = field(default_factory=dict)  #: everything else, as bytes

    # -- reading ----------------------------------------------------------------------------

    @classmethod
    def load(cls, source: Path) -> Package:
        """Read an unzipped EPUB folder (Sphinx's output) or a ``.epub`` file."""
        if source.is_dir():

            def read(name: str) -> bytes | None:
                path = source / name
                return path.read_bytes() if path.is_file() else None

            return cls._read(read, source)
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
            return cls._read(lambda n: archive.read(n) if n in names else None, source)

    @classmethod
    def _read(cls, read: Callable[[str], bytes | None], source: Path) -> Package:
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
            content = read(package.container_path(href))
            if content is None:
                raise BuildError(
                    f"{source}: {href} is listed in {opf_path} but missing; rebuild the EPUB"
                )
            if item.get("media-type") == XHTML_TYPE:
                package.docs[href] = _parse(content, href)
            else:
                package.data[href] = content
        return package

    def copy(self) -> Package:
        return Package(
            self.opf_path,
            copy.deepcopy(self.opf),
            {href: copy.deepcopy(root) for href, root in self.docs.items()},
            dict(self.data),
        )

    def select(self, docs: Collection[str]) -> Package:
        """A copy that keeps only the XHTML documents ``docs`` (and every other file): the
        others leave the manifest and the spine. Copies only what it keeps, so a part of a
        large book costs what the part costs."""
        package = Package(
            self.opf_path,
            copy.deepcopy(self.opf),
            {href: copy.deepcopy(root) for href, root in self.docs.items() if href in docs},
            dict(self.data),
        )
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
            self.docs.pop(href, None)
            self.data.pop(href, None)

    # -- writing ----------------------------------------------------------------------------

    def entries(self) -> dict[str, bytes]:
        """Every zip entry but ``mimetype``, by name."""
        container = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<container version="1.0" xmlns="{CONTAINER}">\n'
            f'  <rootfiles>\n    <rootfile full-path="{self.opf_path}" '
            'media-type="application/oebps-package+xml"/>\n  </rootfiles>\n</container>\n'
        )
        etree.indent(self.opf, space="  ")
        files = {CONTAINER_PATH: container.encode("utf-8"), self.opf_path: _xml(self.opf)}
        for href, root in self.docs.items():
            _no_self_closing(root)
            files[self.container_path(href)] = _xml(root, doctype="<!DOCTYPE html>")
        for href, content in self.data.items():
            files[self.container_path(href)] = content
        return files

    def write(self, out: Path, *, epoch: int) -> Path:
        """Write the EPUB atomically: ``mimetype`` first and stored, then every other entry in
        name order, deflated, all stamped with ``epoch`` and the same permissions."""
        return write_zip(self.entries(), out, epoch=epoch)


def write_zip(entries: dict[str, bytes], out: Path, *, epoch: int) -> Path:
    """The reproducible container: the same entries and epoch give the same bytes."""
    stamp = time.gmtime(max(epoch, ZIP_EPOCH))[:6]
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(handle, "wb") as stream, zipfile.ZipFile(stream, "w") as archive:
            ordered = [("mimetype", MIMETYPE), *sorted(entries.items())]
            for name, content in ordered:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.create_system = 3  # Unix, whatever machine builds it
                info.external_attr = 0o100644 << 16
                stored = name == "mimetype"  # OCF: first, uncompressed, no extra field
                info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                archive.writestr(info, content, compresslevel=None if stored else 9)
        os.chmod(temporary, 0o644)
        if out.exists() and _same_bytes(Path(temporary), out):
            # Unchanged: keep the published file and its time, so a no-op build stays one.
            Path(temporary).unlink()
        else:
            os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return out


def _same_bytes(a: Path, b: Path) -> bool:
    return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()


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
    start = PurePosixPath(from_href).parent
    return posixpath.relpath(to_href, start.as_posix() if str(start) != "." else ".")


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
