"""The command line: help for every subcommand, usage errors with exit code 2."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from build_tools.cli import main

COMMANDS = ("import", "convert", "build", "variant", "variants-report")


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m build_tools`` in an empty folder: a command meant to stop at its arguments
    can never import into, or build from, the repository's own project."""
    with tempfile.TemporaryDirectory() as empty:
        return subprocess.run(
            [sys.executable, "-m", "build_tools", *args],
            cwd=empty, input=stdin, capture_output=True, text=True, encoding="utf-8", check=False,
        )  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: python -m build_tools {command}")


def test_unknown_edition_is_a_usage_error() -> None:
    result = run("build", "--variant", "zh-XX")
    assert result.returncode == 2
    assert result.stderr.endswith(
        "error: argument --variant: unknown edition 'zh-XX'; "
        "known editions: zh-Hans, zh-Hant, zh-TW, zh-HK\n"
    )


def test_unknown_builder_is_a_usage_error() -> None:
    result = run("build", "--builder", "html,docx")
    assert result.returncode == 2
    assert result.stderr.endswith(
        "error: argument --builder: unknown builder 'docx'; known: html, epub, pdf, all\n"
    )


def test_builders_are_named_together() -> None:
    from build_tools.cli import _builder_list

    assert _builder_list("html,epub") == {"html", "epub"}
    assert _builder_list("all") == {"all"}


def test_missing_raw_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--root", str(tmp_path), "import", "--raw", "nowhere", "--no-progress"])
    assert code == 2
    assert capsys.readouterr().err == "usage error: no such folder: nowhere (pass --raw FOLDER)\n"


def test_convert_missing_file_names_it(tmp_path: Path) -> None:
    result = run("convert", str(tmp_path / "missing.txt"))
    assert result.returncode == 3
    assert str(tmp_path / "missing.txt") in result.stderr
    assert result.stderr.startswith("input error: ")


def test_column_option_names_columns_the_importer_does_not_know(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "rows.csv").write_text(
        "名称,讲稿,讲话日期\n在大会上的讲话,同志们：今天的会议很重要。,2021-03-05\n",
        encoding="utf-8",
    )
    base = ["--root", str(tmp_path), "import", "--no-progress"]
    assert main([*base, "--strict"]) == 3
    assert "name it with --column (for example --column text=正文)" in capsys.readouterr().out
    assert main(base) == 0  # not strict: the unusable file is listed and skipped
    assert "name it with --column (for example --column text=正文)" in capsys.readouterr().out

    assert main([*base, "--column", "text=讲稿", "--column", "title=名称"]) == 0
    page = tmp_path / "source" / "speeches" / "2021-03-05-zai-dahui-shang-de-jianghua.md"
    text = page.read_text(encoding="utf-8")
    assert "title: 在大会上的讲话" in text and "同志们：今天的会议很重要。" in text

    columns = ("--column", "text=讲稿", "--column", "title=名称")
    result = run("convert", str(raw / "rows.csv"), *columns, "--json")
    assert result.returncode == 0 and '"title": "在大会上的讲话"' in result.stdout


def test_bad_column_option_is_a_usage_error() -> None:
    result = run("import", "--column", "body")
    assert result.returncode == 2
    assert "argument --column: 'body' is not FIELD=COLUMN with FIELD one of text, title" in (
        result.stderr
    )


def test_convert_archive_names_a_bad_member_and_prints_the_rest(tmp_path: Path) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("good.txt", "好的讲话\n同志们：今天开会。\n")
        archive.writestr("../evil.txt", "坏的讲话\n同志们：今天开会。\n")
    (tmp_path / "pack.zip").write_bytes(buffer.getvalue())
    result = run("convert", str(tmp_path / "pack.zip"))
    assert result.returncode == 3
    assert "title: 好的讲话" in result.stdout and "坏的讲话" not in result.stdout
    assert "pack.zip!/../evil.txt: the member '../evil.txt' would land outside" in result.stderr
