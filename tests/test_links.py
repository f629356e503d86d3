"""Every internal link and anchor resolves: in the link checker's own cases, in the ``book``
test root built as a site (both editions) and as an EPUB, and in the built sample book."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from sphinx.cmd.build import build_main

from build_tools.sphinx_ext.linkcheck import check_links

pytestmark = [
    pytest.mark.filterwarnings(f"ignore::sphinx.deprecation.RemovedInSphinx11Warning:{module}")
    for module in ("sphinx_sitemap", "sphinx_book_theme", "myst_parser", "pydata_sphinx_theme")
]

EDITIONS = ("zh-Hans", "zh-Hant")


def sphinx(srcdir: Path, out: Path, doctrees: Path, edition: str, builder: str = "html") -> None:
    """One strict build, as ``python -m build_tools build --strict`` runs it."""
    args = ["-q", "-b", builder, "-W", "--keep-going", "-n", "-d", str(doctrees)]
    args += ["-D", f"book_variant={edition}", "-D", f"book_editions={','.join(EDITIONS)}"]
    assert build_main([*args, str(srcdir), str(out)]) == 0


@pytest.fixture(scope="module")
def book(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("links")
    shutil.copytree(rootdir / "test-book", work / "src")
    return work


def test_site_of_both_editions_has_no_broken_link(book: Path) -> None:
    site = book / "site"
    for edition in EDITIONS:
        sphinx(book / "src", site / edition, book / "doctrees" / edition, edition)
    # The EPUB stage writes these; stand-ins here, named as the pages expect them.
    parts = json.loads((book / "src" / "_collection" / "parts.json").read_text(encoding="utf-8"))
    (site / "downloads").mkdir()
    for edition in EDITIONS:
        for suffix in ["", *(f"-{part['key']}" for part in parts["parts"])]:
            for ext in ("epub", "pdf"):  # the pdf builder's books as well
                (site / "downloads" / f"speeches-{edition}{suffix}.{ext}").write_bytes(b"")
    assert check_links(site) == []
    # The edition switch is a link like any other: it needs the other edition beside it.
    shutil.rmtree(site / "zh-Hant")
    broken = check_links(site)
    assert broken and all(re.search(r": (\.\./)+zh-Hant/\S+: no such file$", p) for p in broken)


def test_epub_has_no_broken_link(book: Path) -> None:
    out = book / "epub"
    sphinx(book / "src", out, book / "doctrees" / "zh-Hans", "zh-Hans", builder="epub")
    # The folder is the book; the builder writes its zip into downloads/ beside it.
    assert (out / "content.opf").is_file() and not list(out.glob("*.epub"))
    assert check_links(out) == []


@pytest.mark.build
def test_built_sample_book_has_no_broken_link(built_book: Path) -> None:
    assert check_links(built_book) == []


# -- the checker itself ----------------------------------------------------------------------


def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_checker_reports_missing_files_anchors_and_escapes(tmp_path: Path) -> None:
    write(tmp_path, "index.html", '<p id="top"><a href="a/b.html#x">b</a> <a href="#top">t</a>'
          '<a href="#nowhere">n</a><a href="https://example.org/x">e</a><a href="mailto:a@b">m</a>'
          '<img src="missing.png"><a href="../outside.html">o</a><a href="dl/x.epub">d</a>'
          '<a href="sub/">dir</a><a href="a/b.html?q=1#%E4%B8%AD">q</a></p>')  # fmt: skip
    write(tmp_path, "a/b.html", '<h1 id="x">b</h1><span id="中"></span><a name="n"></a>'
          '<link rel="stylesheet" href="../s.css"><a href="../index.html#top">b</a>')  # fmt: skip
    write(tmp_path, "s.css", "/* url(gone.png) */ a { background: url('img/bg.png') }")
    write(tmp_path, "sub/index.html", "<p>sub</p>")
    write(tmp_path, "_static/macros.html", "<script src=\"{{ pathto('x.js', 1) }}\"></script>")
    assert check_links(tmp_path) == [
        "index.html: #nowhere: no anchor #nowhere in index.html",
        "index.html: ../outside.html: points outside the checked folder",
        "index.html: dl/x.epub: no such file",
        "index.html: missing.png: no such file",
        "s.css: img/bg.png: no such file",
    ]
    assert check_links(tmp_path, ignore=["dl/*.epub", "img/*", "missing.png"]) == [
        "index.html: #nowhere: no anchor #nowhere in index.html",
        "index.html: ../outside.html: points outside the checked folder",
    ]


def test_checker_reads_epub_package_and_ncx_files(tmp_path: Path) -> None:
    write(tmp_path, "content.opf", '<package><manifest><item href="a.xhtml"/>'
          '<item href="gone.xhtml"/></manifest></package>')  # fmt: skip
    write(tmp_path, "toc.ncx", '<ncx><navMap><content src="a.xhtml#s1"/></navMap></ncx>')
    write(tmp_path, "a.xhtml", '<html><body><section id="s1"/></body></html>')
    assert check_links(tmp_path) == ["content.opf: gone.xhtml: no such file"]
