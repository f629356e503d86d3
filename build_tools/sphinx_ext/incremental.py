"""Outputs that Sphinx and sphinx-sitemap get wrong on an incremental build, made whole.

* The HTML and EPUB builds share one environment, and Sphinx writes a page again only when
  its source file is newer than the page: a page read again for the other builder would
  stay stale (``IncrementalHTMLBuilder.get_outdated_docs``), and so would a removed one
  (``_remove_outputs``).
* sphinx-sitemap lists only the pages written in the current run. The sitemap here lists
  every document of the edition, whichever run wrote it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape

from jinja2 import FileSystemBytecodeCache
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.environment import BuildEnvironment

from build_tools.atomic import write_if_changed


class IncrementalHTMLBuilder(StandaloneHTMLBuilder):
    """Sphinx's HTML builder (and, through it, the EPUB builder), incremental as the book
    needs: pages whose doctree is newer are written, templates are compiled once."""

    def get_outdated_docs(self) -> Iterator[str]:
        """Sphinx's outdated pages (source newer than output), and the pages the other
        builder of this environment read again since this one wrote them: their source did
        not change (what they show of other speeches did). Named here, not returned from
        ``env-updated``, so that writing them does not pickle the environment again (0.2 s
        at N = 1,000)."""
        outdated = super().get_outdated_docs()
        if isinstance(outdated, str):
            yield from self.env.found_docs
            return
        seen = set()
        for docname in outdated:
            seen.add(docname)
            yield docname
        doctrees = Path(self.doctreedir)
        for docname in sorted(self.env.all_docs.keys() - seen):
            try:
                written = os.stat(self.get_output_path(docname)).st_mtime_ns
                read = os.stat(doctrees / f"{docname}.doctree").st_mtime_ns
            except OSError:
                continue  # no output yet (Sphinx's list has it), or no longer a page
            if read > written:
                yield docname

    def init_templates(self) -> None:
        """Templates compiled once and kept beside the doctrees (Jinja's bytecode cache,
        keyed by each template's source): Sphinx compiles the theme's templates again on
        every run, 0.2 s of each HTML and EPUB rebuild."""
        super().init_templates()
        environment = getattr(self.templates, "environment", None)
        if environment is not None:
            cache = Path(self.doctreedir) / "jinja"
            cache.mkdir(parents=True, exist_ok=True)
            environment.bytecode_cache = FileSystemBytecodeCache(str(cache))


class BookHTMLBuilder(IncrementalHTMLBuilder):
    """Sphinx's HTML builder without Sphinx's search index: the book's search is Pagefind's
    (``search_pagefind.py``), which makes its own index and search page. Sphinx would
    otherwise write ``searchindex.js`` (3.6 MB at 500 speeches) and its ``search.html``."""

    search = False


def _finish(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not isinstance(app.builder, BookHTMLBuilder):
        return
    _write_sitemap(app, Path(app.builder.outdir))


def _write_sitemap(app: Sphinx, outdir: Path) -> None:
    base = (app.config.html_baseurl or "").rstrip("/")  # the edition's own address
    if not base:
        return
    urls = [
        f"<url><loc>{escape(f'{base}/{app.builder.get_target_uri(doc)}')}</loc></url>"
        for doc in sorted(app.env.found_docs)
    ]
    text = (
        "<?xml version='1.0' encoding='utf-8'?>\n"
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(urls)
        + "</urlset>\n"
    )
    write_if_changed(outdir / "sitemap.xml", text)


def _note_removed(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Remember the pages whose source went, for every builder that shares this environment
    (the first one to run sees them as removed, the next ones do not)."""
    gone = _removed(env)
    gone |= removed
    gone -= added
    return []


def _removed(env: BuildEnvironment) -> set[str]:
    if not hasattr(env, "book_removed"):
        env.book_removed = set()  # type: ignore[attr-defined]
    return env.book_removed  # type: ignore[attr-defined, no-any-return]


def _remove_outputs(app: Sphinx, env: BuildEnvironment) -> None:
    """Delete this builder's pages of removed documents: Sphinx leaves them, and the EPUB
    builder would package them again."""
    builder = app.builder
    if not isinstance(builder, StandaloneHTMLBuilder):
        return
    for docname in sorted(_removed(env) - env.all_docs.keys()):
        Path(builder.get_output_path(docname)).unlink(missing_ok=True)


def setup(app: Sphinx) -> None:
    app.add_builder(BookHTMLBuilder, override=True)
    app.connect("env-get-outdated", _note_removed)
    app.connect("env-updated", _remove_outputs)
    app.connect("build-finished", _finish)
