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
# How each Traditional edition spells a Simplified text: the OpenCC configuration. Left out,
# an edition uses its default (zh-Hant s2tw, zh-TW s2twp, zh-HK s2hk). What each choice makes
# of 为人民服务的群众，里面着急，用软件查信息，坐出租车。
#   s2t    爲人民服務的羣衆，裏面着急，用軟件查信息，坐出租車。 (OpenCC's own standard forms)
#   s2tw   為人民服務的群眾，裡面著急，用軟件查信息，坐出租車。 (Taiwan's standard forms)
#   s2twp  為人民服務的群眾，裡面著急，用軟體查資訊，坐計程車。 (Taiwan's forms and words)
#   s2hk   為人民服務的羣眾，裏面着急，用軟件查信息，坐出租車。 (Hong Kong's standard forms)
book_opencc: dict[str, str] = {}  # e.g. {"zh-Hant": "s2twp"}
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
    "article_header_start": ["toggle-primary-sidebar.html", "book-breadcrumbs.html"],
    "article_header_end": ["book-edition-switch.html", "article-header-buttons.html"],
    # No top header: its hidden copy of the contents button would be the one the theme's
    # scripts bind to (they take the first .primary-toggle), and the menu would not open.
    "navbar_persistent": [],
    "primary_sidebar_end": [],
    "back_to_top_button": False,  # templates/layout.html has one in the edition's words
    "footer_content_items": ["author.html", "copyright.html"],
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

# -- PDF ----------------------------------------------------------------------------------
book_pdf_paper = "a5"  # a5 | a4: the paper of the PDFs (typeset by Typst)
