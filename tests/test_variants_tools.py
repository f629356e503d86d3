"""The variants' tools: ambiguity report, CLI commands, backend notice,
the Sphinx role and directive, the benchmark function."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from bench import variants_bench

from build_tools.variants import backend, table
from build_tools.variants.ambiguity_report import ambiguity_report, candidates, format_report
from build_tools.variants.dictionary import EMPTY, builtin_dictionary

ROOT = Path(__file__).resolve().parents[1]
HANS, HANT, TW = table.get("zh-Hans"), table.get("zh-Hant"), table.get("zh-TW")
SPEECH = """\
---
title: 后来
script: hans
---

(x-h1)=
## 一

他是只会说话的人，`后来`太后的头发后来干了。
"""


def _source(tmp_path: Path, text: str = SPEECH) -> Path:
    (tmp_path / "speeches").mkdir()
    (tmp_path / "speeches" / "a.md").write_text(text, encoding="utf-8")
    (tmp_path / "_build").mkdir()
    (tmp_path / "_build" / "skip.md").write_text(SPEECH, encoding="utf-8")
    return tmp_path


# -- candidates and report ----------------------------------------------------------------


def test_candidates_come_from_opencc_dictionaries() -> None:
    hans, hant = candidates()["hans"], candidates()["hant"]
    assert hans["后"] == "後后" and hans["干"].startswith("幹乾干") and "發" in hans["发"]
    for char in "后发干面里台系制":
        assert char in hans
    assert "乾" in hant and "万" not in hant


def test_report_lists_each_place_with_context(tmp_path: Path) -> None:
    found = ambiguity_report(
        _source(tmp_path), HANT, dictionary=builtin_dictionary(), only="后只干"
    )
    places = [(a.line, a.column, a.char, a.chosen, a.by_dictionary) for a in found]
    assert places == [
        (2, 8, "后", "後", False),  # the title in the front matter
        (9, 3, "只", "只", True),  # decided by the built-in dictionary (是只会)
        # column 11, the 后 of `后来`, is code: not reported
        (9, 15, "后", "后", False),  # 太后: the empress, not "after"
        (9, 19, "后", "後", False),
        (9, 21, "干", "幹", False),  # 后来干了: OpenCC's guess; the report shows it
    ]
    # The context is the text around the place, up to the markup (here the code span).
    assert (found[2].before, found[2].after) == ("太后的头发后来干了。", "太后的頭髮後來幹了。")
    assert (found[1].before, found[1].after) == ("他是只会说话的人，", "他是只會說話的人，")


def test_report_skips_build_folders_and_identity(tmp_path: Path) -> None:
    source = _source(tmp_path)
    found = ambiguity_report(source, HANT)
    assert found and {a.path.relative_to(source).parts[0] for a in found} == {"speeches"}
    assert ambiguity_report(source, HANS) == []


def test_format_report(tmp_path: Path) -> None:
    found = ambiguity_report(_source(tmp_path), HANT, dictionary=EMPTY, only="只")
    text = format_report(found, HANT)
    assert text.splitlines() == [
        "Ambiguity report: zh-Hant (繁體)",
        "",
        "1 places, 1 one-to-many characters. Check each place; fix a wrong character in "
        "source/_data/variants-dictionary.txt (see build_tools/variants/README.md). "
        "[dictionary] marks places a dictionary entry decided.",
        "",
        "只 → 隻 ×1",
        "",
        f"{tmp_path}/speeches/a.md:9:3: 只 → 隻 [只隻祇]  他是只会说话的人， → 他是隻會說話的人，",
    ]
    page = format_report(found, HANT, markdown=True)
    assert page.startswith("# Ambiguity report: zh-Hant (繁體)\n") and "\n```text\n" in page


# -- commands -----------------------------------------------------------------------------


def _book(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "build_tools", *args],
        input=stdin, capture_output=True, text=True, encoding="utf-8", cwd=ROOT, check=False,
    )  # fmt: skip


def test_variant_command_converts_stdin() -> None:
    result = _book("variant", "--to", "zh-tw", stdin=SPEECH.replace("他是", "“他是"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith(
        "(x-h1)=\n## 一\n\n「他是只會說話的人，`后来`太后的頭髮後來幹了。\n"
    )
    plain = _book("variant", "--to", "zh-TW", "--plain", "--no-corner-quotes", stdin="“后来”")
    assert plain.stdout == "“後來”"


def test_variant_command_errors() -> None:
    result = _book("variant", "--to", "zh-XX")
    assert result.returncode == 2
    assert (
        "unknown edition 'zh-XX'; known editions: zh-Hans, zh-Hant, zh-TW, zh-HK" in result.stderr
    )
    missing = _book("variant")
    assert missing.returncode == 2 and "--to" in missing.stderr


def test_report_command(tmp_path: Path) -> None:
    source = _source(tmp_path)
    result = _book(
        "variants-report", "--source", str(source), "--variant", "zh-TW", "--chars", "后"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Ambiguity report: zh-TW (臺灣正體)\n")
    assert (
        f"{source}/speeches/a.md:9:15: 后 → 后 [後后]  太后的头发后来干了。 → 太后" in result.stdout
    )
    out = tmp_path / "report.md"
    written = _book("variants-report", "--source", str(source), "--markdown", "--output", str(out))
    assert written.returncode == 0 and out.read_text(encoding="utf-8").startswith("# Ambiguity")
    absent = _book("variants-report", "--source", str(tmp_path / "nowhere"))
    assert absent.returncode == 2 and "no folder" in absent.stderr


# -- backend --------------------------------------------------------------------------------


def test_converter_is_built_once_per_config() -> None:
    assert backend.converter("s2t") is backend.converter("s2t")
    assert backend.converter("tw2t+t2hk")("裡面") == "裏面"
    assert backend.backend().provider == backend.OFFICIAL
    assert backend.backend_notice() is None


@pytest.mark.parametrize(
    ("installed", "expected"),
    [
        ((backend.REIMPLEMENTED,), backend.REIMPLEMENTED_NOTICE),
        ((backend.OFFICIAL, backend.REIMPLEMENTED), "OpenCC: OpenCC, opencc-python-reimplemented"),
        ((backend.PURE_PYTHON,), None),
    ],
)
def test_backend_notice(
    monkeypatch: pytest.MonkeyPatch, installed: tuple[str, ...], expected: str | None
) -> None:
    monkeypatch.setattr(backend, "_installed_providers", lambda: installed)
    backend.backend.cache_clear()
    try:
        notice = backend.backend_notice()
    finally:
        monkeypatch.undo()
        backend.backend.cache_clear()
    if expected is None:
        assert notice is None
    else:
        assert notice is not None and notice.startswith(expected)


def test_reimplemented_notice_says_how_it_falls_short() -> None:
    text = backend.REIMPLEMENTED_NOTICE
    assert "opencc-python-reimplemented" in text and "pip uninstall" in text and "后/後" in text


# -- Sphinx: nocvt renders its content as written ----------------------------------------------


def test_nocvt_role_and_directive_in_sphinx(tmp_path: Path) -> None:
    from sphinx.application import Sphinx

    (tmp_path / "conf.py").write_text(
        "extensions = ['myst_parser']\n"
        "def setup(app):\n"
        "    from build_tools.variants.sphinx_setup import register\n"
        "    register(app)\n",
        encoding="utf-8",
    )
    (tmp_path / "index.md").write_text(
        "# 标题\n\n甲{nocvt}`后来`乙\n\n```{nocvt}\n头发**粗体**\n```\n", encoding="utf-8"
    )
    app = Sphinx(
        tmp_path, tmp_path, tmp_path / "_out", tmp_path / "_dt", "html",
        status=None, warning=None, freshenv=True,
    )  # fmt: skip
    app.build()
    html = (tmp_path / "_out" / "index.html").read_text(encoding="utf-8")
    assert '甲<span class="nocvt">后来</span>乙' in html
    assert '<div class="nocvt docutils container">' in html and "<strong>粗体</strong>" in html
    assert app.config.variants_corner_quotes is True


# -- benchmark (a number, never a verdict) --------------------------------------------------------


def test_bench_measure_returns_a_rate() -> None:
    assert variants_bench.measure(20_000, repeat=1) > 0
    assert len(variants_bench.sample_document(20_000)) >= 20_000
