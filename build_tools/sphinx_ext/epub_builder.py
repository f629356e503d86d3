"""The book's EPUBs: Sphinx's EPUB 3 builder, dressed for the book, then one EPUB per part.

``BookEpubBuilder.handle_finish`` is the recipe: Sphinx's own steps (table of contents,
container, package document, navigation, NCX) with the book's metadata, cover and reading
CSS, a reproducible zip (``epub_zip``), then the same steps again for each part of the
collection, in a folder cut from the whole book's (``epub_parts``). Settings
come from ``app.config`` (``epub_*`` and ``book_*``), what the book says about itself from the
collection the extension scanned (``book_state.collection``). Warnings go through Sphinx's logging
as ``[book.epub.*]``, so ``suppress_warnings`` and ``-W`` reach them.

    _build/epub/<edition>/               what Sphinx writes (the whole book, unzipped)
    _build/epub/<edition>.parts/<key>/   each part's files, cut from it
    <book_epub_downloads>/<slug>-<edition>[-<key>].epub   the books (``epub_name``)
"""

from __future__ import annotations

import calendar
import hashlib
import html
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.epub3 import Epub3Builder
from sphinx.config import Config
from sphinx.util import logging
from sphinx.writers.html5 import HTML5Translator

from build_tools.atomic import write_if_changed
from build_tools.book_files import book_file
from build_tools.errors import BuildError
from build_tools.sphinx_ext import (
    book_state,
    edition,
    epub_cover,
    epub_parts,
    epub_zip,
    zip_reuse,
)
from build_tools.sphinx_ext.collection import Collection, Part
from build_tools.sphinx_ext.incremental import IncrementalHTMLBuilder
from build_tools.sphinx_ext.translation import LANGUAGE_CLASS

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
STATIC = HERE / "epub_static"
COVER_IMAGE = "_static/cover.png"
#: What Sphinx's steps write for each book: a part's folder has its own, never the whole
#: book's (its other files are links to the whole book's).
SPHINX_WRITES = {"mimetype", "META-INF/container.xml", "content.opf", "toc.ncx", COVER_IMAGE}
#: UUID5 namespace of the book identifiers: uuid5(NAMESPACE_URL, "speech-book").
BOOK_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "speech-book")
BOOK_TITLE = "{book}（{edition}）"  #: 演讲集（繁體）: a reader's library holds both editions
PART_TITLE = "{book} · {part}（{edition}）"  #: 演讲集 · 1923年（繁體）
WORDS = {  # the few words the EPUB adds, Simplified / Traditional
    False: {"toc": "目录", "cover": "封面", "landmarks": "导览", "bodymatter": "正文"},
    True: {"toc": "目錄", "cover": "封面", "landmarks": "導覽", "bodymatter": "正文"},
}
SUMMARY = (
    "本书为可重排的文字版电子书，内容以文字为主，封面图片附有文字说明。"
    "目录列出各部分与各篇，标题层级与阅读顺序一致；注释为可弹出的脚注，可双向跳转。"
)
NO_COVER = "no cover drawn for {title}: {reason}; the book has none"
BAD_EPOCH = (
    "SOURCE_DATE_EPOCH={value!r} is not a whole number of seconds; the EPUBs are dated by "
    "the last speech instead"
)


def epub_name(slug: str, edition_name: str, part: str | None = None) -> str:
    """``speeches-zh-Hant.epub``, ``…-zh-Hant-1924.epub``: the books' one rule, ``book_files``."""
    return book_file(slug, edition_name, part, suffix="epub")


def book_identifier(slug: str, edition_name: str, part: str | None = None) -> str:
    """``urn:uuid:`` + UUID5 of ``<slug>/<edition>[/<part>]``: the same for every build."""
    name = "/".join(p for p in (slug, edition_name, part) if p)
    return f"urn:uuid:{uuid.uuid5(BOOK_NAMESPACE, name)}"


@dataclass(frozen=True)
class Book:
    """One EPUB: the whole collection or one part of it, in the edition's script."""

    file: str  #: its file name (``epub_name``)
    identifier: str
    title: str  #: dc:title
    subtitle: str  #: on the cover, under the book's title: the edition, or part and edition
    dates: str  #: on the cover: 1923—1927
    speeches: tuple[str, ...]  #: docnames
    collection: tuple[str, int] | None = None  #: (the whole book's title, position)


class NotesTranslator(HTML5Translator):
    """docutils' footnotes as EPUB 3 notes, which reading systems show as pop-ups; an
    element's language (docutils' ``language-<tag>`` class) as ``xml:lang`` beside ``lang``,
    as on the document's ``<html>``: in XHTML, ``xml:lang`` is the one XML tools read."""

    NOTE_TYPES: ClassVar = {"doc-noteref": "noteref", "doc-footnote": "footnote"}

    def starttag(
        self,
        node: nodes.Element,
        tagname: str,
        suffix: str = "\n",
        empty: bool = False,
        **atts: Any,
    ) -> str:
        if kind := self.NOTE_TYPES.get(atts.get("role", "")):
            atts["epub:type"] = kind
        languages = [c for c in node.get("classes", []) if c.startswith(LANGUAGE_CLASS)]
        if languages:  # docutils writes ``lang`` from the first; the same for ``xml:lang``
            atts["xml:lang"] = languages[0].removeprefix(LANGUAGE_CLASS)
        return super().starttag(node, tagname, suffix, empty, **atts)


class BookEpubBuilder(IncrementalHTMLBuilder, Epub3Builder):
    """Sphinx's EPUB 3 builder with the book's metadata, cover, CSS and parts."""

    template_dir = HERE / "epub_templates"  # Sphinx's, with the book's metadata and landmarks
    default_translator_class = NotesTranslator

    def init(self) -> None:
        super().init()
        tag = html.escape(self.config.epub_language)
        self.html_tag = self.html_tag.replace(">", f' lang="{tag}" xml:lang="{tag}">')
        self.traditional = edition.variant_of(self.config).traditional
        self.label = edition.variant_of(self.config).label  #: 简体, 繁體, ...
        words = WORDS[self.traditional]
        self.guide_titles = {"toc": words["toc"], "cover": words["cover"]}
        self.book: Book | None = None
        folder = self.config.book_epub_downloads
        self.downloads = Path(folder) if folder else self.outdir.parent / "downloads"
        self.written: set[str] = set()  #: the documents this build wrote
        self.shared_files: list[str] = []  #: what every book carries besides its documents

    def write_doc_serialized(self, docname: str, doctree: nodes.document) -> None:
        super().write_doc_serialized(docname, doctree)
        self.written.add(docname)  # in the main process, whether writing is parallel or not

    def init_css_files(self) -> None:
        """The reading CSS after Sphinx's, and the vertical rules in a vertical book."""
        super().init_css_files()
        for name in self.stylesheets():
            self.add_css_file(name, priority=900)

    def copy_static_files(self) -> None:
        super().copy_static_files()
        for name in self.stylesheets():
            shutil.copyfile(STATIC / name, self.outdir / "_static" / name)

    def stylesheets(self) -> list[str]:
        vertical = self.config.epub_writing_mode == "vertical"
        return ["zh-reading.css", *(["zh-vertical.css"] if vertical else [])]

    # -- the recipe -----------------------------------------------------------------------

    def handle_finish(self) -> None:
        """The recipe: the whole book, then each part, then away with parts that are gone."""
        self.get_toc()
        whole = self.whole_book()
        self.make(whole, self.outdir)
        self.shared_files = epub_parts.files_besides_documents(
            self.outdir, self.out_suffix, per_book=SPHINX_WRITES
        )
        made = [whole.file]
        for position, part in enumerate(self.parts(), start=1):
            made.append(self.make_part(part, position, whole))
        self.remove_stale(made)

    def make(self, book: Book, folder: Path) -> None:
        """Sphinx's steps into ``folder``, with ``book``'s metadata and cover, then the zip."""
        self.book, self.playorder, self.tocid = book, 0, 0  # each book numbers its own
        with self.writing_into(folder):
            self.draw_cover(book)
            self.build_mimetype()
            self.build_container()
            self.build_content()
            self.build_navigation_doc()
            self.build_toc()
            self.build_epub()

    def make_part(self, part: Part, position: int, whole: Book) -> str:
        """Cut ``part`` from the whole book: its page, its speeches and the glossary; unless
        the part's EPUB is there, of this epoch, and this build wrote none of its documents
        (what else a part shows, its titles and members, is in those documents)."""
        keep = epub_parts.part_docnames(part)
        name = epub_name(self.config.book_slug, self.config.book_variant, part.key)
        if not keep & self.written and epub_zip.dated(self.downloads / name, self.zip_date_time()):
            return name
        folder = self.outdir.with_name(f"{self.outdir.name}.parts") / part.key
        epub_parts.copy_part(
            self.outdir,
            folder,
            {f"{d}{self.out_suffix}" for d in keep},
            shared=self.shared_files,
            web=self.web_url(),
        )
        title = self.spell(part.title)
        book = Book(
            file=name,
            identifier=book_identifier(self.config.book_slug, self.config.book_variant, part.key),
            title=PART_TITLE.format(book=self.config.epub_title, part=title, edition=self.label),
            subtitle=f"{title} · {self.label}",
            dates=date_range(self.collection, part.docnames),
            speeches=part.docnames,
            collection=(whole.title, position),
        )
        whole_toc = self.refnodes
        self.refnodes = epub_parts.part_refnodes(whole_toc, part.docname, keep, self.out_suffix)
        try:
            self.make(book, folder)
        finally:
            self.refnodes = whole_toc
        return book.file

    def whole_book(self) -> Book:
        slug, name = self.config.book_slug, self.config.book_variant
        entries = self.collection.entries if self.collection else ()
        docnames = tuple(e.docname for e in entries)
        return Book(
            file=epub_name(slug, name),
            identifier=book_identifier(slug, name),
            title=BOOK_TITLE.format(book=self.config.epub_title, edition=self.label),
            subtitle=self.label,
            dates=date_range(self.collection, docnames),
            speeches=docnames,
        )

    def parts(self) -> tuple[Part, ...]:
        """The collection's parts; none when there is one (it would be the whole book)."""
        parts = self.collection.parts if self.collection else ()
        return parts if len(parts) > 1 else ()

    @property
    def collection(self) -> Collection | None:
        return book_state.collection(self.env)

    # -- Sphinx's steps, for the book being made ------------------------------------------

    def make_id(self, name: str) -> str:
        """A manifest id from the file's name alone: Sphinx numbers them in the order it
        meets them, which an incremental build does not repeat."""
        return f"id-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:12]}"

    @contextmanager
    def writing_into(self, folder: Path) -> Iterator[None]:
        outdir, self.outdir = self.outdir, folder  # Sphinx's steps write into ``outdir``
        try:
            yield
        finally:
            self.outdir = outdir

    def content_metadata(self) -> dict[str, Any]:
        metadata = super().content_metadata()
        book, collection = self.book, self.collection
        assert book is not None
        epoch = self.epoch()
        speakers = collection.speakers if collection else {}
        categories = collection.categories if collection else {}
        in_book = set(book.speeches)
        metadata.update(
            id=html.escape(book.identifier),
            title=html.escape(book.title),
            date=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch)),
            day=time.strftime("%Y-%m-%d", time.gmtime(epoch)),
            speakers=[
                html.escape(self.spell(name))
                for name, docs in speakers.items()
                if in_book & {*docs}
            ],
            subjects=[
                html.escape(self.spell(name))
                for name, docs in categories.items()
                if in_book & {*docs}
            ],
            collection=html.escape(book.collection[0]) if book.collection else "",
            position=book.collection[1] if book.collection else 0,
            features=[
                "structuralNavigation",
                "tableOfContents",
                "readingOrder",
                *(["alternativeText"] if self.config.epub_cover else []),
                "displayTransformability",
            ],
            summary=html.escape(self.spell(SUMMARY)),
        )
        return metadata

    def navigation_doc_metadata(self, navlist: list[Any]) -> dict[str, Any]:
        metadata = super().navigation_doc_metadata(navlist)
        words = WORDS[self.traditional]
        documents = [n["refuri"] for n in self.refnodes if "#" not in n["refuri"]]
        landmarks = [("cover", self.coverpage_name, words["cover"])] * bool(self.config.epub_cover)
        landmarks += [("toc", documents[0], words["toc"])] * bool(documents)
        landmarks += [("bodymatter", documents[1], words["bodymatter"])] * (len(documents) > 1)
        metadata.update(
            toc_locale=words["toc"], landmarks=landmarks, landmarks_title=words["landmarks"]
        )
        return metadata

    def toc_metadata(self, level: int, navpoints: list[Any]) -> dict[str, Any]:
        metadata = super().toc_metadata(level, navpoints)
        assert self.book is not None
        metadata.update(uid=html.escape(self.book.identifier), title=html.escape(self.book.title))
        return metadata

    def build_epub(self) -> None:
        """The zip, reproducibly (``epub_zip``), written only when its bytes change."""
        assert self.book is not None
        self.downloads.mkdir(parents=True, exist_ok=True)
        names = {"META-INF/container.xml", "content.opf", "toc.ncx", *self.files}
        target = self.downloads / self.book.file
        if zip_reuse.enabled():  # the same bytes, unchanged members not deflated again
            epub = zip_reuse.zip_book(
                self.outdir, names, date_time=self.zip_date_time(), previous=target
            )
        else:
            epub = epub_zip.zip_book(self.outdir, names, date_time=self.zip_date_time())
        write_if_changed(target, epub)

    # -- the book's own steps -------------------------------------------------------------

    def draw_cover(self, book: Book) -> None:
        """The book's cover at ``COVER_IMAGE``: the editor's image for the whole book if
        ``book_epub_cover`` names one, else drawn from the title, edition and dates."""
        target = self.outdir / COVER_IMAGE
        target.unlink(missing_ok=True)  # in a part's folder, a link to the whole book's
        # Sphinx writes the cover page after it lists the files: last build's would be listed.
        (self.outdir / self.coverpage_name).unlink(missing_ok=True)
        supplied = self.config.book_epub_cover
        if supplied and book.collection is None:
            image = f"_static/cover{Path(supplied).suffix.lower().replace('.jpeg', '.jpg')}"
            shutil.copyfile(Path(self.confdir) / supplied, self.outdir / image)
            self.config.epub_cover = (image, "epub-cover.html")
            return
        try:
            image = epub_cover.cached_cover(
                self.config.epub_title, book.subtitle, book.dates,
                traditional=self.traditional, cache=Path(self.doctreedir) / "covers",
            )  # fmt: skip
        except BuildError as error:
            logger.warning(
                NO_COVER.format(title=book.title, reason=error),
                type="book",
                subtype="epub.no-cover",
                once=True,
            )
            self.config.epub_cover = ()
            return
        target.write_bytes(image)
        self.config.epub_cover = (COVER_IMAGE, "epub-cover.html")

    def zip_date_time(self) -> epub_zip.DateTime:
        return epub_zip.zip_date_time(self.epoch())

    def remove_stale(self, written: list[str]) -> None:
        """Part EPUBs of parts the collection no longer has."""
        slug, name = self.config.book_slug, self.config.book_variant
        for path in self.downloads.glob(epub_name(slug, name, "*")):
            if path.name not in written:
                path.unlink()

    # -- what the steps read --------------------------------------------------------------

    def web_url(self) -> str:
        """The web edition's address (``html_baseurl`` is the edition's own), or ``""``."""
        base = self.config.html_baseurl or ""
        return base if not base or base.endswith("/") else f"{base}/"

    def spell(self, text: str) -> str:
        """Simplified ``text`` in the edition's script."""
        return edition.spelling(self.config, self.srcdir).text(text)

    def epoch(self) -> int:
        return book_epoch(self.collection)


def book_epoch(collection: Any) -> int:
    """The books' date (EPUB and PDF alike): ``SOURCE_DATE_EPOCH`` if set, else midnight UTC
    of the last speech's date."""
    if value := os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        if value.isdigit():
            return int(value)
        logger.warning(BAD_EPOCH.format(value=value), type="book", subtype="epub.epoch", once=True)
    entries = collection.entries if collection else ()
    dated = [e.date for e in entries if e.year]
    if not dated:
        return epub_zip.ZIP_EPOCH
    year, month, day = ([int(p) for p in max(dated).split("-")] + [1, 1])[:3]
    return calendar.timegm((year, month, day, 0, 0, 0))


def date_range(collection: Collection | None, docnames: tuple[str, ...]) -> str:
    """``1923—1927`` (the Chinese range dash), one year alone, or ``""``."""
    if collection is None:
        return ""
    years = sorted(y for d in docnames if (e := collection.by_docname.get(d)) and (y := e.year))
    if not years:
        return ""
    return years[0] if years[0] == years[-1] else f"{years[0]}—{years[-1]}"


def _configure(app: Sphinx, config: Config) -> None:
    """The EPUB settings that follow from the book: its title and words in the edition's
    script, its identifier, vertical writing for Traditional editions when asked for."""
    variant = edition.variant_of(config)
    spell = edition.spelling(config, app.srcdir).text
    config.epub_title = spell(config.project)
    for name in ("epub_author", "epub_publisher", "epub_copyright"):
        setattr(config, name, spell(getattr(config, name) or config.author))
    config.epub_description = spell(config.book_description or config.epub_description)
    config.epub_basename = epub_name(config.book_slug, variant.name).removesuffix(".epub")
    config.epub_uid = "book-id"
    config.epub_identifier = book_identifier(config.book_slug, variant.name)
    if getattr(config, "variants_vertical_writing", False) and variant.traditional:
        config.epub_writing_mode = "vertical"


def setup(app: Sphinx) -> None:
    app.add_config_value("book_epub_downloads", "", "epub", types=[str])
    app.add_config_value("book_epub_cover", "", "epub", types=[str])
    app.add_builder(BookEpubBuilder, override=True)
    app.connect("config-inited", _configure, priority=600)
