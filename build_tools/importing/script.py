"""Simplified or Traditional: which script a text is in, and patterns that match both."""

from __future__ import annotations

import re
from functools import cache

import opencc

#: How much of a text is enough to tell its script; conversion is linear but not free.
SAMPLE_CHARS = 50_000
# One Han ideograph (basic block); the only characters whose script can differ.
HAN = re.compile(r"[\u4e00-\u9fff]")


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def _changed(text: str, config: str) -> int:
    converted = _converter(config).convert(text)
    if len(converted) != len(text):  # phrase conversions may change the length: count by set
        return len(set(HAN.findall(text)) - set(HAN.findall(converted)))
    return sum(1 for a, b in zip(text, converted, strict=True) if a != b)


def detect_script(text: str) -> str:
    """``"hant"`` when more characters change under t2s than under s2t, else ``"hans"``.

    >>> detect_script("敬業與樂業"), detect_script("敬业与乐业")
    ('hant', 'hans')
    """
    sample = text[:SAMPLE_CHARS]
    traditional = _changed(sample, "t2s")  # characters only Traditional text uses
    simplified = _changed(sample, "s2t")  # characters only Simplified text uses
    return "hant" if traditional > simplified else "hans"


def to_simplified(text: str) -> str:
    """The text in Simplified characters (for comparing editions of one speech)."""
    return _converter("t2s").convert(text)


def _variants(char: str) -> str:
    forms = {char}
    for config in ("s2t", "s2tw", "s2hk"):
        forms.add(_converter(config).convert(char))
    return "".join(sorted(f for f in forms if len(f) == 1))


def both_scripts(pattern: str) -> str:
    """A regex that also matches the Traditional spelling of its Simplified literals.

    Each Han character with other forms becomes a class (``讲`` → ``[讲講]``); inside an
    existing class the forms are just added. Escapes are left alone.

    >>> both_scripts("^来源[:：]")
    '^[來来]源[:：]'
    """
    out: list[str] = []
    in_class = False
    escaped = False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        elif char == "[" and not in_class:
            in_class = True
            out.append(char)
        elif char == "]" and in_class:
            in_class = False
            out.append(char)
        elif HAN.fullmatch(char) and len(forms := _variants(char)) > 1:
            out.append(forms if in_class else f"[{forms}]")
        else:
            out.append(char)
    return "".join(out)


def compile_both(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(both_scripts(pattern))``, cached by ``re``'s own cache."""
    return re.compile(both_scripts(pattern), flags)
