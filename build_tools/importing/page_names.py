"""Page names: ``<date or 'undated'>-<pinyin slug>``, ASCII only, safe as file names and labels."""

from __future__ import annotations

import re
from collections.abc import Callable

from build_tools.slugs import segmenter, slug

# Dates as front matter holds them: YYYY-MM-DD, YYYY-MM, YYYY or --MM-DD.
PARTIAL_DATE = re.compile(r"^--(\d{2})-(\d{2})$")


def warm_up() -> None:
    """Load the word list and the part-of-speech tagger now (before forking workers that
    would each load them)."""
    from build_tools.importing.speakers import is_name

    segmenter()
    is_name("李克强")


def date_part(date: str | None) -> str:
    """The date as it starts a page name: ``2010-06-06``, ``1922``, ``undated-02-16``."""
    if not date:
        return "undated"
    if match := PARTIAL_DATE.match(date):
        return f"undated-{match[1]}-{match[2]}"
    return date


def page_name(title: str, date: str | None) -> str:
    """``2010-06-06-laodongju-chuangxianzhengyou``."""
    return f"{date_part(date)}-{slug(title)}"


def unique(page: str, taken: Callable[[str], bool]) -> str:
    """``page``, or ``page-2``, ``page-3``… when another speech has it."""
    if not taken(page):
        return page
    number = 2
    while taken(f"{page}-{number}"):
        number += 1
    return f"{page}-{number}"
