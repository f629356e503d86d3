"""The search's build side: records made from a page's article, the fold table, and the sample
book as ``make`` builds it (a Pagefind bundle per edition, no Sphinx search anywhere)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from build_tools.sphinx_ext import search_bundle
from build_tools.sphinx_ext.search_pagefind import (
    Record,
    article_blocks,
    fold_table,
    spaced,
)
from build_tools.variants import table

SPEECH_BODY = """
<section class="book-speech" id="id1">
<h1>劳动局创先争优动员讲话稿<a class="headerlink" href="#id1" title="链接到此标题。">#</a></h1>
<div class="book-meta docutils container" id="book-meta"><dl><dt>日期</dt><dd><p>2010年</p></dd>
</dl></div>
<div class="book-incomplete admonition" id="book-incomplete"><p>文本不完整</p></div>
<p>开展<span><a class="book-term" href="#">创先争优</a></span>活动。</p>
<section><h2>一、意义<a class="headerlink" href="#h1">#</a></h2>
<ul><li><p>甲</p></li></ul></section>
<div class="book-related" id="book-related"><p class="rubric">相关演讲</p></div>
</section>
"""


@pytest.mark.parametrize(("text", "indexed"), [
    ("创先争优", "创 先 争 优"),
    ("2010年6月", "2010 年 6 月"),
    ("《无声的中国》。", "《 无 声 的 中 国 》。"),
    ("HTML 格式", "HTML 格 式"),
    ("𠮷野家", "𠮷 野 家"),  # outside the BMP
    ("no Chinese here", "no Chinese here"),
])  # fmt: skip
def test_every_han_character_is_a_word(text: str, indexed: str) -> None:
    assert spaced(text) == indexed


def test_article_is_the_speech_without_header_notice_links_or_related() -> None:
    assert article_blocks(SPEECH_BODY) == [
        ("h1", "劳动局创先争优动员讲话稿"),
        ("p", "开展创先争优活动。"),
        ("h2", "一、意义"),
        ("p", "甲"),
    ]


def test_record_escapes_the_text_and_carries_meta_and_filters() -> None:
    record = Record(
        "<b>题</b>",
        (("h1", "<b>题</b>"), ("p", "a < b & 讲")),
        kind="speech",
        meta={"speaker": '李"明'},
        filters={"speaker": '李"明', "year": "2010", "category": ""},
    )
    page = record.to_html("zh-hans")
    assert "<b>" not in page and "&lt;b&gt;" in page and "a &lt; b &amp; 讲" in page
    assert '<html lang="zh-hans">' in page and "<article data-pagefind-body>" in page
    assert 'data-pagefind-meta="title:&lt;b&gt;题&lt;/b&gt;"' in page
    assert 'data-pagefind-meta="speaker:李&quot;明"' in page
    assert '<span data-pagefind-filter="kind">speech</span>' in page
    assert '<span data-pagefind-filter="year">2010</span>' in page
    assert 'data-pagefind-filter="category"' not in page  # empty: no filter value


def _pairs(fold: str) -> dict[str, str]:
    chars = list(fold)
    return dict(zip(chars[0::2], chars[1::2], strict=True))


def test_fold_tables_take_a_query_to_the_edition_script() -> None:
    to_hans = _pairs(fold_table(table.get("zh-Hans")))
    to_hant = _pairs(fold_table(table.get("zh-Hant")))
    assert [to_hans[c] for c in "創爭優魯書"] == list("创争优鲁书")
    assert [to_hant[c] for c in "创争优鲁书"] == list("創爭優魯書")
    assert "先" not in to_hans and "先" not in to_hant  # the same in both scripts
    # Extension A, one of the blocks han.py names, is folded too (㑯 U+346F, 㑔 U+3454).
    assert (to_hans["㑯"], to_hant["㑔"]) == ("㑔", "㑯")


# -- the sample book, built as `make` builds it ---------------------------------------------


@pytest.mark.build
@pytest.mark.parametrize("edition", ["zh-Hans", "zh-Hant"])
def test_sample_book_has_a_bundle_and_no_sphinx_search(built_book: Path, edition: str) -> None:
    site = built_book / edition
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert (site / "pagefind" / "pagefind-entry.json").read_text("utf-8").count(
        f'"{edition.lower()}"'
    ) == 1
    assert not (site / "searchindex.js").exists()
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        scripts = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", html)
        searchy = [s for s in scripts if re.search(r"search|pagefind", s)]
        assert searchy == (["_static/book-search.js"] if page == site / "search.html" else [])


@pytest.mark.build
def test_sample_book_records_are_its_pages(built_book: Path) -> None:
    """One record per page of the site (speeches and the book's lists), none for the EPUB's
    own pages, each with the page's title and its text spaced."""
    doctrees = built_book.parent / "doctrees" / "zh-Hans"
    records = {
        p.relative_to(doctrees / "pagefind-records").with_suffix("").as_posix()
        for p in (doctrees / "pagefind-records").rglob("*.html")
    }
    speeches = {
        f"speeches/{p.stem}"
        for p in (built_book.parent.parent / "source" / "speeches").glob("*.md")
    }
    assert speeches <= records and "index" in records
    assert not [r for r in records if r.startswith(("genindex", "search"))]
    labour = next(r for r in records if "laodongju" in r)
    page = (doctrees / "pagefind-records" / f"{labour}.html").read_text("utf-8")
    assert "创 先 争 优" in page and "title:劳动局创先争优动员讲话稿" in page


# -- records → bundle: whole, or a delta ----------------------------------------------------


def _record(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    record = Record(name, (("h1", name), ("p", text)), kind="speech")
    path.write_text(record.to_html("zh-hans"), encoding="utf-8")
    return path


def test_an_edit_makes_a_delta_and_many_edits_a_new_bundle(tmp_path: Path) -> None:
    folder, bundle, kept = tmp_path / "records", tmp_path / "site" / "pagefind", tmp_path / "kept"
    records = {f"/p{i}.html": _record(folder, f"p{i}", f"第{i}篇讲话") for i in range(30)}
    assert search_bundle.update(records, bundle, kept) == "main"
    main_ids = search_bundle.page_ids(bundle)
    assert sorted(main_ids) == sorted(records)
    assert _state(bundle) == {"delta": None, "stale": [], "shards": []}
    assert search_bundle.update(records, bundle, kept) is None  # nothing changed: nothing made

    records["/p3.html"] = _record(folder, "p3", "改过的讲话")
    del records["/p4.html"]
    assert search_bundle.update(records, bundle, kept) == "delta"
    assert list(search_bundle.page_ids(bundle / "delta")) == ["/p3.html"]
    assert _state(bundle) == {
        "delta": "delta/",
        "stale": sorted([main_ids["/p3.html"], main_ids["/p4.html"]]),
        "shards": [],
    }
    assert search_bundle.update(records, bundle, kept) is None

    for i in range(5, 30):  # more than DELTA_MIN pages
        records[f"/p{i}.html"] = _record(folder, f"p{i}", f"第{i}篇改过")
    assert search_bundle.update(records, bundle, kept) == "main"
    assert not (bundle / "delta").exists() and _state(bundle)["stale"] == []
    assert "/p4.html" not in search_bundle.page_ids(bundle)


def test_a_page_edited_back_is_not_stale(tmp_path: Path) -> None:
    folder, bundle, kept = tmp_path / "records", tmp_path / "site" / "pagefind", tmp_path / "kept"
    records = {f"/p{i}.html": _record(folder, f"p{i}", f"第{i}篇") for i in range(3)}
    search_bundle.update(records, bundle, kept)
    path = records["/p1.html"]
    text = path.read_bytes()
    path.write_bytes(text)  # same words, a new time
    os.utime(path, ns=(path.stat().st_mtime_ns + 10**9, path.stat().st_mtime_ns + 10**9))
    assert search_bundle.update(records, bundle, kept) == "delta"
    assert _state(bundle) == {"delta": "delta/", "stale": [], "shards": []}


def test_a_large_book_is_indexed_in_shards(tmp_path: Path) -> None:
    folder, bundle, kept = tmp_path / "records", tmp_path / "site" / "pagefind", tmp_path / "kept"
    records = {f"/p{i:02}.html": _record(folder, f"p{i:02}", f"第{i}篇讲话") for i in range(25)}
    assert search_bundle.update(records, bundle, kept, shard_pages=10) == "main"
    state = _state(bundle)
    assert state["shards"] == ["shard-1/", "shard-2/"]
    shards = [search_bundle.page_ids(bundle / s) for s in ("", "shard-1", "shard-2")]
    # Each Pagefind run indexed its own pages, in name order, and no page twice.
    assert [sorted(ids) for ids in shards] == [
        sorted(records)[:10],
        sorted(records)[10:20],
        sorted(records)[20:],
    ]
    assert search_bundle.page_ids(bundle, state["shards"]).keys() == records.keys()
    # An edit in a later shard: its old id is stale, the shards stay listed.
    records["/p22.html"] = _record(folder, "p22", "改过的讲话")
    assert search_bundle.update(records, bundle, kept, shard_pages=10) == "delta"
    assert _state(bundle) == {
        "delta": "delta/", "stale": [shards[2]["/p22.html"]], "shards": ["shard-1/", "shard-2/"]
    }  # fmt: skip


def _state(bundle: Path) -> dict[str, object]:
    return json.loads((bundle / search_bundle.STATE).read_text(encoding="utf-8"))


def test_bench_reports_the_search_costs() -> None:
    from bench.book_bench import SEARCH_QUERIES, SearchResult, search_markdown

    kb = {q: {"total": 200.0 + i, "data": 80.0 + i} for i, q in enumerate(SEARCH_QUERIES)}
    rows = search_markdown([SearchResult(500, 5.6, 2.8, kb), SearchResult(10)]).splitlines()
    assert rows[2] == "| 500 | 5.60 | 2.80 | 200 (80) | 201 (81) | 202 (82) |"
    assert rows[3] == "| 10 | 0.00 | 0.00 | – | – | – |"  # not measured (no Chromium)
