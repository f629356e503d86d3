"""Entries → ``Collection``: parts, index groups, related speeches, title look-up, signatures.

Everything here is pure and deterministic: the same speech files and glossary give the
same collection, whichever edition is being built. Names are grouped in Simplified spelling
(``to_hans``) so that speeches imported in either script fall into the same groups.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from build_tools.sphinx_ext.catalogue import UNDATED, Entry, slugs_for
from build_tools.sphinx_ext.glossary import Glossary, Term

GROUPINGS = ("year", "category", "speaker")
COLLECTION_FOLDER = "_collection"
RELATED_MAX = 5
#: How many neighbours in time each shared group contributes as candidates for "related".
RELATED_WINDOW = 8
#: Weights of what two speeches share, for "related speeches".
WEIGHT_SPEAKER, WEIGHT_CATEGORY, WEIGHT_TERM = 3, 2, 1

UNKNOWN_PART = {"year": "未注明年份", "category": "未分类", "speaker": "演讲者不详"}


@dataclass(frozen=True)
class Part:
    """One part of the book: a page listing its speeches, and one EPUB of its own."""

    key: str  #: ASCII: the year, "undated", or a slug; also in the part EPUB's file name
    title: str  #: Simplified Chinese
    docnames: tuple[str, ...]

    @property
    def docname(self) -> str:
        return f"{COLLECTION_FOLDER}/parts/{self.key}"

    @property
    def label(self) -> str:
        return f"part-{self.key}"


@dataclass
class Collection:
    entries: tuple[Entry, ...]
    glossary: Glossary
    grouping: str = "year"
    to_hans: Callable[[str, str], str] = field(default=lambda text, script: text, repr=False)
    #: (text, script) → Simplified: a collection's few speakers and categories are converted
    #: once, not once per comparison (``related`` compared them 18,000 times at N = 1,000).
    spellings: dict[tuple[str, str], str] = field(default_factory=dict, repr=False, compare=False)

    # -- look-ups --------------------------------------------------------------------------
    @cached_property
    def by_docname(self) -> dict[str, Entry]:
        return {e.docname: e for e in self.entries}

    @cached_property
    def position(self) -> dict[str, int]:
        return {e.docname: i for i, e in enumerate(self.entries)}

    def hans(self, entry: Entry, value: str | None) -> str | None:
        """A field of ``entry`` in Simplified spelling, the key its groups are made on."""
        if value is None or entry.script == "hans":
            return value
        key = (value, entry.script)
        if key not in self.spellings:
            self.spellings[key] = self.to_hans(value, entry.script)
        return self.spellings[key]

    @cached_property
    def terms(self) -> dict[str, Term]:
        return self.glossary.by_slug()

    # -- groups ----------------------------------------------------------------------------
    def names(self, attribute: str) -> dict[str, list[str]]:
        """Simplified name → docnames (chronological) for "speaker", "category" or "place"."""
        groups: dict[str, list[str]] = {}
        for entry in self.entries:
            name = self.hans(entry, getattr(entry, attribute))
            if name:
                groups.setdefault(name, []).append(entry.docname)
        return dict(sorted(groups.items(), key=lambda kv: (self.position[kv[1][0]], kv[0])))

    @cached_property
    def speakers(self) -> dict[str, list[str]]:
        return self.names("speaker")

    @cached_property
    def categories(self) -> dict[str, list[str]]:
        return self.names("category")

    @cached_property
    def tags(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for entry in self.entries:
            for tag in entry.tags:
                groups.setdefault(self.hans(entry, tag) or tag, []).append(entry.docname)
        return dict(sorted(groups.items()))

    @cached_property
    def years(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for entry in self.entries:
            groups.setdefault(entry.year or UNDATED, []).append(entry.docname)
        return groups  # entries are chronological, undated last

    @cached_property
    def slugs(self) -> dict[str, dict[str, str]]:
        """Per kind ("speaker", "category", "tag"): Simplified name → ASCII slug."""
        return {
            "speaker": slugs_for(self.speakers),
            "category": slugs_for(self.categories),
            "tag": slugs_for(self.tags),
        }

    @cached_property
    def users(self) -> dict[str, list[str]]:
        """Glossary slug → the speeches that use the term (or name the organisation)."""
        result: dict[str, list[str]] = {t.slug: [] for t in self.glossary.entries}
        for entry in self.entries:
            for slug in (*entry.terms, *entry.organisations):
                result[slug].append(entry.docname)
        return result

    # -- parts -----------------------------------------------------------------------------
    @cached_property
    def parts(self) -> tuple[Part, ...]:
        grouping = self.grouping if self.grouping in GROUPINGS else "year"
        if grouping == "year":
            return tuple(
                Part(year, f"{year}年" if year != UNDATED else UNKNOWN_PART["year"], tuple(docs))
                for year, docs in self.years.items()
            )
        groups = self.speakers if grouping == "speaker" else self.categories
        slugs = self.slugs[grouping]
        parts = [Part(slugs[name], name, tuple(docs)) for name, docs in groups.items()]
        grouped = {d for part in parts for d in part.docnames}
        rest = tuple(e.docname for e in self.entries if e.docname not in grouped)
        if rest:
            parts.append(Part(free_key("unknown", slugs.values()), UNKNOWN_PART[grouping], rest))
        return tuple(parts)

    def characters(self, docnames: Iterable[str]) -> int:
        """The Han characters of the speeches among ``docnames`` (other pages count none)."""
        return sum(e.characters for d in docnames if (e := self.by_docname.get(d)) is not None)

    def fits(self, limit: int, part: Part | None = None) -> bool:
        """Whether the whole book (or ``part``) holds at most ``limit`` Han characters: the
        PDF builder typesets only the books that do (``book_pdf_max_characters``)."""
        docnames = self.by_docname if part is None else part.docnames
        return self.characters(docnames) <= limit

    @cached_property
    def part_of(self) -> dict[str, Part]:
        return {docname: part for part in self.parts for docname in part.docnames}

    # -- titles and related speeches -------------------------------------------------------
    @cached_property
    def titles(self) -> dict[str, str]:
        """Simplified title → docname; the earliest speech wins a duplicate title."""
        result: dict[str, str] = {}
        for entry in self.entries:
            result.setdefault(self.hans(entry, entry.title) or entry.title, entry.docname)
        return result

    def resolve_mention(self, text: str, script: str, *, docname: str) -> str | None:
        """The speech a 《text》 in ``docname`` names, if any (never the speech itself)."""
        target = self.titles.get(text if script == "hans" else self.to_hans(text, script))
        return target if target and target != docname else None

    @cached_property
    def related(self) -> dict[str, tuple[str, ...]]:
        """Up to five speeches that share the speaker, the category or key terms.

        Candidates are each shared group's nearest neighbours in time, so the cost stays
        linear in the collection; ranking is by weight, then closeness in time, then name.
        """
        groups: list[list[str]] = [*self.speakers.values(), *self.categories.values()]
        groups += [docs for docs in self.users.values() if docs]
        neighbours: dict[str, set[str]] = {}
        for docs in groups:
            for i, doc in enumerate(docs):
                window = docs[max(0, i - RELATED_WINDOW) : i + RELATED_WINDOW + 1]
                neighbours.setdefault(doc, set()).update(window)
        result = {}
        for entry in self.entries:
            candidates = neighbours.get(entry.docname, set()) - {entry.docname}
            scored = []
            for other in candidates:
                score = self.affinity(entry, self.by_docname[other])
                distance = abs(self.position[other] - self.position[entry.docname])
                scored.append((-score, distance, other))
            result[entry.docname] = tuple(d for _, _, d in sorted(scored)[:RELATED_MAX])
        return result

    def affinity(self, a: Entry, b: Entry) -> int:
        score = 0
        if a.speaker and self.hans(a, a.speaker) == self.hans(b, b.speaker):
            score += WEIGHT_SPEAKER
        if a.category and self.hans(a, a.category) == self.hans(b, b.category):
            score += WEIGHT_CATEGORY
        return score + WEIGHT_TERM * len(set(a.terms) & set(b.terms))

    # -- what a page's generated content depends on ----------------------------------------
    def speech_signature(self, docname: str) -> str:
        """A digest of everything read-time enrichment of ``docname`` takes from *other*
        files; when it changes, the page is read again (see ``env-get-outdated``)."""
        entry = self.by_docname.get(docname)
        if entry is None:
            return ""
        related = [(d, self.by_docname[d].title) for d in self.related.get(docname, ())]
        terms = [self.terms[s] for s in (*entry.terms, *entry.organisations)]
        mentions = [
            (m, self.resolve_mention(m, entry.script, docname=docname)) for m in entry.mentions
        ]
        part = self.part_of.get(docname)
        slugs = [
            self.slugs["speaker"].get(self.hans(entry, entry.speaker) or ""),
            self.slugs["category"].get(self.hans(entry, entry.category) or ""),
            [self.slugs["tag"].get(self.hans(entry, t) or t) for t in entry.tags],
        ]
        return digest((related, terms, mentions, part and (part.key, part.title), slugs))

    def landing_signature(self) -> str:
        first, last = (self.entries[0], self.entries[-1]) if self.entries else (None, None)
        dated = [e for e in self.entries if e.year]
        return digest(
            (
                len(self.entries),
                [(p.key, p.title) for p in self.parts],
                dated and (dated[0].date, dated[-1].date),
                first and first.docname,
                last and last.docname,
                bool(self.tags),
                bool(self.glossary.terms),
                # the front page lists the speeches: title, speaker, date
                [(e.docname, e.title, e.speaker, e.date) for e in self.entries],
            )
        )


def digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode("utf-8")).hexdigest()[:20]


def free_key(base: str, taken: Iterable[str]) -> str:
    """``base``, or ``base-2``… when a name already has it."""
    taken = set(taken)
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key
