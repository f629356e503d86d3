"""Outputs that Sphinx and sphinx-sitemap get wrong on an incremental build, made whole.

* The HTML and EPUB builds share one environment, and Sphinx writes a page again only when
  its source file is newer than the page: a page read again for the other builder, or
  removed, would stay stale (``_outputs_to_redo``).
* sphinx-sitemap lists only the pages written in the current run. The sitemap here lists
  every document of the edition, whichever run wrote it.
"""

from __future__ import annotations

import os
from pathlib import Path
from xml.sax.saxutils import escape

from jinja2 import FileSystemBytecodeCache
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.environment import BuildEnvironment

from build_tools.atomic import write_if_changed


class CompiledTemplates(StandaloneHTMLBuilder):
    """Templates compiled once and kept beside the doctrees (Jinja's bytecode cache, keyed by
    each template's source): Sphinx compiles the theme's templates again on every run, 0.2 s
    of each HTML and EPUB rebuild."""

    def init_templates(self) -> None:
        super().init_templates()
        environment = getattr(self.templates, "environment", None)
        if environment is not None:
            cache = Path(self.doctreedir) / "jinja"
            cache.mkdir(parents=True, exist_ok=True)
            environment.bytecode_cache = FileSystemBytecodeCache(str(cache))


class BookHTMLBuilder(CompiledTemplates):
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


def _outputs_to_redo(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Make this builder's pages agree with the environment that another builder updated.

    The HTML and EPUB builds share one environment. When the HTML build reads a page again
    because what it shows of other speeches changed (its related speeches, a part page's
    list), its source file did not change, so the EPUB build that follows would keep its old
    page. A page whose doctree is newer than this builder's output of it is written again.
    The outputs of removed pages are deleted (Sphinx leaves them, and the EPUB builder would
    package them again)."""
    builder = app.builder
    if not isinstance(builder, StandaloneHTMLBuilder):
        return []
    for docname in sorted(_removed(env) - env.all_docs.keys()):
        Path(builder.get_output_path(docname)).unlink(missing_ok=True)
    doctrees = Path(env.doctreedir)
    redo = []
    for docname in env.all_docs:
        try:
            written = os.stat(builder.get_output_path(docname)).st_mtime_ns
            read = os.stat(doctrees / f"{docname}.doctree").st_mtime_ns
        except OSError:
            continue  # no output yet: Sphinx writes it anyway
        if read > written:
            redo.append(docname)
    return sorted(redo)


def setup(app: Sphinx) -> None:
    app.add_builder(BookHTMLBuilder, override=True)
    app.connect("env-get-outdated", _note_removed)
    app.connect("env-updated", _outputs_to_redo)
    app.connect("build-finished", _finish)
