"""Optional vertical writing for the Traditional editions' EPUBs: CSS and spine direction.

One setting switches it on: ``variants_vertical_writing = True`` in ``conf.py`` (registered
by :func:`build_tools.variants.sphinx_setup.register`). The EPUB stage then asks
:func:`vertical_layout` for the edition; when it returns a layout it adds ``layout.css`` as a
stylesheet (file name ``layout.stylesheet``) and passes the package document through
:func:`set_page_progression`, so the book opens from the right as a vertical book does. Both
are valid EPUB 3 for EPUBCheck: ``writing-mode`` is EPUB 3 CSS (with the ``-epub-`` and
``-webkit-`` aliases older reading systems need) and ``page-progression-direction`` is a spine
attribute. zh-Hans is never set vertically: mainland books are horizontal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from build_tools.variants.table import Variant

SETTING = "variants_vertical_writing"

VERTICAL_CSS = """\
/* Vertical writing (variants_vertical_writing = True): columns right to left. */
html {
  -epub-writing-mode: vertical-rl;
  -webkit-writing-mode: vertical-rl;
  writing-mode: vertical-rl;
}
body {
  -epub-text-orientation: mixed;
  -webkit-text-orientation: mixed;
  text-orientation: mixed;
  line-height: 1.8;
}
/* Two-digit numbers sit upright inside the column (一九四九年 stays as is). */
.tcy, span.date {
  -epub-text-combine: horizontal;
  -webkit-text-combine: horizontal;
  text-combine-upright: all;
}
/* Pictures and code keep their own direction; pictures fit the column height. */
img { max-height: 90vh; max-width: none; height: auto; }
pre, code, table {
  -epub-writing-mode: horizontal-tb;
  -webkit-writing-mode: horizontal-tb;
  writing-mode: horizontal-tb;
}
/* Emphasis dots beside the characters, as vertical Chinese marks it, not slanted type. */
em {
  font-style: normal;
  -webkit-text-emphasis: dot;
  text-emphasis: dot;
}
"""


@dataclass(frozen=True)
class VerticalLayout:
    """What the EPUB stage adds for a vertical edition."""

    css: str
    stylesheet: str = "vertical.css"  #: file name inside the EPUB
    page_progression_direction: str = "rtl"  #: the spine's attribute value


def vertical_layout(variant: Variant, *, enabled: bool) -> VerticalLayout | None:
    """The vertical layout for ``variant`` when the setting is on and the edition is
    Traditional; else None (the book stays horizontal)."""
    if not enabled or not variant.traditional:
        return None
    return VerticalLayout(VERTICAL_CSS)


_SPINE = re.compile(r"<spine\b[^>]*>")
_DIRECTION = re.compile(r"""\s+page-progression-direction\s*=\s*(["'])[^"']*\1""")


def set_page_progression(opf: str, direction: str = "rtl") -> str:
    """The package document ``opf`` with ``page-progression-direction`` set on its spine.

    >>> set_page_progression('<spine toc="ncx">')
    '<spine toc="ncx" page-progression-direction="rtl">'
    """
    if direction not in ("ltr", "rtl", "default"):
        raise ValueError(f"page-progression-direction must be ltr, rtl or default: {direction!r}")

    def edit(match: re.Match[str]) -> str:
        tag = _DIRECTION.sub("", match[0])
        end = -2 if tag.endswith("/>") else -1
        return f'{tag[:end]} page-progression-direction="{direction}"{tag[end:]}'

    return _SPINE.sub(edit, opf, count=1)
