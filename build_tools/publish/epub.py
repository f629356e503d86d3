"""Finish Sphinx's EPUBs: metadata, cover, Chinese reading CSS, EPUB 3 notes, parts, same bytes.

The recipe, per edition (``publish_epubs``)::

    Sphinx's epub builder ──▶ _build/epub/<edition>/ (unzipped tree)
        ──finalize_epub──▶ downloads/<slug>-<edition>.epub          the whole collection
        ──split_parts────▶ downloads/<slug>-<edition>-<part>.epub   one per part (year, ...)

The book is post-processed, not rebuilt: ``Package`` reads the files Sphinx's ``content.opf``
lists, ``epub_dress`` and the modules it calls edit them, and ``Package.write`` zips them
reproducibly (``mimetype`` first and stored, entries in name order, every time stamp
``SOURCE_DATE_EPOCH``). ``publish_epubs`` cuts the parts from the finished whole book in
memory, each XHTML document parsed once, and makes again only what changed (``epub_state``):
nothing when its inputs are those of the last run; after an edit, the whole book and the parts
the edit reaches.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from build_tools.publish.epub_cache import Cache
from build_tools.publish.epub_check import epubcheck_report
from build_tools.publish.epub_content import read_nav, rewrite_outside_links
from build_tools.publish.epub_dress import (
    DRAWN_COVER,
    Dressing,
    EpubMeta,
    dress,
    format_date_range,
    part_dressing,
    whole_dressing,
)
from build_tools.publish.epub_metadata import book_identifier
from build_tools.publish.epub_package import Package
from build_tools.publish.epub_parts import (
    Part,
    find_parts,
    part_nav,
    part_package,
    shared_documents,
)
from build_tools.publish.epub_project import (
    Edition,
    cache_path,
    meta_from_conf,
    source_date_epoch,
    speech_dates,
)
from build_tools.publish.epub_state import (
    Digest,
    Output,
    State,
    nav_frame,
    part_key,
    quick_part_key,
    whole_frame,
)
from build_tools.publish.epub_zip import Deflated, Entries, write_zip
from build_tools.variants.table import Variant

__all__ = [
    "EpubMeta",
    "PartEpub",
    "book_identifier",
    "epubcheck_report",
    "finalize_epub",
    "format_date_range",
    "meta_from_conf",
    "publish_epubs",
    "source_date_epoch",
    "speech_dates",
    "split_parts",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PartEpub:
    key: str  #: "1923"
    title: str  #: "1923年"
    path: Path
    docnames: tuple[str, ...] = field(default=())


# -- the whole book -------------------------------------------------------------------------


def finalize_epub(
    sphinx_epub_dir: Path,
    out_path: Path,
    *,
    variant: Variant,
    meta: EpubMeta,
    source_date_epoch: int | None,
) -> Path:
    """Turn the folder Sphinx's EPUB builder wrote into the finished EPUB at ``out_path``.

    Sets the metadata (a stable UUID5 identifier from ``meta.slug`` and the edition,
    ``dc:language`` = the edition's BCP 47 tag, ``dc:date``, non-empty ``dc:rights``,
    EPUB Accessibility 1.1), adds the cover (``meta.cover_image`` or a generated one), the
    Chinese reading CSS (and vertical writing when ``meta.vertical``), marks footnotes as
    EPUB 3 notes, localises the navigation and writes the zip reproducibly and atomically.
    Time stamps come from ``source_date_epoch``, or else from the last speech's date.
    """
    package = Package.load(sphinx_epub_dir)
    dressing = whole_dressing(
        package, variant=variant, meta=meta, source_date_epoch=source_date_epoch
    )
    dress(package, dressing)
    return package.write(out_path, epoch=dressing.epoch)


# -- one EPUB per part ----------------------------------------------------------------------


def split_parts(
    whole_epub: Path,
    out_dir: Path,
    *,
    variant: Variant,
    meta: EpubMeta,
    source_date_epoch: int | None,
    web_url: str | None = None,
    dates: Mapping[str, str] | None = None,
    shared: Collection[str] | None = None,
) -> list[PartEpub]:
    """Write one EPUB per part of the finished whole-book EPUB: ``<slug>-<edition>-<key>.epub``.

    The parts are the top-level entries of the book's navigation that have children (see
    ``epub_parts``); a book with fewer than two gives none. Each part EPUB holds the part page,
    its speeches and the ``shared`` documents (docnames; default: the glossary), has its own
    identifier (UUID5 of slug, edition and key), title ("演讲集·1923年"), cover and
    ``belongs-to-collection``. Links to speeches in other parts go to the web edition
    (``web_url`` + docname + ``.html``, e.g. ``https://example.org/speeches/zh-Hans/``) or,
    without ``web_url``, become plain text: never dangling. ``dates`` (docname → ISO date)
    gives each part's date range for its cover.
    """
    books = _part_books(
        Package.load(whole_epub), out_dir, variant=variant, meta=meta,
        source_date_epoch=source_date_epoch, web_url=web_url, dates=dates, shared=shared,
    )  # fmt: skip
    written = []
    for book in books:
        path, _ = book.make()
        written.append(PartEpub(book.part.key, book.part.title, path, book.part.docnames))
    return written


@dataclass
class _PartBook:
    """A part of the finished whole book, and what it takes to finish it."""

    part: Part
    whole: Package
    shared: list[str]  #: the documents every part carries (hrefs)
    dressing: Dressing
    web_url: str | None
    path: Path

    @cached_property
    def package(self) -> Package:
        """The part cut from the whole book, on first use (cutting costs 0.01 s a part at
        1,000 speeches); not dressed yet, its links to other parts still point at them."""
        return part_package(self.whole, self.part, shared=self.shared)

    def make(
        self, *, drawn_cover: bytes | None = None, deflated: Deflated | None = None
    ) -> tuple[Path, list[str]]:
        """Send the links that leave the part to the web edition, dress the part and write
        it; the EPUB's path and the warnings. ``drawn_cover``: see ``dress``; ``deflated``:
        see ``write_zip``."""
        rewrite_outside_links(self.package, self.web_url)
        warnings = dress(self.package, self.dressing, drawn_cover=drawn_cover)
        path = self.package.write(self.path, epoch=self.dressing.epoch, deflated=deflated)
        return path, warnings


def _part_books(
    whole: Package,
    out_dir: Path,
    *,
    variant: Variant,
    meta: EpubMeta,
    source_date_epoch: int | None,
    web_url: str | None,
    dates: Mapping[str, str] | None,
    shared: Collection[str] | None,
) -> Iterator[_PartBook]:
    """The parts of the finished ``whole``, one at a time (see ``split_parts``)."""
    shared_hrefs = shared_documents(whole, shared)
    nav = read_nav(whole)
    for part in find_parts(whole):
        dressing = part_dressing(
            part, part_nav(part, shared=shared_hrefs, nav=nav), variant=variant, meta=meta,
            source_date_epoch=source_date_epoch, dates=dates,
        )  # fmt: skip
        path = out_dir / f"{meta.slug}-{variant.name}-{part.key}.epub"
        yield _PartBook(part, whole, shared_hrefs, dressing, web_url, path)


# -- an edition, made again only where it changed -------------------------------------------


def publish_epubs(root: Path, variant: Variant) -> list[Path]:
    """The whole book and its parts for one edition, from ``_build/epub/<edition>/`` into
    ``_build/site/downloads/``; part EPUBs of parts that no longer exist are removed.

    Only what changed is made again: nothing when every input is as it was at the last run
    and the EPUBs are the files it wrote; else the whole book and the parts whose own inputs
    changed; in those, only the documents Sphinx wrote anew are dressed and compressed
    (``epub_cache``). ``_build/epub/<edition>.publish.json`` keeps what was made from what
    (``epub_state``). A book that is not made again logs its warnings again, as if it were."""
    kept = cache_path(root, variant)
    cache = Cache.read(kept)
    known = dict(cache.tree)
    edition = Edition.read(root, variant, known=cache.tree)
    state = State.read(edition.state_path)
    if edition.sphinx and state.inputs == edition.inputs and edition.intact(state):
        if cache.tree != known:  # files Sphinx wrote again, alike
            cache.write(kept, keep=True)
        return _unchanged(edition, state)

    meta, dates = edition.meta()
    whole_key = edition.whole_key(meta, dates)
    # An input changed, but nothing that publishing takes from it (an HTML setting, ...).
    made_alike = bool(state.outputs) and state.outputs[0].key == whole_key
    if edition.sphinx and made_alike and edition.intact(state):
        cache.write(kept, keep=True)
        State(edition.inputs, state.outputs).write(edition.state_path)
        return _unchanged(edition, state)

    whole = Package.load(edition.sphinx_dir, digests=edition.sphinx)
    cache.keyed(edition.dressing_key(meta))
    sources = cache.reuse(whole, rewritten={whole.nav_href()})
    dressing = whole_dressing(whole, variant=variant, meta=meta, source_date_epoch=edition.epoch)
    cover = edition.cover_key(dressing)
    drawn = _drawn_cover(state.output(edition.whole_path.name), edition, whole, cover)
    warnings = dress(whole, dressing, drawn_cover=drawn)
    entries = whole.entries()
    write_zip(entries, edition.whole_path, epoch=dressing.epoch, deflated=cache.deflated)
    whole.finish(entries)
    cache.remember(whole, sources)
    outputs = [Output.of(edition.whole_path, whole_key, warnings, cover=cover)]
    outputs += _publish_parts(
        edition, whole, entries, meta=meta, dates=dates, state=state, deflated=cache.deflated
    )

    written = [edition.downloads / output.name for output in outputs]
    for stale in edition.part_files():
        if stale not in written:
            stale.unlink()
    cache.write(kept)
    # Last, so that a run killed before this point is redone by the next one.
    State(edition.inputs, tuple(outputs)).write(edition.state_path)
    return written


def _publish_parts(
    edition: Edition,
    whole: Package,
    entries: Entries,
    *,
    meta: EpubMeta,
    dates: Mapping[str, str],
    state: State,
    deflated: Deflated,
) -> list[Output]:
    """Each part EPUB, made again only when its key (``part_key``) differs from the last
    run's or its file is not the one that run wrote."""
    hashes = {name: entries.digest(name) for name in entries}
    nav = nav_frame(whole)
    frame = whole_frame(whole, hashes)
    books = _part_books(
        whole, edition.downloads, variant=edition.variant, meta=meta,
        source_date_epoch=edition.epoch, web_url=edition.web_url, dates=dates, shared=None,
    )  # fmt: skip
    outputs = []
    for book in books:
        settings = Digest().add("settings", edition.settings).add("web", book.web_url)
        settings.add("dressing", book.dressing)
        quick = quick_part_key(
            [*book.part.members, *book.shared], settings=settings.copy(), frame=frame,
            whole=hashes, nav=nav, container_path=whole.container_path,
        )  # fmt: skip
        before = state.output(book.path.name)
        fresh = before is not None and before.intact(edition.downloads)
        if fresh and before.quick == quick:
            _log_again(before.warnings)
            outputs.append(before)
            continue
        key = part_key(book.package, settings=settings, whole=hashes, nav=nav)
        if fresh and before.key == key:
            _log_again(before.warnings)
            outputs.append(replace(before, quick=quick))
            continue
        cover = edition.cover_key(book.dressing)
        drawn = _drawn_cover(before, edition, whole, cover)
        path, warnings = book.make(drawn_cover=drawn, deflated=deflated)
        outputs.append(Output.of(path, key, warnings, cover=cover, quick=quick))
    return outputs


def _drawn_cover(before: Output | None, edition: Edition, whole: Package, key: str) -> bytes | None:
    """The cover the last run drew for this book, when it would draw the same one again
    (most often the epoch alone changed: a new commit); drawing costs 0.07 s a book."""
    if before is None:
        return None
    return before.drawn_cover(edition.downloads, key, whole.container_path(DRAWN_COVER))


def _unchanged(edition: Edition, state: State) -> list[Path]:
    for output in state.outputs:
        _log_again(output.warnings)
    return [edition.downloads / output.name for output in state.outputs]


def _log_again(warnings: Collection[str]) -> None:
    for warning in warnings:
        logger.warning(warning)
