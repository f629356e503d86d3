"""The publishable folder's own pages: the landing page and the downloads page.

The landing page (``_build/site/index.html``) says what the collection is, lists its speeches
part by part and leads into each edition and to the books; the downloads page lists each
edition's books by title, with what they hold, their format and size. Both are written from
``source/_collection/parts.json`` (the book's settings and parts, as the Sphinx build saw
them: ``collection_pages.manifest``), and only when their text changed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from build_tools.atomic import write_if_changed
from build_tools.book_files import book_file
from build_tools.sphinx_ext.catalogue import Entry, format_date
from build_tools.variants import convert
from build_tools.variants.dictionary import project_dictionary
from build_tools.variants.table import VARIANTS, Variant

#: Written by the Sphinx build (``sphinx_ext/collection_pages.manifest``).
MANIFEST = Path("_collection") / "parts.json"
#: The landing page lists at most this many speeches of a part (the edition's front page
#: and the part's own page list all of them).
PER_PART = 8

PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
<style>
:root {{ color-scheme: light dark; }}
body {{ font-family: "Noto Serif CJK SC", "Noto Serif CJK TC", "Source Han Serif", "Songti SC",
  serif; line-height: 1.8; max-width: 42rem; margin: 0 auto; padding: 2rem 1rem; }}
:lang(zh-Hant), :lang(zh-TW) {{ font-family: "Noto Serif CJK TC", "Source Han Serif TC",
  "Songti TC", serif; }}
:lang(zh-HK) {{ font-family: "Noto Serif CJK HK", "Noto Serif CJK TC", serif; }}
h1 {{ font-size: 2rem; margin-bottom: .25rem; }}
h2 {{ font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #8884; }}
h3 {{ font-size: 1.05rem; margin: 1.25rem 0 .25rem; }}
ul {{ padding-left: 1.25rem; margin: .25rem 0; }}
ul.cards {{ list-style: none; padding: 0; }}
.cards li {{ margin: .75rem 0; padding: .75rem 1rem; border: 1px solid #8884;
  border-radius: .5rem; }}
a {{ color: #2563eb; }}
.edition {{ font-size: 1.25rem; font-weight: bold; }}
.muted {{ opacity: .75; font-size: .9rem; }}
.contents {{ font-size: .9rem; }}
</style>
</head>
<body>
<main>
{body}
</main>
</body>
</html>
"""


@dataclass(frozen=True)
class BookInfo:
    title: str
    description: str
    slug: str
    opencc: dict[str, str] = field(default_factory=dict)  #: conf.py's ``book_opencc``
    source: Path = Path("source")


@dataclass(frozen=True)
class Part:
    """One part of the book as the pages show it: its key (in file names), title, speeches."""

    key: str
    title: str  #: Simplified
    speeches: tuple[Entry, ...]


def book_info(root: Path) -> BookInfo:
    """The settings the pages need, as the last Sphinx build read them from ``conf.py``."""
    book = _manifest(root / "source").get("book", {})
    return BookInfo(
        title=str(book.get("title", "")),
        description=str(book.get("description", "")),
        slug=str(book.get("slug", "speeches")),
        opencc=dict(book.get("opencc") or {}),
        source=root / "source",
    )


def epub_name(slug: str, variant: Variant, part: str | None = None) -> str:
    """``speeches-zh-Hant.epub``, or ``speeches-zh-Hant-1924.epub`` for one part."""
    return book_file(slug, variant.name, part, suffix="epub")


def write_landing(root: Path, variants: tuple[Variant, ...]) -> None:
    """Write ``_build/site/index.html`` (the landing page) and ``downloads/index.html``."""
    info = book_info(root)
    site = root / "_build" / "site"
    built = [v for v in VARIANTS if v in variants or (site / v.name / "index.html").exists()]
    parts = read_parts(root / "source")
    landing = PAGE.format(
        lang=built[0].name if built else "zh",
        title=escape(info.title),
        body=_landing_body(info, site, built, parts),
    )
    write_if_changed(site / "index.html", landing)
    write_if_changed(site / "downloads" / "index.html", _downloads_page(info, site, built, parts))


# -- what the pages are made from ------------------------------------------------------------


def read_parts(source: Path) -> list[Part]:
    """The parts of the book with their speeches' title, date, speaker and script, in the
    book's order."""
    return [
        Part(
            str(part["key"]),
            str(part["title"]),
            tuple(
                Entry(
                    docname=str(speech["docname"]),
                    title=str(speech["title"]),
                    date=speech.get("date"),
                    speaker=speech.get("speaker"),
                    script=str(speech.get("script") or "hans"),
                )
                for speech in part["speeches"]
            ),
        )
        for part in _manifest(source).get("parts", ())
    ]


def _manifest(source: Path) -> dict[str, Any]:
    try:
        data = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # no build has written it yet (or it was cut short): pages without parts
    return data if isinstance(data, dict) else {}


def _spell(info: BookInfo, variant: Variant) -> Callable[..., str]:
    """Simplified text → ``variant``'s spelling (with the book's ``book_opencc`` choice);
    a speech's field → the same, from the script it is written in."""
    choice = info.opencc.get(variant.name)
    edition = variant.with_opencc(choice) if choice else variant
    dictionary = project_dictionary(info.source)

    def spell(text: str, script: str = "hans") -> str:
        return convert.convert_text(text, edition, script=script, dictionary=dictionary)

    return spell


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{max(1, size // 1000)} KB"


def _span(parts: list[Part]) -> str:
    """从1922年8月14日到2026年1月 (Simplified), or "" when no speech is dated."""
    dated = [e for p in parts for e in p.speeches if e.year]
    if not dated:
        return ""
    dated.sort(key=lambda e: e.sort_key)
    return f"，时间从{format_date(dated[0].date)}到{format_date(dated[-1].date)}"


# -- the landing page ------------------------------------------------------------------------


def _landing_body(info: BookInfo, site: Path, built: list[Variant], parts: list[Part]) -> str:
    first = built[0] if built else VARIANTS[0]
    t = _spell(info, first)
    entries = [e for p in parts for e in p.speeches]
    html = [f"<h1>{escape(t(info.title))}</h1>"]
    if info.description:
        html.append(f"<p>{escape(t(info.description))}</p>")
    if entries:
        html.append(
            f"<p>{escape(t(f'本文集收录演讲与报告 {len(entries)} 篇{_span(parts)}。'))}</p>"
        )
        speakers = list(dict.fromkeys(t(e.speaker, e.script) for e in entries if e.speaker))
        if speakers:
            names = "、".join(speakers[:5]) + ("等" if len(speakers) > 5 else "")
            html.append(f"<p>{escape(t(f'演讲者 {len(speakers)} 位：'))}{escape(names)}。</p>")
    cards = []
    for variant in built:
        s = _spell(info, variant)
        epub = site / "downloads" / epub_name(info.slug, variant)
        links = [f'<a href="{variant.name}/index.html">{escape(s("在线阅读"))}</a>']
        if epub.exists():
            label = s(f"下载电子书（EPUB，{_size(epub)}）")
            links.append(f'<a href="downloads/{escape(epub.name)}">{escape(label)}</a>')
        pdf = epub.with_suffix(".pdf")
        if pdf.exists():
            label = s(f"下载印刷版（PDF，{_size(pdf)}）")
            links.append(f'<a href="downloads/{escape(pdf.name)}">{escape(label)}</a>')
        cards.append(
            f'<li lang="{variant.name}"><a class="edition" href="{variant.name}/index.html">'
            f"{escape(s(info.title))}（{escape(variant.label)}）</a><br>"
            f"{' · '.join(links)}</li>"
        )
    html.append(f'<ul class="cards">{"".join(cards)}</ul>')
    if parts:
        html.append(f"<h2>{escape(t('篇目'))}</h2>")
        for part in parts:
            html.append(f"<h3>{escape(t(f'{part.title} · {len(part.speeches)}篇'))}</h3><ul>")
            for entry in part.speeches[:PER_PART]:
                facts = [t(entry.speaker, entry.script)] if entry.speaker else []
                facts.append(t(format_date(entry.date)))
                html.append(
                    f'<li><a href="{first.name}/{escape(entry.docname)}.html">'
                    f"{escape(t(entry.title, entry.script))}</a> "
                    f'<span class="muted">{escape(" · ".join(facts))}</span></li>'
                )
            rest = len(part.speeches) - PER_PART
            if rest > 0:
                href = f"{first.name}/_collection/parts/{escape(part.key)}.html"
                html.append(f'<li><a href="{href}">{escape(t(f"另有 {rest} 篇……"))}</a></li>')
            html.append("</ul>")
    html.append(f'<p><a href="downloads/index.html">{escape(t("全部电子书下载"))}</a></p>')
    return "\n".join(html)


# -- the downloads page ----------------------------------------------------------------------


def _downloads_page(info: BookInfo, site: Path, variants: list[Variant], parts: list[Part]) -> str:
    first = variants[0] if variants else VARIANTS[0]
    t = _spell(info, first)
    sections = []
    for variant in variants:
        s = _spell(info, variant)
        books = []
        whole = site / "downloads" / epub_name(info.slug, variant)
        count = sum(len(p.speeches) for p in parts)
        if whole.exists():
            what = s(f"全书 {count} 篇{_span(parts)}") if count else s("全书")
            books.append(_book(whole, f"{s(info.title)}（{variant.label}）", what))
        for part in parts:
            path = site / "downloads" / epub_name(info.slug, variant, part.key)
            if path.exists():
                titles = "、".join(f"《{s(e.title, e.script)}》" for e in part.speeches)
                title = f"{s(info.title)} · {s(part.title)}（{variant.label}）"
                books.append(
                    _book(path, title, s(f"{part.title} · {len(part.speeches)}篇"), titles)
                )
        if books:
            heading = f"{s(info.title)}（{variant.label}）"
            sections.append(
                f'<section lang="{variant.name}"><h2>{escape(heading)}</h2>'
                f'<ul class="cards">{"".join(books)}</ul></section>'
            )
    about = t(
        "EPUB 电子书可在手机、平板和电子阅读器的阅读软件中打开，字号可调，离线可读；"
        "PDF 为排印好的版本，便于打印和转发。"
    )
    body = (
        f"<h1>{escape(t(info.title))} · {escape(t('电子书下载'))}</h1>"
        f'<p><a href="../index.html">{escape(t("返回首页"))}</a></p>'
        f"<p>{escape(about)}</p>" + ("".join(sections) or f"<p>{escape(t('尚无电子书。'))}</p>")
    )
    return PAGE.format(
        lang=first.name, title=escape(f"{t(info.title)} · {t('电子书下载')}"), body=body
    )


def _book(path: Path, title: str, what: str, contents: str = "") -> str:
    """One book of the downloads page: its title (the link to the EPUB), what it holds, format
    and size, and the same book as PDF when the PDF builder made it."""
    html = (
        f'<li><a class="edition" href="{escape(path.name)}" download>{escape(title)}</a><br>'
        f'<span class="muted">{escape(what)} · EPUB · {_size(path)}</span>'
    )
    pdf = path.with_suffix(".pdf")
    if pdf.exists():
        html += f' · <a href="{escape(pdf.name)}" download>PDF · {_size(pdf)}</a>'
    if contents:
        html += f'<br><span class="contents">{escape(contents)}</span>'
    return html + "</li>"
