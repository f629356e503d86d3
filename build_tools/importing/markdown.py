"""Markdown/MyST input → plain lines: markup that only shaped the old page is dropped, escapes
undone, footnotes kept as numbered notes. Headings (#) stay for the structure stage."""

from __future__ import annotations

import re

from build_tools.importing.clean import FOOTNOTE_CLOSE, FOOTNOTE_OPEN
from build_tools.records import Footnote

# (label)= targets and % comments are MyST syntax, not text.
TARGET_OR_COMMENT = re.compile(r"^\s*(?:\([^()\s]+\)=|%.*)\s*$")
# Thematic breaks (---, ***, ___) separated a header from the body; they carry no text.
THEMATIC_BREAK = re.compile(r"^\s*(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
# A footnote definition: [^label]: text.
FOOTNOTE_DEFINITION = re.compile(r"^\s*\[\^(?P<label>[^\]\s]+)\]:\s*(?P<text>.*)$")
# A footnote reference: [^label].
FOOTNOTE_REFERENCE = re.compile(r"\[\^(?P<label>[^\]\s]+)\]")
# Strong or emphasis markers that are not escaped: **text**, *text*, __text__.
EMPHASIS = re.compile(r"(?<![\\*])(\*\*|\*|__)(?=\S)(.+?)(?<=\S)(?<!\\)\1")
# Images carry no text; a link keeps its text and loses its target.
IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
LINK = re.compile(r"(?<!!)\[([^\]\n^][^\]\n]*)\]\([^)\n]*\)")
# Raw HTML in Markdown is markup, not text: a figure's caption is a photo credit, other tags
# (<figure>, <img>, <br>) carry no words.
FIGCAPTION = re.compile(r"<figcaption\b[^>]*>.*?</figcaption>", re.IGNORECASE | re.DOTALL)
HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
# A blog engine's shortcode embedding media: {{< video src="…" >}}, {{% note %}}.
SHORTCODE = re.compile(r"\{\{[<%].*?[>%]\}\}")
# A backslash escape of ASCII punctuation, as Markdown defines it.
ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def from_markdown(lines: list[str]) -> tuple[list[str], tuple[Footnote, ...]]:
    """Plain lines and the footnotes (numbered in order of definition). References become
    FOOTNOTE_OPEN + number + FOOTNOTE_CLOSE.

    >>> from_markdown(["\\\\*x\\\\* **粗** 甲[^a]", "", "---", "(t)=", "[^a]: 注"])
    (['*x* 粗 甲\\ufdd01\\ufdd1', '', '', '', ''], (Footnote(number=1, text='注'),))
    >>> from_markdown(["![](a.jpg)见[链接](https://a.cn)。"])
    (['见链接。'], ())
    """
    numbers: dict[str, int] = {}
    notes: list[Footnote] = []
    out: list[str] = []
    for line in lines:
        if match := FOOTNOTE_DEFINITION.match(line):
            numbers[match["label"]] = len(numbers) + 1
            notes.append(Footnote(numbers[match["label"]], _plain(match["text"])))
            out.append("")
        elif TARGET_OR_COMMENT.match(line) or THEMATIC_BREAK.match(line):
            out.append("")
        else:
            out.append(line)

    def reference(match: re.Match[str]) -> str:
        number = numbers.get(match["label"])
        return f"{FOOTNOTE_OPEN}{number}{FOOTNOTE_CLOSE}" if number else match[0]

    return [_plain(FOOTNOTE_REFERENCE.sub(reference, line)) for line in out], tuple(notes)


def _plain(text: str) -> str:
    if "{{" in text:
        text = SHORTCODE.sub("", text)
    if "<" in text:
        text = HTML_TAG.sub("", FIGCAPTION.sub("", text))
    text = LINK.sub(r"\1", IMAGE.sub("", text))
    return ESCAPE.sub(r"\1", EMPHASIS.sub(r"\2", text))
