"""Outputs that Sphinx and sphinx-sitemap get wrong on an incremental build, made whole.

* Sphinx 9.0's ``IndexBuilder.load`` restores the words of the documents it does not rewrite
  but not their index entries (``indexentries``), and the entries it collects while writing
  are fed after the environment was pickled: after a rebuild the search page loses the index
  entries of every page that was not rewritten. We restore them from the previous
  ``searchindex.js`` before writing, and sort each entry's list afterwards so that an
  incremental build writes the very bytes a clean build writes.
* sphinx-sitemap lists only the pages written in the current run. The sitemap here lists
  every document of the edition, whichever run wrote it.
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.sax.saxutils import escape

from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.builders.html import StandaloneHTMLBuilder

from build_tools.atomic import write_if_changed

PREFIX, SUFFIX = "Search.setIndex(", ")"


def _is_html(builder: Builder) -> bool:
    return isinstance(builder, StandaloneHTMLBuilder) and builder.name in ("html", "dirhtml")


def _read_index(path: Path) -> dict | None:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    if not (text.startswith(PREFIX) and text.endswith(SUFFIX)):
        return None
    return json.loads(text[len(PREFIX) : -len(SUFFIX)])


def _restore_index_entries(app: Sphinx, builder: Builder) -> None:
    """Put the previous run's index entries back where Sphinx's indexer will find them."""
    if not _is_html(builder):
        return
    frozen = _read_index(Path(builder.outdir) / builder.searchindex_filename)  # type: ignore[attr-defined]
    if frozen is None:
        return
    docnames = frozen["docnames"]
    restored: dict[str, set[tuple[str, str, str]]] = {}
    for entry, places in frozen.get("indexentries", {}).items():
        for index, target, main in places:
            restored.setdefault(docnames[index], set()).add((entry, target, "main" if main else ""))
    entries = app.env._search_index_index_entries
    for docname, found in restored.items():
        if docname in app.env.all_docs and docname not in entries:
            entries[docname] = sorted(found)


def _finish(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not _is_html(app.builder):
        return
    outdir = Path(app.builder.outdir)
    _sort_index_entries(outdir / app.builder.searchindex_filename)  # type: ignore[attr-defined]
    _write_sitemap(app, outdir)


def _sort_index_entries(path: Path) -> None:
    frozen = _read_index(path)
    if frozen is None:
        return
    for places in frozen.get("indexentries", {}).values():
        places.sort(key=lambda place: (place[0], place[1], place[2]))
    text = PREFIX + json.dumps(frozen, separators=(",", ":"), sort_keys=True) + SUFFIX
    write_if_changed(path, text)


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


def setup(app: Sphinx) -> None:
    app.connect("write-started", _restore_index_entries)
    app.connect("build-finished", _finish)
