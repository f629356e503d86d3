"""Lines → paragraphs (hard wraps undone) → blocks: outline headings (一、 （一） 1.), lead
sentences in bold, plain paragraphs; and whether the text stops mid-sentence."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from build_tools.importing.clean import FOOTNOTE_CLOSE, FOOTNOTE_OPEN, IDEOGRAPHIC_SPACE
from build_tools.records import Block, Heading, Paragraph

# Leading spaces or ideographic spaces: the indentation that starts a paragraph.
INDENT = re.compile(f"^[ {IDEOGRAPHIC_SPACE}]+")
MARKDOWN_HEADING = re.compile(r"^(?P<marks>#{1,6})[ \t]+(?P<text>.+?)(?:[ \t]+#+)?$")
_CN_NUMBER = "[一二三四五六七八九十百零〇]{1,4}"
#: Outline numbering and the heading level it gives, outermost first.
NUMBERING: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(f"^第{_CN_NUMBER}(?:部分|篇|章)")),  # 第一部分 above 一、
    (2, re.compile(f"^{_CN_NUMBER}、")),  # 一、
    (3, re.compile(f"^[（(]{_CN_NUMBER}[）)]")),  # （一） (一)
    (4, re.compile(r"^\d{1,3}(?:[.．](?![\d.．])|、)")),  # 1. 1、 — not 1.5亿 or 2021.3
    (5, re.compile(r"^[（(]\d{1,3}[）)]")),  # （1）
    (6, re.compile("^[①-⑳]")),  # ①
)
#: The characters an outline number can start with, to rule most lines out at once.
NUMBER_STARTS = frozenset("第一二三四五六七八九十百零〇（(0123456789①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳")
WRAPPED_MIN = 20  #: columns: shorter lines are a list or verse, not a wrapped paragraph
HEADING_MAX = 50  #: a longer numbered line is a paragraph
LEAD_MAX = 60  #: a longer first sentence is not bolded as a lead
# Sentence-final (and clause-final) punctuation: a heading has none of it.
SENTENCE_MARKS = re.compile(r"[。！？；!?;…]|[：:，,、]$")
# The first sentence of a paragraph, for a numbered lead: up to 。！？ and closing quotes.
FIRST_SENTENCE = re.compile(r"^.*?[。！？!?][”’」』）)]*")
# A line that ends a sentence (or a clause before a list): it may end a paragraph.
SENTENCE_END = re.compile(r"[。！？!?…：:；;][”’」』）)]*$|[”’」』]$")
# What a complete text ends with, once closing quotes and brackets are set aside.
FINAL = re.compile(f"[。！？!?….](?:[”’」』）)》〉】\"']|{FOOTNOTE_OPEN}\\d+{FOOTNOTE_CLOSE})*$")
FOOTNOTE_REF = re.compile(f"{FOOTNOTE_OPEN}\\d+{FOOTNOTE_CLOSE}")
# A Latin word (or number) at the end of one line and the start of the next: a wrap between
# two words, which needs a space where Chinese needs none.
LATIN_END = re.compile(r"[A-Za-z0-9]$")
LATIN_START = re.compile(r"^[A-Za-z0-9]")


@dataclass(frozen=True)
class _Line:
    text: str
    indented: bool
    width: int


def _width(text: str) -> int:
    """Columns a fixed-width editor gives the line: Chinese characters (three UTF-8 bytes)
    take two, ASCII one. Counted from the encoded length, which is fast on long lines."""
    return len(text) + (len(text.encode("utf-8")) - len(text)) // 2


def numbering_level(text: str) -> int | None:
    """The level a line's outline number gives it, or None."""
    if text[:1] not in NUMBER_STARTS:
        return None
    for level, pattern in NUMBERING:
        if pattern.match(text):
            return level
    return None


def is_heading_text(text: str) -> bool:
    """Short and not a sentence: no 。！？；…, not ending in ：，、."""
    if len(text) > 2 * HEADING_MAX:  # markers add a few characters, never this many
        return False
    plain = FOOTNOTE_REF.sub("", text) if FOOTNOTE_OPEN in text else text
    return len(plain) <= HEADING_MAX and not SENTENCE_MARKS.search(plain)


def _breaks_before(line: _Line, markdown: bool) -> bool:
    """A line that always starts a paragraph of its own: an outline item or a heading."""
    return numbering_level(line.text) is not None or (
        markdown and MARKDOWN_HEADING.match(line.text) is not None
    )


def _wrap_width(lines: list[_Line]) -> int | None:
    """The column at which the text was hard-wrapped, if most lines end there."""
    widths = [line.width for line in lines if line.text]
    if len(widths) < 8:
        return None
    common, _ = Counter(min(w, 400) for w in widths).most_common(1)[0]
    near = sum(1 for w in widths if common - 2 <= w <= common + 1)
    longer = sum(1 for w in widths if w > common + 2)
    if 16 <= common <= 160 and near >= 0.4 * len(widths) and longer <= 0.05 * len(widths):
        return common
    return None


def _join(left: str, right: str) -> str:
    """Two pieces of a wrapped paragraph: a space only between two Latin words."""
    if LATIN_END.search(left) and LATIN_START.match(right):
        return f"{left} {right}"
    return left + right


def paragraphs(
    raw_lines: list[str], *, markdown: bool = False, per_line: bool = False
) -> list[str]:
    """Group lines into paragraphs; a blank line always ends one. A text is read as one of:
    indented (an indented line starts a paragraph, others continue it), hard-wrapped at a
    fixed width, wrapped anywhere (most lines stop mid-sentence: a line continues until one
    ends a sentence), or one paragraph per line (always, with ``per_line``: a document's
    paragraphs are its lines)."""
    if per_line:
        return [text for line in raw_lines if (text := line.strip(f" {IDEOGRAPHIC_SPACE}"))]
    lines = [
        _Line(text := line.strip(f" {IDEOGRAPHIC_SPACE}"), bool(INDENT.match(line)), _width(text))
        for line in raw_lines
    ]
    filled = [line for line in lines if line.text]
    if not filled:
        return []
    indented = sum(1 for line in filled if line.indented)
    width = _wrap_width(lines)
    typical = sorted(line.width for line in filled)[len(filled) // 2]
    inner = [
        line
        for line, after in pairwise(lines)
        if line.text
        and after.text
        and not _breaks_before(line, markdown)
        and not _breaks_before(after, markdown)
    ]
    open_ended = sum(1 for line in inner if not SENTENCE_END.search(line.text[-4:]))
    out: list[str] = []
    current: str | None = None
    previous: _Line | None = None
    for line in lines:
        if not line.text:
            if current is not None:
                out.append(current)
            current, previous = None, None
            continue
        if current is None or previous is None or _breaks_before(line, markdown):
            starts = True
        elif 0.15 * len(filled) <= indented < len(filled):  # indented paragraphs
            starts = line.indented or previous.width < 0.6 * (width or typical)
        elif width is not None:  # hard-wrapped at a fixed width
            starts = previous.width < width - 2
        elif len(inner) >= 6 and open_ended >= 0.5 * len(inner) and typical >= WRAPPED_MIN:
            # wrapped anywhere: most lines stop mid-sentence
            ends = bool(SENTENCE_END.search(previous.text[-4:]))
            starts = ends or _heading_line(previous, markdown, typical)
        else:  # one paragraph per line
            starts = True
        if starts:
            if current is not None:
                out.append(current)
            current = line.text
        else:
            current = _join(current, line.text)
        previous = line
    if current is not None:
        out.append(current)
    return out


def _heading_line(line: _Line, markdown: bool, typical: int) -> bool:
    """A line that ends its paragraph at once: a Markdown heading, or a short outline item
    (a long one is the first line of a wrapped numbered paragraph)."""
    if markdown and MARKDOWN_HEADING.match(line.text):
        return True
    return numbering_level(line.text) is not None and (
        line.width < 0.6 * typical or is_heading_text(line.text)
    )


@dataclass(frozen=True)
class Outlined:
    """A paragraph classified: a heading (level, before anchors) or a paragraph."""

    text: str
    level: int | None = None
    lead: str | None = None


def squeeze(text: str) -> str:
    """Text without whitespace, for comparing lines."""
    return "".join(text.split())


def outline(
    texts: list[str], *, markdown: bool = False, marked: dict[str, int] | None = None
) -> list[Outlined]:
    """Headings where a numbered line is short and no sentence; a numbered first sentence
    followed by more text becomes that paragraph's lead, for a numbering level only when every
    lead of that level is short (siblings look alike). Levels never skip: a heading is one
    level below the nearest heading of an outer numbering (a lone （一） is level 2).

    ``marked`` maps (squeezed) paragraphs the container marked as headings to their rank:
    a Word heading level, or 0 for bold or centring alone. Unnumbered marked headings are
    the outermost level when the first of them comes before any numbered heading, else they
    sit inside the numbered heading before them."""
    marked = marked or {}
    outer_unnumbered: bool | None = None
    leads: dict[int, bool] = {}
    for text in texts:
        if (natural := numbering_level(text)) is not None and not is_heading_text(text):
            lead = FIRST_SENTENCE.match(text)
            fits = lead is not None and len(lead[0]) <= LEAD_MAX
            leads[natural] = leads.get(natural, True) and fits
    out: list[Outlined] = []
    open_headings: list[tuple[int, int]] = []  # (numbering level, heading level), outermost first
    for text in texts:
        natural = numbering_level(text)
        heading: int | None = None
        if markdown and (match := MARKDOWN_HEADING.match(text)):
            heading, text = max(2, len(match["marks"])), match["text"]
        elif natural is not None and is_heading_text(text):
            heading = natural
        elif (rank := marked.get(squeeze(text))) is not None and is_heading_text(text):
            if rank == 0:
                if outer_unnumbered is None:
                    outer_unnumbered = not open_headings
                rank = 1 if outer_unnumbered or not open_headings else open_headings[-1][0] + 1
            heading = rank
        lead = FIRST_SENTENCE.match(text) if natural is not None and heading is None else None
        if heading is not None:
            while open_headings and open_headings[-1][0] >= heading:
                open_headings.pop()
            level = min(6, (open_headings[-1][1] if open_headings else 1) + 1)
            open_headings.append((heading, level))
            out.append(Outlined(text, level))
        elif natural is not None and leads.get(natural) and lead and lead.end() < len(text):
            out.append(Outlined(text[lead.end() :], lead=lead[0]))
        else:
            out.append(Outlined(text))
    return out


#: A heading told by shape alone is at most this long, and the paragraph after it at least
#: this long; the text must have at least SHAPED_MIN of them (one short line is no outline).
SHAPED_MAX = 30
SHAPED_BODY = 60
SHAPED_MIN = 2
# What a shaped heading may not start with: a dash (a list item), a bracket, a greeting.
NOT_SHAPED = re.compile(r"^(?:[—―\-(（【\[]|各位|同志|女士|先生|朋友|谢谢)")
# A paragraph that ends a sentence: what comes before a heading.
ENDS_SENTENCE = re.compile(r"[。！？!?…][”’」』）)]*$")


def shaped_headings(texts: list[str]) -> dict[str, int]:
    """Headings without a number, told by their shape: a short line, no sentence, after a
    finished sentence and before a long paragraph (the part headings of a report: 2024年工作
    回顾), when the first of them comes before any 一、 heading (so they are the outer parts).
    Returned as ``outline``'s ``marked`` (rank 0).

    >>> long = "过去一年，全省经济运行稳中向好，各项事业取得新进展，人民生活水平持续提高。" * 2
    >>> shaped_headings(["各位代表：", "2024年工作回顾", long, "2025年工作安排", long])
    {'2024年工作回顾': 0, '2025年工作安排': 0}
    """
    numbered = next((i for i, text in enumerate(texts) if numbering_level(text) == 2), None)
    found: dict[str, int] = {}
    for index, text in enumerate(texts[:-1]):
        if numbered is not None and not found and index > numbered:
            return {}  # the outline is numbered; short lines inside it are not its parts
        before = texts[index - 1] if index else ""
        if (
            len(text) <= SHAPED_MAX
            and numbering_level(text) is None
            and is_heading_text(text)
            and not NOT_SHAPED.match(text)
            and (not before or ENDS_SENTENCE.search(before) or before.endswith(("：", ":")))
            and len(texts[index + 1]) >= SHAPED_BODY
        ):
            found[squeeze(text)] = 0
    return found if len(found) >= SHAPED_MIN else {}


def join_wrapped_headings(texts: list[str]) -> list[str]:
    """A numbered heading a document wrapped into two paragraphs (三、持续提升政府 /
    治理效能和服务水平) is joined again: the second part is short, no sentence and no number,
    and a long paragraph follows it.

    >>> join_wrapped_headings(["三、持续提升政府", "治理效能和服务水平", "长" * 80])[0]
    '三、持续提升政府治理效能和服务水平'
    """
    out: list[str] = []
    index = 0
    while index < len(texts):
        text = texts[index]
        if (
            index + 2 < len(texts)
            and numbering_level(text) is not None
            and is_heading_text(text)
            and len(texts[index + 1]) <= SHAPED_MAX // 2
            and numbering_level(texts[index + 1]) is None
            and is_heading_text(texts[index + 1])
            and len(texts[index + 2]) >= SHAPED_BODY
        ):
            out.append(text + texts[index + 1])
            index += 2
            continue
        out.append(text)
        index += 1
    return out


def anchored(items: list[Outlined], page: str) -> tuple[Block, ...]:
    """Blocks with explicit anchors ``<page>-h<outline path>``: h1, h1-2, h1-2-1…"""
    counters: list[int] = []
    blocks: list[Block] = []
    for item in items:
        if item.level is None:
            blocks.append(Paragraph(item.text, item.lead))
            continue
        depth = item.level - 1
        counters = counters[:depth]
        counters += [0] * (depth - len(counters))
        counters[depth - 1] += 1
        path = "-".join(str(n) for n in counters)
        blocks.append(Heading(item.level, item.text, f"{page}-h{path}"))
    return tuple(blocks)


def ends_mid_sentence(items: list[Outlined]) -> str | None:
    """The last words when the text stops mid-sentence (or on a heading), else None."""
    if not items:
        return None
    last = items[-1]
    text = (last.lead or "") + last.text
    if last.level is not None or not FINAL.search(text.rstrip()[-24:]):
        return FOOTNOTE_REF.sub("", text)[-12:]
    return None
