"""The collection for one build: scanned at ``builder-inited``, pages generated, and the
bookkeeping that keeps incremental builds exact (``env-get-outdated``, purge and merge).

* ``collection(env)``: the Collection of this build. Held beside the environment, never
  pickled with it; parallel readers are forked after ``builder-inited`` and inherit it.
* ``signatures(env)``: docname → (kind, digest of what its generated content took from other
  files), pickled with the environment. A page whose digest changes is read again.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from build_tools.atomic import stamp, write_if_changed
from build_tools.sphinx_ext import catalogue, collection_pages, edition
from build_tools.sphinx_ext.catalogue import scan
from build_tools.sphinx_ext.collection import COLLECTION_FOLDER, GROUPINGS, Collection, digest
from build_tools.sphinx_ext.glossary import load_glossary
from build_tools.variants.dictionary import project_dictionary

logger = logging.getLogger(__name__)

BAD_GROUPING = "book_grouping = {value!r} is not one of {known}; grouping the parts by year"
BAD_FRONT_MATTER = "{problem}; the speech is listed with what could be read"

_COLLECTIONS: WeakKeyDictionary[BuildEnvironment, Collection] = WeakKeyDictionary()
#: Whether this build's collection is the one the environment was last built with.
_SETTLED: WeakKeyDictionary[BuildEnvironment, bool] = WeakKeyDictionary()
#: The collection the last build in this process made, and what it was made from (the
#: source folder, a digest of the speeches' entries and settings, the generated pages as
#: written). An edition's HTML and EPUB builds run in one process (``publish/worker.run_sphinx``):
#: the second takes the first's collection, its related speeches and signatures worked out.
_LAST: tuple[tuple[object, ...], Collection] | None = None

Signatures = dict[str, tuple[str, str]]


def collection(env: BuildEnvironment) -> Collection | None:
    return _COLLECTIONS.get(env)


def signatures(env: BuildEnvironment) -> Signatures:
    if not hasattr(env, "book_signatures"):
        env.book_signatures = {}  # type: ignore[attr-defined]
    return env.book_signatures  # type: ignore[attr-defined, no-any-return]


def _scan_cache(env: BuildEnvironment) -> dict[str, Any]:
    if not hasattr(env, "book_scan_cache"):
        env.book_scan_cache = {}  # type: ignore[attr-defined]
    return env.book_scan_cache  # type: ignore[attr-defined, no-any-return]


def _builder_inited(app: Sphinx) -> None:
    """Scan the speeches, build the collection, write the generated pages."""
    env = app.env
    catalogue.SLUGS.update(getattr(env, "book_slugs", {}))
    srcdir = Path(app.srcdir)
    glossary_path = srcdir / app.config.book_glossary
    glossary = load_glossary(glossary_path)
    for problem in glossary.problems:
        logger.warning(problem, type="book", subtype="glossary")
    dictionary = project_dictionary(srcdir)
    to_script = functools.partial(edition.to_script, dictionary=dictionary)
    to_hans = functools.partial(edition.to_hans, dictionary=dictionary)
    entries, problems = scan(srcdir, glossary, _scan_cache(env), to_script=to_script)
    for path, problem in problems:
        logger.warning(
            BAD_FRONT_MATTER.format(problem=problem),
            location=path,
            type="book",
            subtype="front-matter",
        )
    grouping = app.config.book_grouping
    if grouping not in GROUPINGS:
        logger.warning(
            BAD_GROUPING.format(value=grouping, known=", ".join(GROUPINGS)),
            type="book",
            subtype="config",
        )
        grouping = "year"
    global _LAST
    folder = srcdir / COLLECTION_FOLDER
    key = digest((tuple(entries), glossary, grouping, dictionary))
    kept: Kept | None = getattr(env, "book_collection", None)
    # The last build that kept this environment read again every page whose signature its
    # collection changed: with the same collection, no signature has changed since.
    _SETTLED[env] = kept is not None and kept.key == key
    stamps = _page_stamps(folder)
    if _LAST is not None and _LAST[0] == (srcdir, key, stamps):
        _COLLECTIONS[env] = _LAST[1]  # the HTML build's, for the EPUB build that follows
        _write_manifest(app, folder, _LAST[1])
        return
    result = Collection(tuple(entries), glossary, grouping, to_hans=to_hans)
    _COLLECTIONS[env] = result
    if not (_SETTLED[env] and kept is not None and kept.pages == stamps):
        # Unless its pages are the files the last build wrote: write them.
        touched = collection_pages.write_pages(folder, collection_pages.render_pages(result))
        if touched:
            logger.info(
                "book: %d generated page(s) updated in %s/", len(touched), COLLECTION_FOLDER
            )
        stamps = _page_stamps(folder)
        env.book_collection = Kept(key, stamps)  # type: ignore[attr-defined]
    _LAST = ((srcdir, key, stamps), result)
    _write_manifest(app, folder, result)


def _write_manifest(app: Sphinx, folder: Path, result: Collection) -> None:
    """``parts.json`` for the landing page, each build: the book's settings may change
    when its speeches do not."""
    book = {
        "title": app.config.project,
        "description": app.config.book_description,
        "slug": app.config.book_slug,
        "opencc": dict(app.config.book_opencc or {}),
    }
    write_if_changed(folder / "parts.json", collection_pages.manifest(result, book))


@dataclass(frozen=True)
class Kept:
    """What a build keeps of its collection for the next: what it was made from (``key``)
    and its generated pages as written."""

    key: str
    pages: dict[str, tuple[int, int]]  #: name under ``_collection/`` → ``atomic.stamp``


def _page_stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Every generated page under ``_collection/`` by its stamp (``parts.json`` is not a
    page: it is written after them, for the landing page)."""
    return {path.relative_to(folder).as_posix(): stamp(path) for path in folder.rglob("*.md")}


def _keep_slugs(app: Sphinx, env: BuildEnvironment) -> None:
    """The slugs made so far go with the environment (pickled after this event)."""
    env.book_slugs = dict(catalogue.SLUGS)  # type: ignore[attr-defined]


def _env_get_outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Pages whose generated content would change although their own file did not."""
    current = collection(env)
    if current is None or _SETTLED.get(env):
        return []
    outdated = []
    for docname, (kind, before) in signatures(env).items():
        if docname in added or docname in changed or docname in removed:
            continue
        if kind == "speech":
            new = current.speech_signature(docname)
        elif kind == "landing":
            new = current.landing_signature()
        else:
            continue
        if new != before:
            outdated.append(docname)
    return sorted(outdated)


def _purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    signatures(env).pop(docname, None)


def _merge_info(
    app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
) -> None:
    theirs = signatures(other)
    signatures(env).update({d: theirs[d] for d in docnames if d in theirs})


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", _builder_inited, priority=400)
    app.connect("env-get-outdated", _env_get_outdated)
    app.connect("env-purge-doc", _purge_doc)
    app.connect("env-updated", _keep_slugs)
    app.connect("env-merge-info", _merge_info)
