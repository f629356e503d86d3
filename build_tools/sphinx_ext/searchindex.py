"""The search index after a rebuild: the previous ``searchindex.js`` with the rewritten pages
put in, giving the very index a clean build gives.

Sphinx loads the previous index into sets of page names (one Python object per word and
page), prunes it and freezes it again: 0.9 s at 1,000 speeches, for every rebuild. Here the
index is kept beside the doctrees as ``Fragments``: every word's page list as the JSON text
``searchindex.js`` holds for it, and the rest as data. When the rebuild leaves the list of
pages as it was (an edit, not a speech added or removed), the page numbers stay put and
``merge`` edits the fragments: the words that list a rewritten page lose it, the words the
rewritten pages have now gain them, and no other word's list is even parsed. Otherwise it does
what Sphinx does (load, prune, add the rewritten pages) and freezes the result.
``Fragments.text`` writes the bytes Sphinx's ``js_index.dumps`` writes.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.search import IndexBuilder, js_index

from build_tools.atomic import read_pickle, stamp, write_if_changed, write_pickle

Frozen = dict[str, Any]
#: The key whose table is kept as text: the words of the pages' bodies, most of the index.
TERMS = "terms"
FRAGMENTS_VERSION = 2


@dataclass
class Fragments:
    """A frozen search index, its ``terms`` as text: word → the JSON of its pages."""

    terms: dict[str, str]
    rest: Frozen  #: every other key, as data

    @classmethod
    def of(cls, frozen: Frozen) -> Fragments:
        """From an index as ``IndexBuilder.freeze`` gives it, or as ``searchindex.js`` holds
        it. Its page lists (``docnames``, ``titles``, ...) become lists, to be edited."""
        terms = {word: _json(pages) for word, pages in frozen.get(TERMS, {}).items()}
        rest = {k: list(v) if isinstance(v, tuple) else v for k, v in frozen.items() if k != TERMS}
        return cls(terms, rest)

    def frozen(self) -> Frozen:
        return {**self.rest, TERMS: {word: json.loads(t) for word, t in self.terms.items()}}

    def text(self) -> str:
        """``js_index.dumps`` of the index: ``Search.setIndex({...})``, keys sorted."""
        table = ",".join(
            f"{json.dumps(word)}:{pages}" for word, pages in sorted(self.terms.items())
        )
        values = {key: _json(value) for key, value in self.rest.items()}
        values[TERMS] = "{" + table + "}"
        body = ",".join(f"{json.dumps(key)}:{values[key]}" for key in sorted(values))
        return f"{js_index.PREFIX}{{{body}}}{js_index.SUFFIX}"

    # -- kept beside the doctrees, for the next build ---------------------------------------

    @classmethod
    def read(cls, path: Path, index: Path) -> Fragments | None:
        """The fragments kept at ``path``, if they describe the ``index`` file as it is."""
        kept = read_pickle(path)
        try:
            version, written, terms, rest = kept
            if (version, written) != (FRAGMENTS_VERSION, stamp(index)):
                return None
        except (TypeError, ValueError, OSError):  # none, another shape, no index
            return None
        return cls(terms, rest)

    def write(self, path: Path, index: Path) -> None:
        """Write ``index`` (``searchindex.js``), then the fragments that describe it."""
        write_if_changed(index, self.text())
        write_pickle(path, (FRAGMENTS_VERSION, stamp(index), self.terms, self.rest))


def _json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def merge(
    previous: Fragments, fed: IndexBuilder, *, all_docs: Set[str], rewritten: Set[str]
) -> Fragments:
    """The index of this build: ``previous`` (the last build's) without the pages that are
    gone or ``rewritten``, plus what ``fed`` holds (the pages written and indexed in this
    build, and the index entries of every page)."""
    titles = fed._titles
    docnames = previous.rest["docnames"]
    kept = [d for d in docnames if d in all_docs and d not in rewritten]
    if sorted({*kept, *titles}) == list(docnames):
        return _edited(previous, fed)
    return Fragments.of(_reloaded(previous.frozen(), fed, kept))


def _edited(fragments: Fragments, fed: IndexBuilder) -> Fragments:
    """``fragments``, whose page list is this build's, with the pages ``fed`` holds updated."""
    frozen = fragments.rest
    number = {docname: i for i, docname in enumerate(frozen["docnames"])}
    changed = sorted(number[d] for d in fed._titles)
    _edit_terms(fragments.terms, changed, fed._mapping, number)
    table = frozen["titleterms"]
    for word in list(table):
        if (pages := _without(table[word], changed)) is None:
            del table[word]
        else:
            table[word] = pages
    for word, docnames in fed._title_mapping.items():
        table[word] = _with(table.get(word), sorted(number[d] for d in docnames))
    for docname, title in fed._titles.items():
        frozen["titles"][number[docname]] = title
        frozen["filenames"][number[docname]] = fed._filenames[docname]
    alltitles: dict[str, list[Any]] = {}
    gone = set(changed)
    for title, places in frozen["alltitles"].items():
        if kept := [place for place in places if place[0] not in gone]:
            alltitles[title] = kept
    for docname in sorted(fed._all_titles, key=number.__getitem__):
        for title, anchor in fed._all_titles[docname]:
            alltitles.setdefault(title, []).append([number[docname], anchor])
    for places in alltitles.values():
        places.sort(key=lambda place: place[0])  # stable: a page's titles keep their order
    frozen["alltitles"] = alltitles
    frozen["indexentries"] = _index_entries(fed._index_entries, number)
    frozen["objects"] = fed.get_objects(number)
    frozen["objtypes"] = {v: f"{k[0]}:{k[1]}" for k, v in fed._objtypes.items()}
    frozen["objnames"] = fed._objnames
    return fragments


def _edit_terms(
    terms: dict[str, str],
    changed: list[int],
    mapping: Mapping[str, Iterable[str]],
    number: Mapping[str, int],
) -> None:
    """Give the ``changed`` pages the words ``mapping`` says they have now. Most of their
    words they had before: those lists stay as they are. A list has a page when its text
    holds ``,7,`` once its brackets become commas; only the lists that gain a page are
    parsed."""
    marks = {page: f",{page}," for page in changed}
    now: dict[str, set[int]] = {}
    for word, docnames in mapping.items():
        now[word] = {number[d] for d in docnames}
    for word, text in list(terms.items()):
        padded = f",{text.strip('[]')},"
        had = {page for page, mark in marks.items() if mark in padded}
        has = now.pop(word, set())
        if had == has:
            continue
        for page in had - has:
            padded = padded.replace(marks[page], ",")
        pages = [int(p) for p in padded.strip(",").split(",") if p]
        for page in sorted(has - had):
            bisect.insort(pages, page)
        if pages:
            terms[word] = _json(_packed(pages))
        else:
            del terms[word]
    for word, pages in now.items():  # words no page had before
        terms[word] = _json(_packed(sorted(pages)))


def _without(pages: int | list[int], gone: list[int]) -> int | list[int] | None:
    """A word's pages (one number, or a sorted list) without ``gone``; ``None`` if empty."""
    if isinstance(pages, int):
        return None if _contains(gone, pages) else pages
    if len(gone) < 8:
        for page in gone:
            at = bisect.bisect_left(pages, page)
            if at < len(pages) and pages[at] == page:
                del pages[at]
    else:
        gone_set = set(gone)
        pages = [page for page in pages if page not in gone_set]
    return _packed(pages)


def _with(pages: int | list[int] | None, new: list[int]) -> int | list[int]:
    merged = [] if pages is None else [pages] if isinstance(pages, int) else pages
    for page in new:
        bisect.insort(merged, page)
    packed = _packed(merged)
    assert packed is not None
    return packed


def _packed(pages: list[int]) -> int | list[int] | None:
    """Sphinx's form: one page as a number, several as a list."""
    if not pages:
        return None
    return pages[0] if len(pages) == 1 else pages


def _contains(ordered: list[int], page: int) -> bool:
    at = bisect.bisect_left(ordered, page)
    return at < len(ordered) and ordered[at] == page


def _index_entries(
    entries: Mapping[str, Iterable[tuple[str, str, str]]], number: Mapping[str, int]
) -> dict[str, list[tuple[int, str, bool]]]:
    """As ``IndexBuilder.freeze`` makes them, each entry's places in order."""
    frozen: dict[str, list[tuple[int, str, bool]]] = {}
    for docname, found in entries.items():
        if docname not in number:
            continue
        for entry, target, main in found:
            frozen.setdefault(entry.lower(), []).append((number[docname], target, main == "main"))
    for places in frozen.values():
        places.sort()
    return frozen


class _Given:
    """An index format that "loads" what it was given."""

    def __init__(self, frozen: Frozen) -> None:
        self.frozen = frozen

    def load(self, stream: object) -> Frozen:
        return self.frozen


def _reloaded(previous: Frozen, fed: IndexBuilder, kept: list[str]) -> Frozen:
    """Sphinx's way, for a changed page list: load ``previous``, keep ``kept``, add ``fed``."""
    titles, filenames = dict(fed._titles), dict(fed._filenames)
    all_titles = dict(fed._all_titles)
    mapping = {w: set(d) for w, d in fed._mapping.items()}
    title_mapping = {w: set(d) for w, d in fed._title_mapping.items()}
    fed.load(None, _Given(previous))  # type: ignore[arg-type]
    fed.prune(kept)
    fed._titles.update(titles)
    fed._filenames.update(filenames)
    fed._all_titles.update(all_titles)
    for table, new in ((fed._mapping, mapping), (fed._title_mapping, title_mapping)):
        for word, docnames in new.items():
            table.setdefault(word, set()).update(docnames)
    return fed.freeze()
