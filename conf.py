"""Sphinx configuration of the speech book. Declarative: behaviour lives in build_tools.sphinx_ext.

The edition is chosen per build with ``-D book_variant=zh-Hant`` (``python -m build_tools build``
does this); everything edition-specific (language, lang attributes, conversion) follows from it.
"""

project = "演讲集"
author = "演讲集编辑部"
copyright = "演讲集编辑部"
version = release = "2026.11"

extensions = [
    "myst_parser",
    "sphinxext.opengraph",
    "build_tools.sphinx_ext",
]

root_doc = "index"
source_suffix = {".md": "markdown"}
exclude_patterns = ["_data", "**/.*", "README.md"]
templates_path: list[str] = []

# -- The book -----------------------------------------------------------------------------
book_variant = "zh-Hans"
book_editions = "zh-Hans,zh-Hant"  # the editions built together: the edition switch links them
book_grouping = "year"  # parts of the book: year | category | speaker
book_slug = "speeches"  # file names of the EPUBs: speeches-zh-Hans.epub
book_description = "中文演讲与报告文集：简体与繁体版本，网页与电子书。"

# The importer already sets Chinese punctuation; Sphinx must not re-curl quotes or dashes.
smartquotes = False

# -- MyST ---------------------------------------------------------------------------------
myst_enable_extensions = ["attrs_block", "attrs_inline", "colon_fence", "deflist"]
myst_footnote_transition = False
myst_heading_anchors = 0

# -- HTML ---------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "演讲集"
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_baseurl = "https://example.org/speeches/"
html_theme_options = {
    "collapse_navbar": True,
    "show_navbar_depth": 1,
    "home_page_in_toc": True,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "article_header_end": ["book-edition-switch.html", "article-header-buttons.html"],
}
html_context = {"default_mode": "auto"}  # light or dark, as the reader's system prefers
# The theme's sidebar nav embeds the whole book in every page; book-nav.html shows the parts
# and the current part only (build_tools/sphinx_ext/navigation.py).
html_sidebars = {
    "**": ["navbar-logo.html", "search-button-field.html", "book-nav.html", "book-downloads.html"]
}
ogp_site_url = html_baseurl  # it and the sitemap become <site>/<edition>/ (sphinx_ext/edition.py)
ogp_social_cards = {"enable": False}  # cards need matplotlib and a CJK font setup

# -- EPUB ---------------------------------------------------------------------------------
epub_publisher = "演讲集编辑部"
epub_copyright = "演讲集编辑部；所收文本为公有领域或官方文件"
epub_show_urls = "no"
epub_use_index = False
epub_tocdepth = 2
epub_tocscope = "includehidden"  # the collection pages' toctrees are hidden: nav needs them
epub_theme = "epub"
# Sphinx renames a stale .buildinfo to .buildinfo.bak after a configuration change; the EPUB
# builder would otherwise try to package it (and warn: unknown mimetype).
epub_exclude_files = [".buildinfo.bak"]
# An editor's cover (JPEG or PNG, relative to this file) for the whole-book EPUBs; empty: one
# is drawn from the title and dates (build_tools/sphinx_ext/epub_builder.py).
book_epub_cover = ""
