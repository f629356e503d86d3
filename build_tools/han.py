"""What a Han character is: the Unicode blocks of Chinese ideographs, as regex classes."""

from __future__ import annotations

import re

#: CJK Unified Ideographs, the basic block: nearly all of modern text.
UNIFIED = (0x4E00, 0x9FFF)
#: Extension A: rarer characters, many in names and older texts.
EXTENSION_A = (0x3400, 0x4DBF)
#: CJK Compatibility Ideographs: duplicates kept for round trips with Big5 and old Korean
#: encodings; they still read as Han characters.
COMPATIBILITY = (0xF900, 0xFAFF)
#: Extensions B–I and the supplementary compatibility block (planes 2 and 3, to the end of
#: extension H): GB 18030 and HKSCS reach them, and so do people's names.
SUPPLEMENTARY = (0x20000, 0x323AF)
BLOCKS = (EXTENSION_A, UNIFIED, COMPATIBILITY, SUPPLEMENTARY)


def _escaped(first: int, last: int) -> str:
    # Escapes, not the characters: a class body that ``script.both_scripts`` and OpenCC
    # leave alone, and that shows in a traceback.
    return f"\\U{first:08x}-\\U{last:08x}"


#: A Han character, as the body of a regex character class: ``f"[{HAN}]"``.
HAN = "".join(_escaped(first, last) for first, last in BLOCKS)
#: Unicode's ``Script=Han`` (JavaScript's ``\p{Script=Han}``): the ideographs and the
#: radicals (U+2E80–U+2FD5), 々 〇 〡–〩 〸–〻. The search index splits text where the
#: browser's search box does, so both must mean the same characters.
SCRIPT_HAN = r"\u2e80-\u2fd5\u3005\u3007\u3021-\u3029\u3038-\u303b" + HAN

#: One Han character.
IS_HAN = re.compile(f"[{HAN}]")


def characters(*blocks: tuple[int, int]) -> list[str]:
    """Every character of ``blocks`` (first and last code point, both included), in order.

    >>> len(characters(EXTENSION_A, UNIFIED)), characters((0x4E00, 0x4E02))
    (27584, ['一', '丁', '丂'])
    """
    return [chr(c) for first, last in blocks for c in range(first, last + 1)]


def count(text: str) -> int:
    """The number of Han characters in ``text``.

    >>> count("G20 峰会"), count("𠀀豈")
    (2, 2)
    """
    return len(IS_HAN.findall(text))
