"""Text → ASCII slug: the one rule for page names, anchors and part keys (pinyin words, short)."""

from __future__ import annotations

import logging
import re
from functools import cache, lru_cache

SLUG_CHARS = 30  #: words are added to the slug while it stays this short (at least one word)
FALLBACK = "speech"
# Anything but lower-case ASCII letters and digits separates slug words.
NOT_SLUG = re.compile(r"[^a-z0-9]+")


@cache
def segmenter():  # jieba has no type hints
    """jieba, loaded on first use: its dictionary takes a second."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def _words(title: str) -> list[str]:
    """The title as pinyin words: 劳动局创先争优动员讲话稿 → laodongju chuangxianzhengyou …"""
    # Imported on first use, like jieba: its tables take 0.17 s to load, and a rebuild finds
    # the slugs of names it has seen kept in the environment (``catalogue.SLUGS``).
    from pypinyin import lazy_pinyin

    words: list[str] = []
    for token in segmenter().lcut(title):
        word = NOT_SLUG.sub("", "".join(lazy_pinyin(token, errors="ignore")).lower())
        if not word:
            word = NOT_SLUG.sub("-", token.lower()).strip("-")
        words.extend(w for w in word.split("-") if w)
    return words


@lru_cache(maxsize=4096)
def slug(title: str, *, fallback: str = FALLBACK) -> str:
    """A short ASCII slug of a title or name; ``fallback`` when it has no letters or digits.

    >>> slug("娜拉走后怎样"), slug("Ein Puppenheim!"), slug("———")
    ('nala-zouhou-zenyang', 'ein-puppenheim', 'speech')
    """
    chosen: list[str] = []
    for word in _words(title):
        if chosen and len("-".join([*chosen, word])) > SLUG_CHARS:
            break
        chosen.append(word[:SLUG_CHARS])
    return "-".join(chosen) or fallback
