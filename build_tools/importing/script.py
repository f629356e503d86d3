"""Simplified or Traditional: which script a text is in, and patterns that match both."""

from __future__ import annotations

import re
from functools import cache

import opencc

from build_tools.han import IS_HAN

#: How much of a text is enough to tell its script; conversion is linear but not free.
SAMPLE_CHARS = 20_000


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@cache
def _script_only() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Two character classes: the common characters only Traditional text uses (t2s changes
    them) and those only Simplified text uses (s2t changes them)."""
    from build_tools.importing.decode import common_hanzi

    chars = sorted(common_hanzi())
    joined = "\n".join(chars)  # separated, so no two characters form a phrase
    to_s, to_t = _converter("t2s").convert(joined), _converter("s2t").convert(joined)
    if not len(to_s) == len(joined) == len(to_t):  # a phrase rule changed the length
        to_s = "\n".join(_converter("t2s").convert(c)[:1] or c for c in chars)
        to_t = "\n".join(_converter("s2t").convert(c)[:1] or c for c in chars)
    traditional = "".join(c for i, c in enumerate(chars) if to_s[2 * i] != c)
    simplified = "".join(c for i, c in enumerate(chars) if to_t[2 * i] != c)
    return re.compile(f"[{traditional}]"), re.compile(f"[{simplified}]")


def detect_script(text: str) -> str:
    """``"hant"`` when a sample holds more Traditional-only characters (which t2s changes)
    than Simplified-only ones (which s2t changes), else ``"hans"``.

    >>> detect_script("敬業與樂業"), detect_script("敬业与乐业")
    ('hant', 'hans')
    """
    traditional, simplified = _script_only()
    sample = text[:SAMPLE_CHARS]
    return "hant" if len(traditional.findall(sample)) > len(simplified.findall(sample)) else "hans"


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
        elif IS_HAN.fullmatch(char) and len(forms := _variants(char)) > 1:
            out.append(forms if in_class else f"[{forms}]")
        else:
            out.append(char)
    return "".join(out)


def compile_both(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(both_scripts(pattern))``, cached by ``re``'s own cache."""
    return re.compile(both_scripts(pattern), flags)
