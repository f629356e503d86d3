"""Bytes → the kind of input they hold, read from the content, the extension only a tie-breaker:
a saved page named .php is a web page, a .docx is a ZIP holding ``word/document.xml``."""

from __future__ import annotations

import re

from build_tools.importing.archives import is_docx

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
TABLE_SUFFIXES = frozenset({".csv", ".tsv"})
JSON_SUFFIXES = frozenset({".jsonl", ".ndjson", ".json"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".myst"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml", ".php", ".asp", ".aspx", ".jsp"})
#: Bytes looked at to tell the kind.
HEAD = 8192

# A document that opens (after a BOM, an XML declaration or comments) with a tag only web
# pages open with: <!DOCTYPE html>, <html>, <head>, <meta>, <body>, <title>.
HTML_OPENING = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    rb"<(?:!doctype\s+html|html|head|meta|body|title)\b",
    re.IGNORECASE | re.DOTALL,
)
# Block tags of a page fragment (<p>, <div>, <br>): a text full of them is a page too.
BLOCK_TAG = re.compile(rb"<(?:p|div|br|span|td|table|h[1-6])\b[^>]*>", re.IGNORECASE)
# A translation memory: <tmx version="1.4"> near the start.
TMX_TAG = re.compile(rb"<tmx[\s>]", re.IGNORECASE)
# Jekyll/Hugo front matter: --- (or Hugo's +++ TOML) on the first line, a key: value line next.
FRONT_MATTER = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:---|\+\+\+)[ \t]*\r?\n[A-Za-z_][\w-]*\s*[:=]")


def _utf16_head(data: bytes) -> bytes:
    """The head of a UTF-16 file as ASCII-compatible bytes, so the patterns see its tags."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        codec = "utf-16"
        return data[: HEAD * 2].decode(codec, errors="ignore").encode("utf-8", errors="ignore")
    return data[:HEAD]


def sniff(data: bytes, suffix: str) -> str:
    """One of ``docx``, ``zip``, ``tmx``, ``html``, ``table``, ``json``, ``markdown``, ``text``
    (binary formats are refused later, by the decoder, with their name).

    >>> sniff(b"<?php ?>\\n<html><body><p>x</p></body></html>", ".php")
    'html'
    >>> sniff("---\\ntitle: 讲话\\n---\\n正文".encode(), ".txt"), sniff(b"abc", ".csv")
    ('markdown', 'table')
    """
    suffix = suffix.lower()
    if data.startswith(ZIP_MAGIC):
        return "docx" if suffix == ".docx" or is_docx(data) else "zip"
    head = _utf16_head(data)
    if TMX_TAG.search(head[:2048]):
        return "tmx"
    if suffix in TABLE_SUFFIXES:
        return "table"
    if HTML_OPENING.match(head) or (suffix in HTML_SUFFIXES and b"<" in head):
        return "html"
    if head.lstrip().startswith(b"<") and len(BLOCK_TAG.findall(head)) >= 5:
        return "html"
    if suffix in JSON_SUFFIXES:
        return "json"
    if suffix in MARKDOWN_SUFFIXES or FRONT_MATTER.match(head):
        return "markdown"
    return "text"
