"""The book in a real browser (Playwright driving Debian's Chromium, never a downloaded one).

The ``book`` test root is built in both editions and served on 127.0.0.1. A reader gets
from the landing page to a speech by year and by speaker (the search has its own tests,
test_search_browser.py); the edition switch lands on the same speech; a phone-sized window
never scrolls sideways, and with four editions its header shows the whole breadcrumb and a
menu of every edition; the console stays clean. Screenshots go to tests/artefacts/ for review.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from chromium import CHROMIUM, debian_chromium, served
from playwright.sync_api import Browser, Page

from build_tools.variants import table

EDITIONS = ("zh-Hans", "zh-Hant")
#: Every edition the table has: built too, for the checks of words, script and width.
ALL_EDITIONS = ("zh-Hans", "zh-Hant", "zh-TW", "zh-HK")
WUSHENG = "speeches/1927-02-16-wusheng-de-zhongguo.html"
LABOUR = "speeches/2010-06-06-laodongju-chuangxian.html"
PHONE = {"width": 390, "height": 844}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
    *(
        pytest.mark.filterwarnings(f"ignore::sphinx.deprecation.RemovedInSphinx11Warning:{m}")
        for m in ("sphinx_sitemap", "sphinx_book_theme", "myst_parser", "pydata_sphinx_theme")
    ),
]


@pytest.fixture(scope="module")
def site(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("browser")
    shutil.copytree(rootdir / "test-book", work / "src")
    for edition in ALL_EDITIONS:
        # One process per edition, as ``build`` runs them: Sphinx keeps the message
        # catalogue of a process's first language for its later builds.
        args = ["-q", "-b", "html", "-W", "--keep-going", "-d", str(work / "doctrees" / edition)]
        args += ["-D", f"book_variant={edition}", "-D", f"book_editions={','.join(ALL_EDITIONS)}"]
        # Sphinx loads its messages before extensions run: the language goes with the edition.
        args += ["-D", f"language={table.get(edition).sphinx_language}"]
        command = [
            sys.executable,
            "-m",
            "sphinx",
            *args,
            str(work / "src"),
            str(work / "site" / edition),
        ]
        built = subprocess.run(command, capture_output=True, text=True, check=False)
        assert built.returncode == 0, built.stdout + built.stderr
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


def console_errors(page: Page) -> list[str]:
    """Collect the page's console errors and uncaught exceptions from now on."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def h1(page: Page) -> str:
    return page.locator("article h1").first.inner_text().rstrip("#").strip()


def test_reader_reaches_a_speech_by_year(page: Page, server: str) -> None:
    page.goto(server + "zh-Hans/index.html")
    page.locator("p.book-landing-part a", has_text="1927年").click()
    page.locator("article li a", has_text="无声的中国").click()
    assert page.url == server + "zh-Hans/" + WUSHENG
    assert h1(page) == "无声的中国"


@pytest.mark.parametrize(
    ("edition", "entry"),
    [
        ("zh-Hans", "无声的中国 鲁迅 · 1927年2月16日"),
        ("zh-Hant", "無聲的中國 魯迅 · 1927年2月16日"),
    ],
)
def test_front_page_lists_the_speeches(page: Page, server: str, edition: str, entry: str) -> None:
    """The edition's front page shows every speech of the sample, part by part."""
    page.goto(server + f"{edition}/index.html")
    items = [" ".join(t.split()) for t in page.locator("ul.book-landing-list li").all_inner_texts()]
    assert len(items) == 8 and entry in items
    page.locator("ul.book-landing-list a").first.click()
    assert "/speeches/" in page.url


def test_reader_reaches_a_speech_by_speaker(page: Page, server: str) -> None:
    page.goto(server + "zh-Hans/index.html")
    page.locator("ul.book-ways-in a", has_text="按演讲者").click()
    page.locator("#speaker-luxun li a", has_text="读书杂谈").click()
    assert page.url == server + "zh-Hans/speeches/1927-07-16-dushu-zatan.html"
    assert h1(page) == "读书杂谈"


def test_edition_switch_lands_on_the_same_speech(page: Page, server: str) -> None:
    page.goto(server + "zh-Hans/" + WUSHENG)
    page.locator('nav.book-edition-switch a[lang="zh-Hant"]').click()
    assert page.url == server + "zh-Hant/" + WUSHENG
    assert h1(page) == "無聲的中國"
    assert page.locator("html").get_attribute("lang") == "zh-Hant"
    page.locator("nav.book-edition-switch a", has_text="简体").click()
    assert page.url == server + "zh-Hans/" + WUSHENG


@pytest.mark.parametrize("path", ["zh-Hans/index.html", f"zh-Hans/{LABOUR}"])
def test_no_console_errors(page: Page, server: str, path: str) -> None:
    errors = console_errors(page)
    page.goto(server + path)
    page.wait_for_load_state("networkidle")
    assert errors == []


@pytest.mark.parametrize(
    "path", ["zh-Hans/index.html", f"zh-Hans/{LABOUR}", f"zh-Hant/{WUSHENG}", f"zh-HK/{WUSHENG}"]
)
def test_phone_width_has_no_horizontal_scroll(browser: Browser, server: str, path: str) -> None:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.goto(server + path)
    page.wait_for_load_state("networkidle")
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    context.close()
    assert widths[0] <= widths[1] == PHONE["width"], widths


def phone_page(browser: Browser) -> Page:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.mark.parametrize("edition", EDITIONS)
def test_contents_drawer_opens_on_a_phone(browser: Browser, server: str, edition: str) -> None:
    """The visible ☰ opens the contents as a drawer, which lists the parts of the book."""
    page = phone_page(browser)
    page.goto(server + f"{edition}/{WUSHENG}")
    drawer = page.locator("#pst-primary-sidebar-modal")
    assert not drawer.is_visible()
    page.locator(".primary-toggle:visible").click()
    drawer.wait_for(state="visible")
    parts = drawer.locator("nav.book-nav li.toctree-l1 > a")
    assert {"1923年", "1927年"} <= set(parts.all_inner_texts())
    drawer.locator("a", has_text="1923年").first.click()
    page.wait_for_url(f"**/{edition}/_collection/parts/1923.html")
    page.context.close()


def test_contents_button_hides_the_sidebar_on_a_desktop(page: Page, server: str) -> None:
    page.goto(server + "zh-Hans/" + WUSHENG)
    sidebar = page.locator("#pst-primary-sidebar")
    assert sidebar.is_visible()
    page.locator(".primary-toggle:visible").click()
    sidebar.wait_for(state="hidden")
    page.locator(".primary-toggle:visible").click()
    sidebar.wait_for(state="visible")


def test_page_outline_opens_on_a_phone(browser: Browser, server: str) -> None:
    page = phone_page(browser)
    page.goto(server + "zh-Hans/" + LABOUR)
    page.locator(".secondary-toggle:visible").click()
    outline = page.locator("#pst-secondary-sidebar-modal")
    outline.wait_for(state="visible")
    assert "深刻认识开展创先争优活动" in outline.inner_text()
    page.context.close()


def test_breadcrumb_and_reading_order(page: Page, server: str) -> None:
    """演讲集 › 1923年 › 娜拉走后怎样; 下一篇 leads from speech to speech in book order."""
    page.goto(server + "zh-Hans/speeches/1923-12-26-nala-zouhou-zenyang.html")
    crumbs = page.locator("nav.book-breadcrumbs li").all_inner_texts()
    assert [c.strip() for c in crumbs] == ["演讲集", "1923年", "娜拉走后怎样"]
    seen = [h1(page)]
    while page.locator("a.right-next").count():
        assert page.locator("a.right-next .prev-next-subtitle").inner_text() == "下一篇"
        page.locator("a.right-next").click()
        page.wait_for_load_state()
        assert "/speeches/" in page.url, page.url
        seen.append(h1(page))
    assert seen[:3] == ["娜拉走后怎样", "未有天才之前", "无声的中国"]
    assert len(seen) == len(set(seen)) == 7  # every later speech once, the last has no next
    page.locator("a.left-prev").click()
    assert h1(page) == seen[-2]


#: Every piece of text a page shows or says: its text nodes (the speech's own text apart, on
#: request), joined per block so that 日期 and a colon in a span read as 日期:, and the title
#: and the title, aria-label, placeholder and alt attributes; each with the language of the
#: element it belongs to, and whether it is a block's joined text.
PAGE_TEXTS = """(withSpeech) => {
  const langOf = (el) => (el.closest("[lang]") || document.documentElement).lang;
  const isSpeech = (el) => el.closest("article .book-speech")
    && !el.closest(".book-meta, .book-related, .book-incomplete, h1");
  const blockOf = (el) => el.closest(
    "p, li, dt, dd, h1, h2, h3, h4, h5, h6, td, th, caption, button, label, div, nav, body");
  const blocks = new Map();
  const out = [[document.title, document.documentElement.lang, false]];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.data.trim() || el.closest("script, style, noscript, template")) continue;
    if (!withSpeech && isSpeech(el)) continue;
    out.push([node.data, langOf(el), false]);
    const block = blockOf(el);
    blocks.set(block, (blocks.get(block) || "") + node.data);
  }
  for (const [block, text] of blocks) out.push([text, langOf(block), true]);
  for (const el of document.querySelectorAll("[title], [aria-label], [placeholder], [alt]")) {
    for (const name of ["title", "aria-label", "placeholder", "alt"]) {
      const value = el.getAttribute(name);
      if (value) out.push([value, langOf(el), false]);
    }
  }
  return out;
}"""
#: Words of the interface that are not English: key names and the e-book format.
NOT_ENGLISH = {"Ctrl", "EPUB", "PDF"}
#: A Latin word; host names (www.example.com) are addresses, not words.
LATIN_WORD = re.compile(r"[A-Za-z][\w.-]*\.[A-Za-z]{2,}|[A-Za-z]{2,}")
HALF_WIDTH_AFTER_HAN = re.compile(r"[\u3400-\u9fff][:;,?!]")


def site_pages(site: Path, edition: str) -> list[str]:
    """Every HTML page of ``edition``, as a path below the site."""
    folder = site / edition
    return sorted(
        p.relative_to(site).as_posix()
        for p in folder.rglob("*.html")
        if "_static" not in p.relative_to(folder).parts
    )


@functools.cache
def simplified_only() -> frozenset[str]:
    """Characters no Traditional standard writes: OpenCC's s2t, s2tw and s2hk all change
    them, and its character table never keeps them (干 may stay 干 in Traditional text, and
    Taiwan writes 群 where OpenCC's standard has 羣; 个 is never Traditional)."""
    from build_tools.variants import backend
    from build_tools.variants.ambiguity_report import candidates

    configs = [backend.converter(c) for c in ("s2t", "s2tw", "s2hk")]
    keeps_itself = {c for c, ways in candidates()["hans"].items() if c in ways}
    chars = (chr(c) for c in range(0x4E00, 0xA000))
    return frozenset(
        c for c in chars if c not in keeps_itself and all(s2x(c) != c for s2x in configs)
    )


def test_interface_speaks_chinese(browser: Browser, server: str, site: Path) -> None:
    """No English interface word and no half-width punctuation after a Chinese character
    on any page of either edition (the speeches' own text apart)."""
    problems = []
    page = browser.new_page()
    for edition in ALL_EDITIONS:
        for path in site_pages(site, edition):
            page.goto(server + path)
            for text, _lang, _block in page.evaluate(PAGE_TEXTS, False):
                words = {w for w in LATIN_WORD.findall(text) if "." not in w} - NOT_ENGLISH
                marks = HALF_WIDTH_AFTER_HAN.findall(text)
                if words or marks:
                    problems.append(f"{path}: {text.strip()[:60]!r}")
    page.close()
    assert problems == []


def test_traditional_editions_write_no_simplified_only_character(
    browser: Browser, server: str, site: Path
) -> None:
    """In the Traditional editions, Simplified-only characters appear only inside
    lang="zh-Hans" (the switch's 简体), speeches and interface alike."""
    banned = simplified_only()
    problems = []
    page = browser.new_page()
    paths = [p for edition in ALL_EDITIONS[1:] for p in site_pages(site, edition)]
    for path in paths:
        page.goto(server + path)
        for text, lang, block in page.evaluate(PAGE_TEXTS, True):
            found = sorted({c for c in text if c in banned})
            if found and lang != "zh-Hans" and not block:
                problems.append(f"{path}: {''.join(found)} in {text.strip()[:40]!r}")
    page.close()
    assert problems == []


def test_traditional_edition_reads_as_taiwan_print(site: Path) -> None:
    """zh-Hant follows Taiwan's standard forms (為 群 眾, never OpenCC's 爲 羣 衆) and
    quotes with 「」『』; zh-Hans keeps “”."""
    from build_tools.variants import backend

    t2tw = backend.converter("t2tw")
    for page in ("1922-08-14-jingye-yu-leye", "1924-01-17-weiyou-tiancai-zhiqian"):
        text = (site / "zh-Hant" / "speeches" / f"{page}.html").read_text(encoding="utf-8")
        body = re.sub(r"<[^>]+>", "", text.split('<article class="bd-article">')[1])
        assert t2tw(body) == body, {c for c, d in zip(body, t2tw(body), strict=True) if c != d}
    assert "為" in body and "爲" not in body  # 未有天才之前 writes 為 three times
    nala = "speeches/1923-12-26-nala-zouhou-zenyang.html"
    text = (site / "zh-Hant" / nala).read_text(encoding="utf-8")
    assert "「娜拉走後怎樣？」" in text and "“" not in text.split("<article")[1]
    simplified = (site / "zh-Hans" / nala).read_text(encoding="utf-8")
    assert "“娜拉走后怎样？”" in simplified


#: What a phone's first visit to a speech page may transfer (uncompressed, as
#: ``python -m http.server`` serves it).
PAGE_WEIGHT_LIMIT = 1_000_000
#: Sphinx's search index grows with the collection; it is weighed apart (and Pagefind,
#: which loads its index on demand, replaces it).
SEARCH_INDEX = "searchindex.js"


def first_visit(browser: Browser, url: str) -> dict[str, int]:
    """Every resource a phone fetches for ``url`` with an empty cache: URL → bytes."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    fetched: dict[str, int] = {}
    page.on(
        "requestfinished",
        lambda request: fetched.__setitem__(request.url, request.sizes()["responseBodySize"]),
    )
    page.goto(url)
    page.wait_for_load_state("networkidle")
    context.close()
    return fetched


@pytest.mark.parametrize("edition", EDITIONS)
def test_speech_page_is_light_on_a_phone(browser: Browser, server: str, edition: str) -> None:
    """A speech page's first visit stays under 1 MB, and all it fetches besides the page are
    the theme's fixed files: nothing that grows with the collection."""
    fetched = first_visit(browser, server + f"{edition}/{LABOUR}")
    weight = sum(size for url, size in fetched.items() if not url.endswith(SEARCH_INDEX))
    print(f"{edition} speech page, first visit: {weight:,} bytes ({len(fetched)} files)")
    assert weight < PAGE_WEIGHT_LIMIT, sorted(fetched.items(), key=lambda kv: -kv[1])[:5]
    assert not any("fontawesome" in url for url in fetched)
    page_url = server + f"{edition}/{LABOUR}"
    others = [u.split("?")[0] for u in fetched if u != page_url and not u.endswith(SEARCH_INDEX)]
    assert all(f"/{edition}/_static/" in u for u in others), others


#: One page of each type, in both editions between them.
PAGE_TYPES = {
    "front": "zh-Hans/index.html",
    "speech": f"zh-Hans/{LABOUR}",
    "speech-hant": f"zh-Hant/{WUSHENG}",
    "part": "zh-Hant/_collection/parts/1927.html",
    "speakers": "zh-Hans/_collection/speakers.html",
    "themes": "zh-Hant/_collection/tags.html",
    "glossary": "zh-Hans/_collection/glossary.html",
    "chronological": "zh-Hant/_collection/chronological.html",
    "genindex": "zh-Hans/genindex.html",
    "search": "zh-Hant/search.html?q=創先爭優",
}
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": PHONE}


def test_screenshots_for_review(browser: Browser, server: str, artefacts: Path) -> None:
    """Every page type at 1280 and 390 px, and the contents drawer open on a phone."""
    for width, viewport in WIDTHS.items():
        for name, path in PAGE_TYPES.items():
            context = browser.new_context(viewport=viewport)
            page = context.new_page()
            page.goto(server + path)
            page.wait_for_load_state("networkidle")
            target = artefacts / f"book-{name}-{width}.png"
            page.screenshot(path=str(target), full_page=True)
            if name == "speech" and width == "phone":
                page.locator(".primary-toggle:visible").click()
                page.locator("#pst-primary-sidebar-modal").wait_for(state="visible")
                page.screenshot(path=str(artefacts / "book-drawer-phone.png"))
            context.close()
            assert target.stat().st_size > 10_000


NALA = "speeches/1923-12-26-nala-zouhou-zenyang.html"
#: Whether an element is drawn whole: on screen, inside the viewport, and not cut short by an
#: ellipsis (a clipped box is narrower than what it holds).
SHOWN_WHOLE = """(el) => {
  const box = el.getBoundingClientRect();
  return box.width > 0 && box.left >= 0 && box.right <= window.innerWidth
    && el.scrollWidth <= el.clientWidth;
}"""


@pytest.mark.parametrize(
    ("path", "crumbs"),
    [
        (NALA, ["演讲集", "1923年", "娜拉走后怎样"]),
        (LABOUR, ["演讲集", "2010年", "劳动局创先争优动员讲话稿"]),
    ],
)
def test_phone_header_shows_the_breadcrumb_and_every_edition(
    browser: Browser, server: str, artefacts: Path, path: str, crumbs: list[str]
) -> None:
    """With four editions on a 390 px phone, the breadcrumb is read whole, and the switch
    shows the current edition, whose menu reaches every edition on screen, each landing on
    the same speech (a speech with sections has one button more: the outline)."""
    name = Path(path).stem
    page = phone_page(browser)
    page.goto(server + "zh-Hans/" + path)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artefacts / f"book-header-four-editions-{name}-phone.png"))
    shown = page.locator("nav.book-breadcrumbs li")
    assert [c.strip() for c in shown.all_inner_texts()] == crumbs
    assert [c.evaluate(SHOWN_WHOLE) for c in shown.all()] == [True, True, True]
    assert shown.last.inner_text().strip() == h1(page)
    current = page.locator("nav.book-edition-switch summary")
    assert current.inner_text().startswith("简体") and current.evaluate(SHOWN_WHOLE)
    for edition in ALL_EDITIONS[1:]:
        page.goto(server + "zh-Hans/" + path)
        link = page.locator(f'nav.book-edition-switch a[lang="{edition}"]')
        assert not link.is_visible()
        current.click()
        page.screenshot(path=str(artefacts / f"book-header-four-editions-{name}-menu-phone.png"))
        editions = page.locator("nav.book-edition-switch .book-edition-list .book-edition")
        assert [e.get_attribute("lang") for e in editions.all()] == list(ALL_EDITIONS)
        assert [e.evaluate(SHOWN_WHOLE) for e in editions.all()] == [True] * len(ALL_EDITIONS)
        link.click()
        assert page.url == server + f"{edition}/{path}"
        assert page.locator("html").get_attribute("lang") == edition
    page.context.close()
    desktop = browser.new_page(viewport=WIDTHS["desktop"])
    desktop.goto(server + "zh-Hans/" + path)
    desktop.wait_for_load_state("networkidle")
    desktop.screenshot(path=str(artefacts / f"book-header-four-editions-{name}-desktop.png"))
    shown = desktop.locator("nav.book-breadcrumbs li")
    assert [c.evaluate(SHOWN_WHOLE) for c in shown.all()] == [True, True, True]
    assert not desktop.locator("nav.book-edition-switch summary").is_visible()
    editions = desktop.locator("nav.book-edition-switch .book-edition-list .book-edition")
    assert [e.evaluate(SHOWN_WHOLE) for e in editions.all()] == [True] * len(ALL_EDITIONS)
    desktop.close()
