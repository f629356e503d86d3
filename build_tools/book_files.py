"""The one rule for the books' file names: ``speeches-zh-Hant.epub``, ``…-zh-Hant-1924.pdf``.

The EPUB and PDF builders name their books with it, and the pages that link to them (the
sidebar, the landing and downloads pages) find them with it.
"""

from __future__ import annotations


def book_file(slug: str, edition_name: str, part: str | None = None, *, suffix: str) -> str:
    """``book_file("speeches", "zh-Hant", "1924", suffix="epub")`` → ``speeches-zh-Hant-1924.epub``;
    no part: the whole book. ``part="*"`` gives the glob of the edition's part books."""
    return f"{slug}-{edition_name}{'-' + part if part else ''}.{suffix}"
