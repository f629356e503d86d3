"""``make bench``: build scaled collections and report time ratios measured in one run.

For each N (100, 1,000, 5,000 by default) a collection of N raw speeches is made
deterministically from the bundled sample texts (distinct titles, dates, speakers), then timed:
import; Sphinx's parse-only build (``-b dummy``, the baseline); the HTML build of each edition
on one core; both default editions together on all cores; the EPUB build; the PDF build
(Typst: the whole book and each part); a rebuild of one edition's HTML and EPUB after editing
one speech, then of its PDFs; peak memory; and, once, the conversion rate of each edition that
converts. For the search (N = 10, 500, 5,000 by default, ``--search-sizes``): the Pagefind
bundle's size, the time Pagefind takes to index the N speeches' records, and the bytes one
query transfers in Chromium (engine, index chunks, snippets), for a word, a phrase and a name.
Results go to ``_build/bench/report.json``, ``report.md`` and ``time-vs-n.svg`` (time against
N, log-log); ratios are printed. Timing never decides a test.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[2]
SPEAKERS = ("李明", "王芳", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴霞")
PLACES = ("北京", "上海", "广州", "武汉", "成都", "西安", "南京", "杭州")
CATEGORIES = ("动员讲话", "工作报告", "学术演讲", "座谈发言")
CHINESE_DIGITS = "〇一二三四五六七八九"


@dataclass
class Result:
    n: int
    raw_mb: float = 0.0
    import_s: float = 0.0
    parse_only_s: float = 0.0
    html_s: dict[str, float] = field(default_factory=dict)
    both_editions_s: float = 0.0
    epub_s: float = 0.0
    pdf_s: float = 0.0
    pdf_mb: float = 0.0  #: the edition's PDFs (the whole book, if not too large, and parts)
    rebuild_s: float = 0.0  #: HTML and EPUB of zh-Hans after editing one speech
    #: The same with the worker's heap collected at its exit (``BOOK_FREEZE_HEAP=0``): what
    #: ``publish/frozen_heap.py`` saves.
    rebuild_collected_s: float = 0.0
    #: And with every member of the EPUBs deflated again (``BOOK_ZIP_REUSE=0``): what
    #: ``sphinx_ext/zip_reuse.py`` saves.
    rebuild_deflated_s: float = 0.0
    rebuild_pdf_s: float = 0.0  #: then its PDFs (the whole book is typeset again)
    peak_rss_mb: float = 0.0

    @property
    def ratios(self) -> dict[str, float]:
        html = self.html_s.get("zh-Hans", 0.0)
        full = html + self.epub_s  # the rebuild target is HTML and EPUB; PDF apart
        return {
            "html_over_parse": html / self.parse_only_s if self.parse_only_s else 0.0,
            "rebuild_over_full": self.rebuild_s / full if full else 0.0,
            "import_mb_per_s": self.raw_mb / self.import_s if self.import_s else 0.0,
            "parallel_speedup": sum(self.html_s.values()) / self.both_editions_s
            if self.both_editions_s
            else 0.0,
        }


def _sample_paragraphs() -> list[str]:
    """The longer paragraphs of the bundled sample speeches and reports: the material that
    scaled speeches are drawn from (their header lines and footers left out)."""
    paragraphs = []
    for path in sorted((ROOT / "raw").rglob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()[1:]
        paragraphs += [line.strip() for line in lines if len(line.strip()) > 80]
    return paragraphs


def _chinese_year(year: int) -> str:
    """1924 → 一九二四"""
    return "".join(CHINESE_DIGITS[int(d)] for d in str(year))


def _chinese_number(n: int) -> str:
    """17 → 十七, 20 → 二十, 3 → 三 (1–99)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CHINESE_DIGITS[tens] + "十")
    return head + (CHINESE_DIGITS[ones] if ones else "")


def make_collection(n: int, project: Path) -> float:
    """Write N raw speeches and a copy of the book's configuration to ``project``; MB of raw."""
    if project.exists():
        shutil.rmtree(project)
    (project / "raw").mkdir(parents=True)
    (project / "source").mkdir()
    shutil.copy(ROOT / "conf.py", project / "conf.py")
    shutil.copy(ROOT / "source" / "index.md", project / "source" / "index.md")
    if (ROOT / "source" / "_data").is_dir():
        shutil.copytree(ROOT / "source" / "_data", project / "source" / "_data")
    paragraphs = _sample_paragraphs()
    size = 0
    for i in range(n):
        year, month, day = 1990 + i % 36, 1 + i % 12, 1 + i % 28
        # A different draw of paragraphs for each speech, so that the importer's duplicate
        # detection (rightly) publishes all of them.
        body = "\n".join(random.Random(i).sample(paragraphs, 12))
        speaker = SPEAKERS[i % len(SPEAKERS)]
        text = (
            f"{CATEGORIES[i % len(CATEGORIES)]}第{i + 1}篇\n"
            f"{speaker}\n"
            f"——{_chinese_year(year)}年{_chinese_number(month)}月{_chinese_number(day)}日"
            f"在{PLACES[i % len(PLACES)]}讲\n"
            f"{body}\n"
        )
        data = text.encode("utf-8")
        size += len(data)
        (project / "raw" / f"speech-{i:05d}.txt").write_bytes(data)
    return size / 1e6


#: The commands run as a user's Python runs them: with its bytecode cache. A developer's
#: ``PYTHONDONTWRITEBYTECODE`` would have every command compile the project's modules again.
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _run(command: list[str], cwd: Path, **env: str) -> float:
    started = time.monotonic()
    result = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, check=False, env=ENVIRONMENT | env
    )
    if result.returncode not in (0, 1):
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit(f"bench: {' '.join(command)} failed with {result.returncode}")
    return time.monotonic() - started


def _book(*args: str) -> list[str]:
    return [sys.executable, "-m", "build_tools", *args]


def measure(n: int, base: Path) -> Result:
    project = base / f"n{n}"
    result = Result(n)
    result.raw_mb = make_collection(n, project)
    result.import_s = _run(_book("import", "--no-progress"), project)
    result.parse_only_s = _run(
        [sys.executable, "-m", "sphinx", "-b", "dummy", "-q", "-c", ".",
         "-d", "_build/doctrees/dummy", "source", "_build/dummy"],
        project,
    )  # fmt: skip
    # One edition, one core, the same options throughout, so that the rebuild after an edit
    # is compared with the full build it follows.
    one = ("--variant", "zh-Hans", "-j", "1", "--no-progress")
    result.html_s["zh-Hans"] = _run(_book("build", "--builder", "html", *one), project)
    result.epub_s = _run(_book("build", "--builder", "epub", *one), project)
    result.pdf_s = _run(_book("build", "--builder", "pdf", *one), project)
    pdfs = (project / "_build" / "site" / "downloads").glob("speeches-zh-Hans*.pdf")
    result.pdf_mb = sum(pdf.stat().st_size for pdf in pdfs) / 1e6
    edited = sorted((project / "source" / "speeches").glob("*.md"))[n // 2]
    # The rebuild, then the same with one speed-up switched off each: what each is worth.
    for name, switch in (
        ("rebuild_s", {}),
        ("rebuild_collected_s", {"BOOK_FREEZE_HEAP": "0"}),
        ("rebuild_deflated_s", {"BOOK_ZIP_REUSE": "0"}),
    ):
        with edited.open("a", encoding="utf-8") as f:
            f.write(f"\n编者按：此段为基准测试而加（{name}）。\n")
        setattr(
            result, name, _run(_book("build", "--builder", "html,epub", *one), project, **switch)
        )
    result.rebuild_pdf_s = _run(_book("build", "--builder", "pdf", *one), project)
    result.html_s["zh-Hant"] = _run(
        _book("build", "--builder", "html", "--variant", "zh-Hant", "-j", "1", "--no-progress"),
        project,
    )
    shutil.rmtree(project / "_build" / "site")
    shutil.rmtree(project / "_build" / "doctrees")
    result.both_editions_s = _run(
        _book("build", "--builder", "html", "--variant", "zh-Hans zh-Hant", "--no-progress"),
        project,
    )
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result.peak_rss_mb = peak_kb / 1024
    return result


#: A word, a four-character phrase and a speaker's name of the scaled collections.
SEARCH_QUERIES = ("发展", "改革开放", "李明")


@dataclass
class SearchResult:
    n: int
    bundle_mb: float = 0.0
    index_s: float = 0.0
    #: query → KB transferred: everything ("total") and the index's own data ("data").
    query_kb: dict[str, dict[str, float]] = field(default_factory=dict)


def search_project(n: int, base: Path) -> Path:
    """A project of N speeches whose zh-Hans site is built: the main run's, or a new one."""
    project = base / f"n{n}"
    if not (project / "_build" / "site" / "zh-Hans" / "pagefind").is_dir():
        make_collection(n, project)
        _run(_book("import", "--no-progress"), project)
        _run(_book("build", "--builder", "html", "--variant", "zh-Hans", "--no-progress"), project)
    return project


def measure_search(n: int, project: Path) -> SearchResult:
    """The bundle of the zh-Hans edition, made again to time Pagefind alone, and what each
    query in ``SEARCH_QUERIES`` transfers from a local server to a fresh Chromium."""
    from build_tools.sphinx_ext.search_bundle import write_bundle
    from build_tools.sphinx_ext.search_pagefind import BUNDLE, RECORDS

    result = SearchResult(n)
    site = project / "_build" / "site"
    bundle = site / "zh-Hans" / BUNDLE
    records = project / "_build" / "doctrees" / "zh-Hans" / RECORDS
    started = time.monotonic()
    write_bundle(records, project / "_build" / "bench-bundle")
    result.index_s = time.monotonic() - started
    shutil.rmtree(project / "_build" / "bench-bundle")
    result.bundle_mb = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file()) / 1e6
    result.query_kb = query_bytes(site, "zh-Hans", SEARCH_QUERIES)
    return result


def query_bytes(site: Path, edition: str, queries: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """KB each query's search page fetches of the Pagefind bundle (pagefind.js, its WebAssembly,
    the index chunks, filters and the fragments of the results shown), cache empty."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import quote

    from playwright.sync_api import sync_playwright

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        return {}
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/{edition}/search.html?q="
    found: dict[str, dict[str, float]] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(chromium), args=["--no-sandbox", "--headless"]
            )
            for query in queries:
                context = browser.new_context()
                page = context.new_page()
                sizes: dict[str, int] = {}
                page.on(
                    "requestfinished",
                    lambda r, sizes=sizes: sizes.__setitem__(r.url, r.sizes()["responseBodySize"]),
                )
                page.goto(base + quote(query))
                page.wait_for_selector("#book-search[data-count], #book-search[data-error]")
                page.wait_for_load_state("networkidle")
                ours = {url: size for url, size in sizes.items() if "/pagefind/" in url}
                data = sum(size for url, size in ours.items() if re.search(r"\.pf_", url))
                found[query] = {"total": sum(ours.values()) / 1e3, "data": data / 1e3}
                context.close()
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    return found


def search_markdown(results: list[SearchResult]) -> str:
    lines = [
        "| N | bundle MB | Pagefind indexing s | "
        + " | ".join(f"{q}: KB (index data)" for q in SEARCH_QUERIES)
        + " |",
        "|" + "---|" * (3 + len(SEARCH_QUERIES)),
    ]
    for r in results:
        cells = [
            f"{r.query_kb[q]['total']:.0f} ({r.query_kb[q]['data']:.0f})"
            if q in r.query_kb
            else "–"
            for q in SEARCH_QUERIES
        ]
        lines.append(f"| {r.n} | {r.bundle_mb:.2f} | {r.index_s:.2f} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def conversion_rates() -> dict[str, float]:
    """Characters per second of the project's conversion path (``convert_myst``, OpenCC
    inside) for each edition that converts Simplified text: best of three on 2 M characters."""
    from bench.variants_bench import measure
    from build_tools.variants import table

    return {
        edition.name: measure(2_000_000, variant=edition.name)
        for edition in table.VARIANTS
        if edition.config_for("hans") is not None
    }


def report_markdown(results: list[Result], rates: dict[str, float] | None = None) -> str:
    lines = [
        "| N | raw MB | import s | MB/s | parse-only s | HTML zh-Hans s | HTML zh-Hant s "
        "| both editions s | EPUB s | PDF s | PDF MB | rebuild s | rebuild, heap collected s "
        "| rebuild, zips deflated whole s | PDF rebuild s | HTML/parse | rebuild/full | peak MB |",
        "|" + "---|" * 18,
    ]
    for r in results:
        ratios = r.ratios
        lines.append(
            f"| {r.n} | {r.raw_mb:.1f} | {r.import_s:.1f} | {ratios['import_mb_per_s']:.1f} "
            f"| {r.parse_only_s:.1f} | {r.html_s.get('zh-Hans', 0):.1f} "
            f"| {r.html_s.get('zh-Hant', 0):.1f} | {r.both_editions_s:.1f} | {r.epub_s:.1f} "
            f"| {r.pdf_s:.1f} | {r.pdf_mb:.1f} "
            f"| {r.rebuild_s:.2f} | {r.rebuild_collected_s:.2f} | {r.rebuild_deflated_s:.2f} "
            f"| {r.rebuild_pdf_s:.1f} "
            f"| {ratios['html_over_parse']:.2f} "
            f"| {ratios['rebuild_over_full']:.3f} | {r.peak_rss_mb:.0f} |"
        )
    by_n = {r.n: r for r in results}
    if 1000 in by_n and 5000 in by_n:
        growth = by_n[5000].html_s["zh-Hans"] / by_n[1000].html_s["zh-Hans"]
        lines.append(f"\nGrowth of the HTML build from N=1,000 to N=5,000: {growth:.2f}×")
    if rates:
        lines.append(
            "OpenCC conversion through the project's path (M chars/s): "
            + ", ".join(f"{name} {rate / 1e6:.1f}" for name, rate in rates.items())
        )
    return "\n".join(lines) + "\n"


#: The series of the plot: label, colour, and how to read the seconds off a result.
SERIES = (
    ("import", "#7f7f7f", lambda r: r.import_s),
    ("parse only (sphinx -b dummy)", "#1f77b4", lambda r: r.parse_only_s),
    ("HTML, zh-Hans", "#d62728", lambda r: r.html_s.get("zh-Hans", 0.0)),
    ("both editions, in parallel", "#9467bd", lambda r: r.both_editions_s),
    ("EPUB", "#2ca02c", lambda r: r.epub_s),
    ("rebuild after one edit", "#ff7f0e", lambda r: r.rebuild_s),
)


def plot_svg(results: list[Result]) -> str:
    """Time against N, both axes logarithmic (a straight line of slope 1 is linear growth),
    as a self-contained SVG."""
    width, height, left, right, top, bottom = 720, 440, 60, 230, 20, 50
    ns = [r.n for r in results]
    times = [t for r in results for _, _, read in SERIES if (t := read(r)) > 0]
    if not ns or not times:
        return '<svg xmlns="http://www.w3.org/2000/svg"/>\n'
    n_lo, n_hi = math.log10(min(ns)), math.log10(max(ns))
    t_lo, t_hi = math.floor(math.log10(min(times))), math.ceil(math.log10(max(times)))
    n_span, t_span = (n_hi - n_lo) or 1.0, (t_hi - t_lo) or 1

    def x(n: float) -> float:
        return left + (math.log10(n) - n_lo) / n_span * (width - left - right)

    def y(t: float) -> float:
        return height - bottom - (math.log10(t) - t_lo) / t_span * (height - top - bottom)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    for exponent in range(t_lo, t_hi + 1):
        t = 10.0**exponent
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(t):.1f}" y2="{y(t):.1f}" '
            'stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end">{t:g} s</text>'
        )
    for n in ns:
        parts.append(
            f'<line x1="{x(n):.1f}" x2="{x(n):.1f}" y1="{top}" y2="{height - bottom}" '
            'stroke="#ddd"/>'
            f'<text x="{x(n):.1f}" y="{height - bottom + 16}" text-anchor="middle">{n:,}</text>'
        )
    parts.append(
        f'<text x="{(left + width - right) / 2:.0f}" y="{height - 12}" text-anchor="middle">'
        "speeches (N)</text>"
    )
    for row, (label, colour, read) in enumerate(SERIES):
        points = [(x(r.n), y(t)) for r in results if (t := read(r)) > 0]
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        parts.append(
            f'<polyline class="series" points="{path}" fill="none" stroke="{colour}" '
            'stroke-width="2"/>'
        )
        parts += [
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>' for px, py in points
        ]
        legend_y = top + 10 + 20 * row
        parts.append(
            f'<line x1="{width - right + 15}" x2="{width - right + 35}" y1="{legend_y}" '
            f'y2="{legend_y}" stroke="{colour}" stroke-width="2"/>'
            f'<text x="{width - right + 40}" y="{legend_y + 4}">{escape(label)}</text>'
        )
    parts.append("</svg>\n")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__)
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "100,1000,5000"))
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "bench")
    parser.add_argument(
        "--search-sizes", default=os.environ.get("BENCH_SEARCH_SIZES", "10,500,5000")
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    print("bench: conversion …", file=sys.stderr, flush=True)
    rates = conversion_rates()  # first, on a quiet machine
    results: list[Result] = []
    table, report = "", {"results": [], "conversion_chars_per_s": rates}
    for n in (int(s) for s in args.sizes.split(",") if s):
        print(f"bench: N = {n} …", file=sys.stderr, flush=True)
        results.append(measure(n, args.out))
        table = report_markdown(results, rates)
        (args.out / "report.md").write_text(table, encoding="utf-8")
        (args.out / "time-vs-n.svg").write_text(plot_svg(results), encoding="utf-8")
        report = {
            "results": [{**asdict(r), "ratios": r.ratios} for r in results],
            "conversion_chars_per_s": rates,
        }
        (args.out / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    searches = []
    for n in (int(s) for s in args.search_sizes.split(",") if s):
        print(f"bench: search at N = {n} …", file=sys.stderr, flush=True)
        searches.append(measure_search(n, search_project(n, args.out)))
        table = report_markdown(results, rates) + "\n" + search_markdown(searches)
        (args.out / "report.md").write_text(table, encoding="utf-8")
        report["search"] = [asdict(r) for r in searches]
        (args.out / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
