"""The edition's books → PDFs: each book's main file, typeset only when what it is made from
changed (see ``pdf_builder``)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

from build_tools.atomic import write_if_changed
from build_tools.sphinx_ext import book_state, edition, pdf_compile
from build_tools.sphinx_ext.typst_writer import typst_string
from build_tools.variants.table import Variant

if TYPE_CHECKING:
    from build_tools.sphinx_ext.pdf_builder import Book, Fonts, PdfBuilder

logger = logging.getLogger(__name__)

STATE_FILE = "pdf.state.json"
PAPERS = ("a5", "a4")
#: Typst's region for each edition: its punctuation conventions and the PDF's /Lang.
REGIONS = {"zh-Hans": "cn", "zh-Hant": "tw", "zh-TW": "tw", "zh-HK": "hk"}

BAD_PAPER = "book_pdf_paper = {value!r} is not one of {known}; the PDFs are set on A5"
TYPST_FAILED = "the PDF {name} could not be typeset and is left out: {message}"


@dataclass(frozen=True)
class BookMeta:
    """What the cover, the title page and the PDF's metadata say, in the edition's script."""

    title: str
    description: str
    publisher: str
    rights: str
    edition_label: str
    version: str
    contents_title: str
    region: str
    paper: str
    epoch: int


def book_meta(builder: PdfBuilder, variant: Variant) -> BookMeta:
    from build_tools.sphinx_ext.epub_builder import book_epoch

    config = builder.config
    spell = edition.spelling(config, builder.env.srcdir).text
    paper = str(config.book_pdf_paper).lower()
    if paper not in PAPERS:
        logger.warning(
            BAD_PAPER.format(value=config.book_pdf_paper, known=", ".join(PAPERS)),
            type="book",
            subtype="pdf-paper",
        )
        paper = "a5"
    epoch = book_epoch(book_state.collection(builder.env))
    return BookMeta(
        title=spell(str(config.project)),
        description=spell(str(config.book_description or "")),
        publisher=spell(str(getattr(config, "epub_publisher", "") or config.author or "")),
        rights=spell(str(getattr(config, "epub_copyright", "") or config.copyright or "")),
        edition_label=variant.label,
        version=str(config.version or ""),
        contents_title=spell("目录"),
        region=REGIONS.get(variant.name, "cn"),
        paper=paper,
        epoch=epoch,
    )


def main_file(builder: PdfBuilder, book: Book, meta: BookMeta) -> str:
    """The Typst file that sets ``book``: the design's ``book`` function and its documents."""
    from build_tools.sphinx_ext.epub_builder import date_range

    collection = book_state.collection(builder.env)
    spell = edition.spelling(builder.config, builder.env.srcdir).text
    entries = [collection.by_docname[d] for d, _ in book.docs if d in collection.by_docname]
    speakers = _unique(spell(e.speaker, e.script) for e in entries if e.speaker)
    categories = _unique(spell(e.category, e.script) for e in entries if e.category)
    part_title = None
    if book.part is not None:
        title = builder.env.titles.get(book.part.docname)
        part_title = typst_string(title.astext() if title else book.part.key)
    settings = {
        "title": typst_string(meta.title),
        "part-title": part_title or "none",
        "description": typst_string(meta.description),
        "publisher": typst_string(meta.publisher),
        "rights": typst_string(meta.rights),
        "edition-label": typst_string(meta.edition_label),
        "version": typst_string(meta.version),
        "dates": typst_string(date_range(collection, tuple(d for d, _ in book.docs))),
        "contents-title": typst_string(meta.contents_title),
        "lang": '"zh"',
        "region": typst_string(meta.region),
        "paper": typst_string(meta.paper),
        "authors": _array(speakers),
        "keywords": _array([edition.variant_of(builder.config).bcp47, *categories]),
    }
    lines = ['#import "/book.typ": *', "#show: book.with("]
    lines += [f"  {name}: {value}," for name, value in settings.items()]
    lines.append(")")
    lines += [f"#include {typst_string('/docs/' + docname + '.typ')}" for docname, _ in book.docs]
    return "\n".join(lines) + "\n"


def typeset(
    builder: PdfBuilder,
    books: Sequence[Book],
    *,
    variant: Variant,
    fonts: Fonts,
    font_files: Sequence[Path],
) -> list[Path]:
    """Write each book's main file and typeset the books whose inputs changed (in batches of
    at most ``book_pdf_max_characters``, each in a process of its own: ``pdf_compile``);
    remove the PDFs of parts that are gone. Returns the PDFs, made or kept."""
    out = Path(builder.outdir)
    root = builder.typst_dir
    meta = book_meta(builder, variant)
    kept = _read_state(out / STATE_FILE)
    made: dict[str, dict[str, str]] = {}
    shared = hashlib.sha256()
    for part in (
        (root / "book.typ").read_bytes(),
        version("typst").encode(),
        str(meta.epoch).encode(),
        *(f"{f.name}:{f.stat().st_size}".encode() for f in font_files),
        repr(fonts).encode(),
    ):
        shared.update(hashlib.sha256(part).digest())
    keys: dict[str, str] = {}
    pending: list[tuple[pdf_compile.Job, int]] = []
    for book in books:
        source = main_file(builder, book, meta)
        main = root / book.name.replace(".pdf", ".typ")
        write_if_changed(main, source)
        digest = shared.copy()
        digest.update(hashlib.sha256(source.encode()).digest())
        for docname, _ in book.docs:
            path = builder.typ_path(docname)
            digest.update(hashlib.sha256(path.read_bytes() if path.is_file() else b"").digest())
        keys[book.name] = digest.hexdigest()
        before = kept.get(book.name) or {}
        up_to_date = before.get("key") == keys[book.name]
        if up_to_date and _sha256(out / book.name) == before.get("sha256"):
            made[book.name] = before
            continue
        pending.append((pdf_compile.Job(book.name, str(main)), builder.characters(book)))
    setup = pdf_compile.Setup(
        root=str(root),
        # Typst reads folders: each package's holds its script's two faces.
        font_dirs=tuple(dict.fromkeys(str(f.parent) for f in font_files)),
        inputs=(("book-serif", ",".join(fonts.serif)), ("book-sans", ",".join(fonts.sans))),
        epoch=meta.epoch,
    )
    batches = pdf_compile.batches(pending, builder.config.book_pdf_max_characters)
    for result in pdf_compile.typeset_batches(setup, batches):
        if result.data is None:
            message = "; ".join(result.problems)
            logger.warning(
                TYPST_FAILED.format(name=result.name, message=message), type="book", subtype="pdf"
            )
            continue
        for problem in result.problems:
            logger.warning(f"{result.name}: {problem}", type="book", subtype="pdf")
        write_if_changed(out / result.name, result.data)
        made[result.name] = {
            "key": keys[result.name],
            "sha256": hashlib.sha256(result.data).hexdigest(),
        }
        size_kb = len(result.data) // 1024
        logger.info(f"typeset {result.name} ({size_kb} KB) in {result.seconds:.1f} s")
    written = [out / book.name for book in books if book.name in made]
    # What the books no longer hold: PDFs of parts that are gone, their main files, the
    # files of removed documents.
    names = {book.name for book in books}
    prefix = f"{builder.config.book_slug}-{variant.name}"
    for stale in [*out.glob(f"{prefix}*.pdf"), *root.glob(f"{prefix}*.typ")]:
        if stale.name.removesuffix(stale.suffix) + ".pdf" not in names:
            stale.unlink()
    printed = {builder.typ_path(docname) for book in books for docname, _ in book.docs}
    for stale in (root / "docs").rglob("*.typ"):
        if stale not in printed:
            stale.unlink()
    write_if_changed(out / STATE_FILE, json.dumps(made, indent=1, sort_keys=True) + "\n")
    return written


def _read_state(path: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _array(values: Sequence[str]) -> str:
    """A Typst array of strings: ``("a",)`` for one."""
    items = [typst_string(v) for v in values]
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
