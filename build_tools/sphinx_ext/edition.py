"""Per-edition behaviour: language settings, text conversion at source-read, lang attributes.

Every piece of Chinese text the extension generates is either written as MyST before
``source-read`` converts it, or converted here with ``Spelling.text``, so each edition reads
in its own script. Conversion itself is ``build_tools.variants.convert``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from build_tools.errors import InputError
from build_tools.variants import convert, sphinx_setup, table
from build_tools.variants.dictionary import UserDictionary, project_dictionary

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Spelling:
    """How one build spells text: the edition, its quotation marks, the user dictionary."""

    variant: table.Variant
    corner_quotes: bool = True
    dictionary: UserDictionary | None = None

    @property
    def script(self) -> str:
        """The script the edition is written in: "hant" for the Traditional editions."""
        return "hant" if self.variant.traditional else "hans"

    def text(self, text: str, script: str = "hans") -> str:
        """Plain ``text`` written in ``script`` (Simplified by default), in this edition."""
        plan = self._plan(script)
        if not text or plan.identity:
            return text
        return convert.convert_runs([text], plan)[0]

    def _plan(self, script: str) -> convert.Plan:
        # convert.plan is cached; looking it up once per script spares hashing the
        # dictionary on every one of the many short texts a page converts.
        plans: dict[str, convert.Plan] = self.__dict__.setdefault("_plans", {})
        if script not in plans:
            plans[script] = convert.plan(
                self.variant,
                table.normalize_script(script),
                corner_quotes=self.corner_quotes,
                dictionary=self.dictionary or project_dictionary(),
            )
        return plans[script]


def variant_of(config: Config) -> table.Variant:
    """The edition being built (``book_variant``), with the OpenCC configuration
    ``book_opencc`` chooses for it (checked at ``config-inited``)."""
    variant = table.get(config.book_variant)
    choice = (config.book_opencc or {}).get(variant.name)
    return variant.with_opencc(choice) if choice else variant


def spelling(config: Config, srcdir: str | Path, variant: table.Variant | None = None) -> Spelling:
    """The spelling of this build (or of ``variant`` with this build's settings)."""
    return Spelling(
        variant or variant_of(config),
        corner_quotes=bool(getattr(config, sphinx_setup.CORNER_QUOTES, True)),
        dictionary=project_dictionary(srcdir),
    )


def to_script(simplified: str, script: str, *, dictionary: UserDictionary | None = None) -> str:
    """Simplified ``simplified`` as a file written in ``script`` spells it (to find terms)."""
    if script == "hans":
        return simplified
    edition = {"hant-tw": "zh-TW", "hant-hk": "zh-HK"}.get(script, "zh-Hant")
    return convert.convert_text(
        simplified, table.get(edition), corner_quotes=False, dictionary=dictionary
    )


def to_hans(text: str, script: str, *, dictionary: UserDictionary | None = None) -> str:
    """``text`` written in ``script``, in Simplified spelling: the key names are grouped on."""
    if script == "hans":
        return text
    return convert.convert_text(
        text, table.get("zh-Hans"), script=script, corner_quotes=False, dictionary=dictionary
    )


LANGUAGE_NOT_PASSED = (
    "the {variant} edition is built with language = {language!r}, but Sphinx's messages were "
    "loaded for another language; pass -D language={language} with -D book_variant={variant}"
)


def _configure(app: Sphinx, config: Config) -> None:
    """Derive every language setting from the edition, so conf.py names it once."""
    for name, choice in dict(config.book_opencc or {}).items():
        try:
            table.get(name).with_opencc(choice)
        except (KeyError, ValueError) as err:
            logger.warning(
                f"book_opencc: {err}; the edition keeps its default",
                type="book",
                subtype="config",
            )
            del config.book_opencc[name]
    variant = variant_of(config)
    changed = config.language != variant.sphinx_language
    config.language = variant.sphinx_language
    config.epub_language = variant.bcp47
    config.html_search_language = "zh"
    # html_baseurl names the published site; each edition lives in <site>/<edition>/.
    if not config.book_site_url:
        config.book_site_url = config.html_baseurl
    if config.book_site_url:
        config.html_baseurl = f"{config.book_site_url.rstrip('/')}/{variant.folder}/"
        if hasattr(config, "ogp_site_url"):
            config.ogp_site_url = config.html_baseurl
    # The site's name in the sidebar, the page titles and link previews, in the edition.
    how = spelling(config, app.srcdir, variant)
    if config.html_title:
        config.html_title = how.text(config.html_title)
    if getattr(config, "ogp_site_name", False) is None:
        config.ogp_site_name = config.html_title or how.text(config.project)
    if changed:
        # Sphinx loaded its message catalogue ("Index", "Search", ...) before this event, for
        # the language conf.py names: pass ``-D language=`` with the edition (the CLI does).
        logger.info(
            LANGUAGE_NOT_PASSED.format(variant=variant.name, language=variant.sphinx_language)
        )


def _convert_source(app: Sphinx, docname: str, content: list[str]) -> None:
    """Convert the document's text (never its markup) to this edition's script."""
    how = spelling(app.config, app.srcdir)
    try:
        content[0] = convert.convert_myst(
            content[0], how.variant, corner_quotes=how.corner_quotes, dictionary=how.dictionary
        )
    except InputError as err:
        logger.warning(
            f"{err}; the page is left unconverted", location=docname, type="book", subtype="script"
        )


def chrome_text(app: Sphinx) -> Callable[[str], str]:
    """``book_t`` of the templates: Simplified interface text in this edition's spelling,
    each distinct text converted once per build."""
    key = (app.config.book_variant, str(app.srcdir))
    cached = _CHROME.get(app)
    if cached is None or cached[0] != key:
        cached = (key, functools.lru_cache(maxsize=None)(spelling(app.config, app.srcdir).text))
        _CHROME[app] = cached
    return cached[1]


_CHROME: WeakKeyDictionary[Sphinx, tuple[tuple[str, str], Callable[[str], str]]] = (
    WeakKeyDictionary()
)


def _html_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``<html lang>`` is the edition's BCP 47 tag; pydata-sphinx-theme prints ``language``
    there, which Sphinx sets to the message catalogue (zh_CN), so give templates the tag.
    The templates' own words go through ``book_t``."""
    tag = variant_of(app.config).bcp47
    context["lang_attr"] = tag
    context["language"] = tag
    context["book_t"] = chrome_text(app)


def _theme_words(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """The search field's placeholder, which sphinx-book-theme sets in English."""
    context["theme_search_bar_text"] = chrome_text(app)("搜索本书…")


def setup(app: Sphinx) -> None:
    sphinx_setup.register(app)
    app.connect("config-inited", _configure, priority=100)
    app.connect("source-read", _convert_source)
    app.connect("html-page-context", _html_context)
    # After sphinx-book-theme (500), which sets the placeholder.
    app.connect("html-page-context", _theme_words, priority=900)
