"""A book too large to typeset whole: its parts are printed on their own, the pages link only
to the PDFs that exist, and a warning names each book left out (``book_pdf_max_characters``)."""

from __future__ import annotations

import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from build_tools import han

pytestmark = [
    pytest.mark.filterwarnings(f"ignore::sphinx.deprecation.RemovedInSphinx11Warning:{m}")
    for m in ("sphinx_book_theme", "myst_parser", "pydata_sphinx_theme", "sphinxext")
]


def build(srcdir: Path, builder: str, **overrides: object) -> tuple[Path, str]:
    warning = StringIO()
    app = SphinxTestApp(
        builder,
        srcdir=srcdir,
        builddir=srcdir / "_build",
        confoverrides={"book_variant": "zh-Hans", **overrides},
        status=StringIO(),
        warning=warning,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return Path(app.outdir), warning.getvalue()


def characters(srcdir: Path, year: str) -> int:
    """Han characters of a year's speeches, front matter included (a little over the text)."""
    return sum(
        han.count(path.read_text(encoding="utf-8"))
        for path in (srcdir / "speeches").glob(f"{year}-*.md")
    )


def test_only_books_under_the_limit_are_typeset_and_linked(rootdir: Path, tmp_path: Path) -> None:
    srcdir = tmp_path / "project"
    shutil.copytree(rootdir / "test-pdf", srcdir)
    small, large = characters(srcdir, "2021"), characters(srcdir, "2020")
    assert small < large
    limit = small + 1  # the 2021 part fits; the 2020 part and the whole book do not

    out, warnings = build(srcdir, "pdf", book_pdf_max_characters=limit)
    assert sorted(p.name for p in out.glob("*.pdf")) == ["speeches-zh-Hans-2021.pdf"]
    left_out = re.findall(
        r"(speeches-zh-Hans[-0-9]*\.pdf) is not typeset: .*\[book\.pdf-size\]", warnings
    )
    assert left_out == ["speeches-zh-Hans.pdf", "speeches-zh-Hans-2020.pdf"]

    site, _ = build(srcdir, "html", book_pdf_max_characters=limit)
    page = next((site / "speeches").glob("2021-*.html")).read_text(encoding="utf-8")
    links = set(re.findall(r'href="[./]*downloads/([^"]+)"', page))
    assert links >= {
        "speeches-zh-Hans.epub",
        "speeches-zh-Hans-2021.epub",
        "speeches-zh-Hans-2021.pdf",
    }
    assert "speeches-zh-Hans.pdf" not in links  # the whole book is not printed
    page = next((site / "speeches").glob("2020-*.html")).read_text(encoding="utf-8")
    assert not re.search(r'downloads/[^"]+\.pdf"', page)


def test_a_book_under_the_default_limit_is_typeset_whole(rootdir: Path, tmp_path: Path) -> None:
    srcdir = tmp_path / "project"
    shutil.copytree(rootdir / "test-pdf", srcdir)
    out, warnings = build(srcdir, "pdf")
    assert "book.pdf-size" not in warnings
    assert (out / "speeches-zh-Hans.pdf").is_file()
