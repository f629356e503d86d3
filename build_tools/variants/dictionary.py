"""User dictionaries: plain files of phrase fixes that win over OpenCC, per edition.

The format (``build_tools/variants/dictionaries/builtin.txt`` ships with the project; editors
put their own in ``source/_data/variants-dictionary.txt``, read when present)::

    # A comment. Blank lines are ignored.
    [traditional]            # the editions the entries below apply to:
                             #   edition tags (zh-Hant zh-TW zh-HK zh-Hans), "traditional"
                             #   for every Traditional edition, "*" for all of them
    是只会	是只會            # source text, a tab (or spaces), the text the edition shows
    [zh-HK]
    ...

The source side is matched in the text as imported (in its own script); the longest match
wins, and the leftmost of overlapping ones. The replacement is written in Traditional as
OpenCC's ``s2t`` writes it: the Taiwan and Hong Kong editions then pass it through their
regional character step (``t2tw``, ``t2hk``), so 爲/為 or 說/説 need no entry per edition.
A replacement is otherwise final: OpenCC never sees it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from build_tools.errors import InputError
from build_tools.variants import backend, table
from build_tools.variants.table import Variant

BUILTIN_PATH = Path(__file__).parent / "dictionaries" / "builtin.txt"
#: Where editors keep their own fixes, relative to the Sphinx source folder.
PROJECT_FILE = Path("_data") / "variants-dictionary.txt"

ALL = "*"
TRADITIONAL = "traditional"

_HEADER = re.compile(r"\[([^\]]*)\]")
_COMMENT = re.compile(r"\s+#.*$")  # a comment after an entry needs a space before the #

NO_HEADER = (
    "an entry before any [edition] header: start the file with a header naming the "
    "editions the entries are for, e.g. [traditional] or [zh-TW zh-HK]"
)
NO_TARGET = (
    "an entry needs the source text, a tab (or spaces), then the replacement, "
    "e.g. 是只会<TAB>是只會"
)


@dataclass(frozen=True)
class Entry:
    """One fix: ``source`` in the imported text becomes ``target`` in ``editions``."""

    editions: frozenset[str]  #: edition tags, TRADITIONAL or ALL
    source: str
    target: str
    origin: str  #: "path:line", for messages


@dataclass(frozen=True)
class UserDictionary:
    """Entries in reading order; a later entry for the same source and edition wins."""

    entries: tuple[Entry, ...] = ()

    def __add__(self, other: UserDictionary) -> UserDictionary:
        return UserDictionary(self.entries + other.entries)


EMPTY = UserDictionary()


@dataclass(frozen=True)
class Replacements:
    """A dictionary compiled for one edition: one regex, one lookup table."""

    pattern: re.Pattern[str] | None  #: one capturing group around every source
    table: Mapping[str, str]


def _applies(entry: Entry, variant: Variant) -> bool:
    return (
        ALL in entry.editions
        or variant.name in entry.editions
        or (TRADITIONAL in entry.editions and variant.traditional)
    )


def parse_dictionary(text: str, *, origin: str = "<dictionary>") -> UserDictionary:
    """The entries of a dictionary file's text; ``InputError`` names the bad line.

    >>> parse_dictionary("[zh-TW]\\n后来\\t後來\\n").entries[0].target
    '後來'
    """
    known = {v.name.lower(): v.name for v in table.VARIANTS}
    editions: frozenset[str] | None = None
    entries: list[Entry] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _COMMENT.sub("", raw).strip()
        if not line or line.startswith("#"):
            continue
        where = f"{origin}:{number}"
        header = _HEADER.fullmatch(line)
        if header:
            names = header[1].replace(",", " ").split()
            if not names:
                raise InputError(f"line {number}: an empty [] header", path=origin)
            resolved = set()
            for name in names:
                if name in (ALL, TRADITIONAL):
                    resolved.add(name)
                elif name.lower() in known:
                    resolved.add(known[name.lower()])
                else:
                    choices = ", ".join([*known.values(), TRADITIONAL, ALL])
                    raise InputError(
                        f"line {number}: unknown edition {name!r}; use one of: {choices}",
                        path=origin,
                    )
            editions = frozenset(resolved)
            continue
        if editions is None:
            raise InputError(f"line {number}: {NO_HEADER}", path=origin)
        source, sep, target = raw.strip().partition("\t")
        if not sep:
            source, _, target = line.partition(" ")
        source, target = source.strip(), _COMMENT.sub("", target).strip()
        if not source or not target:
            raise InputError(f"line {number}: {NO_TARGET}", path=origin)
        entries.append(Entry(editions, source, target, where))
    return UserDictionary(tuple(entries))


def load_dictionary(path: Path) -> UserDictionary:
    """The dictionary in the file at ``path``."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"a dictionary must be UTF-8 text ({error})", path=path) from error
    return parse_dictionary(text, origin=str(path))


@functools.cache
def builtin_dictionary() -> UserDictionary:
    """The fixes that ship with the project."""
    return load_dictionary(BUILTIN_PATH)


@functools.cache
def _project_file(path: Path, mtime_ns: int) -> UserDictionary:
    return load_dictionary(path)


def project_dictionary(source_dir: Path | str = "source") -> UserDictionary:
    """The built-in fixes, then the editors' ``<source_dir>/_data/variants-dictionary.txt``
    (re-read when it changes)."""
    path = Path(source_dir) / PROJECT_FILE
    if not path.is_file():
        return builtin_dictionary()
    return builtin_dictionary() + _project_file(path.resolve(), path.stat().st_mtime_ns)


def combine(dictionaries: Iterable[UserDictionary]) -> UserDictionary:
    """One dictionary holding all entries, later ones winning."""
    entries: tuple[Entry, ...] = ()
    for dictionary in dictionaries:
        entries += dictionary.entries
    return UserDictionary(entries)


@functools.cache
def replacements(dictionary: UserDictionary, variant: Variant) -> Replacements:
    """``dictionary`` compiled for ``variant``: targets in the edition's regional forms."""
    chosen: dict[str, str] = {}
    for entry in dictionary.entries:
        if _applies(entry, variant):
            chosen[entry.source] = entry.target
    if not chosen:
        return Replacements(None, {})
    regional = variant.config_for("hant") if variant.traditional else None
    if regional:
        convert = backend.converter(regional)
        chosen = {source: convert(target) for source, target in chosen.items()}
    return Replacements(re.compile(f"({trie_pattern(chosen)})"), chosen)


def trie_pattern(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, the longest where several start at one place.

    Written as a trie (``是只(?:会|有)``) so each position costs one test per character
    rather than one per word: the dictionary pass stays cheap next to OpenCC.

    >>> trie_pattern(["是只会", "是只有", "这只"])
    '(?:是只(?:会|有)|这只)'
    """
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # the end of a word
    return _node_pattern(trie)


def _node_pattern(node: dict[str, dict]) -> str:
    branches = [
        re.escape(char) + _node_pattern(child) for char, child in sorted(node.items()) if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    # A word may end here: the longer continuation is tried first (greedy), then nothing.
    return f"(?:{body})?" if "" in node else body
