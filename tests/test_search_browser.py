"""The book's search in a real browser (Playwright driving Debian's Chromium).

The ``book`` test root, with one more speech (an excerpt of the 2026 Beijing government report,
whose 竞争优势 and 创新 hold the characters of 创先争优 apart), is built in both editions and
served on 127.0.0.1. A table of queries (one character, a word, a phrase, a title, a name, in
either script) is run through ``search.html?q=…``; each has its expected first result. Snippets
are the speech's own text; nothing of the search loads before a reader searches; an edited
speech is found by its new words, not its old ones; opened from file:// the page says how to
serve the site. Built in shards of a few pages, as a large book's index is, the search finds
the same pages.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from chromium import CHROMIUM, debian_chromium, served
from lxml import html as lxml_html
from playwright.sync_api import Browser, Page
from sphinx.cmd.build import build_main

EDITIONS = ("zh-Hans", "zh-Hant")
HERE = Path(__file__).resolve().parent
BEIJING = HERE / "fixtures" / "search" / "2026-01-25-beijing-baogao.md"
LABOUR = "speeches/2010-06-06-laodongju-chuangxian.html"
DUSHU = "speeches/1927-07-16-dushu-zatan.md"
PHONE = {"width": 390, "height": 844}
#: Pages a Pagefind run indexes in the sharded build: the test book's 23 pages make three.
SHARD_PAGES = 8
#: What the theme puts around an article (pydata-sphinx-theme and sphinx-book-theme, both
#: editions): never in a snippet.
CHROME = ("亮色", "暗色", "System Settings", "Ctrl", "搜索", "链接到此标题", "連結到此標題", "目录")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
    *(
        pytest.mark.filterwarnings(f"ignore::sphinx.deprecation.RemovedInSphinx11Warning:{m}")
        for m in ("sphinx_sitemap", "sphinx_book_theme", "myst_parser", "pydata_sphinx_theme")
    ),
]


def build(src: Path, work: Path, edition: str, *options: str) -> None:
    args = ["-q", "-b", "html", "-W", "--keep-going", "-d", str(work / "doctrees" / edition)]
    args += ["-D", f"book_variant={edition}", "-D", f"book_editions={','.join(EDITIONS)}"]
    args += options
    assert build_main([*args, str(src), str(work / "site" / edition)]) == 0


@pytest.fixture(scope="module")
def site(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("search")
    shutil.copytree(rootdir / "test-book", work / "src")
    shutil.copy(BEIJING, work / "src" / "speeches" / BEIJING.name)
    for edition in EDITIONS:
        build(work / "src", work, edition)
    return work / "site"


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    with served(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with debian_chromium() as chromium:
        yield chromium


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@dataclass
class Found:
    status: str
    count: int
    titles: list[str]
    facts: list[str]
    excerpts: list[str]  #: HTML, with <mark>
    urls: list[str]
    matches: list[str]  #: "exact" or "scattered"


def search(page: Page, base: str, edition: str, query: str, extra: str = "") -> Found:
    page.goto(f"{base}{edition}/search.html?q={quote(query)}{extra}")
    page.wait_for_selector("#book-search[data-count], #book-search[data-error]")
    root = page.locator("#book-search")
    assert root.get_attribute("data-error") is None, root.get_attribute("data-error")
    results = page.locator(".book-search-result")
    return Found(
        status=page.locator(".book-search-status[role=status]").inner_text(),
        count=int(root.get_attribute("data-count") or 0),
        titles=results.locator(".book-search-title").all_inner_texts(),
        facts=[" ".join(r.locator(".book-search-facts").all_inner_texts()) for r in results.all()],
        excerpts=[e.inner_html() for e in results.locator(".book-search-excerpt").all()],
        urls=[a.get_attribute("href") or "" for a in results.locator("a").all()],
        matches=[r.get_attribute("data-match") or "" for r in results.all()],
    )


#: (edition, query, kind, the expected first result's title). Both scripts in both editions.
QUERIES = [
    ("zh-Hans", "书", "one character", "读书杂谈"),
    ("zh-Hans", "天才", "word", "未有天才之前"),
    ("zh-Hans", "创先争优", "phrase", "劳动局创先争优动员讲话稿"),
    ("zh-Hans", "娜拉走后怎样", "title", "娜拉走后怎样"),
    ("zh-Hans", "殷勇", "name", "2026年北京市政府工作报告（节选）"),
    ("zh-Hans", "創先爭優", "folded phrase", "劳动局创先争优动员讲话稿"),
    ("zh-Hans", "讀書", "folded word", "读书杂谈"),
    ("zh-Hant", "書", "one character", "讀書雜談"),
    ("zh-Hant", "天才", "word", "未有天才之前"),
    ("zh-Hant", "創先爭優", "phrase", "勞動局創先爭優動員講話稿"),
    ("zh-Hant", "娜拉走後怎樣", "title", "娜拉走後怎樣"),
    ("zh-Hant", "殷勇", "name", "2026年北京市政府工作報告（節選）"),
    ("zh-Hant", "创先争优", "folded phrase", "勞動局創先爭優動員講話稿"),
    ("zh-Hant", "读书", "folded word", "讀書雜談"),
]


@pytest.mark.parametrize(("edition", "query", "kind", "first"), QUERIES)
def test_query_finds_its_speech_first(
    page: Page, server: str, edition: str, query: str, kind: str, first: str
) -> None:
    found = search(page, server, edition, query)
    assert found.titles and found.titles[0] == first, (kind, found.titles)
    assert found.status == f"找到 {found.count} 篇" and found.count >= len(found.titles)
    assert found.matches[0] == "exact"


def test_query_as_written_ranks_above_its_characters_apart(page: Page, server: str) -> None:
    """The Beijing report holds 创, 先, 争 and 优 apart (竞争优势, 先进, 创新): it is found,
    below every page that has 创先争优 as written, and the phrase is marked whole."""
    found = search(page, server, "zh-Hans", "创先争优")
    beijing = found.titles.index("2026年北京市政府工作报告（节选）")
    assert found.matches[beijing] == "scattered"
    assert set(found.matches[:beijing]) == {"exact"}
    assert "<mark>创先争优</mark>" in found.excerpts[0]


def test_speeches_rank_above_the_book_lists(page: Page, server: str) -> None:
    """鲁迅 is named on the lists of the book (by speaker, by year, …): his speeches come
    first, each with its speaker and date."""
    found = search(page, server, "zh-Hans", "鲁迅")
    speeches = [i for i, url in enumerate(found.urls) if "/speeches/" in url]
    assert speeches == list(range(len(speeches))) and len(speeches) >= 4
    assert all(fact.startswith("鲁迅 · ") for fact in found.facts[:4])


@pytest.mark.parametrize(("edition", "simplified", "traditional"), [
    ("zh-Hans", "创先争优", "創先爭優"),
    ("zh-Hant", "创先争优", "創先爭優"),
    ("zh-Hans", "读书", "讀書"),
    ("zh-Hant", "鲁迅", "魯迅"),
])  # fmt: skip
def test_both_scripts_find_the_same_pages(
    page: Page, server: str, edition: str, simplified: str, traditional: str
) -> None:
    one = search(page, server, edition, simplified)
    other = search(page, server, edition, traditional)
    assert one.count == other.count > 0 and one.titles == other.titles


def _article_text(site: Path, url: str) -> str:
    """The speech's own text as the page shows it (no metadata header), without spaces."""
    edition, path = urlsplit(url).path.strip("/").split("/", 1)
    root = lxml_html.fromstring((site / edition / path).read_bytes())
    for element in root.xpath(
        "//*[@id='book-meta' or @id='book-incomplete'] | //a[@class='headerlink']"
    ):
        element.drop_tree()
    article = root.xpath("//article")[0]
    return re.sub(r"\s+", "", article.text_content())


@pytest.mark.parametrize(("edition", "query"), [
    ("zh-Hans", "的"), ("zh-Hant", "的"), ("zh-Hans", "中国"), ("zh-Hant", "講演"),
])  # fmt: skip
def test_snippets_are_the_speech_text_highlighted(
    page: Page, site: Path, server: str, edition: str, query: str
) -> None:
    found = search(page, server, edition, query)
    assert found.titles
    for url, excerpt, facts in zip(found.urls, found.excerpts, found.facts, strict=True):
        assert "<mark>" in excerpt, url
        text = html.unescape(re.sub(r"</?mark>|[^\S\u3000]+", "", excerpt))
        assert not [word for word in CHROME if word in text], (url, text)
        if "/speeches/" in url:
            # Where a block has no full stop, the snippet has an ideographic space. The
            # speaker's name follows the title, as in the page's header.
            article = _article_text(site, url)
            pieces = [piece for piece in text.split("\u3000") if piece]
            speaker = facts.split(" · ")[0]
            assert all(piece in article or piece == speaker for piece in pieces), (url, pieces)


def test_filters_narrow_by_speaker_year_and_category(page: Page, server: str) -> None:
    everything = search(page, server, "zh-Hans", "的")
    by_year = search(page, server, "zh-Hans", "的", "&year=1927")
    assert 0 < by_year.count < everything.count
    assert all("1927年" in fact for fact in by_year.facts)
    assert page.locator("select[name=year]").input_value() == "1927"
    page.locator("select[name=speaker]").select_option("梁启超")  # none of his is of 1927
    page.wait_for_selector("#book-search[data-count='0']")
    page.locator("select[name=year]").select_option("")
    page.wait_for_selector("#book-search[data-count]")
    facts = page.locator(".book-search-facts").all_inner_texts()
    assert len(facts) == 2 and all(fact.startswith("梁启超") for fact in facts)
    assert "speaker=" in page.url
    category = search(page, server, "zh-Hant", "的", "&category=動員講話")
    assert category.titles == ["勞動局創先爭優動員講話稿"]


@pytest.mark.parametrize(("edition", "query", "title"), [
    ("zh-Hans", "创先争优", "劳动局创先争优动员讲话稿"),
    ("zh-Hant", "創先爭優", "勞動局創先爭優動員講話稿"),
])  # fmt: skip
def test_header_search_box_leads_to_the_results(
    page: Page, server: str, edition: str, query: str, title: str
) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + f"{edition}/index.html")
    page.locator("button.search-button-field").first.click()
    field = page.locator("#pst-search-dialog input[name='q']")
    field.fill(query)
    field.press("Enter")
    page.wait_for_url("**/search.html?q=*")
    result = page.locator(".book-search-result a", has_text=title).first
    result.click()
    page.wait_for_url(f"**/{edition}/{LABOUR}*")
    assert errors == []


def test_nothing_of_the_search_loads_before_a_reader_searches(page: Page, server: str) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(server + f"zh-Hans/{LABOUR}")
    page.wait_for_load_state("networkidle")
    page.goto(server + "zh-Hans/search.html")
    page.wait_for_load_state("networkidle")
    searchy = [u for u in requested if re.search(r"pagefind|searchindex|searchtools", u)]
    assert searchy == []
    assert any(u.endswith("book-search.js") for u in requested)  # the page itself, only
    search(page, server, "zh-Hans", "书")
    assert any("pagefind/pagefind.js" in u for u in requested)


def test_opened_from_a_file_the_page_says_how_to_serve(page: Page, site: Path) -> None:
    page.goto((site / "zh-Hant" / "search.html").as_uri() + "?q=" + quote("書"))
    status = page.locator(".book-search-status[role=status]")
    status.wait_for()
    page.wait_for_function("() => document.querySelector('[role=status]').textContent")
    assert "make serve" in status.inner_text() and "瀏覽器" in status.inner_text()


def test_an_edit_changes_what_is_found(rootdir: Path, tmp_path: Path, browser: Browser) -> None:
    """An incremental build after an edit: the speech is found by its new words, not its
    old ones, and a removed speech is found no more."""
    work = tmp_path / "edit"
    shutil.copytree(rootdir / "test-book", work / "src")
    build(work / "src", work, "zh-Hans")
    with served(work / "site") as url:
        page = browser.new_page()
        try:
            before = search(page, url, "zh-Hans", "知用中学")
            assert before.titles[0] == "读书杂谈" and before.matches[0] == "exact"
            assert search(page, url, "zh-Hans", "鹦鹉螺号").count == 0
            speech = work / "src" / DUSHU
            text = speech.read_text(encoding="utf-8").replace("知用中学", "鹦鹉螺号")
            speech.write_text(text, encoding="utf-8")
            later = os.stat(speech).st_mtime + 2
            os.utime(speech, (later, later))
            (work / "src" / "speeches" / "1922-08-14-jingye-yu-leye.md").unlink()
            build(work / "src", work, "zh-Hans")
            after = search(page, url, "zh-Hans", "鹦鹉螺号")
            assert after.titles[0] == "读书杂谈" and after.matches[0] == "exact"
            old = search(page, url, "zh-Hans", "知用中学")
            assert "读书杂谈" not in [
                t for t, m in zip(old.titles, old.matches, strict=True) if m == "exact"
            ]
            assert "敬业与乐业" not in search(page, url, "zh-Hans", "敬业").titles
        finally:
            page.close()


def test_screenshots_for_review(browser: Browser, server: str, artefacts: Path) -> None:
    shots = {
        "search-desktop": ("zh-Hans", "创先争优", {"width": 1280, "height": 900}),
        "search-phone": ("zh-Hant", "魯迅", PHONE),
    }
    for name, (edition, query, viewport) in shots.items():
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        search(page, server, edition, query)
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        target = artefacts / f"book-{name}.png"
        page.screenshot(path=str(target), full_page=True)
        context.close()
        assert widths[0] <= widths[1], (name, widths)
        assert target.stat().st_size > 10_000


def test_an_index_in_shards_finds_the_same_pages(
    site: Path, server: str, tmp_path: Path, page: Page
) -> None:
    """A large book's index is made in shards (``search_bundle.SHARD_PAGES``), merged in the
    browser: the same pages are found, and the filters offer the same choices. (The order
    is not compared: Pagefind scores each shard by its own statistics, which for shards of
    a few pages differ far more than for shards of a thousand.)"""
    work = tmp_path / "sharded"
    shutil.copytree(site.parent / "src", work / "src")
    build(work / "src", work, "zh-Hans", "-D", f"book_search_shard_pages={SHARD_PAGES}")
    bundle = work / "site" / "zh-Hans" / "pagefind"
    state = json.loads((bundle / "book-state.json").read_text(encoding="utf-8"))
    assert state["shards"] == ["shard-1/", "shard-2/"]
    with served(work / "site") as sharded:
        for query in ("书", "创先争优", "娜拉走后怎样", "鲁迅", "發展"):
            whole = search(page, server, "zh-Hans", query)
            parts = search(page, sharded, "zh-Hans", query)
            assert parts.count == whole.count, query
            if whole.count == len(whole.urls):  # every result shown: the same pages
                assert sorted(parts.urls) == sorted(whole.urls), query
        choices = []
        for base in (server, sharded):
            search(page, base, "zh-Hans", "的")
            choices.append(page.locator(".book-search-filters option").all_inner_texts())
        assert choices[0] == choices[1] and len(choices[0]) > 3
