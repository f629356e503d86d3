"""How fast the conversion path is: characters per second, OpenCC alone and through MyST.

``measure(chars)`` times ``convert_myst`` on a MyST document of about ``chars`` characters
made from the sample collection (``source/speeches/*.md`` when imported, else the raw
speeches wrapped in the markup the importer writes).
``PYTHONPATH=tests python -m bench.variants_bench`` prints both numbers for every edition.
A benchmark, never a test: timing decides nothing.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from build_tools.variants import backend, table
from build_tools.variants.convert import convert_myst
from build_tools.variants.dictionary import builtin_dictionary

ROOT = Path(__file__).resolve().parents[2]
_MARKUP_CHARS = re.compile(r"([\\`*_\[\]{}<>#|$%])")  # what the importer escapes
_FALLBACK = "我们要坚持以后来者居上的干劲，发扬实干精神，在这里面对困难、制定制度。"


def _paragraphs() -> list[str]:
    """Body paragraphs of the sample collection, escaped as the importer writes them."""
    imported = sorted((ROOT / "source" / "speeches").glob("*.md"))
    if imported:
        return [p.read_text(encoding="utf-8") for p in imported]
    paragraphs = []
    for path in sorted((ROOT / "raw" / "speeches").glob("*")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for line in text.splitlines():
            if len(line.strip()) > 20:
                paragraphs.append(_MARKUP_CHARS.sub(r"\\\1", line.strip()))
    return paragraphs or [_FALLBACK * 4]


def sample_document(chars: int) -> str:
    """A MyST speech of about ``chars`` characters, with the markup of a real one."""
    paragraphs = _paragraphs()
    if paragraphs[0].startswith("---"):  # imported files: concatenate whole documents' bodies
        head, bodies = paragraphs[0], [p.split("\n---\n", 1)[-1] for p in paragraphs[1:]]
        parts, size, i = [head], len(head), 0
        while size < chars and bodies:
            parts.append(bodies[i % len(bodies)])
            size += len(parts[-1])
            i += 1
        return "\n".join(parts)
    parts = [
        "---\ntitle: 劳动局创先争优动员讲话稿\ndate: '2010-06-06'\nspeaker: 李克强\n"
        "tags: [动员, 讲话]\nsource_url: https://example.com/a\nscript: hans\n---\n\n"
        "# 劳动局创先争优动员讲话稿\n"
    ]
    size, i = len(parts[0]), 0
    while size < chars:
        if i % 12 == 0:
            parts.append(f"\n(bench-h{i})=\n## 第{i // 12 + 1}部分\n")
        paragraph = paragraphs[i % len(paragraphs)]
        if i % 7 == 3:
            paragraph += f"[^{i}]\n\n[^{i}]: 见[说明](https://example.com/{i})和`code`。"
        parts.append("\n" + paragraph + "\n")
        size += len(parts[-1])
        i += 1
    return "".join(parts)


def _best_rate(function: Callable[[str], object], text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function(text)
        best = min(best, time.perf_counter() - started)
    return len(text) / best


def measure(chars: int, *, variant: str = "zh-TW", repeat: int = 3) -> float:
    """Characters per second of ``convert_myst`` to ``variant`` on a ``chars``-sized sample."""
    edition = table.get(variant)
    document = sample_document(chars)
    dictionary = builtin_dictionary()
    convert_myst(document[:1000], edition, dictionary=dictionary)  # build the converter first
    return _best_rate(lambda t: convert_myst(t, edition, dictionary=dictionary), document, repeat)


def measure_raw(chars: int, *, variant: str = "zh-TW", repeat: int = 3) -> float:
    """Characters per second of OpenCC alone (the edition's config for Simplified text)."""
    config = table.get(variant).config_for("hans")
    if config is None:
        return float("inf")
    convert = backend.converter(config)
    return _best_rate(convert, sample_document(chars), repeat)


def main(argv: list[str] | None = None) -> int:
    """Print both rates for each edition that converts Simplified text."""
    args = sys.argv[1:] if argv is None else argv
    chars = int(args[0]) if args else 5_000_000
    print(f"{chars:,} characters of sample MyST; OpenCC {backend.backend().version}")
    for edition in table.VARIANTS:
        if edition.config_for("hans") is None:
            continue
        raw = measure_raw(chars, variant=edition.name)
        path = measure(chars, variant=edition.name)
        print(
            f"{edition.name:8} {edition.config_for('hans'):6} OpenCC {raw / 1e6:6.2f} M/s   "
            f"convert_myst {path / 1e6:6.2f} M/s   ({path / raw:.0%})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
