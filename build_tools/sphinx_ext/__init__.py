"""The speech book's Sphinx extension: one edition per build, chosen by ``book_variant``."""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from build_tools import __version__
from build_tools.sphinx_ext import edition


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("book_variant", "zh-Hans", "env", types=[str])
    app.add_config_value("book_editions", "zh-Hans,zh-Hant", "html", types=[str])
    app.add_config_value("book_grouping", "year", "env", types=[str])
    app.add_config_value("book_slug", "speeches", "html", types=[str])
    app.add_config_value("book_description", "", "html", types=[str])
    edition.setup(app)
    return {
        "version": __version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 1,
    }
