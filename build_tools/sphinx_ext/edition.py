"""Per-edition behaviour: language settings, text conversion at source-read, lang attributes.

Every piece of Chinese text the extension generates goes through ``convert_text`` here (or
is written as MyST before ``source-read`` converts it), so each edition reads in its script.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from build_tools.variants import table


def variant_of(config: Config) -> table.Variant:
    """The edition being built (``book_variant``)."""
    return table.get(config.book_variant)


def script_of(variant: table.Variant) -> str:
    """The script an edition is written in: "hant" for the Traditional editions."""
    return "hant" if variant.traditional else "hans"


def needs_conversion(variant: table.Variant, script: str) -> bool:
    return (variant.from_hant if script == "hant" else variant.from_hans) is not None


def convert_text(text: str, variant: table.Variant, script: str = "hans") -> str:
    """Plain text written in ``script`` ("hans"/"hant"), spelt for ``variant``."""
    if not text or not needs_conversion(variant, script):
        return text
    from build_tools.variants.convert import convert_text as convert

    return convert(text, variant, script=script)


def to_script(text: str, script: str) -> str:
    """Simplified ``text`` spelt in ``script``: how a glossary term reads in a speech file."""
    return convert_text(text, table.get("zh-Hant"), "hans") if script == "hant" else text


def to_hans(text: str, script: str) -> str:
    """``text`` written in ``script``, in Simplified spelling: the key names are grouped on."""
    return convert_text(text, table.get("zh-Hans"), script) if script == "hant" else text


def _configure(app: Sphinx, config: Config) -> None:
    """Derive every language setting from the edition, so conf.py names it once."""
    variant = table.get(config.book_variant)
    changed = config.language != variant.sphinx_language
    config.language = variant.sphinx_language
    config.epub_language = variant.name
    config.html_search_language = "zh"
    # html_baseurl names the published site; each edition lives in <site>/<edition>/.
    if not config.book_site_url:
        config.book_site_url = config.html_baseurl
    if config.book_site_url:
        root = config.book_site_url.rstrip("/") + "/"
        config.html_baseurl = f"{root}{variant.name}/"
        if hasattr(config, "ogp_site_url"):
            config.ogp_site_url = config.html_baseurl
    if changed:
        # Sphinx loads its message catalogue before config-inited; load it again for the
        # edition's language ("Index", "Search", ...). Themes load theirs later, at builder
        # creation, and so get the edition's language already.
        app._init_i18n()


def _convert_source(app: Sphinx, docname: str, content: list[str]) -> None:
    """Convert the document's text (never its markup) to this edition's script."""
    variant = variant_of(app.config)
    if not needs_conversion(variant, "hans") and "\nscript: hant" not in content[0][:2000]:
        return  # a Simplified page in an edition that keeps Simplified as is
    from build_tools.variants.convert import convert_myst

    content[0] = convert_myst(content[0], variant)


def _html_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``<html lang>`` is the edition's BCP 47 tag; pydata-sphinx-theme prints ``language``
    there, which Sphinx sets to the message catalogue (zh_CN), so give templates the tag."""
    tag = variant_of(app.config).name
    context["lang_attr"] = tag
    context["language"] = tag


def setup(app: Sphinx) -> None:
    app.connect("config-inited", _configure, priority=100)
    app.connect("source-read", _convert_source)
    app.connect("html-page-context", _html_context)
