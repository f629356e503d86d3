"""Cleaning rules, in order: ``clean_text`` for the whole decoded text, ``normalise_punctuation``
for one paragraph. Every rule is a small ``str -> str`` function with an example."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from build_tools.han import HAN, IS_HAN

Rule = Callable[[str], str]

BOM = "\ufeff"  # also ZERO WIDTH NO-BREAK SPACE in the middle of a text
ZERO_WIDTH_SPACE = "\u200b"
ZERO_WIDTH_NON_JOINER = "\u200c"
WORD_JOINER = "\u2060"
SOFT_HYPHEN = "\u00ad"
NO_BREAK_SPACE = "\u00a0"
NARROW_NO_BREAK_SPACE = "\u202f"
IDEOGRAPHIC_SPACE = "\u3000"
LINE_SEPARATOR = "\u2028"
PARAGRAPH_SEPARATOR = "\u2029"
NEXT_LINE = "\u0085"
HORIZONTAL_BAR = "\u2015"  # ―: GB2312's A1AA as some converters map it; Chinese uses —
EM_DASH = "\u2014"
ELLIPSIS = "\u2026"
#: Marks a footnote reference inside paragraph text: FOOTNOTE_OPEN, the number, FOOTNOTE_CLOSE.
#: Unicode noncharacters, reserved for internal use, so they never occur in real text.
FOOTNOTE_OPEN = "\ufdd0"
FOOTNOTE_CLOSE = "\ufdd1"

#: Characters that make a neighbour "Chinese": Han, kana, CJK and full-width punctuation,
#: curly quotes, ellipsis, em dash, middle dot, and the end of a footnote reference.
CJK = (
    f"{HAN}\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u31a0-\u31bf"
    "\ufe30-\ufe4f\uff00-\uffef\u201c\u201d\u2018\u2019"
    f"{EM_DASH}{ELLIPSIS}\u00b7{FOOTNOTE_CLOSE}"
)
CJK_PUNCTUATION = (
    "\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
    f"\u201c\u201d\u2018\u2019{ELLIPSIS}{EM_DASH}"
)
# One Chinese character or mark: the test for "next to Chinese text".
IS_CJK = re.compile(f"[{CJK}]")

# ---------------------------------------------------------------------------- whole text


def normalise_newlines(text: str) -> str:
    """Every line break becomes ``\\n``.

    >>> normalise_newlines("甲\\r\\n乙\\r丙\\u2028丁")
    '甲\\n乙\\n丙\\n丁'
    """
    # CRLF before lone CR, so a Windows line break gives one newline, not two.
    return LINE_BREAKS.sub("\n", text) if LINE_BREAKS.search(text) else text


# CRLF, CR, Unicode line/paragraph separators, NEL and form feed all end a line.
LINE_BREAKS = re.compile(f"\r\n|[\r\f\v{LINE_SEPARATOR}{PARAGRAPH_SEPARATOR}{NEXT_LINE}]")


def unescape_entities(text: str) -> str:
    """HTML entities left by scrapers become the characters they stand for.

    >>> unescape_entities("中国&nbsp;人民&amp;政府&#8220;")
    '中国\\xa0人民&政府“'
    """
    return ENTITY.sub(lambda m: html.unescape(m[0]), text)


# Only the entities scrapers leave behind, so an "&" in ordinary text is never touched.
ENTITY = re.compile(
    r"&(?:nbsp|amp|lt|gt|quot|apos|ldquo|rdquo|lsquo|rsquo|hellip|mdash|middot|#\d{2,6}|#x[0-9a-fA-F]{2,5});"
)


def remove_invisibles(text: str) -> str:
    """Zero-width characters, soft hyphens, stray byte order marks, control characters and
    noncharacters are removed.

    >>> remove_invisibles("敬\\u200b业\\ufeff与\\x07乐业")
    '敬业与乐业'
    """
    return INVISIBLE.sub("", text) if INVISIBLE.search(text) else text


# Invisible or meaningless in a speech; the noncharacters must go because the footnote
# markers use them. Tab and newline are kept for the next rules.
INVISIBLE = re.compile(
    f"[{BOM}{ZERO_WIDTH_SPACE}{ZERO_WIDTH_NON_JOINER}{WORD_JOINER}{SOFT_HYPHEN}"
    "\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f\ufdd0-\ufdef\ufffe\uffff]"
)


def normalise_spaces(text: str) -> str:
    """Tabs and the various no-break and typographic spaces become a plain space; the
    ideographic space stays (it marks indentation).

    >>> normalise_spaces("北京市市长\\u00a0殷勇\\t讲")
    '北京市市长 殷勇 讲'
    """
    return SPACES.sub(" ", text) if SPACES.search(text) else text


# Every horizontal space except U+3000, which paragraph detection reads as indentation.
SPACES = re.compile(f"[\t{NO_BREAK_SPACE}\u2000-\u200a{NARROW_NO_BREAK_SPACE}\u205f]")


def strip_line_ends(text: str) -> str:
    """Whitespace at the end of a line is removed.

    >>> strip_line_ends("甲 \\u3000\\n乙")
    '甲\\n乙'
    """
    return "\n".join(line.rstrip(TRAILING_SPACE) for line in text.split("\n"))


# Spaces before a line break (or the end) carry nothing and hide empty lines.
TRAILING_SPACE = f" {IDEOGRAPHIC_SPACE}"

TEXT_RULES: tuple[Rule, ...] = (
    normalise_newlines,
    unescape_entities,
    remove_invisibles,
    normalise_spaces,
    strip_line_ends,
)


def clean_text(text: str) -> str:
    """Apply TEXT_RULES in order to a whole decoded text."""
    for rule in TEXT_RULES:
        text = rule(text)
    return text


# ----------------------------------------------------------------------------- paragraph


def horizontal_bar_to_dash(text: str) -> str:
    """The horizontal bar (U+2015) that GB2312 converters produce becomes the em dash.

    >>> horizontal_bar_to_dash("托尔斯泰(1828\\u20151910)")
    '托尔斯泰(1828—1910)'
    """
    return text.replace(HORIZONTAL_BAR, EM_DASH) if HORIZONTAL_BAR in text else text


def hyphens_to_dash(text: str) -> str:
    """Two or more hyphens next to Chinese text become a Chinese dash ——.

    >>> hyphens_to_dash("利害关系的。--我想"), hyphens_to_dash("x--y")
    ('利害关系的。——我想', 'x--y')
    """
    return HYPHENS.sub(_dash, text) if "--" in text or "－－" in text else text


# ASCII "--" stands in for —— only beside Chinese; in Latin text it may be an en dash or an
# option. Full-width hyphen pairs are always a dash. (The context is checked in _dash: a
# pattern that starts with a lookbehind is tried at every position and is slow.)
HYPHENS = re.compile("-{2,}|－{2,}")


def _dash(match: re.Match[str]) -> str:
    return EM_DASH * 2 if match[0][0] == "－" or _beside_cjk(match) else match[0]


def _beside_cjk(match: re.Match[str]) -> bool:
    """Whether the character just before or just after the match is Chinese."""
    text, start, end = match.string, match.start(), match.end()
    return bool((start and IS_CJK.match(text, start - 1)) or IS_CJK.match(text, end))


def dots_to_ellipsis(text: str) -> str:
    """Three or more dots (or 。。。) beside Chinese text, and a lone …, become ……

    >>> dots_to_ellipsis("我们……说。......今日"), dots_to_ellipsis("wait...")
    ('我们……说。……今日', 'wait...')
    >>> dots_to_ellipsis("1...5")
    '1...5'
    """
    if ELLIPSIS in text:
        text = ELLIPSES.sub(lambda m: ELLIPSIS * 2 if len(m[0]) == 1 else m[0], text)
    if "..." in text or "。。。" in text or "．．．" in text:
        text = DOTS.sub(_ellipsis, text)
    return text


# A single … is the Western form; Chinese doubles it. A pair (or more) is left as written.
ELLIPSES = re.compile(f"{ELLIPSIS}+")
# Dot runs count only next to Chinese, spaces between allowed: "1...5" is a range.
DOTS = re.compile(r" *(?:\.{3,}|。{3,}|．{3,})")
CJK_AFTER_SPACES = re.compile(f" *[{CJK}]")


def _ellipsis(match: re.Match[str]) -> str:
    text, start, end = match.string, match.start(), match.end()
    if start and IS_CJK.match(text, start - 1):
        return ELLIPSIS * 2
    dots = match[0].lstrip(" ")
    if dots[0] == "。" or CJK_AFTER_SPACES.match(text, end):
        return match[0][: len(match[0]) - len(dots)] + ELLIPSIS * 2
    return match[0]


def halfwidth_to_fullwidth(text: str) -> str:
    """Half-width , : ; ? ! next to a Chinese character become full-width; never between
    digits or letters.

    >>> halfwidth_to_fullwidth("统一部署,从现在起?14:29 Ein Puppenheim,中国 a,b 1,000")
    '统一部署，从现在起？14:29 Ein Puppenheim，中国 a,b 1,000'
    """
    for mark, (pattern, fullwidth) in HALFWIDTH.items():
        if mark in text:
            text = pattern.sub(fullwidth, text)
    return text


# A mark belongs to Chinese text when a Chinese character is on either side of it; between
# digits (14:29, 1,000) or letters it is left alone. The mark comes first in the pattern and
# the lookbehind after it, so the search skips quickly to the next mark.
HALFWIDTH = {
    mark: (re.compile(f"{re.escape(mark)}(?:(?<=[{CJK}].)|(?=[{CJK}]))"), fullwidth)
    for mark, fullwidth in {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}.items()
}


def parentheses_to_fullwidth(text: str) -> str:
    """A pair of half-width parentheses touching Chinese text, inside or out, becomes （）.

    >>> parentheses_to_fullwidth("现在放你完全自由。(走与不走)你能够")
    '现在放你完全自由。（走与不走）你能够'
    >>> parentheses_to_fullwidth("f(x) = 1")
    'f(x) = 1'
    """
    return PARENS.sub(_fullwidth_parens, text) if "(" in text else text


# One level of parentheses, bounded so a stray "(" costs nothing on a long line.
PARENS = re.compile(r"\(([^()\n]{1,500})\)")


def _fullwidth_parens(match: re.Match[str]) -> str:
    text, inner = match.string, match[1]
    before = text[match.start() - 1] if match.start() else ""
    after = text[match.end()] if match.end() < len(text) else ""
    if any(IS_CJK.match(c) for c in (before, inner[0], inner[-1], after) if c):
        return f"（{inner}）"
    return match[0]


def tighten_spaces(text: str) -> str:
    """Spaces between a Han character and Chinese punctuation, or between two Chinese
    punctuation marks, are removed.

    >>> tighten_spaces("还存在 “等、靠、要”等 Alps 山，没有苦了吗？ ”这")
    '还存在“等、靠、要”等 Alps 山，没有苦了吗？”这'
    """
    return SPACE_RUN.sub(_tight, text) if " " in text else text


# Chinese punctuation carries its own spacing; a space between it and a Han character is a
# typing slip. Spaces between Han characters and Latin words are kept.
SPACE_RUN = re.compile(" +")
IS_CJK_PUNCTUATION = re.compile(f"[{CJK_PUNCTUATION}]")


def _tight(match: re.Match[str]) -> str:
    text, start, end = match.string, match.start(), match.end()
    if not start or end >= len(text):
        return match[0]
    before, after = text[start - 1], text[end]
    if IS_CJK_PUNCTUATION.match(before) and (
        IS_HAN.match(after) or IS_CJK_PUNCTUATION.match(after)
    ):
        return ""
    if IS_HAN.match(before) and IS_CJK_PUNCTUATION.match(after):
        return ""
    return match[0]


def repair_quotes(text: str) -> str:
    """Curly double quotes that do not pair up (“ ” “ ”…) are set again from their context:
    before punctuation or the end a mark closes, after ：，（、 or the start it opens, between
    two words it follows the alternation. Applied only when that makes the paragraph pair up.

    >>> repair_quotes("好，”如释重负”；亦说，”心上一块石头落了地“。所以说”无入而不自得”，")
    '好，“如释重负”；亦说，“心上一块石头落了地”。所以说“无入而不自得”，'
    >>> repair_quotes("他说：“主一无适便是敬”。”用现在的话讲")
    '他说：“主一无适便是敬”。”用现在的话讲'
    """
    if "”" not in text and "“" not in text:
        return text
    positions = [match.start() for match in CURLY_QUOTE.finditer(text)]
    if _alternate([text[p] for p in positions]):
        return text
    decided: list[str] = []
    for position in positions:
        before, after = text[position - 1 : position], text[position + 1 : position + 2]
        if not after or CLOSES_BEFORE.match(after):
            decided.append("”")
        elif not before or OPENS_AFTER.match(before):
            decided.append("“")
        else:
            decided.append("”" if decided and decided[-1] == "“" else "“")
    if len(decided) % 2 or not _alternate(decided):
        return text
    chars = list(text)
    for position, mark in zip(positions, decided, strict=True):
        chars[position] = mark
    return "".join(chars)


def _alternate(marks: list[str]) -> bool:
    return all(mark == "“”"[index % 2] for index, mark in enumerate(marks))


# The double quotes whose direction can be wrong.
CURLY_QUOTE = re.compile("[“”]")
# A quote mark followed by one of these closes a quotation.
CLOSES_BEFORE = re.compile("[，。；！？、）：…—」』》 　]")
# A quote mark right after one of these opens a quotation.
OPENS_AFTER = re.compile("[：，（、《— 　]")

PUNCTUATION_RULES: tuple[Rule, ...] = (
    horizontal_bar_to_dash,
    hyphens_to_dash,
    dots_to_ellipsis,
    halfwidth_to_fullwidth,
    parentheses_to_fullwidth,
    tighten_spaces,
    repair_quotes,
)

# URLs and e-mail addresses keep every character: they are cut out before the rules run.
PROTECTED = re.compile(
    r"((?:https?|ftp)://[!-~]*[A-Za-z0-9/#=_~+-]|www\.[!-~]*[A-Za-z0-9/#=_~+-]"
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
)


def pair_quotes(parts: list[str]) -> list[str]:
    """Straight double quotes in Chinese text become “ ”, alternately, when they pair up.

    >>> pair_quotes(['他说,"我比山还要高!"'])
    ['他说,“我比山还要高!”']
    """
    count = sum(part.count('"') for part in parts[::2])
    if count == 0 or count % 2 or not any(IS_CJK.search(part) for part in parts[::2]):
        return parts
    opening = True
    out = list(parts)
    for index in range(0, len(out), 2):
        pieces = out[index].split('"')
        rebuilt = [pieces[0]]
        for piece in pieces[1:]:
            rebuilt.append("“" if opening else "”")
            rebuilt.append(piece)
            opening = not opening
        out[index] = "".join(rebuilt)
    return out


def normalise_punctuation(paragraph: str) -> str:
    """Pair straight quotes, then apply PUNCTUATION_RULES, to one paragraph, outside URLs and
    e-mail addresses.

    >>> normalise_punctuation('本文链接:https://a.cn/x?id=1,见"说明"...')
    '本文链接：https://a.cn/x?id=1，见“说明”……'
    """
    maybe_protected = "://" in paragraph or "www." in paragraph or "@" in paragraph
    parts = pair_quotes(PROTECTED.split(paragraph) if maybe_protected else [paragraph])
    for index in range(0, len(parts), 2):
        for rule in PUNCTUATION_RULES:
            parts[index] = rule(parts[index])
    return "".join(parts)
