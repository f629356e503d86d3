"""Typst in a process per batch of books (``pdf_compile``): batches by size, a failing book
reported with Typst's message while the others are typeset."""

from __future__ import annotations

import doctest
from pathlib import Path

from build_tools.sphinx_ext import pdf_compile


def test_docstring_examples() -> None:
    assert doctest.testmod(pdf_compile).failed == 0


def test_each_batch_is_typeset_and_a_failure_is_named(tmp_path: Path) -> None:
    (tmp_path / "good.typ").write_text("Fellow deputies, good morning.\n", encoding="utf-8")
    (tmp_path / "bad.typ").write_text('#panic("the design is broken")\n', encoding="utf-8")
    (tmp_path / "also.typ").write_text("= A heading\nSome text.\n", encoding="utf-8")
    setup = pdf_compile.Setup(root=str(tmp_path), font_dirs=(), inputs=(), epoch=1_700_000_000)
    jobs = [
        pdf_compile.Job(f"{n}.pdf", str(tmp_path / f"{n}.typ")) for n in ("good", "bad", "also")
    ]
    results = pdf_compile.typeset_batches(setup, [jobs[:2], jobs[2:]])
    assert [r.name for r in results] == ["good.pdf", "bad.pdf", "also.pdf"]
    good, bad, also = results
    assert good.data is not None and good.data.startswith(b"%PDF")
    assert also.data is not None and also.data.startswith(b"%PDF")
    assert bad.data is None and "the design is broken" in bad.problems[0]
