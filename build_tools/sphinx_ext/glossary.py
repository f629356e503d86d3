"""The editors' key terms: ``_data/glossary.yml`` → ``Glossary`` (terms and organisations).

The data file is Simplified Chinese. A term links, at its first occurrence in each speech, to
its glossary entry and gets a general-index entry; an organisation only gets index entries.
Slugs are the ASCII anchors of the entries: stable across editions and rebuilds.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

#: An anchor fragment: lower-case ASCII words joined by hyphens.
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

BAD_ENTRY = (
    "{path}: entry {index} of {section!r} is not usable ({reason}); each entry needs "
    "'{key}' (Simplified Chinese) and 'slug' (lower-case ASCII words joined by '-')"
)
DUPLICATE_SLUG = "{path}: slug {slug!r} is used twice; slugs are anchors and must be unique"


@dataclass(frozen=True)
class Term:
    """One entry of the data file. ``kind`` is "term" (in the glossary) or "organisation"."""

    name: str  #: Simplified Chinese, as in the texts
    slug: str  #: the anchor: ``term-<slug>`` on the glossary page, ``org-<slug>`` in speeches
    definition: str = ""
    aliases: tuple[str, ...] = ()  #: other spellings found in the texts
    kind: str = "term"

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every surface form, longest first so that a longer spelling wins an overlap."""
        return tuple(sorted({self.name, *self.aliases}, key=lambda s: (-len(s), s)))


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...] = ()
    organisations: tuple[Term, ...] = ()
    digest: str = ""  #: changes whenever the data file's meaning changes
    problems: tuple[str, ...] = field(default=(), compare=False)

    @property
    def entries(self) -> tuple[Term, ...]:
        return self.terms + self.organisations

    def by_slug(self) -> dict[str, Term]:
        return {t.slug: t for t in self.entries}


def load_glossary(path: Path) -> Glossary:
    """Read the data file; a missing file is an empty glossary, bad entries are reported."""
    if not path.is_file():
        return Glossary()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    problems: list[str] = []
    seen: set[str] = set()
    sections: dict[str, list[Term]] = {"terms": [], "organisations": []}
    for section, key, kind in (
        ("terms", "term", "term"),
        ("organisations", "name", "organisation"),
    ):
        for index, raw in enumerate(data.get(section) or (), start=1):
            term, reason = _parse_entry(raw, key=key, kind=kind)
            if term is None:
                problems.append(
                    BAD_ENTRY.format(
                        path=path, index=index, section=section, reason=reason, key=key
                    )
                )
            elif term.slug in seen:
                problems.append(DUPLICATE_SLUG.format(path=path, slug=term.slug))
            else:
                seen.add(term.slug)
                sections[section].append(term)
    digest = hashlib.sha256(repr(sections).encode("utf-8")).hexdigest()[:16]
    return Glossary(
        tuple(sections["terms"]), tuple(sections["organisations"]), digest, tuple(problems)
    )


def _parse_entry(raw: object, *, key: str, kind: str) -> tuple[Term | None, str]:
    if not isinstance(raw, dict):
        return None, "not a mapping"
    name = str(raw.get(key) or "").strip()
    slug = str(raw.get("slug") or "").strip()
    if not name:
        return None, f"no {key!r}"
    if not SLUG.match(slug):
        return None, f"slug {slug!r} is not lower-case ASCII words joined by '-'"
    aliases = raw.get("aliases") or ()
    if isinstance(aliases, str):
        aliases = (aliases,)
    return Term(
        name=name,
        slug=slug,
        definition=" ".join(str(raw.get("definition") or "").split()),
        aliases=tuple(str(a).strip() for a in aliases if str(a).strip()),
        kind=kind,
    ), ""


def find_terms(text: str, terms: Iterable[Term], spell: Callable[[str], str]) -> tuple[str, ...]:
    """The slugs of the terms that occur in ``text``, whose script ``spell`` converts to."""
    return tuple(t.slug for t in terms if any(spell(s) in text for s in t.spellings))


def first_occurrences(
    text: str, spellings: dict[str, tuple[str, ...]]
) -> list[tuple[int, int, str]]:
    """Non-overlapping ``(start, end, slug)`` of each slug's first spelling found in ``text``.

    >>> first_occurrences("学习科学发展观", {"k": ("科学发展观",)})
    [(2, 7, 'k')]
    """
    hits: list[tuple[int, int, str]] = []
    for slug, forms in spellings.items():
        found = [(text.find(s), -len(s)) for s in forms if s and s in text]
        if found:
            start, minus = min(found)
            hits.append((start, start - minus, slug))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0]), h[2]))
    chosen: list[tuple[int, int, str]] = []
    for hit in hits:
        if not chosen or hit[0] >= chosen[-1][1]:
            chosen.append(hit)
    return chosen
