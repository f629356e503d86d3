"""The search index after a rebuild: the previous ``searchindex.js`` with the rewritten pages
put in, giving the very index a clean build gives.

Sphinx loads the previous index into sets of page names (one Python object per word and
page), prunes it and freezes it again: 0.9 s at 1,000 speeches, for every rebuild. When the
rebuild leaves the list of pages as it was (an edit, not a speech added or removed), the page
numbers stay put and ``merge`` edits the frozen index in place: the rewritten pages leave each
word's list (a bisection per word) and come back under the words they have now. Otherwise it
does what Sphinx does (load, prune, add the rewritten pages) and freezes the result.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Set
from typing import Any

from sphinx.search import IndexBuilder

Frozen = dict[str, Any]


def merge(
    previous: Frozen, fed: IndexBuilder, *, all_docs: Set[str], rewritten: Set[str]
) -> Frozen:
    """The index of this build: ``previous`` (as loaded from ``searchindex.js``) without the
    pages that are gone or ``rewritten``, plus what ``fed`` holds (the pages written and
    indexed in this build, and the index entries of every page)."""
    titles = fed._titles
    kept = [d for d in previous["docnames"] if d in all_docs and d not in rewritten]
    if sorted({*kept, *titles}) == list(previous["docnames"]):
        return _edited(previous, fed)
    return _reloaded(previous, fed, kept)


def _edited(frozen: Frozen, fed: IndexBuilder) -> Frozen:
    """``frozen``, whose page list is this build's, with the pages ``fed`` holds updated."""
    number = {docname: i for i, docname in enumerate(frozen["docnames"])}
    changed = sorted(number[d] for d in fed._titles)
    for key, mapping in (("terms", fed._mapping), ("titleterms", fed._title_mapping)):
        table = frozen[key]
        for word in list(table):
            if (pages := _without(table[word], changed)) is None:
                del table[word]
            else:
                table[word] = pages
        for word, docnames in mapping.items():
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
    return frozen


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
