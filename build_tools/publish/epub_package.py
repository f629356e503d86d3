"""The EPUB in memory: read what a package document lists, edit it, write a reproducible zip.

``Package.load`` takes the folder Sphinx's EPUB builder wrote, or a finished ``.epub``, and keeps
only the files the package document (``content.opf``) lists: whatever else lies in that folder
(doctrees, ``.buildinfo``, Sphinx's own ``.epub``, unused JavaScript) never reaches the book.

XHTML documents (``epub_documents``) are parsed when a step first asks for their tree, and
serialised once, in ``entries``; a finished document is written as it is.
"""

from __future__ import annotations

import copy
import posixpath
import zipfile
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from build_tools.errors import BuildError
from build_tools.publish.epub_documents import CONTAINER, NS, OPF, Documents, Facts, Stored, parse
from build_tools.publish.epub_zip import Deflated, Entries, write_zip

XHTML_TYPE = "application/xhtml+xml"
CONTAINER_PATH = "META-INF/container.xml"

NOT_AN_EPUB = (
    "{path} holds no EPUB package ({missing} is missing). Build it first with Sphinx's epub "
    "builder: sphinx-build -b epub -d <doctrees outside the output> source {path}"
)


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
        rootfile = parse(container, CONTAINER_PATH).find(".//c:rootfile", NS)
        opf_path = rootfile.get("full-path", "") if rootfile is not None else ""
        opf_data = read(opf_path) if opf_path else None
        if opf_data is None:
            raise BuildError(NOT_AN_EPUB.format(path=source, missing=opf_path or "content.opf"))
        package = cls(opf_path, parse(opf_data, opf_path))
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
