"""A tiny speech book for the EPUB tests: three year parts, four speeches, a glossary.

Declarative like the project's conf.py. The edition settings that ``build_tools.sphinx_ext``
derives from ``book_variant`` (``language``, ``epub_language``) are passed by the tests as
overrides, so this root builds without the text conversion.
"""

project = "演讲集"
author = "演讲集编辑部"
copyright = "演讲集编辑部"
version = release = "2026.11"

extensions = ["myst_parser"]
root_doc = "index"
source_suffix = {".md": "markdown"}
language = "zh_CN"

myst_enable_extensions = ["attrs_block", "attrs_inline", "colon_fence", "deflist"]
myst_footnote_transition = False
myst_heading_anchors = 0

epub_language = "zh-Hans"
epub_publisher = "演讲集编辑部"
epub_copyright = "演讲集编辑部；所收文本为公有领域或官方文件"
epub_show_urls = "no"
epub_use_index = False
epub_tocdepth = 2
epub_tocscope = "includehidden"
epub_theme = "epub"
