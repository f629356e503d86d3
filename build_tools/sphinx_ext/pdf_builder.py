"""The ``pdf`` builder: the edition's book and each of its parts as PDF, typeset by Typst.

The recipe (``finish``)::

    doctrees ──TypstTranslator──▶ _build/pdf/<edition>/typst/docs/<docname>.typ   (write_doc)
    book.typ + a main file per book ──Typst──▶ _build/pdf/<edition>/<slug>-<edition>[-<part>].pdf

The books are the one the whole edition makes and, when it has two parts or more, one per part
(as the EPUBs). What a book holds comes from the toctree, as for the EPUBs: the root page lists
the parts, each part page lists its speeches. A speech's ``.typ`` file is written again only
when its doctree is newer (Sphinx's own incremental rule), and a book is typeset again only
when the digest of what it is made from changed (its main file, every file it includes, the
design, the fonts, Typst's version): an edit in one speech makes the whole book and that
speech's part again, not the other parts. ``_build/pdf/<edition>/pdf.state.json`` keeps the
digests.

Why Typst (measured on this machine, 110,000 characters of the sample speeches on A5): the
``typst`` wheel typeset them in 0.5 s, with CJK punctuation compression, line-start and
line-end rules and justification; WeasyPrint 70 took 3.1 s and justifies without compression.
XeLaTeX is not installable here without a 500 MB TeX tree. Typst has no vertical writing
(no ``writing-mode``): a Traditional edition with ``variants_vertical_writing`` on is
printed horizontally, with a warning.

Reproducible: the PDF's date is the EPUBs' (``SOURCE_DATE_EPOCH``, the last commit of the
book, or the last speech's date), given to Typst as its creation time; fonts come from the
packages the project installs (``pylopdf-fonts-zh-cn`` / ``-zh-tw``: Noto Serif and Sans SC /
TC), never from the system.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.util import logging

from build_tools.atomic import write_if_changed
from build_tools.book_files import book_file
from build_tools.sphinx_ext import book_state, edition
from build_tools.sphinx_ext.typst_writer import PART, SPEECH, TypstTranslator
from build_tools.variants.table import Variant

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
#: A thick printed volume: about 1,600 A5 pages, which Typst sets in about 0.7 GB.
MAX_CHARACTERS = 1_000_000
DESIGN = HERE / "typst" / "book.typ"
NO_VERTICAL = (
    "variants_vertical_writing is on, but Typst cannot set vertical text: the PDFs of "
    "{edition} are horizontal (the EPUBs are vertical)"
)
TOO_LARGE = (
    "{name} is not typeset: it holds {size:,} characters, over book_pdf_max_characters = "
    "{limit:,} (Typst keeps a book's pages in memory: about 1.7 GB for 4,700 A5 pages). "
    "Its parts are typeset on their own; raise the setting in conf.py to print it whole"
)
NO_FONTS = (
    "the font package {package} is not installed, so {edition} has no PDF; "
    "install the project again (make install)"
)


@dataclass(frozen=True)
class Fonts:
    """The faces of an edition, each a list of families, the first preferred: the body in
    the serif (宋体), headings and strong text in the sans (黑体). The other script's cut
    comes second, for the characters the first lacks (Noto Serif TC has no 爲, which
    OpenCC's s2t writes)."""

    packages: tuple[str, ...]
    serif: tuple[str, ...]
    sans: tuple[str, ...]

    def files(self) -> list[Path]:
        """The font files, from the packages that hold them (``ModuleNotFoundError``
        when a package is missing)."""
        files = []
        for package, serif, sans in zip(self.packages, self.serif, self.sans, strict=True):
            folder = Path(str(resources.files(package)))
            files += [folder / f"{family.replace(' ', '')}-Regular.otf" for family in (serif, sans)]
        return files


_CN, _TW = "pylopdf_fonts_zh_cn", "pylopdf_fonts_zh_tw"
SIMPLIFIED_FONTS = Fonts(
    (_CN, _TW), ("Noto Serif SC", "Noto Serif TC"), ("Noto Sans SC", "Noto Sans TC")
)
#: zh-HK as well: no Hong Kong (HK) cut of Noto Serif is packaged on PyPI.
TRADITIONAL_FONTS = Fonts(
    (_TW, _CN), ("Noto Serif TC", "Noto Serif SC"), ("Noto Sans TC", "Noto Sans SC")
)


def fonts_for(variant: Variant) -> Fonts:
    return TRADITIONAL_FONTS if variant.traditional else SIMPLIFIED_FONTS


@dataclass(frozen=True)
class BookPart:
    key: str  #: ASCII, for the file name: "1923"
    docname: str  #: the part page
    members: tuple[str, ...]  #: its speeches, in reading order


@dataclass(frozen=True)
class Book:
    name: str  #: the PDF's file name
    part: BookPart | None  #: None: the whole edition
    docs: tuple[tuple[str, str], ...]  #: (docname, role) in reading order


class PdfBuilder(Builder):
    """Typeset each book of the edition with Typst (see the module docstring)."""

    name = "pdf"
    format = "typst"
    epilog = "The PDFs are in %(outdir)s."
    default_translator_class = TypstTranslator
    supported_image_types: ClassVar[list[str]] = []

    def init(self) -> None:
        self.typst_dir = Path(self.outdir) / "typst"
        self.writer_digest = _digest_files([Path(__file__), HERE / "typst_writer.py"])
        self.current_docname = ""

    # -- which documents, in which order ---------------------------------------------------
    def parts(self) -> list[BookPart]:
        """The parts: the root page's toctree entries that list pages of their own."""
        includes = self.env.toctree_includes
        parts = []
        for docname in includes.get(self.config.root_doc, []):
            members = tuple(_walk(includes, docname))
            if members:
                parts.append(BookPart(docname.rsplit("/", 1)[-1], docname, members))
        return parts

    def roles(self) -> dict[str, str]:
        """docname → role of every document the books print."""
        roles: dict[str, str] = {}
        parts = self.parts()
        for part in parts:
            roles[part.docname] = PART
            roles.update(dict.fromkeys(part.members, SPEECH))
        collection = book_state.collection(self.env)
        if not parts and collection is not None:  # a collection without parts: its speeches
            roles.update(dict.fromkeys((e.docname for e in collection.entries), SPEECH))
        return roles

    def get_outdated_docs(self) -> Iterator[str]:
        stamp = self.typst_dir / ".writer"
        fresh_writer = stamp.is_file() and stamp.read_text(encoding="utf-8") == self.writer_digest
        for docname in self.roles():
            if docname not in self.env.found_docs:
                continue
            target = self.typ_path(docname)
            doctree = Path(self.doctreedir) / f"{docname}.doctree"
            if (
                not fresh_writer
                or not target.is_file()
                or not doctree.is_file()
                or doctree.stat().st_mtime_ns > target.stat().st_mtime_ns
            ):
                yield docname

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        return docname

    def front_matter_title(self, docname: str) -> str:
        """A speech's title from its front matter, in the edition's spelling (for a file
        without a title line); its file name when it has none."""
        collection = book_state.collection(self.env)
        entry = collection.by_docname.get(docname) if collection else None
        if entry is None or not entry.title:
            return docname.rsplit("/", 1)[-1]
        return edition.spelling(self.config, self.env.srcdir).text(entry.title, entry.script)

    def typ_path(self, docname: str) -> Path:
        return self.typst_dir / "docs" / f"{docname}.typ"

    # -- writing ---------------------------------------------------------------------------
    def prepare_writing(self, docnames: set[str]) -> None:
        self._roles = self.roles()

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        role = self._roles.get(docname)
        if role is None:
            return
        self.current_docname = docname
        translator = TypstTranslator(doctree, self, role=role)
        doctree.walkabout(translator)
        target = self.typ_path(docname)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not write_if_changed(target, translator.output):
            os.utime(target)  # newer than its doctree: up to date, whatever it holds

    def finish(self) -> None:
        variant = edition.variant_of(self.config)
        fonts = fonts_for(variant)
        try:
            font_files = fonts.files()
            missing = [f for f in font_files if not f.is_file()]
        except ModuleNotFoundError:
            missing = [Path(p) for p in fonts.packages]
        if missing:
            logger.warning(
                NO_FONTS.format(package=", ".join(fonts.packages), edition=variant.name),
                type="book",
                subtype="pdf-fonts",
            )
            return
        if variant.traditional and getattr(self.config, "variants_vertical_writing", False):
            # One warning a build, silenced with suppress_warnings = ["book.pdf-vertical"].
            logger.warning(
                NO_VERTICAL.format(edition=variant.name), type="book", subtype="pdf-vertical"
            )
        write_if_changed(self.typst_dir / "book.typ", DESIGN.read_text(encoding="utf-8"))
        write_if_changed(self.typst_dir / ".writer", self.writer_digest)
        books = self.books()
        from build_tools.sphinx_ext.pdf_typeset import typeset

        typeset(self, books, variant=variant, fonts=fonts, font_files=font_files)

    def books(self) -> list[Book]:
        slug, variant = self.config.book_slug, edition.variant_of(self.config)
        roles = self.roles()
        parts = self.parts()
        order: list[str] = []
        for part in parts:
            order += [part.docname, *part.members]
        if not parts:
            order = list(roles)
        books = [
            Book(
                book_file(slug, variant.name, suffix="pdf"),
                None,
                tuple((d, roles[d]) for d in order),
            )
        ]
        if len(parts) >= 2:
            books += [
                Book(
                    book_file(slug, variant.name, part.key, suffix="pdf"),
                    part,
                    ((part.docname, PART), *((d, SPEECH) for d in part.members)),
                )
                for part in parts
            ]
        return [book for book in books if self.fits(book)]

    def characters(self, book: Book) -> int:
        """The Han characters of ``book``'s speeches (``Collection.characters``)."""
        collection = book_state.collection(self.env)
        return collection.characters(d for d, _ in book.docs) if collection is not None else 0

    def fits(self, book: Book) -> bool:
        """Whether ``book`` is small enough to typeset (``book_pdf_max_characters``); a book
        that is not is named in a warning, and its EPUB stands alone."""
        limit = self.config.book_pdf_max_characters
        size = self.characters(book)
        if size <= limit:
            return True
        logger.warning(
            TOO_LARGE.format(name=book.name, size=size, limit=limit),
            type="book",
            subtype="pdf-size",
        )
        return False


def _walk(includes: dict[str, list[str]], docname: str) -> Iterator[str]:
    """The pages ``docname``'s toctree lists, depth first."""
    for child in includes.get(docname, []):
        yield child
        yield from _walk(includes, child)


def _digest_files(paths: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def setup(app: Sphinx) -> None:
    app.add_config_value("book_pdf_paper", "a5", "", types=[str])
    app.add_config_value("book_pdf_max_characters", MAX_CHARACTERS, "html", types=[int])
    app.add_builder(PdfBuilder)
