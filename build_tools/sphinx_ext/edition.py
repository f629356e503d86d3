"""Per-edition behaviour: language settings, text conversion at source-read, lang attributes."""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from build_tools.variants import table


def _configure(app: Sphinx, config: Config) -> None:
    """Derive every language setting from the edition, so conf.py names it once."""
    variant = table.get(config.book_variant)
    config.language = variant.sphinx_language
    config.epub_language = variant.name
    config.html_search_language = "zh"


def _convert_source(app: Sphinx, docname: str, content: list[str]) -> None:
    """Convert the document's text (never its markup) to this edition's script."""
    from build_tools.variants.convert import convert_myst

    variant = table.get(app.config.book_variant)
    content[0] = convert_myst(content[0], variant)


def _html_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    context["lang_attr"] = table.get(app.config.book_variant).name


def setup(app: Sphinx) -> None:
    app.connect("config-inited", _configure, priority=100)
    app.connect("source-read", _convert_source)
    app.connect("html-page-context", _html_context)
