"""Bilingual sources → the Chinese speech and, apart, its parallel translation: translation
memories (.tmx, read with lxml) and texts that interleave Chinese and English paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from build_tools.errors import InputError
from build_tools.han import IS_HAN

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
BROKEN_TMX = "not a readable TMX translation memory ({problem}); check that it is well-formed XML"
NO_CHINESE = "the translation memory holds no Chinese segments (xml:lang zh…); nothing to import"
# A Han character, in either script.
# A Latin word of two letters or more.
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
#: Interleaved text is split only when each language holds at least this share of the lines;
#: below it, English lines are quotations or names inside a Chinese speech and stay.
SHARE = 0.2


@dataclass(frozen=True)
class Memory:
    text: str  #: the Chinese segments, one a line
    other: tuple[str, ...]  #: the segments of the other language, in order


def _lang(element: object) -> str:
    get = element.get  # type: ignore[attr-defined]
    return (get(XML_LANG) or get("lang") or get("{*}lang") or "").lower()


def read_tmx(data: bytes) -> Memory:
    """The Chinese and the other-language segments of a TMX file, unit by unit. Entities are
    never resolved and nothing is fetched: a memory is data, not a document to run."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise InputError(BROKEN_TMX.format(problem=error)) from None
    chinese: list[str] = []
    other: list[str] = []
    for unit in root.iter("{*}tu", "tu"):
        for variant in unit.iter("{*}tuv", "tuv"):
            segment = next(iter(variant.iter("{*}seg", "seg")), None)
            if segment is None:
                continue
            text = " ".join("".join(segment.itertext()).split())
            if not text:
                continue
            lang = _lang(variant)
            if lang.startswith("zh") or (not lang and IS_HAN.search(text)):
                chinese.append(text)
            else:
                other.append(text)
    if not chinese:
        raise InputError(NO_CHINESE)
    return Memory("\n".join(chinese), tuple(other))


def is_foreign(line: str) -> bool:
    """A line of another language: no Han character, at least two Latin words.

    >>> is_foreign("Report on the Work of the Government"), is_foreign("政府工作报告 2023")
    (True, False)
    """
    return not IS_HAN.search(line) and len(LATIN_WORD.findall(line)) >= 2


def split_interleaved(text: str) -> tuple[str, tuple[str, ...]]:
    """Chinese and English paragraphs taking turns → the Chinese text (English lines blanked,
    so paragraphs stay apart) and the English paragraphs; a text that is not bilingual comes
    back as it was.

    >>> text, english = split_interleaved("各位：\\nFellow Deputies,\\n现在开会。\\nWe now meet.")
    >>> text, english
    ('各位：\\n\\n现在开会。\\n', ('Fellow Deputies,', 'We now meet.'))
    """
    lines = text.split("\n")
    filled = [line for line in lines if line.strip()]
    foreign = [is_foreign(line) for line in lines]
    count = sum(foreign)
    chinese = sum(1 for line in filled if IS_HAN.search(line))
    if not filled or count < SHARE * len(filled) or chinese < SHARE * len(filled):
        return text, ()
    kept = ["" if is_other else line for line, is_other in zip(lines, foreign, strict=True)]
    other = tuple(line.strip() for line, is_other in zip(lines, foreign, strict=True) if is_other)
    return "\n".join(kept), other
