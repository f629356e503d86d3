"""Importing a collection: pages written once and kept stable, hand edits safe, duplicates
reported, bad files skipped with their reason, a one-screen summary and the exit code."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import opencc
import pytest

from build_tools.errors import ExitCode
from build_tools.importing.batch import import_collection, raw_files

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests/fixtures/import/corpus"
LABOUR = "2010-06-06-laodongju-chuangxianzhengyou"


@pytest.fixture
def book(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the sample corpus as raw/, and an empty source/."""
    raw = tmp_path / "raw"
    shutil.copytree(CORPUS, raw)
    return raw, tmp_path / "source"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_import_and_reimport(book: tuple[Path, Path]) -> None:
    raw, source = book
    before = snapshot(raw)
    report = import_collection(raw, source, progress=False)
    pages = sorted(p.stem for p in (source / "speeches").glob("*.md"))
    assert len(pages) == 10 and LABOUR in pages
    assert report.exit_code == ExitCode.OK and len(report.created) == 10
    assert report.incomplete == (f"{LABOUR} ({raw}/speeches/劳动局创先争优动员讲话稿.txt)",)
    assert snapshot(raw) == before  # raw files are never modified
    state = json.loads((source / ".import-state.json").read_text(encoding="utf-8"))
    assert state["speeches"]["speeches/劳动局创先争优动员讲话稿.txt"]["page"] == LABOUR
    assert not list(source.rglob("*.tmp"))

    written = snapshot(source)
    mtimes = {p: p.stat().st_mtime_ns for p in source.rglob("*") if p.is_file()}
    again = import_collection(raw, source, progress=False)
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 10)
    assert snapshot(source) == written
    assert {p: p.stat().st_mtime_ns for p in source.rglob("*") if p.is_file()} == mtimes


def test_summary(book: tuple[Path, Path]) -> None:
    raw, source = book
    (raw / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(16))
    report = import_collection(raw, source, progress=False)
    assert report.summary() == "\n".join(
        [
            f"imported 10 speeches into {source}/speeches (10 new, 0 updated), 0 unchanged",
            "skipped: 1",
            f"  {raw}/broken.txt: this is a PNG image, not text; move it out of the raw folder",
            "incomplete (the text stops mid-sentence): 1",
            f"  {LABOUR} ({raw}/speeches/劳动局创先争优动员讲话稿.txt)",
            "warnings: 1 (import.incomplete 1)",
            f"  {raw}/speeches/劳动局创先争优动员讲话稿.txt: WARNING: the text stops mid-sentence "
            "(…，努力实践，保证创先争优); marked incomplete [book.import.incomplete]",
        ]
    )
    assert report.exit_code == ExitCode.INPUT  # the rest was imported


def test_progress_bar_on_stderr(
    book: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    raw, source = book
    import_collection(raw, source, progress=True)
    captured = capsys.readouterr()
    assert captured.out == "" and "10/10" in captured.err


def test_hand_edits_are_kept(book: tuple[Path, Path]) -> None:
    raw, source = book
    import_collection(raw, source, progress=False)
    page = source / "speeches" / f"{LABOUR}.md"
    edited = page.read_text(encoding="utf-8").replace("根据市委的统一部署", "根据市委的部署")
    page.write_text(edited, encoding="utf-8")

    unchanged = import_collection(raw, source, progress=False)  # raw unchanged: nothing to say
    assert page.read_text(encoding="utf-8") == edited and not unchanged.warnings[1:]

    speech = raw / "speeches/劳动局创先争优动员讲话稿.txt"
    speech.write_text(
        speech.read_text(encoding="utf-8").replace("四点意见", "三点意见"), encoding="utf-8"
    )
    report = import_collection(raw, source, progress=False)
    assert page.read_text(encoding="utf-8") == edited
    [warning] = [w for w in report.warnings if w.code == "import.hand-edited"]
    assert warning.format() == (
        f"{speech}: WARNING: {LABOUR}.md was edited by hand since the last import, and the "
        "import now gives another text; it is not written (compare, then re-run with --force "
        "to overwrite; a backup is kept) [book.import.hand-edited]"
    )
    assert report.exit_code == ExitCode.OK

    forced = import_collection(raw, source, force=True, progress=False)
    assert forced.updated == (LABOUR,)
    assert "三点意见" in page.read_text(encoding="utf-8")
    [backup] = (source / ".import-backups").glob(f"{LABOUR}.*.md.bak")
    assert backup.read_text(encoding="utf-8") == edited


def test_changed_raw_rewrites_an_untouched_page(book: tuple[Path, Path]) -> None:
    raw, source = book
    import_collection(raw, source, progress=False)
    speech = raw / "speeches/鲁迅-读书杂谈.txt"
    speech.write_text(speech.read_text(encoding="utf-8") + "\n补记一句。\n", encoding="utf-8")
    report = import_collection(raw, source, progress=False)
    assert report.updated == ("undated-07-16-dushu-zatan",)
    assert "补记一句。" in (source / "speeches/undated-07-16-dushu-zatan.md").read_text(
        encoding="utf-8"
    )


def test_a_page_that_is_not_ours_is_not_overwritten(book: tuple[Path, Path]) -> None:
    raw, source = book
    (source / "speeches").mkdir(parents=True)
    (source / "speeches" / f"{LABOUR}.md").write_text("# 手写的页面\n", encoding="utf-8")
    report = import_collection(raw, source, progress=False)
    assert (source / "speeches" / f"{LABOUR}.md").read_text(encoding="utf-8") == "# 手写的页面\n"
    assert f"{LABOUR}-2" in report.created  # the speech gets a page of its own


def test_duplicates_are_reported_not_published_twice(book: tuple[Path, Path]) -> None:
    raw, source = book
    import_collection(raw, source, progress=False)  # the original already has its page
    original = raw / "speeches/鲁迅-未有天才之前.txt"
    copy = raw / "another-site/未有天才之前（转载）.txt"
    copy.parent.mkdir()
    text = original.read_text(encoding="utf-8").replace(",", "，")  # another site's punctuation
    copy.write_text("转载\n" + text, encoding="utf-8")
    big5 = raw / "traditional/未有天才之前.txt"
    big5.parent.mkdir()
    big5.write_bytes(opencc.OpenCC("s2tw").convert(text).encode("big5", errors="replace"))
    report = import_collection(raw, source, progress=False)
    assert len(list((source / "speeches").glob("*.md"))) == 10
    assert report.unchanged and not report.created
    assert sorted((d.origin, d.original) for d in report.duplicates) == [
        (str(copy), str(original)),
        (str(big5), str(original)),
    ]
    assert "duplicates (not published twice): 2" in report.summary()
    assert sum(w.code == "import.duplicate" for w in report.warnings) == 2


def test_same_page_names_stay_distinct_and_stable(tmp_path: Path) -> None:
    raw, source = tmp_path / "raw", tmp_path / "source"
    raw.mkdir()
    for name in ("a.txt", "b.txt"):
        (raw / name).write_text(
            f"同一个标题\n——2020年1月1日在北京讲\n这是{name}的不同内容。", encoding="utf-8"
        )
    import_collection(raw, source, progress=False)
    pages = sorted(p.stem for p in (source / "speeches").glob("*.md"))
    assert pages == ["2020-01-01-tongyige-biaoti", "2020-01-01-tongyige-biaoti-2"]
    (raw / "a.txt").write_text("改了标题\n——2020年1月1日在北京讲\n内容也改了。", encoding="utf-8")
    import_collection(raw, source, progress=False)
    assert sorted(p.stem for p in (source / "speeches").glob("*.md")) == pages
    page = (source / "speeches/2020-01-01-tongyige-biaoti.md").read_text(encoding="utf-8")
    assert "# 改了标题" in page


def test_bad_files_are_skipped_with_their_reason(tmp_path: Path) -> None:
    raw, source = tmp_path / "raw", tmp_path / "source"
    raw.mkdir()
    (raw / "good.txt").write_text("好标题\n正文。", encoding="utf-8")
    (raw / "empty.txt").write_bytes(b"")
    (raw / "rows.csv").write_text("title,text\n甲,正文。\n乙,\n", encoding="utf-8")
    report = import_collection(raw, source, progress=False)
    assert [(s.origin, s.reason) for s in report.skipped] == [
        (f"{raw}/empty.txt", "the file is empty; there is nothing to import"),
        (f"{raw}/rows.csv:2", "the text column 'text' is empty"),
    ]
    assert len(report.created) == 2 and report.exit_code == ExitCode.INPUT


def test_what_is_not_a_speech(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    for name in (
        "a.txt",
        "a.yml",
        ".hidden.txt",
        ".git/x.txt",
        "SOURCES.md",
        "README.md",
        "readme.txt",
        "b.md~",
        "sub/c.csv",
        "boilerplate.yml",
    ):
        (raw / name).parent.mkdir(parents=True, exist_ok=True)
        (raw / name).write_text("x", encoding="utf-8")
    assert [p.relative_to(raw).as_posix() for p in raw_files(raw)] == ["a.txt", "sub/c.csv"]


def test_user_boilerplate_rules(tmp_path: Path) -> None:
    raw, source = tmp_path / "raw", tmp_path / "source"
    raw.mkdir()
    (raw / "boilerplate.yml").write_text(
        "drop_lines:\n  - pattern: '^欢迎访问.*网站$'\n    why: our site's greeting\n"
        "metadata_lines:\n  - '^栏目[:：](?P<category>.+)$'\n",
        encoding="utf-8",
    )
    (raw / "x.txt").write_text("标题\n歡迎訪問某某網站\n欄目：講話\n正文。", encoding="utf-8")
    import_collection(raw, source, progress=False)
    [page] = (source / "speeches").glob("*.md")
    text = page.read_text(encoding="utf-8")
    assert "category: 講話" in text and "網站" not in text


def test_workers_import_what_one_process_imports(
    book: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enough files to be built in worker processes: the pages, the state, the duplicates
    and the skipped files are those a one-process import gives."""
    from build_tools.importing import batch

    raw, _ = book
    texts = sorted(CORPUS.rglob("*.txt"))
    for copy in range(batch.PARALLEL_FROM):  # near-copies: reported as duplicates
        original = texts[copy % len(texts)]
        shutil.copy(original, raw / f"copy-{copy:03d}{original.suffix}")
    for number in range(8):  # same titles, different texts: distinct pages -2, -3, …
        (raw / f"same-{number}.txt").write_text(
            f"同一个标题\n——2020年1月1日在北京讲\n第{number}篇，内容各不相同。", encoding="utf-8"
        )
    (raw / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(16))
    assert len(raw_files(raw)) >= batch.PARALLEL_FROM

    parallel = import_collection(raw, raw.parent / "parallel", progress=False)
    monkeypatch.setattr(batch, "PARALLEL_FROM", 10**9)
    serial = import_collection(raw, raw.parent / "serial", progress=False)

    assert snapshot(raw.parent / "parallel") == snapshot(raw.parent / "serial")
    assert parallel.summary().replace("/parallel/", "/serial/") == serial.summary()
    assert len(parallel.duplicates) >= len(texts) and len(parallel.skipped) == 1
    assert "2020-01-01-tongyige-biaoti-8" in parallel.created
