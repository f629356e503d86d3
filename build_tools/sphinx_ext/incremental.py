"""Outputs that Sphinx and sphinx-sitemap get wrong on an incremental build, made whole.

* Sphinx 9.0's ``IndexBuilder.load`` restores the words of the documents it does not rewrite
  but not their index entries (``indexentries``), and the entries it collects while writing
  are fed after the environment was pickled: after a rebuild the search page loses the index
  entries of every page that was not rewritten. ``BookHTMLBuilder`` restores them from the
  previous ``searchindex.js`` as Sphinx loads it, and sorts each entry's places, so that an
  incremental build writes the very bytes a clean build writes.
* The HTML and EPUB builds share one environment, and Sphinx writes a page again only when
  its source file is newer than the page: a page read again for the other builder, or
  removed, would stay stale (``_outputs_to_redo``).
* sphinx-sitemap lists only the pages written in the current run. The sitemap here lists
  every document of the edition, whichever run wrote it.
"""

from __future__ import annotations

import os
import types
from collections.abc import Iterable, Set
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from jinja2 import FileSystemBytecodeCache
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.environment import BuildEnvironment
from sphinx.search import IndexBuilder, js_index

from build_tools.atomic import write_if_changed
from build_tools.sphinx_ext import searchindex


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
    """Sphinx's HTML builder, with a search index that is whole and cheap to update.

    ``load_indexer`` reads the previous ``searchindex.js`` but leaves the indexer empty, so
    that it collects only the pages written in this build, and gives the index entries of
    the other pages back (Sphinx drops them). ``dump_search_index`` merges the two
    (``searchindex.merge``). Every index entry's places are frozen in order, so that a
    rebuild writes the bytes a clean build writes. Without a usable previous index, Sphinx's
    own way runs (with a faster prune).
    """

    _previous_index: searchindex.Fragments | None = None
    _rewritten: Set[str] = frozenset()

    @property
    def _fragments_path(self) -> Path:
        return Path(self.doctreedir) / "searchindex.fragments"

    @property
    def _index_path(self) -> Path:
        return self.outdir / self.searchindex_filename

    def load_indexer(self, docnames: Set[str]) -> None:
        indexer = self.indexer
        assert indexer is not None
        indexer.prune = types.MethodType(_prune, indexer)  # type: ignore[method-assign]
        indexer.freeze = types.MethodType(_freeze_sorted, indexer)  # type: ignore[method-assign]
        previous = self._read_previous_index()
        if previous is None or previous.rest.get("envversion") != indexer._env_version:
            self._previous_index = None
            super().load_indexer(docnames)  # warns when pages would be missing
            return
        self._previous_index, self._rewritten = previous, frozenset(docnames)
        _restore_index_entries(self.env, previous.rest, rewritten=docnames)

    def _read_previous_index(self) -> searchindex.Fragments | None:
        """The last build's index: its fragments if they describe ``searchindex.js`` as it is,
        else the file itself (only the JavaScript format can be taken apart)."""
        if self.indexer_format is not js_index:
            return None
        found = searchindex.Fragments.read(self._fragments_path, self._index_path)
        if found is None:
            frozen = _read_index(self._index_path, self.indexer_format)
            found = searchindex.Fragments.of(frozen) if frozen is not None else None
        return found

    def dump_search_index(self) -> None:
        if self.indexer is None:
            return
        if self.indexer_format is not js_index:
            super().dump_search_index()
            return
        if self._previous_index is None:
            self.indexer.prune(self.env.all_docs)
            fragments = searchindex.Fragments.of(self.indexer.freeze())
        else:
            fragments = searchindex.merge(
                self._previous_index,
                self.indexer,
                all_docs=self.env.all_docs.keys(),
                rewritten=self._rewritten,
            )
            self._previous_index = None
        fragments.write(self._fragments_path, self._index_path)


def _read_index(path: Path, format: Any) -> dict[str, Any] | None:
    try:
        text = path.read_text(encoding="utf-8")
        frozen = format.loads(text)
    except (OSError, ValueError):
        return None
    return frozen if isinstance(frozen, dict) else None


def _prune(self: IndexBuilder, docnames: Iterable[str]) -> None:
    """``IndexBuilder.prune``, touching only the pages that leave the index, and dropping the
    words no page has any more (so that the index is the one a clean build writes)."""
    keep = set(docnames)
    leaving = self._titles.keys() - keep
    self._titles = {d: t for d, t in self._titles.items() if d in keep}
    self._filenames = {d: f for d, f in self._filenames.items() if d in keep}
    self._all_titles = {d: t for d, t in self._all_titles.items() if d in keep}
    if leaving:
        for mapping in (self._mapping, self._title_mapping):
            for pages in mapping.values():
                pages.difference_update(leaving)
            for word in [word for word, pages in mapping.items() if not pages]:
                del mapping[word]  # Sphinx would keep it, found on no page


def _freeze_sorted(self: IndexBuilder) -> dict[str, Any]:
    frozen = IndexBuilder.freeze(self)
    for places in frozen["indexentries"].values():
        places.sort()
    return frozen


def _restore_index_entries(env: Any, frozen: dict[str, Any], *, rewritten: Set[str]) -> None:
    """Put the previous run's index entries of the pages not ``rewritten`` (those are fed
    again) where Sphinx's indexer will find them."""
    docnames = frozen["docnames"]
    restored: dict[str, set[tuple[str, str, str]]] = {}
    for entry, places in frozen.get("indexentries", {}).items():
        for index, target, main in places:
            restored.setdefault(docnames[index], set()).add((entry, target, "main" if main else ""))
    entries = env._search_index_index_entries
    for docname, found in restored.items():
        if docname in env.all_docs and docname not in rewritten and docname not in entries:
            entries[docname] = sorted(found)


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
