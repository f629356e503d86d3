"""What earlier runs made of each document and each zip entry, so an edit costs what it touches.

One pickle per edition, ``_build/epub/<edition>.publish.cache``, private to the build folder
(like Sphinx's own ``environment.pickle``)::

    tree      Sphinx's files: zip entry → (stamp: time and size, SHA-256), so that only
              the files Sphinx wrote again are read (``epub_state.sphinx_fingerprint``)
    key       the code that dresses (``code_fingerprint``) and what dressing does to every
              document alike: the edition's language tag, vertical writing
    dressed   (href, SHA-256 of the document Sphinx wrote) → (SHA-256 of the finished
              document, its ``Facts``); made under ``key``
    deflated  SHA-256 → the entry as the zip holds it (``epub_zip.Deflated``)

A document Sphinx wrote as before, under the same key, is the finished document the last run
made: it goes into the book as it is, neither parsed nor compressed again. Dressing a document
depends on nothing but its own bytes, its href and what ``key`` covers; what looks across the
book (links, the glossary, the navigation) reads the ``Facts`` and runs every time. A cache
that is missing, unreadable or made under another key is an empty one; the books come out
byte for byte the same either way.
"""

from __future__ import annotations

import zlib
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from build_tools.atomic import read_pickle, write_pickle
from build_tools.publish.epub_documents import Facts, Stored
from build_tools.publish.epub_package import Package
from build_tools.publish.epub_state import Known
from build_tools.publish.epub_zip import Deflated, Member

CACHE_VERSION = 3


@dataclass
class Cache:
    key: str = ""
    dressed: dict[tuple[str, str], tuple[str, Facts]] = field(default_factory=dict)
    deflated: Deflated = field(default_factory=Deflated)
    tree: Known = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> Cache:
        kept = read_pickle(path)
        try:
            version, key, dressed, members, tree = kept
        except (TypeError, ValueError):  # none yet, or another shape
            return cls()
        if version != CACHE_VERSION:
            return cls()
        return cls(key, dressed, Deflated(members), tree)

    def keyed(self, key: str) -> None:
        """Forget the documents dressed under another key."""
        if key != self.key:
            self.key, self.dressed = key, {}

    def write(self, path: Path, *, keep: bool = False) -> None:
        """Keep what this run used, and only that: the next run wants the same again.
        ``keep``: this run made no book; keep everything as it was."""
        members = self.deflated.members if keep else self.deflated.keep_used()
        write_pickle(path, (CACHE_VERSION, self.key, self.dressed, members, self.tree))

    def reuse(self, package: Package, *, rewritten: Collection[str]) -> dict[str, str]:
        """Put the finished document in place of each document Sphinx wrote as before (but
        the ``rewritten`` ones, which dressing makes anew: the navigation). Returns href →
        SHA-256 of every document as Sphinx wrote it, for ``remember``."""
        sources = {}
        for href in list(package.docs):
            stored = package.docs.stored(href)
            if stored is None or href in rewritten:
                continue
            sources[href] = stored.sha
            known = self.dressed.get((href, stored.sha))
            member = self.deflated.members.get(known[0]) if known else None
            if known and member:
                sha, facts = known
                load = partial(_inflate, member)
                package.docs[href] = Stored(load=load, sha=sha, facts=facts, finished=True)
        return sources

    def remember(self, package: Package, sources: dict[str, str]) -> None:
        """What each document of ``sources`` (from ``reuse``) became in ``package``, once it
        is finished (``Package.finish``)."""
        self.dressed = {}
        for href, source in sources.items():
            stored = package.docs.stored(href) if href in package.docs else None
            if stored is not None and stored.finished and stored.facts is not None:
                self.dressed[href, source] = (stored.sha, stored.facts)


def _inflate(member: Member) -> bytes:
    return zlib.decompress(member[2], -15)
