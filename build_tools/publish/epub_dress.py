"""One book dressed for publishing: metadata, cover, reading CSS, notes, navigation, language.

The same steps finish the whole book and each part; a ``Dressing`` holds everything they take
besides the package itself, so that it also says, as a digest, what a book was made with.
"""

from __future__ import annotations

import calendar
import logging
import re
import tempfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from build_tools.errors import BuildError, Warning_
from build_tools.publish import cover as covers
from build_tools.publish.epub_content import (
    COVER_PAGE,
    SIMPLIFIED,
    TRADITIONAL,
    NavEntry,
    add_cover,
    broken_links,
    drop_unreachable,
    glossary_pages,
    link_stylesheets,
    mark_notes,
    read_nav,
    set_language,
    write_nav,
    write_ncx,
)
from build_tools.publish.epub_metadata import Record, book_identifier, write_guide, write_metadata
from build_tools.publish.epub_package import Package
from build_tools.publish.epub_parts import Part
from build_tools.publish.epub_zip import ZIP_EPOCH
from build_tools.variants.table import Variant

logger = logging.getLogger(__name__)

DRAWN_COVER = "cover.png"  #: where ``add_cover`` puts a generated cover (a manifest href)
DATE_RANGE_DASH = "—"  #: 1923—1927, the Chinese range dash (一字线)
PART_TITLE = "{book}·{part}"  #: 演讲集·1923年


@dataclass(frozen=True)
class EpubMeta:
    """What the EPUB says about the book, in the edition's script (convert it first)."""

    title: str
    creator: str  #: the editor of the collection (dc:creator, role "edt")
    description: str = ""
    subjects: tuple[str, ...] = ()
    #: ISO dates of the earliest and the latest speech ("1923-12-26", "1927-04-08")
    date_range: tuple[str, str] | None = None
    #: an image the editor supplies (JPEG or PNG); ``None``: generate one from the title
    cover_image: Path | None = None
    #: vertical writing (top to bottom, pages right to left); for Traditional editions
    vertical: bool = False
    slug: str = "speeches"  #: the collection's name in file names and in its identifier
    publisher: str = ""  #: defaults to ``creator``
    rights: str = ""  #: dc:rights; defaults to ``creator``


@dataclass(frozen=True)
class Dressing:
    """Everything ``dress`` makes of one book besides its documents."""

    variant: Variant
    meta: EpubMeta
    epoch: int  #: every time stamp: dc:date, dcterms:modified, the zip entries
    identifier: str
    title: str
    cover_text: tuple[str, str, str]  #: title, subtitle, date range
    entries: tuple[NavEntry, ...]  #: the table of contents
    toc_page: str | None
    collection: tuple[str, int] | None = None  #: (collection title, position) for a part
    fallback_cover: Path | None = None  #: the cover when none can be drawn


def whole_dressing(
    package: Package, *, variant: Variant, meta: EpubMeta, source_date_epoch: int | None
) -> Dressing:
    """The whole book's dressing, from Sphinx's package (its navigation and first page)."""
    spine = package.spine()
    return Dressing(
        variant=variant,
        meta=meta,
        epoch=book_epoch(source_date_epoch, meta.date_range),
        identifier=book_identifier(meta.slug, variant.name),
        title=meta.title,
        cover_text=(meta.title, variant.label, format_date_range(meta.date_range)),
        entries=tuple(read_nav(package)),
        toc_page=spine[0] if spine else None,
    )


def part_dressing(
    part: Part,
    entries: Collection[NavEntry],
    *,
    variant: Variant,
    meta: EpubMeta,
    source_date_epoch: int | None,
    dates: Mapping[str, str] | None,
) -> Dressing:
    """One part's dressing: its own identifier, title, cover and place in the collection.
    ``dates`` (docname → ISO date) gives the part's date range; an undated part shows no
    dates rather than the whole book's."""
    date_range = _date_range(part.docnames, dates) if dates is not None else meta.date_range
    return Dressing(
        variant=variant,
        meta=replace(meta, date_range=date_range, cover_image=None),
        epoch=book_epoch(source_date_epoch, meta.date_range),
        identifier=book_identifier(meta.slug, variant.name, part.key),
        title=PART_TITLE.format(book=meta.title, part=part.title),
        cover_text=(meta.title, f"{part.title} · {variant.label}", format_date_range(date_range)),
        entries=tuple(entries),
        toc_page=part.members[0] if part.members else None,
        collection=(meta.title, part.position),
        fallback_cover=meta.cover_image,
    )


def dress(package: Package, dressing: Dressing, *, drawn_cover: bytes | None = None) -> list[str]:
    """Everything but the zip, the same steps for the whole book and for each part. Logs the
    warnings (broken links, no cover) and returns them. ``drawn_cover``: the PNG an earlier
    run drew for the same cover text and font, to use instead of drawing it again."""
    variant, meta, toc_page = dressing.variant, dressing.meta, dressing.toc_page
    words = TRADITIONAL if variant.traditional else SIMPLIFIED
    warnings: list[str] = []
    image = _cover_image(dressing, drawn=drawn_cover, warnings=warnings)
    if image is not None:
        content, suffix, media_type = image
        alt = f"{words.cover}：{'，'.join(t for t in dressing.cover_text if t)}"
        add_cover(package, content, suffix=suffix, media_type=media_type, alt=alt, words=words)
    link_stylesheets(package, vertical=meta.vertical)
    mark_notes(package)
    set_language(package, variant.bcp47)
    # After the steps that edit every document: the facts it reads then hold to the end.
    drop_unreachable(package)

    entries = list(dressing.entries)
    body = [e.href for top in entries for e in top.walk() if e.href != toc_page]
    landmarks = [("cover", COVER_PAGE, words.cover)] if image else []
    landmarks += [("toc", toc_page, words.toc)] if toc_page else []
    landmarks += [("bodymatter", body[0], words.bodymatter)] if body else []
    landmarks += [("glossary", href, words.glossary) for href in glossary_pages(package)]
    write_nav(package, entries, words=words, landmarks=landmarks)
    write_ncx(package, entries, identifier=dressing.identifier, title=dressing.title)
    write_guide(
        package,
        [("cover", words.cover, COVER_PAGE)] * bool(image)
        + [("toc", words.toc, toc_page)] * bool(toc_page),
    )
    record = Record(
        identifier=dressing.identifier,
        title=dressing.title,
        language=variant.bcp47,
        creator=meta.creator,
        publisher=meta.publisher or meta.creator,
        rights=meta.rights or meta.creator,
        epoch=dressing.epoch,
        description=meta.description,
        subjects=meta.subjects,
        traditional=variant.traditional,
        has_cover=image is not None,
        collection=dressing.collection,
    )
    write_metadata(package, record, vertical=meta.vertical)
    warnings += [
        Warning_("epub.broken-link", f"broken link {link}").format()
        for link in broken_links(package)
    ]
    for warning in warnings:
        logger.warning(warning)
    return warnings


def _cover_image(
    dressing: Dressing, *, drawn: bytes | None, warnings: list[str]
) -> tuple[bytes, str, str] | None:
    """(bytes, suffix, media type) of the cover: the editor's image, else a generated one (or
    the one ``drawn`` before), else the fallback; ``None`` with a warning (added to
    ``warnings``) when there is no CJK font to draw one."""
    meta, text = dressing.meta, dressing.cover_text
    if meta.cover_image is not None:
        return _supplied(meta.cover_image)
    if drawn is not None:
        return drawn, ".png", "image/png"
    title, subtitle, date_range = text
    font = covers.find_cjk_font(traditional=dressing.variant.traditional, text="".join(text))
    try:
        if font is None:
            raise BuildError(covers.NO_CJK_FONT)
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "cover.png"
            covers.make_cover(title, subtitle, date_range, out=out, font=font)
            return out.read_bytes(), ".png", "image/png"
    except BuildError as error:
        if dressing.fallback_cover is not None:
            return _supplied(dressing.fallback_cover)
        warnings.append(Warning_("epub.no-cover", f"no cover: {error}").format())
        return None


def _supplied(path: Path) -> tuple[bytes, str, str]:
    suffix = path.suffix.lower()
    types = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
    if suffix not in types or not path.is_file():
        raise BuildError("the cover image must be an existing .jpg or .png file", path=path)
    return path.read_bytes(), ".jpg" if suffix == ".jpeg" else suffix, types[suffix]


def book_epoch(source_date_epoch: int | None, date_range: tuple[str, str] | None) -> int:
    """SOURCE_DATE_EPOCH if given; else midnight UTC of the last speech's date; else 1980."""
    if source_date_epoch is not None:
        return max(int(source_date_epoch), ZIP_EPOCH)
    if date_range:
        match = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", date_range[1])
        if match:
            year, month, day = (int(g or 1) for g in match.groups())
            return max(calendar.timegm((year, month, day, 0, 0, 0)), ZIP_EPOCH)
    return ZIP_EPOCH


def format_date_range(date_range: tuple[str, str] | None) -> str:
    """``("1923-12-26", "1927-04-08")`` gives ``"1923—1927"``; one year gives ``"1923"``."""
    if not date_range:
        return ""
    first, last = (d[:4] for d in date_range)
    return first if first == last else f"{first}{DATE_RANGE_DASH}{last}"


def _date_range(
    docnames: Collection[str], dates: Mapping[str, str] | None
) -> tuple[str, str] | None:
    known = sorted(d for name in docnames if (d := (dates or {}).get(name)) and d[:4].isdigit())
    return (known[0], known[-1]) if known else None
