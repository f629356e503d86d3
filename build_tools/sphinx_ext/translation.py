"""A speech's parallel translation marked with its language, so every writer can say so.

The importer keeps the English of a bilingual source apart, after the speech, in
``::::{container} translation`` (docs/DESIGN.md, "The MyST speech file"). Here that container
gets docutils' language class ``language-en``, which docutils' HTML writers (Sphinx's HTML and
EPUB translators among them) turn into ``lang="en"``; the EPUB translator adds ``xml:lang``
(``epub_builder.NotesTranslator``). Screen readers then read the English as English, and the
browser picks a Latin font for it. A container that already names a language
(``::::{container} translation language-fr``) keeps it.

A post-transform, not a transform: it runs whenever a document is written, so doctrees read
before it existed are marked too, and the source stays as the editor wrote it.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

TRANSLATION = "translation"  #: the class the importer gives the container (render.py)
#: The translation's language: the importer keeps only English apart (importing/bilingual.py).
TRANSLATION_LANGUAGE = "en"
#: docutils' class prefix for an element's language (``language-en`` → ``lang="en"``).
LANGUAGE_CLASS = "language-"


class TranslationLanguage(SphinxPostTransform):
    """``language-en`` on each translation container that names no language of its own."""

    default_priority = 400

    def run(self, **kwargs: Any) -> None:
        for node in self.document.findall(nodes.container):
            classes = node["classes"]
            if TRANSLATION in classes and not any(c.startswith(LANGUAGE_CLASS) for c in classes):
                classes.append(LANGUAGE_CLASS + TRANSLATION_LANGUAGE)


def setup(app: Sphinx) -> None:
    app.add_post_transform(TranslationLanguage)
