"""Shared fixtures: Sphinx's test fixtures, ``--regen`` for golden files, the built sample book."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest_plugins = ["sphinx.testing.fixtures"]

ROOT = Path(__file__).resolve().parent.parent
ARTEFACTS = ROOT / "tests" / "artefacts"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen", action="store_true", help="rewrite golden files from the current output"
    )


@pytest.fixture(scope="session")
def regen(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--regen")) or os.environ.get("REGEN") == "1"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where sphinx.testing finds the test projects: tests/roots/test-<name>/."""
    return ROOT / "tests" / "roots"


@pytest.fixture(scope="session")
def artefacts() -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS


@pytest.fixture(scope="session")
def built_book() -> Path:
    """The bundled sample collection, imported and built (both default editions, strict).

    Runs the same commands as ``make`` in the repository itself, so after ``make`` it only
    checks that nothing is out of date. Returns ``_build/site``.
    """
    for command in (
        [sys.executable, "-m", "build_tools", "import", "--no-progress"],
        [sys.executable, "-m", "build_tools", "build", "--strict", "--no-progress"],
    ):
        result = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, encoding="utf-8", check=False
        )
        what = " ".join(command[2:])
        assert result.returncode == 0, f"{what} failed:\n{result.stdout}\n{result.stderr}"
    return ROOT / "_build" / "site"
