"""The extension's pure parts: slugs, dates, scanning, related speeches, escaping."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from build_tools.atomic import write_if_changed
from build_tools.sphinx_ext.catalogue import (
    Entry,
    format_date,
    read_entry,
    scan,
    slugify,
    slugs_for,
)
from build_tools.sphinx_ext.collection import RELATED_MAX, Collection
from build_tools.sphinx_ext.collection_pages import escape, render_pages
from build_tools.sphinx_ext.glossary import Glossary, Term, first_occurrences, load_glossary

GLOSSARY = Glossary(
    terms=(Term("科学发展观", "kexue-fazhanguan"), Term("创先争优", "chuangxian-zhengyou")),
    organisations=(Term("党中央", "dangzhongyang", kind="organisation"),),
    digest="test",
)


def same(text: str, script: str) -> str:
    return text


@pytest.mark.parametrize(
    ("name", "slug"),
    [("李克强", "likeqiang"), ("动员讲话", "dongyuan-jianghua"), ("G20 峰会", "g20-fenghui"),
     ("Ibsen", "ibsen"), ("？！", "x")],
)  # fmt: skip
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_clashing_slugs_get_a_suffix_of_their_own() -> None:
    slugs = slugs_for(["李强", "黎强"])
    assert slugs["李强"] == "liqiang"
    assert re.fullmatch(r"liqiang-[0-9a-f]{6}", slugs["黎强"])
    assert slugs_for(["黎强", "李强", "王五"])["黎强"] == slugs["黎强"]


@pytest.mark.parametrize(
    ("date", "text"),
    [("2010-06-06", "2010年6月6日"), ("2010-06", "2010年6月"), ("1927", "1927年"),
     ("--07-16", "7月16日（年份不详）"), (None, "日期不详"), ("June 1927", "日期不详")],
)  # fmt: skip
def test_format_date(date: str | None, text: str) -> None:
    assert format_date(date) == text


def test_read_entry_finds_terms_mentions_and_unescapes() -> None:
    text = (
        "---\ntitle: 讲话\ndate: 2010-06-06\ntags: 党建，创先争优\nscript: hans\n---\n\n"
        "# 讲话\n\n学习实践科学发展观，见《无声的中国》和《娜拉\\*走后》。\n"
    )
    entry, problem = read_entry("speeches/x", text, GLOSSARY, to_script=same)
    assert problem == ""
    assert entry.date == "2010-06-06"  # YAML's date object, written back as ISO
    assert entry.tags == ("党建", "创先争优")
    assert entry.terms == ("kexue-fazhanguan",)
    assert entry.mentions == ("无声的中国", "娜拉*走后")


def test_bad_front_matter_is_reported_and_the_speech_kept() -> None:
    entry, problem = read_entry(
        "speeches/x", "---\ntitle: [\n---\n# 标题\n", GLOSSARY, to_script=same
    )
    assert problem.startswith("the front matter is not valid YAML")
    assert entry.title == "标题"


def test_scan_caches_by_file_state(tmp_path: Path) -> None:
    (tmp_path / "speeches").mkdir()
    path = tmp_path / "speeches" / "a.md"
    path.write_text("---\ntitle: 甲\n---\n# 甲\n", encoding="utf-8")
    cache: dict = {}
    first, _ = scan(tmp_path, GLOSSARY, cache, to_script=same)
    assert [e.title for e in first] == ["甲"]
    path.write_text("---\ntitle: 乙乙\n---\n# 乙乙\n", encoding="utf-8")
    second, _ = scan(tmp_path, GLOSSARY, cache, to_script=same)
    assert [e.title for e in second] == ["乙乙"]
    path.unlink()
    assert scan(tmp_path, GLOSSARY, cache, to_script=same)[0] == [] and cache == {}


def _collection(n: int = 12) -> Collection:
    entries = [
        Entry(
            docname=f"speeches/{1990 + i}-s{i:02d}",
            title=f"讲话{i}",
            date=f"{1990 + i}-01-01",
            speaker="甲" if i % 2 else "乙",
            category="报告" if i % 3 else "讲演",
            terms=("kexue-fazhanguan",) if i % 4 == 0 else (),
        )
        for i in range(n)
    ]
    return Collection(tuple(entries), GLOSSARY)


def test_related_speeches_are_at_most_five_deterministic_and_never_itself() -> None:
    collection = _collection()
    related = collection.related
    for docname, docs in related.items():
        assert len(docs) <= RELATED_MAX and docname not in docs
    # Same speaker and category (weight 5) first, nearest in time first.
    assert related["speeches/1991-s01"][:2] == ("speeches/1995-s05", "speeches/1997-s07")
    assert _collection().related == related


def test_parts_by_year_category_and_speaker() -> None:
    entries = _collection(4).entries
    assert [p.key for p in Collection(entries, GLOSSARY).parts] == ["1990", "1991", "1992", "1993"]
    by_speaker = Collection(entries, GLOSSARY, grouping="speaker").parts
    assert [(p.key, p.title) for p in by_speaker] == [("yi", "乙"), ("jia", "甲")]
    assert by_speaker[0].docnames == ("speeches/1990-s00", "speeches/1992-s02")
    by_category = Collection(entries, GLOSSARY, grouping="category").parts
    assert [(p.key, p.title) for p in by_category] == [("jiangyan", "讲演"), ("baogao", "报告")]


def test_mentions_resolve_to_other_speeches_only() -> None:
    collection = _collection(3)
    assert (
        collection.resolve_mention("讲话1", "hans", docname="speeches/1990-s00")
        == "speeches/1991-s01"
    )
    assert collection.resolve_mention("讲话1", "hans", docname="speeches/1991-s01") is None
    assert collection.resolve_mention("别的书", "hans", docname="speeches/1990-s00") is None


def test_signature_follows_what_other_files_contribute() -> None:
    before = _collection().speech_signature("speeches/1991-s01")
    entries = list(_collection().entries)
    entries[5] = Entry(
        docname=entries[5].docname,
        title="改过的标题",
        date=entries[5].date,
        speaker="甲",
        category="报告",
    )
    after = Collection(tuple(entries), GLOSSARY).speech_signature("speeches/1991-s01")
    assert before != after  # 1995-s05 is related to 1991-s01 and its title changed
    assert _collection().speech_signature("speeches/1991-s01") == before


def test_escape_makes_untrusted_text_inert_myst() -> None:
    assert escape("<img src=x onerror=alert(1)>") == r"\<img src\=x onerror\=alert\(1\)\>"
    assert escape("[链接](javascript:x)\n*强调*") == r"\[链接\]\(javascript\:x\) \*强调\*"


def test_generated_pages_are_stable_myst() -> None:
    pages = render_pages(_collection(3))
    assert sorted(pages) == [
        "categories.md", "chronological.md", "glossary.md", "parts/1990.md", "parts/1991.md",
        "parts/1992.md", "speakers.md", "tags.md", "years.md",
    ]  # fmt: skip
    assert pages == render_pages(_collection(3))
    part = pages["parts/1991.md"]
    assert part.startswith("---\nscript: hans\n---\n\n(part-1991)=\n# 1991年\n")
    assert "- [讲话1](/speeches/1991-s01.md) [1991年1月1日 · 甲 · ]" not in part
    assert "- [讲话1](/speeches/1991-s01.md) [1991年1月1日 · 甲]{.book-list-meta}\n" in part
    assert ":::{toctree}\n:hidden:\n:titlesonly:\n\n/speeches/1991-s01\n:::\n" in part


def test_write_if_changed_keeps_the_file_when_equal(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b.md"
    assert write_if_changed(path, "甲\n") is True
    stamp = path.stat().st_mtime_ns
    assert write_if_changed(path, "甲\n") is False
    assert path.stat().st_mtime_ns == stamp
    assert write_if_changed(path, "乙\n") is True and path.read_text(encoding="utf-8") == "乙\n"


def test_glossary_file_problems_are_listed(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yml"
    path.write_text(
        "terms:\n  - term: 甲\n    slug: jia\n  - term: 乙\n    slug: Bad Slug\n"
        "  - term: 丙\n    slug: jia\norganisations:\n  - name: 丁\n    slug: ding\n",
        encoding="utf-8",
    )
    glossary = load_glossary(path)
    assert [t.slug for t in glossary.entries] == ["jia", "ding"]
    assert len(glossary.problems) == 2
    assert "entry 2 of 'terms' is not usable" in glossary.problems[0]
    assert "slug 'jia' is used twice" in glossary.problems[1]


def test_sample_glossary_has_the_real_terms() -> None:
    glossary = load_glossary(Path(__file__).parent.parent / "source" / "_data" / "glossary.yml")
    assert not glossary.problems
    names = {t.name for t in glossary.terms}
    assert {"科学发展观", "创先争优"} <= names
    assert all(t.definition for t in glossary.terms)


def test_first_occurrences_do_not_overlap() -> None:
    spellings = {"a": ("创先争优",), "b": ("争优活动",), "c": ("科学",)}
    assert first_occurrences("开展创先争优活动，科学", spellings) == [(2, 6, "a"), (9, 11, "c")]
