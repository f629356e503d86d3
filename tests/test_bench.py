"""``make bench``'s own parts: the scaled collection and the report. (Timings are never
asserted; the benchmark itself is ``make bench``.)"""

from __future__ import annotations

import hashlib
from pathlib import Path
from xml.etree import ElementTree

from bench.book_bench import SERIES, Result, make_collection, plot_svg, report_markdown

SVG = "{http://www.w3.org/2000/svg}"


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.txt"))
    }


def test_scaled_collection_is_deterministic_and_distinct(tmp_path: Path) -> None:
    size = make_collection(12, tmp_path / "a")
    make_collection(12, tmp_path / "b")
    assert _digest(tmp_path / "a" / "raw") == _digest(tmp_path / "b" / "raw")
    assert size > 0 and len(_digest(tmp_path / "a" / "raw")) == 12
    heads = [
        p.read_text(encoding="utf-8").split("\n", 3)[:3]
        for p in (tmp_path / "a" / "raw").glob("*.txt")
    ]
    assert len({head[0] for head in heads}) == 12  # distinct titles
    assert len({head[2] for head in heads}) == 12  # distinct dates and places


def test_plot_has_one_line_per_series_through_every_size() -> None:
    results = [
        Result(n, import_s=n / 100, parse_only_s=n / 50, html_s={"zh-Hans": n / 30},
               both_editions_s=n / 28, epub_s=n / 60, rebuild_s=n / 400)
        for n in (100, 1000, 5000)
    ]  # fmt: skip
    results[0].rebuild_s = 0.0  # not measured: left out of its line, not drawn at zero
    root = ElementTree.fromstring(plot_svg(results))
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == len(SERIES)
    counts = [len(line.get("points", "").split()) for line in lines]
    assert counts == [3, 3, 3, 3, 3, 2]
    # Log-log: the HTML line (n / 30) lies above the parse-only line (n / 50) everywhere.
    html, parse = (
        [float(p.split(",")[1]) for p in lines[i].get("points", "").split()] for i in (2, 1)
    )
    assert all(h < p for h, p in zip(html, parse, strict=True))  # SVG y grows downwards


def test_report_table_gives_the_ratios() -> None:
    one = Result(1000, raw_mb=8.0, import_s=2.0, parse_only_s=10.0, html_s={"zh-Hans": 20.0},
                 epub_s=5.0, rebuild_s=1.25)  # fmt: skip
    row = report_markdown([one]).splitlines()[2]
    assert "| 4.0 |" in row  # MB/s
    assert "| 2.00 |" in row  # HTML / parse-only
    assert "| 0.050 |" in row  # rebuild / (HTML + EPUB)
