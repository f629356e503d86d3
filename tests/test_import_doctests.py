"""The examples in the importer's docstrings (one input → output per cleaning rule, datelines,
speakers, clutter by shape) are run as tests, so they stay true."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import build_tools.importing as importing

#: The importer's modules, and the shared rules it uses (slugs, Han characters).
MODULES = [
    *sorted(f"build_tools.importing.{m.name}" for m in pkgutil.iter_modules(importing.__path__)),
    "build_tools.slugs",
    "build_tools.han",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
