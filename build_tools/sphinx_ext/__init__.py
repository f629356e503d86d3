"""The speech book's Sphinx extension: one edition per build, chosen by ``book_variant``.

Registers (see each module's docstring):

* config values ``book_variant``, ``book_editions``, ``book_grouping``, ``book_opencc``,
  ``book_slug``, ``book_description``, ``book_glossary``, ``book_site_url``;
* ``edition``: language settings at ``config-inited``, conversion at ``source-read``,
  ``<html lang>``;
* ``book_state``: at ``builder-inited`` the collection is scanned and ``source/_collection/``
  written; ``env-get-outdated`` re-reads pages whose generated content changed;
* ``speech``: the transform that adds metadata, cross-links and related speeches;
* ``landing``: the ``book-landing`` directive and its download links;
* ``navigation``: the sidebar nav, edition switch and downloads of the HTML pages;
* ``search_pagefind``: the Pagefind search bundle and the search page;
* ``translation``: ``lang="en"`` on a speech's parallel translation;
* ``incremental``: builders whose outputs stay whole after a rebuild, and the sitemap;
* ``epub_builder``: the ``epub`` builder: the book and one EPUB per part;
* ``pdf_builder``: the ``pdf`` builder (Typst) and ``book_pdf_paper``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from build_tools import __version__

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

HERE = Path(__file__).resolve().parent


def _add_theme_files(app: Sphinx, config: Config) -> None:
    """Our templates and stylesheet (found before the theme's), and a favicon."""
    config.templates_path = [str(HERE / "templates"), *config.templates_path]
    config.html_static_path = [*config.html_static_path, str(HERE / "static")]
    if not config.html_favicon:
        config.html_favicon = str(HERE / "favicon.svg")


def _add_site_files(app: Sphinx) -> None:
    """The web site's icons (templates/layout.html leaves out the theme's icon script)."""
    from build_tools.sphinx_ext import landing

    if app.builder.name in landing.SITE_BUILDERS:
        app.add_css_file("book-icons.css")


def setup(app: Sphinx) -> dict[str, Any]:
    # The modules are imported here, not above: the landing page (``publish.site``) reads
    # ``catalogue`` from this package without loading Sphinx.
    from build_tools.sphinx_ext import (
        book_state,
        edition,
        epub_builder,
        incremental,
        landing,
        navigation,
        pdf_builder,
        search_pagefind,
        speech,
        translation,
    )

    app.add_config_value("book_variant", "zh-Hans", "env", types=[str])
    app.add_config_value("book_editions", "zh-Hans,zh-Hant", "html", types=[str])
    app.add_config_value("book_grouping", "year", "env", types=[str])
    app.add_config_value("book_opencc", {}, "env", types=[dict])
    app.add_config_value("book_slug", "speeches", "html", types=[str])
    app.add_config_value("book_description", "", "html", types=[str])
    app.add_config_value("book_glossary", "_data/glossary.yml", "env", types=[str])
    app.add_config_value("book_site_url", "", "html", types=[str])
    app.connect("config-inited", _add_theme_files)
    app.add_css_file("book.css")
    app.connect("builder-inited", _add_site_files)
    edition.setup(app)
    book_state.setup(app)
    app.add_transform(speech.SpeechPage)
    landing.setup(app)
    navigation.setup(app)
    search_pagefind.setup(app)
    translation.setup(app)
    incremental.setup(app)
    epub_builder.setup(app)
    pdf_builder.setup(app)
    return {
        "version": __version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 5,  # 5: entries count their characters (the PDFs' size limit)
    }
