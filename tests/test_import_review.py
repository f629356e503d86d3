"""The editor's loop: the review table after an import, a sidecar fixing a field, and the
accuracy command over a labelled corpus."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from build_tools.cli import main

SPEECH = (
    "在全市经济工作会议上的讲话\n——2023年1月5日在全市经济工作会议上\n市长 王某某\n"
    "同志们：\n今天召开全市经济工作会议，总结今年工作，部署明年任务。\n"
)
UNDATED = "在开学典礼上的讲话\n同学们：\n今天是开学的日子，欢迎大家回到校园。\n"


def _import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, list[dict]]:
    assert main(["--root", str(tmp_path), "import", "--no-progress"]) == 0
    out = capsys.readouterr().out
    table = (tmp_path / "_build" / "import-report.csv").read_text(encoding="utf-8")
    return out, list(csv.DictReader(io.StringIO(table)))


def test_review_table_says_where_fields_came_from_and_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(SPEECH, encoding="utf-8")
    (raw / "b.txt").write_text(UNDATED, encoding="utf-8")
    (raw / "c.txt").write_bytes(b"")
    out, rows = _import(tmp_path, capsys)
    by_origin = {row["origin"]: row for row in rows}
    a, b, c = by_origin["raw/a.txt"], by_origin["raw/b.txt"], by_origin["raw/c.txt"]
    assert (a["date"], a["date_from"], a["speaker"], a["speaker_from"]) == (
        "2023-01-05", "dateline", "王某某", "speaker line",
    )  # fmt: skip
    assert (a["category"], a["category_from"], a["needs_review"]) == ("讲话", "title (genre)", "")
    assert b["needs_review"] == "yes" and b["notes"] == "date missing; speaker missing"
    assert c["status"] == "skipped" and "the file is empty" in c["notes"]
    assert "review: 1 of the speeches needs a look; the table is " in out
    report = (tmp_path / "_build" / "import-report.md").read_text(encoding="utf-8")
    assert "2 speeches, 1 need review; 1 inputs skipped." in report
    assert "sidecar" in report and "raw/reports/x.yml" in report

    # the fix the report names: a sidecar beside the raw file
    (raw / "b.yml").write_text("date: 2022-09-01\nspeaker: 李某\n", encoding="utf-8")
    _, rows = _import(tmp_path, capsys)
    b = next(row for row in rows if row["origin"] == "raw/b.txt")
    assert (b["date"], b["date_from"], b["speaker_from"], b["needs_review"]) == (
        "2022-09-01", "sidecar", "sidecar", "",
    )  # fmt: skip


def test_evaluate_prints_accuracy_per_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "txt").mkdir(parents=True)
    (corpus / "txt" / "a.txt").write_text(SPEECH + "当前位置：首页\n", encoding="utf-8")
    (corpus / "expected.yml").write_text(
        "- file: txt/a.txt\n  title: 在全市经济工作会议上的讲话\n  date: '2023-01-05'\n"
        "  speaker: 王某某\n  headings: []\n  first: 同志们：\n  last: 部署明年任务。\n"
        "  keep: [总结今年工作]\n  clutter: [当前位置：]\n"
        "- file: txt/a.txt\n  title: 别的标题\n  date: '2023'\n  speaker: null\n"
        "  headings: [一、没有的标题]\n  keep: [没有的句子]\n  clutter: []\n",
        encoding="utf-8",
    )
    assert main(["--root", str(tmp_path), "import", "--evaluate", str(corpus)]) == 0
    out = capsys.readouterr().out
    for row in (
        "| title | 1 | 2 | 50.0% |",
        "| date | 1 | 2 | 50.0% |",
        "| speaker | 1 | 2 | 50.0% |",
        "| headings | 1 | 2 | 50.0% |",
        "| body kept | 1 | 2 | 50.0% |",
        "| clutter removed | 2 | 2 | 100.0% |",
    ):
        assert row in out
    assert "txt/a.txt: title: '别的标题' ≠ '在全市经济工作会议上的讲话'" in out


def test_evaluate_without_labels_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--root", str(tmp_path), "import", "--evaluate", str(tmp_path)]) == 2
    assert "no expected.yml in" in capsys.readouterr().err
