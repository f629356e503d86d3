"""The book the extension makes of the ``book`` test root, in zh-Hans and zh-Hant.

Built once per edition with ``sphinx.testing``; assertions look at the article body only
(``<article>``), except where the chrome is the subject (edition switch, nav, ``<html lang>``).
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from sphinx.util.console import strip_colors
from sphinx_build import build

LABOUR = "speeches/2010-06-06-laodongju-chuangxian"
WUSHENG = "speeches/1927-02-16-wusheng-de-zhongguo"
NOTE = "speeches/2026-01-01-bianji-shuoming"

#: sphinx-sitemap, the themes and myst-parser use ``.app`` attributes Sphinx 9 deprecates (they
#: still work); our own code is held to the warnings-are-errors rule.
THIRD_PARTY_DEPRECATIONS = [
    pytest.mark.filterwarnings(f"ignore::sphinx.deprecation.RemovedInSphinx11Warning:{module}")
    for module in (
        "sphinx_sitemap",
        "sphinx_book_theme",
        "myst_parser",
        "pydata_sphinx_theme",
        "sphinxext",
    )
]
pytestmark = THIRD_PARTY_DEPRECATIONS


@dataclass
class Built:
    edition: str
    outdir: Path
    srcdir: Path
    warnings: str

    def page(self, docname: str) -> str:
        return (self.outdir / f"{docname}.html").read_text(encoding="utf-8")

    def soup(self, docname: str) -> BeautifulSoup:
        return BeautifulSoup(self.page(docname), "html.parser")

    def article(self, docname: str) -> Tag:
        """The page's ``<article>``: the content, without the theme's chrome."""
        article = self.soup(docname).find("article", class_="bd-article")
        assert isinstance(article, Tag), docname
        return article


@pytest.fixture(scope="module")
def books(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    srcdir = tmp_path_factory.mktemp("book") / "src"
    shutil.copytree(rootdir / "test-book", srcdir)
    result = {}
    for edition in ("zh-Hans", "zh-Hant"):
        built = build(srcdir, edition)
        result[edition] = Built(edition, built.outdir, srcdir, built.warnings)
    return result


@pytest.fixture(scope="module")
def hans(books: dict[str, Built]) -> Built:
    return books["zh-Hans"]


@pytest.fixture(scope="module")
def hant(books: dict[str, Built]) -> Built:
    return books["zh-Hant"]


def texts(elements: list[Tag]) -> list[str]:
    return [" ".join(e.get_text().split()) for e in elements]


# -- the build -----------------------------------------------------------------------------


@pytest.mark.parametrize("edition", ["zh-Hans", "zh-Hant"])
def test_build_prints_no_warnings(books: dict[str, Built], edition: str) -> None:
    assert books[edition].warnings == ""


def test_generated_pages_and_parts_manifest(hans: Built) -> None:
    folder = hans.srcdir / "_collection"
    pages = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.md"))
    assert pages == [
        "categories.md", "chronological.md", "glossary.md", "parts/1922.md", "parts/1923.md",
        "parts/1924.md", "parts/1927.md", "parts/2010.md", "parts/2026.md", "parts/undated.md",
        "speakers.md", "tags.md", "years.md",
    ]  # fmt: skip
    manifest = json.loads((folder / "parts.json").read_text(encoding="utf-8"))
    assert manifest["grouping"] == "year"
    assert [p["key"] for p in manifest["parts"]][-2:] == ["2026", "undated"]
    # What the landing page lists, as the front matter says it: no speaker given.
    assert manifest["parts"][4]["speeches"] == [
        {"docname": LABOUR, "title": "劳动局创先争优动员讲话稿", "date": "2010-06-06",
         "speaker": None, "script": "hans"},
    ]  # fmt: skip
    assert manifest["book"]["title"] == "演讲集"  # conf.py's project
    assert manifest["book"]["slug"] == "speeches"


# -- a speech page -------------------------------------------------------------------------


def test_speech_opens_with_its_metadata(hans: Built) -> None:
    article = hans.article(LABOUR)
    header = article.select("div.book-meta")[0]
    assert texts(header.select("dt")) == ["日期：", "来源：", "类别：", "主题："]
    assert texts(header.select("dd")) == [
        "2010年6月6日", "wenmi123.com", "动员讲话", "党建、创先争优",
    ]  # fmt: skip
    hrefs = [a.get("href") for a in header.select("a")]
    assert hrefs == [
        "../_collection/years.html#year-2010",
        "https://www.wenmi123.com/article/167094.html",
        "../_collection/categories.html#category-dongyuan-jianghua",
        "../_collection/tags.html#tag-dangjian",
        "../_collection/tags.html#tag-chuangxianzhengyou",
    ]
    # The file the text was imported from is the editor's business, not the reader's.
    assert "raw/" not in article.get_text()
    # The header follows the title; the notice follows the header.
    section = article.select("section.book-speech")[0]
    children = section.find_all(recursive=False)
    assert [c.name for c in children][:3] == ["h1", "div", "div"]
    notice = children[2]
    assert "book-incomplete" in notice["class"]
    assert texts([notice]) == ["文本不完整 原始文本有缺损或在结尾处被截断，以下并非全文。"]


def test_complete_speech_has_no_notice_and_a_speaker(hans: Built) -> None:
    article = hans.article(WUSHENG)
    assert not article.select(".book-incomplete")
    header = article.select("div.book-meta")[0]
    assert texts(header.select("dt")) == ["日期：", "演讲者：", "地点：", "来源：", "类别："]
    speaker = header.select("a[href$='#speaker-luxun']")
    assert texts(speaker) == ["鲁迅"]
    # The publication it was collected in, with the date (source: and published:).
    assert texts(header.select("dd"))[3] == "《三闲集》，1932年9月"


def test_related_speeches_at_most_five_deterministic(hans: Built) -> None:
    related = hans.article(WUSHENG).select("div.book-related li")
    assert texts(related) == [
        "未有天才之前 1924年1月17日 · 鲁迅",
        "读书杂谈 1927年7月16日 · 鲁迅",
        "娜拉走后怎样 1923年12月26日 · 鲁迅",
        "敬业与乐业 1922年8月14日 · 梁启超",
        "最苦与最乐 日期不详 · 梁启超",
    ]
    assert not hans.article(LABOUR).select("div.book-related")  # shares nothing


def test_first_occurrence_of_a_term_links_to_the_glossary(hans: Built) -> None:
    article = hans.article(LABOUR)
    links = article.select("a.book-term")
    assert [(a.get_text(), a.get("href")) for a in links] == [
        ("创先争优", "../_collection/glossary.html#term-chuangxian-zhengyou"),
        ("科学发展观", "../_collection/glossary.html#term-kexue-fazhanguan"),
    ]
    first_paragraph = article.select("section.book-speech > p")[0]
    before = first_paragraph.get_text().split("创先争优")[0]
    assert "深入开展" in before  # the link is on the first occurrence, not a later one
    assert article.select("span#book-term-chuangxian-zhengyou")  # the index target


def test_titles_in_brackets_link_to_the_speeches(hans: Built) -> None:
    article = hans.article(NOTE)
    links = [(a.get_text(), a.get("href")) for a in article.select("section > p a")]
    assert links == [
        ("娜拉走后怎样", "1923-12-26-nala-zouhou-zenyang.html"),
        ("未有天才之前", "1924-01-17-weiyou-tiancai-zhiqian.html"),
    ]  # 《海的夫人》 is not in the collection
    own = hans.article(WUSHENG).select("section.book-speech > p")[0]
    assert own.get_text() == "我现在所讲的题目是：《无声的中国》。" and not own.select("a")


# -- the collection pages ------------------------------------------------------------------


def test_part_page_lists_its_speeches_with_date_speaker_place(hans: Built) -> None:
    article = hans.article("_collection/parts/1927")
    assert texts(article.select("h1")) == ["1927年#"]
    assert texts(article.select("li")) == [
        "无声的中国 1927年2月16日 · 鲁迅 · 香港青年会",
        "读书杂谈 1927年7月16日 · 鲁迅 · 广州知用中学",
    ]


def test_index_pages_have_stable_anchors(hans: Built) -> None:
    speakers = hans.article("_collection/speakers")
    assert [s.get("id") for s in speakers.select("section section")] == [
        "speaker-liangqichao", "speaker-luxun", "speaker-bianjibu", "speaker-unknown",
    ]  # fmt: skip
    # The speeches without a speaker are a group of their own, last.
    unknown = speakers.select("#speaker-unknown")[0]
    assert texts(unknown.select("h2")) == ["演讲者不详 1篇#"]
    assert texts(unknown.select("li")) == ["劳动局创先争优动员讲话稿 2010年6月6日 · 动员讲话"]
    tags = hans.article("_collection/tags")
    assert texts(tags.select("#tag-funv li")) == [
        "娜拉走后怎样 1923年12月26日 · 鲁迅 · 讲演", "编辑说明 2026年1月 · 编辑部 · 说明",
    ]  # fmt: skip
    years = hans.article("_collection/years")
    assert [s.get("id") for s in years.select("section section")][-1] == "year-undated"


def test_glossary_lists_the_speeches_that_use_each_term(hans: Built) -> None:
    glossary = hans.article("_collection/glossary")
    entry = glossary.select("#term-wenxue-geming")[0]
    assert texts(entry.select("li")) == ["无声的中国 1927年2月16日"]
    assert "知用中学：读书杂谈" in texts(glossary.select("#book-organisations li"))


def test_general_index_has_speakers_places_organisations_terms(hans: Built) -> None:
    index = hans.page("genindex")
    assert 'href="speeches/1927-02-16-wusheng-de-zhongguo.html#book-meta">无声的中国</a>' in index
    assert 'href="speeches/1927-07-16-dushu-zatan.html#book-org-zhiyong-zhongxue">读书杂谈' in index
    assert (
        'href="speeches/2010-06-06-laodongju-chuangxian.html#book-term-kexue-fazhanguan"' in index
    )
    assert "香港青年会" in index
    letters = re.findall(r'<h2 id="([A-Z])">', index)
    assert letters == sorted(letters) and "L" in letters  # 鲁迅 and 梁启超 under L


def test_landing_page_overview_ways_in_and_downloads(hans: Built) -> None:
    article = hans.article("index")
    assert "本文集收录演讲与报告 8 篇，时间从1922年8月14日到2026年1月。" in texts(
        article.select("p")
    )
    downloads = article.select("p.book-downloads a")
    assert [(a.get_text(), a.get("href")) for a in downloads] == [
        ("简体", "../downloads/speeches-zh-Hans.epub"),
        ("繁體", "../downloads/speeches-zh-Hant.epub"),
    ]
    assert "演讲者 3 位：梁启超、鲁迅、编辑部。" in texts(article.select("p"))
    parts = article.select("p.book-landing-part")
    assert texts(parts)[:2] == ["1922年 1篇", "1923年 1篇"]
    assert parts[0].select("a")[0].get("href") == "_collection/parts/1922.html#part-1922"
    listed = article.select("ul.book-landing-list li")
    assert texts(listed)[4] == "读书杂谈 鲁迅 · 1927年7月16日"
    ways = [a.get("href") for a in article.select("ul.book-ways-in a")]
    assert "_collection/speakers.html#book-speakers" in ways
    assert "search.html" in ways and "genindex.html" in ways


# -- editions and chrome -------------------------------------------------------------------


def test_html_lang_and_edition_switch(books: dict[str, Built]) -> None:
    for edition, other, label in (("zh-Hans", "zh-Hant", "繁體"), ("zh-Hant", "zh-Hans", "简体")):
        page = books[edition].page(WUSHENG)
        assert f'<html lang="{edition}"' in page
        switch = BeautifulSoup(page, "html.parser").select("nav.book-edition-switch")[0]
        link = switch.select("a")[0]
        assert (link.get_text(), link.get("href")) == (label, f"../../{other}/{WUSHENG}.html")
        assert switch.select("[aria-current]")[0].get("lang") == edition


def test_sidebar_shows_parts_and_the_current_part_only(hans: Built) -> None:
    nav = hans.soup(WUSHENG).select("nav.book-nav")[0]
    parts = nav.select("li.toctree-l1 > a")
    assert "1927年" in texts(parts) and "2010年" in texts(parts)
    assert texts(nav.select("li.toctree-l2 > a")) == ["无声的中国", "读书杂谈"]
    downloads = hans.soup(WUSHENG).select("nav.book-downloads-nav a")
    assert [a.get("href") for a in downloads] == [
        "../../downloads/speeches-zh-Hans.epub",
        "../../downloads/speeches-zh-Hans-1927.epub",
        "../../downloads/speeches-zh-Hans.pdf",
        "../../downloads/speeches-zh-Hans-1927.pdf",
    ]


def test_parts_by_speaker(rootdir: Path, tmp_path: Path) -> None:
    srcdir = tmp_path / "by-speaker"
    shutil.copytree(rootdir / "test-book", srcdir)
    built = build(srcdir, "zh-Hans", book_grouping="speaker")
    assert built.warnings == ""
    parts = json.loads((srcdir / "_collection" / "parts.json").read_text(encoding="utf-8"))
    assert [(p["key"], p["title"]) for p in parts["parts"]] == [
        ("liangqichao", "梁启超"), ("luxun", "鲁迅"), ("bianjibu", "编辑部"),
        ("unknown", "演讲者不详"),
    ]  # fmt: skip
    page = (built.outdir / f"{WUSHENG}.html").read_text(encoding="utf-8")
    assert 'href="../_collection/parts/luxun.html"' in page  # the breadcrumb
    assert 'href="../../downloads/speeches-zh-Hans-luxun.epub"' in page


def test_traditional_edition_converts_generated_text(hant: Built) -> None:
    article = hant.article(LABOUR)
    assert texts(article.select("div.book-meta dt"))[:2] == ["日期：", "來源："]
    assert texts(article.select("a.book-term")) == ["創先爭優", "科學發展觀"]
    note = hant.article(NOTE)
    assert texts(note.select("section > p a")) == ["娜拉走後怎樣", "未有天才之前"]
    assert "本文集收錄演講與報告 8 篇" in hant.article("index").get_text()


def test_anchors_are_the_same_in_every_edition(books: dict[str, Built]) -> None:
    for docname in (LABOUR, WUSHENG, "_collection/glossary", "_collection/speakers"):
        ids = [sorted(t["id"] for t in books[e].article(docname).select("[id]")) for e in books]
        assert ids[0] == ids[1], docname


def test_untrusted_metadata_is_escaped_and_bad_urls_not_linked(
    rootdir: Path, tmp_path: Path
) -> None:
    srcdir = tmp_path / "untrusted"
    shutil.copytree(rootdir / "test-book-untrusted", srcdir)
    built = build(srcdir, "zh-Hans")
    warnings = strip_colors(built.warnings).splitlines()
    assert [re.sub(r"^.*/speeches/", "", w) for w in warnings] == [
        "2020-01-01-xss.md: WARNING: source_url 'javascript:alert(3)' is not an http(s) address, "
        "so it is not linked; correct it in the front matter or remove it [book.source-url]",
        "2020-01-02-plain.md: WARNING: source_url 'ftp://example.org/a.txt' is not an http(s) "
        "address, so it is not linked; correct it in the front matter or remove it "
        "[book.source-url]",
    ]
    outdir = built.outdir
    for page in outdir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<img src=x" not in html and "<script>alert" not in html, page
        assert 'href="javascript:' not in html and "<b>粗</b>" not in html, page
    page = (outdir / "speeches" / "2020-01-01-xss.html").read_text(encoding="utf-8")
    assert (
        '<meta property="og:title" content="标题&lt;script&gt;alert(1)&lt;/script&gt;" />' in page
    )
    plain = (outdir / "speeches" / "2020-01-02-plain.html").read_text(encoding="utf-8")
    assert 'href="2020-01-01-xss.html"><span class="doc">标题&lt;script&gt;' in plain
    epub = build(srcdir, "zh-Hans", builder="epub").outdir
    for page in epub.rglob("*.xhtml"):
        xhtml = page.read_text(encoding="utf-8")
        assert "<img src=x" not in xhtml and "<script>alert" not in xhtml, page


def test_themes_are_tags_and_the_key_terms_speeches_share() -> None:
    from build_tools.sphinx_ext.catalogue import Entry
    from build_tools.sphinx_ext.collection import Collection
    from build_tools.sphinx_ext.collection_pages import render_pages
    from build_tools.sphinx_ext.glossary import Glossary, Term

    glossary = Glossary(terms=(Term("文学革命", "wenxue-geming"), Term("白话", "baihua")))
    entries = (
        Entry(
            docname="speeches/a", title="甲", date="1927", tags=("青年",), terms=("wenxue-geming",)
        ),
        Entry(docname="speeches/b", title="乙", date="1928", terms=("wenxue-geming", "baihua")),
        Entry(docname="speeches/c", title="丙", date="1929"),
    )
    themes = render_pages(Collection(entries, glossary))["tags.md"]
    headings = re.findall(r"^\((\S+)\)=\n## (.+)$", themes, flags=re.MULTILINE)
    # 文学革命 is shared by two speeches; 白话 by one only, so it is no theme.
    count = "[{}篇]{{.book-list-meta}}"
    assert headings == [
        ("theme-wenxue-geming", f"文学革命 {count.format(2)}"),
        ("tag-qingnian", f"青年 {count.format(1)}"),
    ]


def test_opencc_configuration_is_one_setting(rootdir: Path, tmp_path: Path) -> None:
    """book_opencc picks the OpenCC configuration of an edition: s2t writes OpenCC's own
    forms (爲) where the default s2tw writes Taiwan's (為); a wrong value is reported."""
    srcdir = tmp_path / "opencc"
    shutil.copytree(rootdir / "test-book", srcdir)
    page = "speeches/1924-01-17-weiyou-tiancai-zhiqian.html"
    built = build(srcdir, "zh-Hant", book_opencc={"zh-Hant": "s2t"})
    assert built.warnings == ""
    text = (built.outdir / page).read_text(encoding="utf-8")
    assert "爲" in text and "為" not in text
    built = build(srcdir, "zh-Hant", book_opencc={"zh-Hant": "t2s"})
    assert strip_colors(built.warnings).strip() == (
        "WARNING: book_opencc: unknown OpenCC configuration 't2s'; choose one of: s2t, s2tw, "
        "s2twp, s2hk; the edition keeps its default [book.config]"
    )
    text = (built.outdir / page).read_text(encoding="utf-8")
    assert "為" in text and "爲" not in text
