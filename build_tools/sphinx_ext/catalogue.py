"""Speech files → ``Entry`` records: front matter, key terms and 《title》 mentions of each speech.

Scanning is the only place the extension reads ``source/speeches/*.md`` outside Sphinx's
own reading; results are cached per file (modification time, size, glossary) in the build
environment, so a rebuild re-scans only the files that changed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from build_tools import han
from build_tools.records import Metadata
from build_tools.slugs import slug as pinyin_slug
from build_tools.sphinx_ext.glossary import Glossary, find_terms

SPEECH_FOLDER = "speeches"

#: A title quoted in 《》, which may name another speech of the collection.
MENTION = re.compile(r"《([^《》\n]{1,80})》")
#: A MyST backslash escape (the importer escapes markup characters in the text).
ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
#: The ISO date forms of the speech format: YYYY-MM-DD, YYYY-MM, YYYY, or --MM-DD.
DATE = re.compile(r"^(?:(\d{4})|-(?=-))(?:-(\d{2}))?(?:-(\d{2}))?$")

UNDATED = "undated"
#: libyaml's safe loader when PyYAML was built with it (several times faster).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, kw_only=True)
class Entry(Metadata):
    """A speech's record (``records.Metadata``, as its front matter says) and what the book
    needs to know of its text without parsing it."""

    docname: str  #: "speeches/2010-06-06-laodongju-chuangxian"
    terms: tuple[str, ...] = ()  #: slugs of the glossary terms that occur in the text
    organisations: tuple[str, ...] = ()  #: slugs of the organisations named in the text
    mentions: tuple[str, ...] = ()  #: the 《》-quoted titles, unescaped, in order
    #: Han characters in the text: how much a printed book of it holds. Left out of the
    #: entry's repr and comparisons, so that an edit which changes only the text leaves the
    #: collection (its digest) as it was and no page's signature is worked out again.
    characters: int = field(default=0, repr=False, compare=False)

    @property
    def year(self) -> str | None:
        match = DATE.match(self.date or "")
        return match[1] if match and match[1] else None

    @property
    def sort_key(self) -> tuple[int, int, int, str]:
        """Chronological, undated speeches last, ties broken by page name (stable)."""
        match = DATE.match(self.date or "")
        if not match:
            return (9999, 99, 99, self.docname)
        year, month, day = (int(g) if g else 0 for g in match.groups())
        return (year or 9999, month, day, self.docname)


#: The cache: file name → (modification time, size, glossary digest, entry).
ScanCache = dict[str, tuple[int, int, str, Entry]]


def scan(
    srcdir: Path,
    glossary: Glossary,
    cache: ScanCache,
    *,
    to_script: Callable[[str, str], str],
) -> tuple[list[Entry], list[tuple[str, str]]]:
    """Every speech in ``srcdir/speeches``, sorted chronologically, and ``(file, problem)``s.

    ``to_script(text, script)`` spells Simplified ``text`` in ``script`` ("hans"/"hant"),
    so that terms are found in speeches imported in Traditional characters too.
    """
    entries: list[Entry] = []
    problems: list[tuple[str, str]] = []
    folder = srcdir / SPEECH_FOLDER
    seen: set[str] = set()
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else ():
        stat = path.stat()
        name = path.name
        seen.add(name)
        cached = cache.get(name)
        if cached and cached[:3] == (stat.st_mtime_ns, stat.st_size, glossary.digest):
            entries.append(cached[3])
            continue
        text = path.read_text(encoding="utf-8")
        entry, problem = read_entry(
            f"{SPEECH_FOLDER}/{path.stem}", text, glossary, to_script=to_script
        )
        if problem:
            problems.append((str(path), problem))
        cache[name] = (stat.st_mtime_ns, stat.st_size, glossary.digest, entry)
        entries.append(entry)
    for name in set(cache) - seen:
        del cache[name]
    entries.sort(key=lambda e: e.sort_key)
    return entries, problems


def read_entry(
    docname: str, text: str, glossary: Glossary, *, to_script: Callable[[str, str], str]
) -> tuple[Entry, str]:
    """One speech file's text → its Entry, and a problem description ("" when none)."""
    meta, body, problem = split_front_matter(text)
    script = str(meta.get("script") or "hans")
    title = _text(meta.get("title")) or _first_heading(body) or docname.rpartition("/")[2]
    body_text = ESCAPE.sub(r"\1", body)

    def spell(simplified: str) -> str:
        return to_script(simplified, script)

    tags = meta.get("tags") or ()
    if isinstance(tags, str):
        tags = re.split(r"[,，、;；]\s*", tags)
    entry = Entry(
        docname=docname,
        title=title,
        script=script,
        date=_text(meta.get("date")),
        speaker=_text(meta.get("speaker")),
        place=_text(meta.get("place")),
        category=_text(meta.get("category")),
        tags=tuple(dict.fromkeys(t for t in (_text(t) for t in tags) if t)),
        source_url=_text(meta.get("source_url")),
        source_file=_text(meta.get("source_file")),
        source=_text(meta.get("source")) or _text(meta.get("publisher")),
        published=_text(meta.get("published")),
        encoding=_text(meta.get("encoding")),
        incomplete=bool(meta.get("incomplete")),
        terms=find_terms(body_text, glossary.terms, spell),
        organisations=find_terms(body_text, glossary.organisations, spell),
        mentions=tuple(dict.fromkeys(m.strip() for m in MENTION.findall(body_text))),
        characters=han.count(body_text),
    )
    return entry, problem


def split_front_matter(text: str) -> tuple[dict[str, object], str, str]:
    """``(front matter, body, problem)``; a file without front matter has an empty one."""
    if not text.startswith("---"):
        return {}, text, ""
    head, sep, body = text[3:].partition("\n---")
    if not sep:
        return {}, text, "the front matter has no closing '---' line"
    try:
        meta = yaml.load(head, Loader=SAFE_LOADER)
    except yaml.YAMLError as err:
        return {}, body, f"the front matter is not valid YAML: {err}"
    if not isinstance(meta, dict):
        return {}, body, "the front matter is not a mapping of fields"
    return meta, body.partition("\n")[2], ""


def _text(value: object) -> str | None:
    """A front-matter value as one line of text (YAML may give dates, numbers or lists)."""
    if value is None or value == "" or isinstance(value, (list, dict)):
        return None
    return " ".join(str(value).split()) or None


def _first_heading(body: str) -> str | None:
    match = re.search(r"^# (.+)$", body, flags=re.MULTILINE)
    return ESCAPE.sub(r"\1", match[1]).strip() if match else None


def format_date(date: str | None) -> str:
    """How a date reads in the book (Simplified; converted with the page).

    >>> format_date("2010-06-06"), format_date("1927"), format_date("--07-16")
    ('2010年6月6日', '1927年', '7月16日（年份不详）')
    """
    match = DATE.match(date or "")
    if not match:
        return "日期不详"
    year, month, day = match.groups()
    text = f"{year}年" if year else ""
    if month:
        text += f"{int(month)}月"
    if day:
        text += f"{int(day)}日"
    return text if year else f"{text}（年份不详）"


#: name → slug, for this process; ``book_state`` keeps it with the environment between builds, so
#: that a rebuild need not load jieba's and pypinyin's dictionaries (about a second) for names
#: it has seen.
SLUGS: dict[str, str] = {}


def slugify(text: str) -> str:
    """``slugs.slug`` of a name (``x`` when it has no letters), kept in ``SLUGS``.

    >>> slugify("李克强"), slugify("动员讲话"), slugify("G20 峰会")
    ('likeqiang', 'dongyuan-jianghua', 'g20-fenghui')
    """
    result = SLUGS.get(text)
    if result is None:
        result = SLUGS[text] = pinyin_slug(text, fallback="x")
    return result


def slugs_for(names: Iterable[str]) -> dict[str, str]:
    """A unique slug per distinct name. When names clash, the first in sorted order keeps
    the plain slug and the others get a suffix made from their own digest."""
    by_slug: dict[str, list[str]] = {}
    for name in sorted(set(names)):
        by_slug.setdefault(slugify(name), []).append(name)
    result: dict[str, str] = {}
    for slug, group in by_slug.items():
        for i, name in enumerate(group):
            result[name] = slug if i == 0 else f"{slug}-{_short_hash(name)}"
    return result


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]
