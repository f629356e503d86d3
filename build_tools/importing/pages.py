"""Page names: ``<date or 'undated'>-<pinyin slug>``, ASCII only, safe as file names and labels."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import cache, lru_cache

from pypinyin import lazy_pinyin

SLUG_CHARS = 30  #: words are added to the slug while it stays this short (at least one word)
FALLBACK = "speech"
# Anything but lower-case ASCII letters and digits separates slug words.
NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Dates as front matter holds them: YYYY-MM-DD, YYYY-MM, YYYY or --MM-DD.
PARTIAL_DATE = re.compile(r"^--(\d{2})-(\d{2})$")


@cache
def _segmenter():
    import jieba  # loaded on first use: its dictionary takes a second

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def warm_up() -> None:
    """Load the word list and the part-of-speech tagger now (before forking workers that
    would each load them)."""
    from build_tools.importing.speakers import is_name

    _segmenter()
    is_name("李克强")


def _words(title: str) -> list[str]:
    """The title as pinyin words: 劳动局创先争优动员讲话稿 → laodongju chuangxianzhengyou …"""
    words: list[str] = []
    for token in _segmenter().lcut(title):
        word = NOT_SLUG.sub("", "".join(lazy_pinyin(token, errors="ignore")).lower())
        if not word:
            word = NOT_SLUG.sub("-", token.lower()).strip("-")
        words.extend(w for w in word.split("-") if w)
    return words


@lru_cache(maxsize=4096)
def slug(title: str) -> str:
    """A short ASCII slug of a title.

    >>> slug("娜拉走后怎样"), slug("Ein Puppenheim!"), slug("———")
    ('nala-zouhou-zenyang', 'ein-puppenheim', 'speech')
    """
    chosen: list[str] = []
    for word in _words(title):
        if chosen and len("-".join([*chosen, word])) > SLUG_CHARS:
            break
        chosen.append(word[:SLUG_CHARS])
    return "-".join(chosen) or FALLBACK


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
