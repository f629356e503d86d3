"""What the book's Sphinx extension registers for the variants: settings and ``nocvt``.

Call :func:`register` from the extension's ``setup(app)``. It adds

- the settings ``variants_corner_quotes`` (default True: zh-TW and zh-HK use 「」『』, and
  zh-Hans of a Traditional source uses “”), ``variants_vertical_writing`` (default False,
  Traditional editions' EPUBs set vertically: :mod:`build_tools.sphinx_ext.epub_builder`);
- the role ``{nocvt}`…` `` and the directive ```` ```{nocvt} ```` for text that no edition
  converts (a quotation that must stay in its original script, a name OpenCC gets wrong):
  the converter leaves them alone, and here they render as their plain content.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.parsers.rst.states import Inliner
from docutils.utils import unescape
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

CORNER_QUOTES = "variants_corner_quotes"
VERTICAL_WRITING = "variants_vertical_writing"


def nocvt_role(
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Inliner,
    options: dict[str, Any] | None = None,
    content: list[str] | None = None,
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    """``{nocvt}`臺灣` `` → the text as written, in a ``<span class="nocvt">``."""
    return [nodes.inline(rawtext, unescape(text), classes=["nocvt"])], []


class NoConvert(SphinxDirective):
    """```` ```{nocvt} ```` … ```` ``` ````: MyST content that no edition converts."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        container = nodes.container(classes=["nocvt"])
        container += self.parse_content_to_nodes()
        return [container]


def register(app: Sphinx) -> None:
    """Add the variants' settings, role and directive to ``app``."""
    app.add_config_value(CORNER_QUOTES, True, "env", types=[bool])
    app.add_config_value(VERTICAL_WRITING, False, "env", types=[bool])
    app.add_role("nocvt", nocvt_role)
    app.add_directive("nocvt", NoConvert)
