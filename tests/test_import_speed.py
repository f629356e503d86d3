"""Import speed: at least 5 MB of raw text per second on a scaled copy of the sample corpus,
and no quadratic behaviour on one very long line."""

from __future__ import annotations

import time
from pathlib import Path

from build_tools.importing.collection import import_collection
from build_tools.importing.pipeline import convert_raw
from build_tools.records import RawSpeech

CORPUS = Path(__file__).resolve().parent / "fixtures/import/corpus"
REQUIRED = 5.0  #: MB of raw text per second


def scaled_corpus(folder: Path, copies: int) -> int:
    """``copies`` variants of every sample (distinct, so none is a duplicate); their size."""
    samples = [p for p in CORPUS.rglob("*") if p.is_file() and p.name != "SOURCES.md"]
    size = 0
    for copy in range(copies):
        target = folder / f"copy{copy}"
        target.mkdir(parents=True)
        for sample in samples:
            text = sample.read_text(encoding="utf-8").replace("。", f"（{copy}）。")
            (target / sample.name).write_text(text, encoding="utf-8")
            size += len(text.encode("utf-8"))
    return size


def test_import_speed(tmp_path: Path) -> None:
    warm = tmp_path / "warm"
    scaled_corpus(warm, 1)
    import_collection(warm, tmp_path / "warm-source", progress=False)  # dictionaries loaded
    raw = tmp_path / "raw"
    size = scaled_corpus(raw, 60)  # about 10 MB
    start = time.perf_counter()
    report = import_collection(raw, tmp_path / "source", progress=False)
    seconds = time.perf_counter() - start
    assert len(report.created) == 600 and not report.skipped
    speed = size / 1e6 / seconds
    assert speed >= REQUIRED, f"{speed:.1f} MB/s"


def test_one_line_of_five_million_characters() -> None:
    line = '我们要说现代的,自己的话(用活着的白话)...Ein Puppenheim "x" -- 3.5% ' * 100_000
    raw = RawSpeech(path=Path("long.txt"), text="标题\n" + line[:5_000_000], encoding="utf-8")
    start = time.perf_counter()
    speech, _ = convert_raw(raw)
    assert time.perf_counter() - start < 5
    assert len(speech.blocks) == 1
