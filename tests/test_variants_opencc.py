"""OpenCC's own test suite, run through the project's conversion path for every
configuration the edition table uses (tests/corpus/opencc/testcases.json, Apache-2.0)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from build_tools.variants import table
from build_tools.variants.convert import convert_myst, convert_text
from build_tools.variants.dictionary import builtin_dictionary

CASES_FILE = Path(__file__).parent / "corpus" / "opencc" / "testcases.json"
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")  # the file is JSON with trailing commas


def _cases() -> list[dict[str, object]]:
    text = CASES_FILE.read_text(encoding="utf-8")
    return json.loads(_TRAILING_COMMA.sub(r"\1", text))["cases"]


def _routes() -> dict[str, tuple[str, str]]:
    """OpenCC config → (edition, source script) that the table converts with it."""
    routes: dict[str, tuple[str, str]] = {}
    for variant in table.VARIANTS:
        for script, config in variant.conversions:
            if config and "+" not in config:
                routes.setdefault(config, (variant.name, script))
    return routes


ROUTES = _routes()
PARAMS = [
    pytest.param(case["input"], expected, config, id=f"{config}-{case['id']}")
    for case in _cases()
    for config, expected in case["expected"].items()  # type: ignore[union-attr]
    if config in ROUTES
]


def test_every_table_config_has_cases() -> None:
    counts = {config: 0 for config in table.opencc_configs()}
    for param in PARAMS:
        counts[param.values[2]] += 1
    # The configs the table uses, and how many of OpenCC's cases cover each (tw2t and hk2t
    # only as the first step of a chain, which OpenCC's cases do not cover).
    assert counts == {
        "t2s": 55, "tw2sp": 53, "hk2s": 21, "s2tw": 65, "t2tw": 10, "hk2t": 0,
        "s2twp": 84, "s2hk": 51, "t2hk": 17, "tw2t": 0,
    }  # fmt: skip


@pytest.mark.parametrize(("source", "expected", "config"), PARAMS)
def test_opencc_case_through_convert_text(source: str, expected: str, config: str) -> None:
    edition, script = ROUTES[config]
    converted = convert_text(
        source,
        table.get(edition),
        script=script,
        corner_quotes=False,
        dictionary=builtin_dictionary(),
    )
    assert converted == expected


@pytest.mark.parametrize(("source", "expected", "config"), PARAMS)
def test_opencc_case_through_convert_myst(source: str, expected: str, config: str) -> None:
    edition, script = ROUTES[config]
    head = f"---\ntitle: {source}\nscript: {script}\n---\n\n"
    converted = convert_myst(
        f"{head}{source}\n",
        table.get(edition),
        corner_quotes=False,
        dictionary=builtin_dictionary(),
    )
    assert converted == f"---\ntitle: {expected}\nscript: {script}\n---\n\n{expected}\n"
