"""The publishable folder's own pages: the edition chooser and the downloads page."""

from __future__ import annotations

import runpy
from dataclasses import dataclass
from html import escape
from pathlib import Path

from build_tools.atomic import write_if_changed
from build_tools.variants.table import VARIANTS, Variant

PAGE = """<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
<style>
:root {{ color-scheme: light dark; }}
body {{ font-family: "Noto Serif CJK SC", "Noto Serif CJK TC", "Source Han Serif", "Songti SC",
  serif; line-height: 1.8; max-width: 40rem; margin: 0 auto; padding: 2rem 1rem; }}
h1 {{ font-size: 2rem; margin-bottom: .25rem; }}
ul {{ list-style: none; padding: 0; }}
li {{ margin: .75rem 0; padding: .75rem 1rem; border: 1px solid #8884; border-radius: .5rem; }}
a {{ color: #2563eb; }}
.edition {{ font-size: 1.25rem; font-weight: bold; }}
.muted {{ opacity: .75; font-size: .9rem; }}
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


def book_info(root: Path) -> BookInfo:
    """Read the few settings the landing page needs from conf.py, without running Sphinx."""
    conf = runpy.run_path(str(root / "conf.py"))
    return BookInfo(
        title=str(conf.get("project", "")),
        description=str(conf.get("book_description", "")),
        slug=str(conf.get("book_slug", "book")),
    )


def epub_name(slug: str, variant: Variant, part: str | None = None) -> str:
    """``speeches-zh-Hant.epub``, or ``speeches-zh-Hant-1924.epub`` for one part."""
    from build_tools.sphinx_ext.epub_builder import epub_name as name

    return name(slug, variant.name, part)


def write_landing(root: Path, variants: tuple[Variant, ...]) -> None:
    """Write ``_build/site/index.html`` (choose an edition) and ``downloads/index.html``."""
    info = book_info(root)
    site = root / "_build" / "site"
    built = [v for v in VARIANTS if v in variants or (site / v.name / "index.html").exists()]
    items = []
    for variant in built:
        epub = site / "downloads" / epub_name(info.slug, variant)
        download = f' · <a href="downloads/{escape(epub.name)}">EPUB</a>' if epub.exists() else ""
        items.append(
            f'<li lang="{variant.name}"><a class="edition" href="{variant.name}/index.html">'
            f"{escape(variant.label)}</a>{download}"
            f' <span class="muted">{variant.name}</span></li>'
        )
    body = (
        f"<h1>{escape(info.title)}</h1>\n<p>{escape(info.description)}</p>\n"
        f"<ul>\n{chr(10).join(items)}\n</ul>\n"
        '<p><a href="downloads/index.html">所有电子书下载 · 所有電子書下載</a></p>'
    )
    write_if_changed(site / "index.html", PAGE.format(title=escape(info.title), body=body))
    write_if_changed(site / "downloads" / "index.html", _downloads_page(info, site, built))


def _downloads_page(info: BookInfo, site: Path, variants: list[Variant]) -> str:
    sections = []
    for variant in variants:
        files = sorted((site / "downloads").glob(f"{info.slug}-{variant.name}*.epub"))
        whole = epub_name(info.slug, variant)
        links = [
            f'<li><a href="{escape(f.name)}">{escape(f.name)}</a>'
            f' <span class="muted">{f.stat().st_size // 1024} KB'
            f"{'' if f.name != whole else ' · 全书'}</span></li>"
            for f in sorted(files, key=lambda f: (f.name != whole, f.name))
        ]
        if links:
            sections.append(
                f'<section lang="{variant.name}"><h2>{escape(variant.label)}</h2>'
                f"<ul>{''.join(links)}</ul></section>"
            )
    body = f'<h1>{escape(info.title)}</h1><p><a href="../index.html">← 返回 · 返回</a></p>' + (
        "".join(sections) or "<p>尚无电子书。</p>"
    )
    return PAGE.format(title=escape(info.title), body=body)
