"""Finish Sphinx's EPUBs: metadata, cover, Chinese reading CSS, EPUB 3 notes, parts, same bytes.

The recipe, per edition (``publish_epubs``)::

    Sphinx's epub builder ──▶ _build/epub/<edition>/ (unzipped tree)
        ──finalize_epub──▶ downloads/<slug>-<edition>.epub          the whole collection
        ──split_parts────▶ downloads/<slug>-<edition>-<part>.epub   one per part (year, ...)

The book is post-processed, not rebuilt: ``Package`` reads the files Sphinx's ``content.opf``
lists, the ``epub_*`` modules edit them, and ``Package.write`` zips them reproducibly
(``mimetype`` first and stored, entries in name order, every time stamp ``SOURCE_DATE_EPOCH``).
"""

from __future__ import annotations

import calendar
import logging
import os
import re
import runpy
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from build_tools.errors import BuildError, Warning_
from build_tools.publish import cover as covers
from build_tools.publish.epub_check import epubcheck_report
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
from build_tools.publish.epub_package import ZIP_EPOCH, Package
from build_tools.publish.epub_parts import find_parts, part_package
from build_tools.variants.table import Variant

__all__ = [
    "EpubMeta",
    "PartEpub",
    "book_identifier",
    "epubcheck_report",
    "finalize_epub",
    "meta_from_conf",
    "publish_epubs",
    "split_parts",
]

logger = logging.getLogger(__name__)

DATE_RANGE_DASH = "—"  #: 1923—1927, the Chinese range dash (一字线)
PART_TITLE = "{book}·{part}"  #: 演讲集·1923年
#: conf.py's one switch for vertical writing (registered by build_tools.variants).
VERTICAL_SETTING = "variants_vertical_writing"


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
    epoch = _epoch(source_date_epoch, meta.date_range)
    package = Package.load(sphinx_epub_dir)
    entries = read_nav(package)
    spine = package.spine()
    _dress(
        package,
        variant=variant,
        meta=meta,
        epoch=epoch,
        identifier=book_identifier(meta.slug, variant.name),
        title=meta.title,
        cover_text=(meta.title, variant.label, format_date_range(meta.date_range)),
        entries=entries,
        toc_page=spine[0] if spine else None,
    )
    return package.write(out_path, epoch=epoch)


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
    whole = Package.load(whole_epub)
    written = []
    for part in find_parts(whole):
        package, entries = part_package(whole, part, shared=shared, web_url=web_url)
        # An undated part shows no dates rather than the whole book's.
        date_range = _date_range(part.docnames, dates) if dates is not None else meta.date_range
        part_meta = replace(meta, date_range=date_range, cover_image=None)
        epoch = _epoch(source_date_epoch, meta.date_range)
        _dress(
            package,
            variant=variant,
            meta=part_meta,
            epoch=epoch,
            identifier=book_identifier(meta.slug, variant.name, part.key),
            title=PART_TITLE.format(book=meta.title, part=part.title),
            cover_text=(
                meta.title,
                f"{part.title} · {variant.label}",
                format_date_range(date_range),
            ),
            entries=entries,
            toc_page=part.members[0] if part.members else None,
            collection=(meta.title, part.position),
            fallback_cover=meta.cover_image,
        )
        path = out_dir / f"{meta.slug}-{variant.name}-{part.key}.epub"
        written.append(PartEpub(part.key, part.title, package.write(path, epoch=epoch),
                                part.docnames))  # fmt: skip
    return written


# -- shared by both -------------------------------------------------------------------------


def _dress(
    package: Package,
    *,
    variant: Variant,
    meta: EpubMeta,
    epoch: int,
    identifier: str,
    title: str,
    cover_text: tuple[str, str, str],
    entries: list[NavEntry],
    toc_page: str | None,
    collection: tuple[str, int] | None = None,
    fallback_cover: Path | None = None,
) -> None:
    """Everything but the zip: the same steps for the whole book and for each part."""
    words = TRADITIONAL if variant.traditional else SIMPLIFIED
    drop_unreachable(package)
    image = _cover_image(meta, variant, cover_text, fallback=fallback_cover)
    if image is not None:
        content, suffix, media_type = image
        alt = f"{words.cover}：{'，'.join(t for t in cover_text if t)}"
        add_cover(package, content, suffix=suffix, media_type=media_type, alt=alt, words=words)
    link_stylesheets(package, vertical=meta.vertical)
    mark_notes(package)
    set_language(package, variant.bcp47)

    body = [e.href for top in entries for e in top.walk() if e.href != toc_page]
    landmarks = [("cover", COVER_PAGE, words.cover)] if image else []
    landmarks += [("toc", toc_page, words.toc)] if toc_page else []
    landmarks += [("bodymatter", body[0], words.bodymatter)] if body else []
    landmarks += [("glossary", href, words.glossary) for href in glossary_pages(package)]
    write_nav(package, entries, words=words, landmarks=landmarks)
    write_ncx(package, entries, identifier=identifier, title=title)
    write_guide(
        package,
        [("cover", words.cover, COVER_PAGE)] * bool(image)
        + [("toc", words.toc, toc_page)] * bool(toc_page),
    )
    record = Record(
        identifier=identifier,
        title=title,
        language=variant.bcp47,
        creator=meta.creator,
        publisher=meta.publisher or meta.creator,
        rights=meta.rights or meta.creator,
        epoch=epoch,
        description=meta.description,
        subjects=meta.subjects,
        traditional=variant.traditional,
        has_cover=image is not None,
        collection=collection,
    )
    write_metadata(package, record, vertical=meta.vertical)
    for link in broken_links(package):
        logger.warning(Warning_("epub.broken-link", f"broken link {link}").format())


def _cover_image(
    meta: EpubMeta, variant: Variant, text: tuple[str, str, str], *, fallback: Path | None
) -> tuple[bytes, str, str] | None:
    """(bytes, suffix, media type) of the cover: the editor's image, else a generated one, else
    ``fallback``; ``None`` with a warning when there is no CJK font to draw one."""
    if meta.cover_image is not None:
        return _supplied(meta.cover_image)
    title, subtitle, date_range = text
    font = covers.find_cjk_font(traditional=variant.traditional, text="".join(text))
    try:
        if font is None:
            raise BuildError(covers.NO_CJK_FONT)
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "cover.png"
            covers.make_cover(title, subtitle, date_range, out=out, font=font)
            return out.read_bytes(), ".png", "image/png"
    except BuildError as error:
        if fallback is not None:
            return _supplied(fallback)
        logger.warning(Warning_("epub.no-cover", f"no cover: {error}").format())
        return None


def _supplied(path: Path) -> tuple[bytes, str, str]:
    suffix = path.suffix.lower()
    types = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
    if suffix not in types or not path.is_file():
        raise BuildError("the cover image must be an existing .jpg or .png file", path=path)
    return path.read_bytes(), ".jpg" if suffix == ".jpeg" else suffix, types[suffix]


def _epoch(source_date_epoch: int | None, date_range: tuple[str, str] | None) -> int:
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


# -- from the project -----------------------------------------------------------------------


def speech_dates(source: Path) -> dict[str, str]:
    """docname → ``date`` of every MyST file under ``source`` that has one in its front
    matter (``speeches/1923-12-26-nala`` → ``"1923-12-26"``)."""
    return {name: str(fm["date"]) for name, fm in _front_matter(source).items() if fm.get("date")}


def _front_matter(source: Path) -> dict[str, dict[str, object]]:
    found = {}
    for path in sorted(source.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---\n"):
            continue
        head = text[4:].split("\n---\n", 1)[0]
        try:
            data = yaml.safe_load(head)
        except yaml.YAMLError:
            continue  # the importer and Sphinx report bad front matter; not this step
        if isinstance(data, dict):
            found[path.relative_to(source).with_suffix("").as_posix()] = data
    return found


def meta_from_conf(
    root: Path, variant: Variant, *, convert: Callable[[str, str], str] | None = None
) -> EpubMeta:
    """The book's ``EpubMeta`` from ``conf.py`` and the speeches' front matter.

    conf.py: ``project`` (title), ``author`` (editor), ``epub_publisher``, ``epub_copyright``,
    ``book_description``, ``book_slug``, ``epub_cover_image`` (an editor's cover, relative to
    conf.py; empty: generate one) and ``variants_vertical_writing`` (the one switch for
    vertical writing, registered by ``build_tools.variants``: True sets the Traditional
    editions vertically; zh-Hans stays horizontal). Subjects are the speeches' categories;
    the date range runs from the earliest to the latest dated speech.
    ``convert(text, script)`` spells text written in ``script`` ("hans": conf.py) the
    edition's way; ``None`` leaves it as it is.
    """

    def spell(text: object, script: object = "hans") -> str:
        return convert(str(text), str(script)) if convert else str(text)

    conf = runpy.run_path(str(root / "conf.py"))
    front = _front_matter(root / "source")
    dates = sorted(d for fm in front.values() if (d := str(fm.get("date", "")))[:4].isdigit())
    categories = sorted(
        {
            spell(fm["category"], fm.get("script", "hans"))
            for fm in front.values()
            if fm.get("category")
        }
    )
    cover = str(conf.get("epub_cover_image") or "")
    description = conf.get("book_description") or conf.get("epub_description") or ""
    return EpubMeta(
        title=spell(conf.get("epub_title") or conf.get("project", "")),
        creator=spell(conf.get("author", "")),
        description=spell(description),
        subjects=tuple(categories),
        date_range=(dates[0], dates[-1]) if dates else None,
        cover_image=root / cover if cover else None,
        vertical=bool(conf.get(VERTICAL_SETTING)) and variant.traditional,
        slug=str(conf.get("book_slug", "book")),
        publisher=spell(conf.get("epub_publisher", "")),
        rights=spell(conf.get("epub_copyright") or conf.get("copyright", "")),
    )


def source_date_epoch(root: Path | None = None) -> int | None:
    """``SOURCE_DATE_EPOCH`` from the environment (reproducible-builds.org); unset, the time of
    the last commit of ``root`` when it is a git work tree; else ``None``."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return _last_commit_time(root) if root is not None else None
    if not value.isdigit():
        raise BuildError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {value!r}")
    return int(value)


def _last_commit_time(root: Path) -> int | None:
    git = shutil.which("git")
    if git is None:
        return None
    result = subprocess.run(
        [git, "-C", str(root), "log", "-1", "--format=%ct"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    value = result.stdout.strip()
    return int(value) if result.returncode == 0 and value.isdigit() else None


def publish_epubs(root: Path, variant: Variant) -> list[Path]:
    """The whole book and its parts for one edition, from ``_build/epub/<edition>/`` into
    ``_build/site/downloads/``; part EPUBs of parts that no longer exist are removed."""
    from build_tools.publish.site import epub_name

    meta = meta_from_conf(root, variant, convert=_converter(root, variant))
    conf = runpy.run_path(str(root / "conf.py"))
    base = str(conf.get("html_baseurl") or "")
    web_url = f"{base.rstrip('/')}/{variant.name}/" if base else None
    downloads = root / "_build" / "site" / "downloads"
    epoch = source_date_epoch(root)
    whole = finalize_epub(
        root / "_build" / "epub" / variant.name,
        downloads / epub_name(meta.slug, variant),
        variant=variant,
        meta=meta,
        source_date_epoch=epoch,
    )
    parts = split_parts(
        whole,
        downloads,
        variant=variant,
        meta=meta,
        source_date_epoch=epoch,
        web_url=web_url,
        dates=speech_dates(root / "source"),
    )
    written = [whole, *(p.path for p in parts)]
    for stale in downloads.glob(f"{meta.slug}-{variant.name}-*.epub"):
        if stale not in written:
            stale.unlink()
    return written


def _converter(root: Path, variant: Variant) -> Callable[[str, str], str]:
    """Plain text in a source script, spelled as ``variant`` spells it (with the project's
    conversion dictionary), the way the Sphinx extension converts the speeches."""
    from build_tools.variants.convert import convert_text
    from build_tools.variants.dictionary import project_dictionary

    dictionary = project_dictionary(root / "source")

    def convert(text: str, script: str) -> str:
        return convert_text(text, variant, script=script, dictionary=dictionary)

    return convert
