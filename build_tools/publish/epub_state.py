"""What each published EPUB was made from: digests that let ``publish_epubs`` skip unchanged books.

One small JSON file per edition, ``_build/epub/<edition>.publish.json``, beside the Sphinx tree
it describes and outside the published folder::

    {"version": 1, "inputs": "<digest of everything publish reads>",
     "outputs": [{"name": "speeches-zh-Hans.epub", "key": "<digest of its inputs>",
                  "size": 123, "mtime_ns": 456, "warnings": [], "cover": "<digest>"}, ...]}

``inputs`` covers the raw inputs (Sphinx's files, conf.py's settings, the speeches' front
matter, the conversion dictionary, the cover image, the epoch, the edition, this code and
the fonts): when it matches and every output is still the file that was written, nothing is
done. ``key`` covers what one EPUB is made from, so an edit redoes only the books it reaches;
``cover`` what its cover was drawn from, so a book made again for a new epoch keeps its cover.
The file is written after the EPUBs: a run killed in between finds old digests and redoes the
work (``write_zip`` still leaves EPUBs that come out the same untouched).
"""

from __future__ import annotations

import copy
import hashlib
import importlib.metadata
import json
import posixpath
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

from lxml import etree

from build_tools.atomic import stamp, write_if_changed
from build_tools.publish import cover as covers
from build_tools.publish.epub_content import NCX_TYPE
from build_tools.publish.epub_documents import NS, is_external, resolve_href
from build_tools.publish.epub_package import Package

STATE_VERSION = 1
#: Distributions whose behaviour reaches the bytes of an EPUB (parsing, serialising, covers,
#: front matter, conversion); an upgrade redoes the books.
LIBRARIES = ("lxml", "Pillow", "PyYAML", "OpenCC", "opencc-py", "opencc-python-reimplemented")
PACKAGE = Path(__file__).resolve().parent.parent  #: build_tools
#: The code whose behaviour reaches an EPUB: publishing, the script conversion of conf.py's
#: text, the warnings' wording. The Sphinx extension reaches it through Sphinx's files.
CODE = ("publish", "variants", "errors.py")
_CONTAINER = "urn:oasis:names:tc:opendocument:xmlns:container"
_OPF = "http://www.idpf.org/2007/opf"
#: Sphinx dates every content.opf it writes; ``write_metadata`` replaces the whole element.
_REPLACED = {f"{{{_OPF}}}metadata", f"{{{_OPF}}}guide"}


class Digest:
    """SHA-256 over labelled values: ``Digest().add("epoch", 1767225600).hex()``."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def add(self, label: str, value: object) -> Digest:
        data = value if isinstance(value, bytes) else repr(value).encode("utf-8")
        # Lengths first, so that no two sequences of values run together alike.
        self._hash.update(f"{label}:{len(data)}:".encode())
        self._hash.update(data)
        return self

    def hex(self) -> str:
        return self._hash.hexdigest()

    def copy(self) -> Digest:
        twin = Digest()
        twin._hash = self._hash.copy()
        return twin


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@cache
def code_fingerprint() -> str:
    """The files of ``CODE`` (sources, style sheets, dictionaries), Python, zlib and the
    libraries in ``LIBRARIES``."""
    digest = Digest().add("python", sys.version).add("zlib", zlib.ZLIB_RUNTIME_VERSION)
    for name in LIBRARIES:
        try:
            digest.add(name, importlib.metadata.version(name))
        except importlib.metadata.PackageNotFoundError:
            digest.add(name, None)
    files = [PACKAGE / name for name in CODE]
    files += [p for name in CODE for p in (PACKAGE / name).rglob("*")]
    for path in sorted(p for p in files if p.is_file() and "__pycache__" not in p.parts):
        digest.add(path.relative_to(PACKAGE).as_posix(), path.read_bytes())
    return digest.hex()


def font_fingerprint() -> str:
    """The font files a cover may be drawn with, by path, size and time."""
    digest = Digest()
    for path in covers.candidate_font_files():
        stat = path.stat() if path.is_file() else None
        digest.add(str(path), (stat.st_size, stat.st_mtime_ns) if stat else None)
    return digest.hex()


#: What ``sphinx_fingerprint`` knows of a file from an earlier run: its stamp, its SHA-256.
Known = dict[str, tuple[tuple[int, int], str]]


def sphinx_fingerprint(folder: Path, *, known: Known | None = None) -> dict[str, str]:
    """SHA-256 of each file of Sphinx's EPUB tree that ``Package.load`` reads, by zip entry
    name: the container, the package document (less the metadata and guide, which publishing
    replaces, and Sphinx's build time with them) and every manifest file. ``{}`` when the tree
    is incomplete; loading the package then says what is wrong.

    ``known`` (kept by the caller between runs) spares reading the files whose modification
    time and size are as they were: Sphinx rewrites only what changed. It is brought up to
    date."""
    known = {} if known is None else known
    try:
        container = (folder / "META-INF" / "container.xml").read_bytes()
        rootfile = etree.fromstring(container).find(f".//{{{_CONTAINER}}}rootfile")
        opf_path = rootfile.get("full-path", "") if rootfile is not None else ""
        opf = etree.fromstring((folder / opf_path).read_bytes())
        found = {"META-INF/container.xml": sha256(container)}
        found[opf_path] = _opf_digest(opf).hex()
        base = posixpath.dirname(opf_path)
        for item in opf.iterfind(f"{{{_OPF}}}manifest/{{{_OPF}}}item"):
            name = posixpath.normpath(posixpath.join(base, item.get("href", "")))
            now, before = stamp(folder / name), known.get(name)
            if before is None or before[0] != now:
                before = known[name] = (now, sha256((folder / name).read_bytes()))
            found[name] = before[1]
    except (OSError, etree.XMLSyntaxError, AttributeError):
        return {}
    for name in known.keys() - found.keys():
        del known[name]
    return found


def _opf_digest(opf: etree._Element) -> Digest:
    """The package document but what ``write_metadata`` and ``write_guide`` replace."""
    kept = [etree.tostring(child) for child in opf if child.tag not in _REPLACED]
    return Digest().add("root", (opf.tag, sorted(opf.attrib.items()), opf.nsmap)).add("kept", kept)


@dataclass(frozen=True)
class Output:
    """One published EPUB, as it was written."""

    name: str  #: the file name in the downloads folder
    key: str  #: the digest of what it was made from
    size: int
    mtime_ns: int
    warnings: tuple[str, ...] = ()  #: what making it logged, to say again when it is skipped
    cover: str = ""  #: the digest of what its cover was drawn from (see ``cover_key``)
    quick: str = ""  #: a part's ``quick_part_key``, which spares cutting an unchanged part

    @classmethod
    def of(
        cls, path: Path, key: str, warnings: Iterable[str], *, cover: str = "", quick: str = ""
    ) -> Output:
        stat = path.stat()
        return cls(path.name, key, stat.st_size, stat.st_mtime_ns, tuple(warnings), cover, quick)

    def drawn_cover(self, folder: Path, key: str, entry: str) -> bytes | None:
        """The cover this EPUB holds at zip entry ``entry``, if it was drawn from what
        ``key`` digests and the file is still the one written; else ``None``."""
        if not key or key != self.cover or not self.intact(folder):
            return None
        try:
            with zipfile.ZipFile(folder / self.name) as archive:
                return archive.read(entry)
        except (OSError, KeyError, zipfile.BadZipFile):
            return None

    def intact(self, folder: Path) -> bool:
        """The file is still there, as written (nobody replaced or removed it)."""
        try:
            stat = (folder / self.name).stat()
        except OSError:
            return False
        return (stat.st_size, stat.st_mtime_ns) == (self.size, self.mtime_ns)


@dataclass(frozen=True)
class State:
    inputs: str = ""
    outputs: tuple[Output, ...] = field(default=())

    @classmethod
    def read(cls, path: Path) -> State:
        """The state written last, or an empty one (none yet, another version, unreadable)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != STATE_VERSION:
                return cls()
            outputs = tuple(
                Output(**{**o, "warnings": tuple(o.get("warnings", ()))}) for o in data["outputs"]
            )
            return cls(str(data["inputs"]), outputs)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls()

    def write(self, path: Path) -> None:
        """Atomically, and only when something changed."""
        data = {"version": STATE_VERSION, "inputs": self.inputs,
                "outputs": [asdict(o) for o in self.outputs]}  # fmt: skip
        write_if_changed(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")

    def output(self, name: str) -> Output | None:
        return next((o for o in self.outputs if o.name == name), None)

    def intact(self, folder: Path, present: Iterable[Path]) -> bool:
        """Every output is as written and the files ``present`` are exactly the outputs."""
        names = {o.name for o in self.outputs}
        return (
            bool(self.outputs)
            and {p.name for p in present} == names
            and all(o.intact(folder) for o in self.outputs)
        )


# -- the inputs of one part -----------------------------------------------------------------


def nav_frame(whole: Package) -> tuple[str, frozenset[str]]:
    """What a part inherits of the finished whole book's navigation document: the digest of
    all but its body's content (``write_nav`` replaces that), and the documents the body
    links to (until then those links keep documents reachable, see ``drop_unreachable``)."""
    nav_href = whole.nav_href()
    root = copy.deepcopy(whole.docs.read(nav_href))
    body = root.find("h:body", NS)
    linked = set()
    for child in list(body if body is not None else ()):
        for link in child.iterfind(".//h:a[@href]", NS):
            target = link.get("href", "")
            if not is_external(target):
                linked.add(resolve_href(nav_href, target)[0])
        body.remove(child)
    return sha256(etree.tostring(root)), frozenset(linked)


def whole_frame(whole: Package, hashes: Mapping[str, str]) -> str:
    """What every part takes from the finished whole book but its documents: the package
    document without what dressing replaces, and the other files (stylesheets, images) by
    their digests (``hashes``: zip entry → SHA-256). A speech added or removed changes it."""
    ncx = {i.get("href") for i in whole.manifest() if i.get("media-type") == NCX_TYPE}
    data = sorted(
        (href, hashes[whole.container_path(href)]) for href in whole.data if href not in ncx
    )
    return _opf_digest(whole.opf).add("data", data).hex()


def quick_part_key(
    docs: Iterable[str],
    *,
    settings: Digest,
    frame: str,
    whole: Mapping[str, str],
    nav: tuple[str, frozenset[str]],
    container_path: Callable[[str], str],
) -> str:
    """The inputs of ``part_key``, read off the whole book without cutting the part: the
    settings (dressing included), the ``whole_frame``, the part's documents (``docs``: its
    speeches and the shared pages) by their digests in the whole book, and the navigation.
    An equal quick key means an equal part key, so an unchanged part costs a digest."""
    kept = sorted(set(docs))
    digest = settings.add("frame", frame).add("nav", (nav[0], sorted(nav[1] & set(kept))))
    return digest.add("docs", [(h, whole.get(container_path(h), "")) for h in kept]).hex()


def part_key(
    package: Package,
    *,
    settings: Digest,
    whole: Mapping[str, str],
    nav: tuple[str, frozenset[str]],
) -> str:
    """The digest of what one part EPUB is made from: ``settings`` (its dressing and whatever
    else reaches it) and the package cut from the finished whole book, not yet dressed. Its
    files count by their digests in the whole book (``whole``: zip entry → SHA-256); what
    dressing replaces does not count: the package's metadata and guide, the NCX and the
    navigation's body (``nav``, from ``nav_frame``)."""
    digest = settings.add("opf", _opf_digest(package.opf).hex())
    nav_href = package.nav_href()
    frame, linked = nav
    digest.add("nav", (frame, sorted(linked & package.docs.keys())))
    replaced = {i.get("href") for i in package.manifest() if i.get("media-type") == NCX_TYPE}
    for href in sorted({*package.docs, *package.data} - {nav_href, *replaced}):
        digest.add(href, whole[package.container_path(href)])
    return digest.hex()
