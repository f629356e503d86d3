"""Full-text search on Pagefind: each HTML page's article → a record; the records → a Pagefind
bundle in ``<outdir>/pagefind/``; ``search.html`` queries it in the browser.

Pagefind matches a query word against the *prefixes* of the words it indexed, and cuts Chinese
into dictionary words: 书 would not find 读书, nor 争优 find 创先争优. Here every Han character
is its own word (a space on each side, ``spaced``), and the search page spaces the query alike:
any sequence of characters is found, and Pagefind's quoted-phrase search tells a query found as
written from one whose characters are scattered (``static/book-search.js`` ranks the first
above the second, and speeches above the book's list pages).

Only the article is indexed, built here from the page's body without the metadata header, the
incomplete-text notice, related speeches and heading links; title, speaker and date travel as
Pagefind metadata, speaker, year and category as filters. The theme's chrome is never in the
record, so never in a snippet.

A record is written beside the doctrees when Sphinx writes the page (``html-page-context``,
which also runs in parallel writers), so an incremental build keeps the records of the pages it
does not write; at ``build-finished`` the records of the pages the book has now become the
bundle (``search_bundle.py``: after an edit, a small delta). Sphinx's own index is not built at all
(``BookHTMLBuilder.search = False``) and the theme's every-page ``searchindex.js`` is gone
(``templates/layout.html``): nothing the search needs is loaded before a reader searches.
"""

from __future__ import annotations

import functools
import html
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import html as lxml_html
from sphinx.application import Sphinx
from sphinx.util import logging

from build_tools import han
from build_tools.atomic import write_if_changed
from build_tools.han import SCRIPT_HAN
from build_tools.sphinx_ext import book_state, edition, search_bundle
from build_tools.sphinx_ext.catalogue import format_date
from build_tools.variants import convert, table
from build_tools.variants.dictionary import EMPTY

logger = logging.getLogger(__name__)

#: A place between a Han character and anything but a space: each Han character a word.
HAN_BOUNDARY = re.compile(f"(?<=[{SCRIPT_HAN}])(?=\\S)|(?<=\\S)(?=[{SCRIPT_HAN}])")
#: The characters whose other-script spelling the fold table gives: the basic block and
#: extension A, where OpenCC's single-character tables are.
FOLDABLE = han.characters(han.EXTENSION_A, han.UNIFIED)

RECORDS = "pagefind-records"  #: beside the doctrees: one record per page, as written
BUNDLE = "pagefind"  #: in the edition's output folder
SEARCH_PAGE = "search"
#: Parts of a speech's body that are not its text: heading links, the metadata header, the
#: incomplete-text notice, related speeches.
NOT_TEXT = (
    "//a[contains(concat(' ', @class, ' '), ' headerlink ')]"
    " | //*[@id='book-meta' or @id='book-incomplete' or @id='book-related']"
    " | //script | //style"
)
#: Blocks whose text becomes one block of the record (the innermost ones are taken).
BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dt", "dd", "th", "td", "pre", "caption")
PAGEFIND_FAILED = (
    "the search index could not be written ({error}); the site works without search. "
    "Reinstall the search engine with: pip install 'pagefind[bin]'"
)

#: What the search page says, in Simplified; each edition spells it (``Spelling.text``).
STRINGS = {
    "heading": "全文检索",
    "placeholder": "输入字、词、句、篇名或人名",
    "submit": "检索",
    "found": "找到 {n} 篇",
    "none": "没有找到与“{q}”相符的内容。",
    "searching": "正在检索……",
    "more": "显示更多结果",
    "all": "全部",
    "speaker": "演讲者",
    "year": "年份",
    "category": "类别",
    "noscript": "检索需要浏览器启用 JavaScript。",
    "file": (
        "从本地文件打开时，浏览器不会读取检索索引。请在本书的项目文件夹中运行 make serve，"
        "再在浏览器中打开它给出的 http://127.0.0.1:8000/ 地址检索。"
    ),
    "failed": "检索索引无法载入。",
}


def spaced(text: str) -> str:
    """Text with every Han character a word of its own, as Pagefind is given it.

    >>> spaced("开展创先争优活动（HTML版）")
    '开 展 创 先 争 优 活 动 （HTML 版 ）'
    """
    return HAN_BOUNDARY.sub(" ", text)


# -- pages → records ------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """What Pagefind indexes of one page."""

    title: str
    blocks: tuple[tuple[str, str], ...]  #: (tag, text) in reading order
    kind: str = "page"  #: "speech" or "page" (the book's lists and indexes)
    meta: dict[str, str] = field(default_factory=dict)  #: speaker, date as shown
    filters: dict[str, str] = field(default_factory=dict)  #: speaker, year, category

    def to_html(self, language: str) -> str:
        """The record as the page Pagefind reads: the article (spaced), metadata, filters.
        All text is escaped: a speech's text is never markup."""
        e = html.escape
        meta = {"title": self.title, **self.meta}
        head = "".join(f'<meta data-pagefind-meta="{e(k)}:{e(v)}">' for k, v in meta.items())
        filters = {"kind": self.kind, **self.filters}
        tags = "".join(
            f'<span data-pagefind-filter="{e(k)}">{e(v)}</span>' for k, v in filters.items() if v
        )
        body = "".join(f"<{t}>{e(spaced(text))}</{t}>" for t, text in self.blocks)
        return (
            f'<!DOCTYPE html><html lang="{e(language)}"><head>{head}</head><body>'
            f"<article data-pagefind-body>{body}</article>{tags}</body></html>\n"
        )


def article_blocks(body: str) -> list[tuple[str, str]]:
    """The text blocks of a page's rendered body, without what is not the page's own text.

    >>> article_blocks('<h1>题<a class="headerlink">#</a></h1><ul><li><p>甲</p></li></ul>')
    [('h1', '题'), ('p', '甲')]
    """
    if not body.strip():
        return []
    root = lxml_html.fragment_fromstring(body, create_parent="div")
    for element in root.xpath(NOT_TEXT):
        element.drop_tree()
    blocks = []
    for element in root.iter(*BLOCKS):
        if next(element.iterdescendants(*BLOCKS), None) is not None:
            continue  # its inner blocks are taken one by one
        text = " ".join(element.text_content().split())
        if text:
            blocks.append((str(element.tag), text))
    return blocks


def _record(app: Sphinx, pagename: str, context: dict[str, Any]) -> Record | None:
    blocks = article_blocks(str(context.get("body") or ""))
    if not blocks:
        return None
    heading = next((text for tag, text in blocks if tag == "h1"), None)
    title = heading or re.sub(r"<[^>]+>", "", html.unescape(str(context.get("title") or "")))
    collection = book_state.collection(app.env)
    entry = collection.by_docname.get(pagename) if collection else None
    if entry is None:
        return Record(title, tuple(blocks))
    spelling = edition.spelling(app.config, app.srcdir)

    def spell(value: str | None) -> str:
        return spelling.text(value, entry.script) if value else ""

    meta = {"speaker": spell(entry.speaker), "date": spelling.text(format_date(entry.date))}
    filters = {
        "speaker": spell(entry.speaker),
        "year": entry.year or "",
        "category": spell(entry.category),
    }
    if entry.speaker:
        # The speaker's name is searched like the text (a reader types 鲁迅 to find his
        # speeches), right after the title, as the page's header shows it.
        at = next((i + 1 for i, (tag, _) in enumerate(blocks) if tag == "h1"), 0)
        blocks.insert(at, ("p", spell(entry.speaker)))
    return Record(
        title,
        tuple(blocks),
        kind="speech",
        meta={k: v for k, v in meta.items() if v},
        filters=filters,
    )


def _is_site_builder(app: Sphinx) -> bool:
    """The HTML site (not the EPUB, which shares the HTML machinery and has no search)."""
    return app.builder.name in ("html", "dirhtml")


def _records_dir(app: Sphinx) -> Path:
    return Path(app.doctreedir) / RECORDS


def _write_record(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Keep the page's record (pages without a doctree, such as genindex, have none)."""
    if doctree is None or not _is_site_builder(app) or pagename == SEARCH_PAGE:
        return
    record = _record(app, pagename, context)
    path = _records_dir(app) / f"{pagename}.html"
    if record is None:
        path.unlink(missing_ok=True)
        return
    write_if_changed(path, record.to_html(_language(app)))


def _language(app: Sphinx) -> str:
    return edition.variant_of(app.config).name.lower()


# -- records → the bundle -------------------------------------------------------------------


def _current_records(app: Sphinx) -> dict[str, Path]:
    """url → record of each page the book has now; the records of removed pages are deleted."""
    folder = _records_dir(app)
    wanted = {folder / f"{docname}.html": docname for docname in app.env.all_docs}
    records = {}
    for path in sorted(folder.rglob("*.html")):
        docname = wanted.get(path)
        if docname is None:
            path.unlink()
        else:
            records["/" + app.builder.get_target_uri(docname)] = path
    return records


def _build_bundle(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not _is_site_builder(app):
        return
    records = _current_records(app)
    started = time.monotonic()
    try:
        made = search_bundle.update(
            records,
            Path(app.outdir) / BUNDLE,
            Path(app.doctreedir) / f"{RECORDS}.json",
            shard_pages=app.config.book_search_shard_pages,
        )
    except (OSError, RuntimeError, ValueError) as error:
        logger.warning(PAGEFIND_FAILED.format(error=error), type="book", subtype="search")
        return
    if made is not None:
        took = time.monotonic() - started
        logger.info(f"search index ({made}): {len(records)} pages in {took:.2f} s")


# -- the search page ------------------------------------------------------------------------


@functools.cache
def fold_table(variant: table.Variant) -> str:
    """Pairs of characters (other script, this edition's), concatenated: what the search page
    changes in a query, one character at a time, so that either script finds this edition's
    text. Characters whose spelling depends on the word (后, 发, 干) take OpenCC's first
    choice; the page also searches the query as typed. (The editors' dictionary holds
    phrases, never single characters: it is not used.)"""
    sources = ["hans"] if variant.traditional else ["hant"]
    pairs: dict[str, str] = {}
    for script in sources:
        plan = convert.plan(variant, script, corner_quotes=False, dictionary=EMPTY)
        for char, converted in zip(FOLDABLE, convert.convert_runs(FOLDABLE, plan), strict=True):
            if converted != char and len(converted) == 1:
                pairs.setdefault(char, converted)
    return "".join(a + b for a, b in pairs.items())


def _search_page(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    if not _is_site_builder(app):
        return
    spelling = edition.spelling(app.config, app.srcdir)
    settings = {
        "bundle": f"{BUNDLE}/pagefind.js",
        "state": f"{BUNDLE}/{search_bundle.STATE}",
        "strings": {key: spelling.text(text) for key, text in STRINGS.items()},
        "fold": fold_table(spelling.variant),
    }
    # "</" never occurs in a JSON string written this way, so the <script> cannot be closed.
    data = json.dumps(settings, ensure_ascii=False).replace("</", "<\\/")
    context = {
        "title": settings["strings"]["heading"],
        "book_search": settings["strings"],
        "book_search_data": data,
    }
    yield SEARCH_PAGE, context, "book-search.html"


def setup(app: Sphinx) -> None:
    # Pages one Pagefind run indexes (``search_bundle.SHARD_PAGES``); a new value takes effect
    # with the next main bundle.
    app.add_config_value("book_search_shard_pages", search_bundle.SHARD_PAGES, "", types=[int])
    app.connect("html-page-context", _write_record)
    app.connect("html-collect-pages", _search_page)
    app.connect("build-finished", _build_bundle)
