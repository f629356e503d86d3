"""MyST document → spans of text to convert and markup to keep, byte for byte.

``scan(doc)`` returns ``(start, end, is_text)`` spans that tile the document. Everything that
is not text a reader sees is kept: front-matter keys and non-text values, code (fenced and
inline), directive names and their non-text arguments and options, ``(label)=`` lines,
link destinations, role targets, anchors and attribute blocks, footnote labels, HTML
comments and tags, URLs, backslash escapes, MyST comments, and ``{nocvt}`…` `` spans and
```` ```{nocvt} ```` blocks. The scanner reads lines once and runs one precompiled regex
over each run of text, so it costs a fraction of what OpenCC itself costs.

Indented code blocks are kept too (an indented line after a blank line, outside a list).
Not recognised (documented in README.md): ``$…$`` math, and non-ASCII characters in bare
URLs and e-mail addresses (write ``<…>`` autolinks or ``{nocvt}`` for those; ASCII is
never changed by OpenCC).
"""

from __future__ import annotations

import re

from build_tools.variants.inline import Span, Spans, scan_inline

#: Front-matter keys whose values are text a reader sees; every other key's value is kept.
TEXT_KEYS = frozenset(
    [
        "title",
        "subtitle",
        "short_title",
        "speaker",
        "speakers",
        "author",
        "authors",
        "place",
        "category",
        "categories",
        "tags",
        "keywords",
        "occasion",
        "event",
        "audience",
        "organizer",
        "summary",
        "description",
        "abstract",
        "note",
        "notes",
        "caption",
    ]
)
#: Directives whose whole body is kept: code, math, raw output, document lists.
KEPT_BODY = frozenset(
    [
        "code",
        "code-block",
        "sourcecode",
        "code-cell",
        "literalinclude",
        "math",
        "raw",
        "eval-rst",
        "mermaid",
        "graphviz",
        "digraph",
        "graph",
        "toctree",
        "nocvt",
        "highlight",
        "jupyter-execute",
        "ipython",
        "plantuml",
        "tikz",
    ]
)
#: Directives whose argument is a title or text (for the rest it is a file, a language …).
TEXT_ARGUMENT = frozenset(
    [
        "admonition",
        "note",
        "tip",
        "hint",
        "important",
        "attention",
        "caution",
        "warning",
        "danger",
        "error",
        "seealso",
        "topic",
        "sidebar",
        "rubric",
        "pull-quote",
        "highlights",
        "table",
        "list-table",
        "csv-table",
        "dropdown",
        "card",
        "tab-item",
        "grid-item-card",
        "margin",
        "index",
        "versionadded",
        "versionchanged",
        "deprecated",
    ]
)
#: Directive options whose value is text.
TEXT_OPTIONS = frozenset(["caption", "alt", "title", "header", "subtitle", "tooltip"])
# A line that may open a block construct; every other line is text (the fast path).
_STARTS = r"[ \t]*(?:```|~~~|:::|\(|%|\[|\+\+\+|<!--)|(?: {4}| {0,3}\t)[ \t]*\S"
_BLOCK = re.compile(_STARTS)
# The next such line: starting with a literal newline lets the engine jump from line to line.
_NEXT_BLOCK = re.compile(rf"\n(?:{_STARTS})")
# An indented line (four spaces or a tab): code, after a blank line and outside a list.
_INDENTED = re.compile(r"(?: {4}| {0,3}\t)[ \t]*\S")
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|\r?$)")
_ATX_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|\r?$)")
# A fence: indentation, the fence, the info string (CommonMark allows no ` in a ` info).
_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,}|:{3,})[ \t]*(.*?)[ \t]*\r?$")
_DIRECTIVE = re.compile(r"\{([^{}\s]+)\}[ \t]*")
# ":option: value" right after a directive line.
_OPTION = re.compile(r"[ \t]*:([\w-]+):[ \t]*")
_YAML_RULE = re.compile(r"[ \t]*---[ \t]*\r?$")
_YAML_KEY = re.compile(r"[ \t]*([\w-]+)[ \t]*:[ \t]*")
_LABEL = re.compile(r"[ \t]*\([^()\n]*\)=[ \t]*\r?$")
_KEPT_LINE = re.compile(r"[ \t]*(?:%|\+\+\+)")  # MyST comments, block breaks
_FOOTNOTE_DEF = re.compile(r"[ \t]{0,3}\[\^[^\]\n]+\]:")
_LINK_DEF = re.compile(r"[ \t]{0,3}\[(?!\^)([^\]\n]+)\]:[ \t]*\S")
# All of them, found from newline to newline (the engine jumps to each "\n" directly).
_LINK_DEFS = re.compile(r"\n[ \t]{0,3}\[(?!\^)([^\]\n]+)\]:[ \t]*\S")
_COMMENT_OPEN = re.compile(r"[ \t]*<!--")
_FRONT_OPEN = re.compile(r"---[ \t]*\r?\n")
_FRONT_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
# A top-level key: any YAML key (plain or quoted, Chinese too), then ": " or ":" at the end.
_FRONT_KEY = re.compile(r"""('[^'\n]*'|"[^"\n]*"|[^\s#'"\-][^:\n]*?)[ \t]*:(?:[ \t]+|(?=\r?$))""")
_SCRIPT = re.compile(r"^script[ \t]*:[ \t]*['\"]?([A-Za-z_-]+)", re.MULTILINE)


def front_matter_end(doc: str) -> int:
    """The offset just after the closing ``---`` line of the front matter, or 0."""
    opening = _FRONT_OPEN.match(doc)
    if not opening:
        return 0
    closing = _FRONT_CLOSE.search(doc, opening.end())
    if not closing:
        return 0
    nl = doc.find("\n", closing.end())
    return len(doc) if nl < 0 else nl + 1


def script_of(doc: str) -> str | None:
    """The front matter's ``script:`` value, as written, or None."""
    end = front_matter_end(doc)
    found = _SCRIPT.search(doc, 0, end) if end else None
    return found[1] if found else None


def _lines(doc: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end-without-newline) of each line in ``doc[start:end]``."""
    out = []
    while start < end:
        nl = doc.find("\n", start, end)
        stop = end if nl < 0 else nl
        out.append((start, stop))
        start = stop + 1
    return out


def _scan_front_matter(doc: str, end: int, spans: Spans) -> None:
    key_is_text = False
    lines = _lines(doc, 0, end)
    spans.add(lines[0][0], lines[1][0] if len(lines) > 1 else end, False)  # the opening ---
    for line_start, line_end in lines[1:-1]:
        first = doc[line_start : line_start + 1]
        key = _FRONT_KEY.match(doc, line_start, line_end) if first not in " \t-#" else None
        if key:
            key_is_text = key[1] in TEXT_KEYS
            if key_is_text:
                spans.add(line_start, key.end(), False)
                spans.add(key.end(), line_end, True)
            else:
                spans.add(line_start, line_end, False)
        elif first == "#" or not key_is_text:
            spans.add(line_start, line_end, False)
        else:  # a list item or continuation line of a text value
            spans.add(line_start, line_end, True)
        spans.add(line_end, line_end + 1, False)
    spans.add(lines[-1][0], end, False)  # the closing ---


def _closing(doc: str, start: int, end: int, char: str, length: int) -> bool:
    fence = _FENCE.match(doc, start, end)
    return bool(fence and not fence[2] and fence[1][0] == char and len(fence[1]) >= length)


class _Scanner:
    """The block-level pass: one line at a time, a stack of open directive fences."""

    def __init__(self, doc: str, labels: tuple[str, ...]) -> None:
        self.doc = doc
        self.labels = labels
        self.spans = Spans([])
        self.stack: list[tuple[str, int]] = []
        self.text_from: int | None = None  # where the pending run of text lines starts

    def text_until(self, offset: int) -> None:
        if self.text_from is not None:
            scan_inline(self.doc, self.text_from, offset, self.spans, self.labels)
            self.text_from = None

    def keep(self, start: int, end: int) -> None:
        self.text_until(start)
        self.spans.add(start, end, False)

    def text(self, start: int, end: int) -> None:
        self.text_until(start)
        scan_inline(self.doc, start, end, self.spans, self.labels)

    def run(self, start: int) -> list[Span]:
        doc, n = self.doc, len(self.doc)
        pos = start
        while pos < n:
            if not _BLOCK.match(doc, pos):  # skip plain text lines up to the next block line
                if self.text_from is None:
                    self.text_from = pos
                block = _NEXT_BLOCK.search(doc, pos)
                if block is None:
                    break
                pos = block.start() + 1
            nl = doc.find("\n", pos)
            end = n if nl < 0 else nl
            pos = self.line(pos, end)
        self.text_until(n)
        return self.spans.items

    def line(self, start: int, end: int) -> int:
        """Handle the line at ``start``; return where the next unhandled line starts."""
        doc = self.doc
        after = min(end + 1, len(doc))
        if _INDENTED.match(doc, start, end) and self.opens_indented_code(start):
            return self.indented_code(start)
        if not _BLOCK.match(doc, start, end):
            if self.text_from is None:
                self.text_from = start
            return after
        fence = _FENCE.match(doc, start, end)
        if fence and not (fence[1][0] == "`" and "`" in fence[2]):
            return self.fence(start, end, fence)
        if _LABEL.match(doc, start, end) or _KEPT_LINE.match(doc, start, end):
            self.keep(start, after)
            return after
        if _LINK_DEF.match(doc, start, end):
            self.keep(start, after)
            return after
        footnote = _FOOTNOTE_DEF.match(doc, start, end)
        if footnote:
            self.keep(start, footnote.end())
            self.text_from = footnote.end()
            return after
        if _COMMENT_OPEN.match(doc, start, end):
            close = doc.find("-->", start)
            stop = len(doc) if close < 0 else close + 3
            self.keep(start, stop)
            self.text_from = stop  # whatever follows --> on its line is text
            nl = doc.find("\n", stop)
            return len(doc) if nl < 0 else nl + 1
        if self.text_from is None:
            self.text_from = start
        return after

    def opens_indented_code(self, start: int) -> bool:
        """Whether the indented line at ``start`` begins an indented code block: it follows
        a blank line or a heading (not a paragraph it would continue), and no list item
        above it owns the indentation."""
        doc = self.doc
        if start == 0:
            return True
        previous = doc.rfind("\n", 0, start - 1) + 1
        if doc[previous : start - 1].strip() and not _ATX_HEADING.match(doc, previous, start - 1):
            return False
        pos = previous
        while pos > 0:  # back over blank and indented lines to the block that holds them
            line_end = pos - 1
            line_start = doc.rfind("\n", 0, line_end) + 1
            if doc[line_start:line_end].strip():
                if _LIST_ITEM.match(doc, line_start, line_end):
                    return False
                if doc[line_start] not in " \t":
                    return True
            pos = line_start
        return True

    def indented_code(self, start: int) -> int:
        """Keep an indented code block: its indented lines and the blank lines between."""
        doc, pos, stop = self.doc, start, start
        while pos < len(doc):
            nl = doc.find("\n", pos)
            end = len(doc) if nl < 0 else nl
            if _INDENTED.match(doc, pos, end):
                stop = min(end + 1, len(doc))
            elif doc[pos:end].strip():
                break
            pos = end + 1
        self.keep(start, stop)
        return stop

    def fence(self, start: int, end: int, fence: re.Match[str]) -> int:
        after = min(end + 1, len(self.doc))
        char, length, info = fence[1][0], len(fence[1]), fence[2]
        closes = bool(self.stack) and self.stack[-1][0] == char and length >= self.stack[-1][1]
        if not info and closes:
            self.stack.pop()
            self.keep(start, after)
            return after
        directive = _DIRECTIVE.match(info)
        if not directive:  # code: ``` and ~~~ fences, and a colon fence MyST shows literally
            return self.kept_block(start, after, char, length)
        name = directive[1].lower()
        if name in KEPT_BODY:  # a caption or alt option is still text
            self.keep(start, after)
            body = self.options(after)
            return self.kept_block(body, body, char, length)
        argument = fence.start(2) + directive.end()
        if name in TEXT_ARGUMENT and argument < fence.end(2):
            self.keep(start, argument)
            self.text(argument, fence.end(2))
            self.keep(fence.end(2), after)
        else:
            self.keep(start, after)
        self.stack.append((char, length))
        return self.options(after)

    def kept_block(self, start: int, after: int, char: str, length: int) -> int:
        """Keep a code block (or a kept directive) up to and with its closing fence."""
        doc, pos = self.doc, after
        while pos < len(doc):
            nl = doc.find("\n", pos)
            end = len(doc) if nl < 0 else nl
            if any(_closing(doc, pos, end, c, n) for c, n in self.stack):
                break  # the enclosing directive ends first: the block was never closed
            if _closing(doc, pos, end, char, length):
                pos = min(end + 1, len(doc))
                break
            pos = min(end + 1, len(doc))
        self.keep(start, pos)
        return pos

    def options(self, pos: int) -> int:
        """Keep ``:option: value`` lines (or a ``---`` YAML block) after a directive line."""
        doc = self.doc
        lines = iter(_lines(doc, pos, len(doc)))
        in_yaml = False
        for start, end in lines:
            after = min(end + 1, len(doc))
            if _YAML_RULE.match(doc, start, end):
                if in_yaml or start == pos:
                    self.keep(start, after)
                    in_yaml = not in_yaml
                    if not in_yaml:
                        return after
                    continue
                return start
            option = (_YAML_KEY if in_yaml else _OPTION).match(doc, start, end)
            if not option and not in_yaml:
                return start
            if option and option[1] in TEXT_OPTIONS and option.end() < end:
                self.keep(start, option.end())
                self.text(option.end(), end)
                self.keep(end, after)
            else:
                self.keep(start, after)
        return len(doc)


def scan(doc: str) -> list[Span]:
    """``(start, end, is_text)`` spans tiling ``doc``; text spans are what OpenCC may see."""
    labels: tuple[str, ...] = ()
    if "]:" in doc:  # cheap test before looking for link reference definitions
        labels = tuple(sorted(set(_LINK_DEFS.findall("\n" + doc))))
    scanner = _Scanner(doc, labels)
    end = front_matter_end(doc)
    if end:
        _scan_front_matter(doc, end, scanner.spans)
    return scanner.run(end)
