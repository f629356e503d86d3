"""Inline MyST: in a run of text lines, which spans are text and which are markup to keep.

Kept: backslash escapes, inline code, role names and targets (the text of ``{ref}`text
<target>` `` is converted, the target kept; the content of code-like roles and of
``{nocvt}`` is kept whole), substitutions, attribute blocks and anchors, footnote
references, link destinations and reference labels, HTML comments, tags and the content of
``<code>``-like elements, autolinks and bare URLs. One precompiled regex finds them all.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

Span = tuple[int, int, bool]  #: start, end, is_text

#: Roles whose whole content is kept: code, keys, math, and the not-to-be-converted role.
KEPT_ROLES = frozenset(
    [
        "nocvt",
        "code",
        "math",
        "kbd",
        "file",
        "samp",
        "command",
        "program",
        "literal",
        "regexp",
        "envvar",
        "option",
        "token",
        "keyword",
        "pep",
        "rfc",
        "manpage",
        "mimetype",
        "makevar",
        "eq",
    ]
)
#: Roles whose content is a target when it has no ``title <target>`` form.
TARGET_ROLES = frozenset(["ref", "numref", "doc", "download", "any", "external", "cite", "label"])
#: Roles whose content is text even in the ``text <target>`` form (the target is a term).
TEXT_ROLES = frozenset(["term", "index", "abbr", "sub", "sup"])

_TITLE_TARGET = re.compile(r"([\s\S]*?\S)\s*<[^<>]+>\s*")
_BLANK_AHEAD = r"(?:[^\n]|\n(?![ \t]*\r?\n))"  # any character, but no blank line

# Inline constructs to keep. Every alternative starts with a literal character, so the
# regex engine skips plain text with a set test instead of trying each branch: keep it so.
_INLINE_SOURCE = rf"""
  \\(?P<esc>[!-/:-@\[-`{{-~])
| `(?P<code>(?P<ticks>`*)(?!`){_BLANK_AHEAD}+?(?<!`)`(?P=ticks)(?!`))
| \{{(?P<role>(?P<rname>[A-Za-z][\w.:+-]*)\}}(?P<rticks>`+)(?!`)
     (?P<rbody>{_BLANK_AHEAD}+?)(?<!`)(?P=rticks)(?!`))
| \{{\{{(?P<subst>[^{{}}\n]*)\}}\}}
| \{{(?P<attr>[\#.%][^{{}}\n]*|[A-Za-z_][\w-]*=[^{{}}\n]*)\}}
| \[(?P<fn>\^[^\]\s]+)\]
| \](?P<dest>\((?:[^()\n\\]|\\.|\((?:[^()\n\\]|\\.)*\))*\))
| \](?P<refl>\[[^\[\]\n]*\])
| <(?P<comment>!--[\s\S]*?-->)
| <(?P<rawhtml>(?P<rawname>code|pre|kbd|samp|script|style|math|svg)\b[^<>]*>[\s\S]*?
     </(?P=rawname)\s*>)
| <(?P<auto>[A-Za-z][A-Za-z0-9+.-]{{1,31}}:[^\s<>]*
     |[A-Za-z0-9.!\#$%&'*+/=?^_`{{|}}~-]+@[A-Za-z0-9][A-Za-z0-9.-]*)>
| <(?P<tag>/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?)>
| h(?P<http>ttps?://[!-;=?-~]+)
| f(?P<ftp>tp://[!-;=?-~]+)
| w(?P<www>ww\.[A-Za-z0-9-]+\.[!-;=?-~]+)
| m(?P<mailto>ailto:[!-;=?-~]+)
"""
_INLINE = re.compile(_INLINE_SOURCE, re.VERBOSE)


@functools.cache
def _inline_with_labels(labels: tuple[str, ...]) -> re.Pattern[str]:
    """The inline regex that also keeps ``[label]`` shortcut references to definitions."""
    names = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    return re.compile(rf"\[(?P<sref>(?:{names}))\](?!\()|{_INLINE_SOURCE}", re.VERBOSE)


@dataclass
class Spans:
    """Spans in document order, adjacent ones of one kind merged."""

    items: list[Span]

    def add(self, start: int, end: int, is_text: bool) -> None:
        if start >= end:
            return
        if self.items:
            last_start, last_end, last_text = self.items[-1]
            if last_text == is_text and last_end == start:
                self.items[-1] = (last_start, end, is_text)
                return
        self.items.append((start, end, is_text))


def scan_inline(doc: str, start: int, end: int, spans: Spans, labels: tuple[str, ...] = ()) -> None:
    """Spans for ``doc[start:end]``, a run of lines (or part of one) that holds text."""
    pattern = _inline_with_labels(labels) if labels else _INLINE
    pos = start
    for match in pattern.finditer(doc, start, end):
        spans.add(pos, match.start(), True)
        if match.lastgroup == "role":
            _role(doc, match, spans)
        else:
            spans.add(match.start(), match.end(), False)
        pos = match.end()
    spans.add(pos, end, True)


def _role(doc: str, match: re.Match[str], spans: Spans) -> None:
    name = match["rname"].lower()
    body_start, body_end = match.span("rbody")
    if name in KEPT_ROLES or name.startswith("raw") or (":" in name and name not in TEXT_ROLES):
        spans.add(match.start(), match.end(), False)
        return
    titled = _TITLE_TARGET.fullmatch(doc, body_start, body_end)
    if titled and name not in TEXT_ROLES:
        text_end = titled.end(1)
    elif name in TARGET_ROLES:
        spans.add(match.start(), match.end(), False)
        return
    else:
        text_end = body_end
    spans.add(match.start(), body_start, False)
    spans.add(body_start, text_end, True)
    spans.add(text_end, match.end(), False)
