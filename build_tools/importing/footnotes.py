"""Numbered notes after the text and the markers glued to words (伊孛生2是) → footnotes, only
when every note finds its marker, in order."""

from __future__ import annotations

import re

from build_tools.han import HAN
from build_tools.importing.clean import FOOTNOTE_CLOSE, FOOTNOTE_OPEN
from build_tools.importing.script import both_scripts
from build_tools.records import Footnote

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
# A marker may follow a word, a letter, or a closing quote or bracket (“整理国故”3).
_BEFORE = f"(?<=[{HAN}A-Za-z”’」』》）)\\]])"
# …and must not be part of a number or a quantity: 4月, 2.6万亿, 50%, 第60页.
_NOT_QUANTITY = (
    r"(?![\d.．%‰])(?!\s*(?:[年月日号时分秒万亿千百十元角个项家次倍岁名位条台辆人份户所座架艘吨米"
    r"里斤克度周天届期卷章节页篇册部集点成级]))"
)
NOT_QUANTITY = both_scripts(_NOT_QUANTITY)
# The same for a note's number, with only units no note begins with (3人形… is a note).
NOT_COUNT = both_scripts(r"(?![\d.．%‰])(?!\s*[年月日号时分秒万亿千百元个项次倍岁])")
# A note line: its number, then the note. Bare digits must be glued to the text (1本篇…) and
# not be a quantity: "1、" and "1." start list items, "1个" is text. Bracketed forms may be
# followed by a space.
NOTE_LINE = re.compile(
    rf"^(?:\[(?P<a>\d{{1,3}})\]|［(?P<b>\d{{1,3}})］|〔(?P<c>\d{{1,3}})〕|[（(](?P<d>\d{{1,3}})[）)]"
    rf"|注\s*(?P<e>\d{{1,3}})\s*[:：]?|(?P<f>[{CIRCLED}])"
    rf"|(?P<g>\d{{1,3}})(?=[^\d\s.、．,，:：)）%]){NOT_COUNT})"
    r"\s*(?P<text>\S.*)$"
)
# Notes about the piece as a whole (where it first appeared) belong to the title.
ABOUT_THE_PIECE = re.compile(both_scripts(r"^(?:本篇|本文|这篇|此篇|本讲|这是.{0,6}讲|这次讲演)"))


def _number(match: re.Match[str]) -> int:
    for key in "abcdeg":
        if match[key]:
            return int(match[key])
    return CIRCLED.index(match["f"]) + 1


def split_notes(lines: list[str]) -> tuple[list[str], list[tuple[int, str]]]:
    """The trailing block of notes 1, 2, 3… (nothing else after it) and the lines before it.
    A note that runs the next one in (…样子。(11)觳觫…) is split."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    for start_position in range(len(filled) - 1, -1, -1):
        match = NOTE_LINE.match(lines[filled[start_position]].strip())
        if not match or _number(match) != 1:
            continue
        notes = _consecutive([lines[i].strip() for i in filled[start_position:]])
        if notes:
            return lines[: filled[start_position]], notes
        break
    return lines, []


def _consecutive(note_lines: list[str]) -> list[tuple[int, str]] | None:
    notes: list[tuple[int, str]] = []
    for line in note_lines:
        match = NOTE_LINE.match(line)
        if not match or _number(match) != len(notes) + 1:
            return None
        notes.append((len(notes) + 1, match["text"]))
        while True:  # a following note run into this one: "(11)" or "（11）"
            number, text = notes[-1]
            inner = re.search(rf"[（(]{number + 1}[）)](?=\S)", text)
            if not inner:
                break
            notes[-1] = (number, text[: inner.start()].rstrip())
            notes.append((number + 1, text[inner.end() :]))
    return notes


def _marker(number: int) -> re.Pattern[str]:
    """The marker of note ``number`` in the text: ②, or 2 / (2) / [2] glued to a word."""
    if number <= len(CIRCLED):
        circled = CIRCLED[number - 1]
        return re.compile(
            rf"{circled}|{_BEFORE}(?:{number}|[（(]{number}[）)]|\[{number}\]){NOT_QUANTITY}"
        )
    return re.compile(rf"{_BEFORE}(?:{number}|[（(]{number}[）)]|\[{number}\]){NOT_QUANTITY}")


def _locate(paragraphs: list[str], numbers: list[int]) -> list[tuple[int, re.Match[str]]] | None:
    """The marker of each note, each after the previous one, or None if one is missing."""
    found: list[tuple[int, re.Match[str]]] = []
    index, offset = 0, 0
    for number in numbers:
        pattern = _marker(number)
        while index < len(paragraphs):
            match = pattern.search(paragraphs[index], offset)
            if match:
                found.append((index, match))
                offset = match.end()
                break
            index, offset = index + 1, 0
        else:
            return None
    return found


def link_notes(
    paragraphs: list[str], notes: list[tuple[int, str]]
) -> tuple[list[str], tuple[Footnote, ...], str | None]:
    """Replace each marker by FOOTNOTE_OPEN + number + FOOTNOTE_CLOSE and return the notes as
    Footnotes. A note without a marker is allowed only for note 1 (it belongs to the title).
    When the numbers do not agree nothing is linked: the notes stay paragraphs, with a reason."""
    if not notes:
        return paragraphs, (), None
    numbers = [number for number, _ in notes]
    title_first = ABOUT_THE_PIECE.match(notes[0][1]) is not None
    attempts = [numbers[1:], numbers] if title_first else [numbers]
    if not title_first and len(notes) > 1:
        attempts.append(numbers[1:])
    for attempt in attempts:
        located = _locate(paragraphs, attempt)
        if located is not None:
            out = list(paragraphs)
            for number, (index, match) in reversed(list(zip(attempt, located, strict=True))):
                text = out[index]
                mark = f"{FOOTNOTE_OPEN}{number}{FOOTNOTE_CLOSE}"
                out[index] = f"{text[: match.start()]}{mark}{text[match.end() :]}"
            return out, tuple(Footnote(n, text) for n, text in notes), None
    if len(notes) == 1:  # one numbered line without a marker is just text
        return [*paragraphs, f"{notes[0][0]}{notes[0][1]}"], (), None
    reason = (
        f"{len(notes)} numbered notes follow the text, but the markers in the text do not "
        "match them in order; the notes are kept as paragraphs"
    )
    return paragraphs + [f"{n}{text}" for n, text in notes], (), reason
