"""Collection → MyST pages in ``source/_collection/``: parts, lists, indexes and the glossary.

The pages are Simplified MyST (``script: hans``), identical for every edition; Sphinx reads
them like any other page and the edition converts them at ``source-read``. They are written
at ``builder-inited``, atomically and only when their text changed, so an unchanged
collection leaves Sphinx's incremental build with nothing to do.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from build_tools.atomic import write_if_changed
from build_tools.sphinx_ext.catalogue import format_date
from build_tools.sphinx_ext.collection import COLLECTION_FOLDER, Collection, free_key

#: Every ASCII punctuation character may be backslash-escaped in MyST (CommonMark).
MARKUP = re.compile(r"([!-/:-@\[-`{-~])")

#: The generated index pages: docname (under _collection/) → title.
INDEX_PAGES = {
    "chronological": "全部演讲（按时间）",
    "years": "按年份",
    "speakers": "按演讲者",
    "categories": "按类别",
    "tags": "按主题",
    "glossary": "关键词",
}

HEAD = "---\nscript: hans\n---\n\n"
NOTHING = "暂无。\n"
#: A key term of the glossary is a theme of its own when at least this many speeches use it.
THEME_MIN_SPEECHES = 2
#: The groups of the speeches a name is missing from: anchor slug and heading.
UNKNOWN = {"speaker": ("unknown", "演讲者不详"), "category": ("unknown", "未分类")}


def escape(text: str) -> str:
    """Untrusted text as inert MyST: markup characters escaped, on one line.

    >>> escape("a*b <c>")
    'a\\\\*b \\\\<c\\\\>'
    """
    return MARKUP.sub(r"\\\1", " ".join(text.split()))


def render_pages(collection: Collection) -> dict[str, str]:
    """Relative path under ``_collection/`` → MyST text, for the whole collection."""
    pages = {f"parts/{part.key}.md": _part_page(collection, part.key) for part in collection.parts}
    pages["chronological.md"] = _chronological(collection)
    pages["years.md"] = _grouped(collection, "years", collection.years, "year")
    pages["speakers.md"] = _grouped(collection, "speakers", collection.speakers, "speaker")
    pages["categories.md"] = _grouped(collection, "categories", collection.categories, "category")
    pages["tags.md"] = _themes(collection)
    pages["glossary.md"] = _glossary(collection)
    return pages


def manifest(collection: Collection, book: dict[str, object]) -> str:
    """``parts.json``: the book for the one reader outside Sphinx, ``publish.site``, which
    writes the landing and downloads pages from it: the book's settings (``book``: title,
    description, slug, OpenCC choices, from ``conf.py`` as Sphinx read it), and its parts
    with each speech's title, date, speaker and script, in the book's order."""
    fields = ("title", "date", "speaker", "script")
    data = {
        "book": book,
        "grouping": collection.grouping,
        "parts": [
            {
                "key": p.key,
                "title": p.title,
                "docname": p.docname,
                "speeches": [
                    {"docname": d} | {f: getattr(collection.by_docname[d], f) for f in fields}
                    for d in p.docnames
                ],
            }
            for p in collection.parts
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def write_pages(folder: Path, pages: dict[str, str]) -> list[str]:
    """Write changed pages, delete generated pages that no longer exist; the paths touched."""
    touched = [
        name for name, text in sorted(pages.items()) if write_if_changed(folder / name, text)
    ]
    for path in sorted(folder.rglob("*.md")) if folder.is_dir() else ():
        name = path.relative_to(folder).as_posix()
        if name not in pages:
            path.unlink()
            touched.append(name)
    return touched


# -- the pages --------------------------------------------------------------------------------


def _part_page(collection: Collection, key: str) -> str:
    part = next(p for p in collection.parts if p.key == key)
    lines = [HEAD, f"({part.label})=\n# {escape(part.title)}\n\n"]
    lines.append(f"本部分收录演讲 {len(part.docnames)} 篇。\n\n")
    lines += _items(collection, part.docnames, show=("date", "speaker", "place"))
    lines.append(_toctree(f"/{d}" for d in part.docnames))
    return "".join(lines)


def _chronological(collection: Collection) -> str:
    lines = [HEAD, f"(book-chronological)=\n# {INDEX_PAGES['chronological']}\n\n"]
    lines.append(f"共 {len(collection.entries)} 篇，按时间先后排列。\n\n")
    docnames = [e.docname for e in collection.entries]
    lines += _items(collection, docnames, show=("date", "speaker", "place")) or [NOTHING]
    return "".join(lines)


def _grouped(collection: Collection, page: str, groups: dict[str, list[str]], kind: str) -> str:
    """One section per name (speaker, category, tag) or year, anchored ``<kind>-<slug>``;
    the speeches without a speaker or category last, under 演讲者不详 or 未分类."""
    lines = [HEAD, f"(book-{page})=\n# {INDEX_PAGES[page]}\n\n"]
    slugs = collection.slugs.get(kind, {})
    show = tuple(f for f in ("date", "speaker", "category") if f != kind)
    sections: list[tuple[str, str, list[str]]] = []
    for name, docnames in groups.items():
        if kind == "year":
            sections.append((name, f"{name}年" if name.isdigit() else "年份不详", docnames))
        else:
            sections.append((slugs[name], name, docnames))
    if kind in UNKNOWN:
        grouped = {d for docnames in groups.values() for d in docnames}
        rest = [e.docname for e in collection.entries if e.docname not in grouped]
        if rest:
            slug, title = UNKNOWN[kind]
            sections.append((free_key(slug, slugs.values()), title, rest))
    if not sections:
        lines.append(NOTHING)
    for slug, title, docnames in sections:
        lines.append(f"({kind}-{slug})=\n## {escape(title)} {_count(docnames)}\n\n")
        lines += _items(collection, docnames, show=show)
    return "".join(lines)


def _themes(collection: Collection) -> str:
    """The themes: the editors' tags, then the key terms of the glossary that speeches
    share (anchored ``tag-<slug>`` and ``theme-<term slug>``), most used first."""
    lines = [HEAD, f"(book-tags)=\n# {INDEX_PAGES['tags']}\n\n"]
    slugs = collection.slugs["tag"]
    sections = [(f"tag-{slugs[name]}", name, docs) for name, docs in collection.tags.items()]
    tagged = set(collection.tags)
    for term in collection.glossary.terms:
        users = collection.users.get(term.slug, [])
        if len(users) >= THEME_MIN_SPEECHES and term.name not in tagged:
            sections.append((f"theme-{term.slug}", term.name, users))
    sections.sort(key=lambda s: (-len(s[2]), s[0]))
    if not sections:
        lines.append(NOTHING)
    for anchor, title, docnames in sections:
        lines.append(f"({anchor})=\n## {escape(title)} {_count(docnames)}\n\n")
        lines += _items(collection, docnames, show=("date", "speaker", "category"))
    return "".join(lines)


def _count(docnames: list[str]) -> str:
    """How many speeches a group holds, muted beside its heading: 2篇."""
    return f"[{len(docnames)}篇]{{.book-list-meta}}"


def _glossary(collection: Collection) -> str:
    lines = [HEAD, "(book-glossary)=\n# 关键词\n\n"]
    if not collection.glossary.terms:
        lines.append(NOTHING)
    for term in collection.glossary.terms:
        lines.append(f"(term-{term.slug})=\n## {escape(term.name)}\n\n")
        if term.aliases:
            lines.append(f"又作：{'、'.join(escape(a) for a in term.aliases)}。\n\n")
        if term.definition:
            lines.append(f"{escape(term.definition)}\n\n")
        users = collection.users.get(term.slug, [])
        lines.append(f"见于 {len(users)} 篇演讲{'：' if users else '。'}\n\n")
        lines += _items(collection, users, show=("date",))
    if collection.glossary.organisations:
        lines.append("(book-organisations)=\n## 文中提及的机构\n\n")
        for org in collection.glossary.organisations:
            users = collection.users.get(org.slug, [])
            links = "、".join(_link(collection, d) for d in users) or "无"
            lines.append(f"- {escape(org.name)}：{links}\n")
        lines.append("\n")
    return "".join(lines)


def _items(collection: Collection, docnames: Iterable[str], *, show: tuple[str, ...]) -> list[str]:
    """A bullet list of speeches: linked title, then the chosen metadata, muted."""
    lines = []
    for docname in docnames:
        entry = collection.by_docname[docname]
        facts = []
        for name in show:
            if name == "date":
                facts.append(format_date(entry.date))
            else:
                value = collection.hans(entry, getattr(entry, name))
                if value:
                    facts.append(value)
        meta = f" [{escape(' · '.join(facts))}]{{.book-list-meta}}" if facts else ""
        lines.append(f"- {_link(collection, docname)}{meta}\n")
    if lines:
        lines.append("\n")
    return lines


def _link(collection: Collection, docname: str) -> str:
    entry = collection.by_docname[docname]
    title = collection.hans(entry, entry.title) or docname
    return f"[{escape(title)}](/{docname}.md)"


def _toctree(entries: Iterable[str]) -> str:
    body = "\n".join(entries)
    return f":::{{toctree}}\n:hidden:\n:titlesonly:\n\n{body}\n:::\n"


def index_docnames(collection: Collection) -> list[str]:
    """The generated pages the landing page's table of contents lists, in reading order."""
    docs = [p.docname for p in collection.parts]
    return docs + [f"{COLLECTION_FOLDER}/{name}" for name in INDEX_PAGES]
