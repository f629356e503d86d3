"""Convert text, or the text of a MyST document, to one edition; markup stays byte-identical.

The path for a document: ``markup.scan`` splits it into text and markup; every text span is
joined with a separator that no dictionary entry contains and OpenCC passes through (so no
phrase crosses it), the user dictionary's phrases are cut out and replaced, the rest goes
through OpenCC in one call, quotation marks follow the edition, and the pieces go back
between the untouched markup. One OpenCC call per document keeps the cost near OpenCC's own.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from build_tools.errors import InputError
from build_tools.variants import backend, markup, table
from build_tools.variants.dictionary import (
    Replacements,
    UserDictionary,
    project_dictionary,
    replacements,
)
from build_tools.variants.table import CORNER, CURLY, Variant

#: Unicode noncharacters: never in interchange text, passed through by OpenCC unchanged.
RUN_SEPARATOR = "\ufdd0"
PIECE_SEPARATOR = "\ufdd1"

UNKNOWN_SCRIPT = (
    "front matter says script: {value!r}; write one of {choices} "
    "(hans: Simplified; hant: Traditional; hant-tw / hant-hk: Taiwan / Hong Kong usage)"
)

_APOSTROPHE = re.compile("’")


def _single_close(match: re.Match[str]) -> str:
    # ’ between two Latin letters is an apostrophe (don’t), not a closing quotation mark.
    text, at = match.string, match.start()
    between_letters = 0 < at < len(text) - 1 and all(
        c.isascii() and c.isalpha() for c in (text[at - 1], text[at + 1])
    )
    return "’" if between_letters else "』"


def _replace(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    # str.replace per mark is many times faster than str.translate on long Chinese text.
    for old, new in pairs:
        if old in text:
            text = text.replace(old, new)
    return text


def to_corner_quotes(text: str) -> str:
    """Quotation marks in the Taiwan and Hong Kong style, nested ones included.

    >>> to_corner_quotes("他说：“我读过‘后来’。” It’s fine.")
    '他说：「我读过『后来』。」 It’s fine.'
    """
    text = _replace(text, (("“", "「"), ("”", "」"), ("‘", "『")))
    return _APOSTROPHE.sub(_single_close, text) if "’" in text else text


def to_curly_quotes(text: str) -> str:
    """Quotation marks in the mainland style: 「」『』 → “”‘’.

    >>> to_curly_quotes("「『甲』乙」")
    '“‘甲’乙”'
    """
    return _replace(text, (("「", "“"), ("」", "”"), ("『", "‘"), ("』", "’")))


@dataclass(frozen=True)
class Plan:
    """What converting a text in one script to one edition does."""

    opencc: Callable[[str], str] | None  #: None: the text is already in the edition's script
    replacements: Replacements
    quotes: Callable[[str], str] | None

    @property
    def identity(self) -> bool:
        return self.opencc is None and self.quotes is None


@functools.cache
def plan(variant: Variant, script: str, *, corner_quotes: bool, dictionary: UserDictionary) -> Plan:
    """The plan for ``script`` → ``variant``, built once and reused."""
    config = variant.config_for(script)
    quotes: Callable[[str], str] | None = None
    if corner_quotes and variant.quotes == CORNER:
        quotes = to_corner_quotes
    elif corner_quotes and variant.quotes == CURLY and config is not None:
        quotes = to_curly_quotes
    if config is None:
        return Plan(None, Replacements(None, {}), quotes)
    return Plan(backend.converter(config), replacements(dictionary, variant), quotes)


def _convert_joined(joined: str, plan_: Plan) -> str:
    """Convert separator-joined runs: dictionary phrases replaced, the rest through OpenCC."""
    convert = plan_.opencc
    pattern = plan_.replacements.pattern
    if convert is not None:
        if pattern is not None and pattern.search(joined):
            parts = pattern.split(joined)  # text, source, text, source, …, text
            converted = convert(PIECE_SEPARATOR.join(parts[0::2])).split(PIECE_SEPARATOR)
            table_ = plan_.replacements.table
            out = [converted[0]]
            for source, after in zip(parts[1::2], converted[1:], strict=True):
                out += (table_[source], after)
            joined = "".join(out)
        else:
            joined = convert(joined)
    if plan_.quotes is not None:
        joined = plan_.quotes(joined)
    return joined


def convert_runs(runs: list[str], plan_: Plan) -> list[str]:
    """Each run converted as if alone, with one OpenCC call for all of them."""
    if plan_.identity or not runs:
        return runs
    if any(RUN_SEPARATOR in run or PIECE_SEPARATOR in run for run in runs):
        return [_convert_joined(run, plan_) for run in runs]  # never seen in real text
    out = _convert_joined(RUN_SEPARATOR.join(runs), plan_).split(RUN_SEPARATOR)
    if len(out) != len(runs):  # a backend that altered a separator: play safe, run by run
        return [_convert_joined(run, plan_) for run in runs]
    return out


def _dictionary(dictionary: UserDictionary | None) -> UserDictionary:
    return project_dictionary() if dictionary is None else dictionary


def convert_text(
    text: str,
    variant: Variant,
    *,
    script: str = "hans",
    corner_quotes: bool = True,
    dictionary: UserDictionary | None = None,
) -> str:
    """Plain ``text`` written in ``script``, as ``variant`` spells it (no markup is parsed).

    ``corner_quotes=False`` leaves quotation marks alone; ``dictionary`` defaults to the
    built-in fixes plus ``source/_data/variants-dictionary.txt``.

    >>> convert_text("“太后的头发很干燥。”", table.get("zh-TW"))
    '「太后的頭髮很乾燥。」'
    """
    script = table.normalize_script(script)
    how = plan(variant, script, corner_quotes=corner_quotes, dictionary=_dictionary(dictionary))
    if how.identity or not text:
        return text
    return convert_runs([text], how)[0]


def document_script(text: str) -> str:
    """The script of a MyST document, from its front matter (``hans`` when not given)."""
    value = markup.script_of(text)
    if value is None:
        return "hans"
    try:
        return table.normalize_script(value)
    except ValueError:
        choices = ", ".join(table.SCRIPTS)
        raise InputError(UNKNOWN_SCRIPT.format(value=value, choices=choices)) from None


def convert_myst(
    text: str,
    variant: Variant,
    *,
    corner_quotes: bool = True,
    dictionary: UserDictionary | None = None,
) -> str:
    """A whole MyST document converted to ``variant``: only its text changes.

    The front matter's ``script:`` says what the document is written in; zh-Hans of a
    ``hans`` document returns ``text`` itself.
    """
    script = document_script(text)
    how = plan(variant, script, corner_quotes=corner_quotes, dictionary=_dictionary(dictionary))
    if how.identity:
        return text
    spans = markup.scan(text)
    runs = [text[start:end] for start, end, is_text in spans if is_text]
    converted = iter(convert_runs(runs, how))
    return "".join(next(converted) if is_text else text[s:e] for s, e, is_text in spans)
