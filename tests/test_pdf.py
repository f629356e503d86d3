"""The PDF editions, read back: fonts, text, bookmarks, page size, metadata, same bytes twice.

The sample book's PDFs come from the ``built_book`` build (``make``'s own commands); the
``pdf`` test root (three short speeches in two parts, one of them hostile) is built with
``sphinx.testing`` for what needs a clean or an edited project.
"""

from __future__ import annotations

import pickle
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pypdfium2
import pytest
from docutils import nodes
from fontTools.ttLib import TTFont
from sphinx_build import build

from build_tools.sphinx_ext.pdf_builder import fonts_for
from build_tools.sphinx_ext.typst_writer import join_soft_breaks, text_call, typst_string
from build_tools.variants.table import get

EDITIONS = ("zh-Hans", "zh-Hant")
A5 = (419.53, 595.28)  # points
A4 = (595.28, 841.89)
#: What a page turn may put between two pieces of a paragraph: the footnotes at the foot of
#: the page, the page number, the running head.
PAGE_TURN = 4000
HOSTILE = (
    '正文里的标记字符原样印出：#set page(width: 1cm) #panic("boom") *星号* _下划线_ $x^2$ '
    "`反引号` <label> @ref [方括号](x) \\ ~ / = - + \"直引号\" 'single' // 斜线 /* 块 */ "
    '#"串" --- ... 完。'
)

pytestmark = [
    pytest.mark.filterwarnings(f"ignore::sphinx.deprecation.RemovedInSphinx11Warning:{m}")
    for m in ("sphinx_book_theme", "myst_parser", "pydata_sphinx_theme", "sphinxext")
]


# -- reading a PDF back ---------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    """The text of every page, in order, without whitespace (lines end anywhere in Chinese)."""
    reader = pypdf.PdfReader(path)
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def outline(path: Path) -> list[tuple[int, str]]:
    """The bookmarks as (depth, title), in order."""

    def walk(items: list[object], depth: int) -> Iterator[tuple[int, str]]:
        for item in items:
            if isinstance(item, list):
                yield from walk(item, depth + 1)
            else:
                yield depth, str(item["/Title"])  # type: ignore[index]

    return list(walk(pypdf.PdfReader(path).outline, 1))


def embedded_fonts(path: Path) -> dict[str, bool]:
    """Base font name → whether the font program is embedded, over every page."""
    fonts: dict[str, bool] = {}
    for page in pypdf.PdfReader(path).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            face = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = face.get("/FontDescriptor")
            keys = descriptor.get_object().keys() if descriptor else ()
            fonts[str(font["/BaseFont"])] = any(k.startswith("/FontFile") for k in keys)
    return fonts


def page_sizes(path: Path) -> set[tuple[float, float]]:
    return {
        (round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2))
        for p in pypdf.PdfReader(path).pages
    }


def find_in_order(text: str, expected: str, start: int) -> int:
    """Where ``expected`` ends in ``text`` after ``start``, or -1 when it is not there in
    order. A page turn may cut it in pieces, with up to PAGE_TURN characters between them
    (footnotes, page number, running head); a piece is 6 characters or more, or the end."""
    position, rest = start, expected
    while rest:
        low, high, found = min(6, len(rest)), len(rest), None  # the longest head that fits
        while low <= high:
            middle = (low + high) // 2
            at = text.find(rest[:middle], position)
            if at != -1 and (at - position <= PAGE_TURN or position == 0):
                found, low = (at, middle), middle + 1
            else:
                high = middle - 1
        if found is None:
            return -1
        position, rest = found[0] + found[1], rest[found[1] :]
    return position


def body_texts(doctree: nodes.document) -> tuple[list[str], list[str]]:
    """A speech's paragraphs as the book prints them (with their footnote marks: the book
    numbers the notes of each speech from 1, as docutils does) and its footnotes, from the
    edition's doctree."""

    def printed(paragraph: nodes.paragraph) -> str:
        return re.sub(r"\s+", "", join_soft_breaks(paragraph.astext()))

    paragraphs, notes = [], []
    for paragraph in doctree.findall(nodes.paragraph):
        ancestors = list(_ancestors(paragraph))
        if any(isinstance(a, nodes.footnote) for a in ancestors):
            notes.append(printed(paragraph))
        elif not any(
            isinstance(a, nodes.container | nodes.Admonition | nodes.field_list) for a in ancestors
        ):
            paragraphs.append(printed(paragraph))
    return [p for p in paragraphs if p], [n for n in notes if n]


def _ancestors(node: nodes.Node) -> Iterator[nodes.Node]:
    while node.parent is not None:
        node = node.parent
        yield node


# -- the pieces, without Typst ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "literal"),
    [
        ("普通", '"普通"'),
        ('引"号', '"引\\"号"'),
        ("反\\斜线", '"反\\\\斜线"'),
        ("#set $x$ <a> @b [c] *d* _e_ `f` ~ = - +", '"#set $x$ <a> @b [c] *d* _e_ `f` ~ = - +"'),
        ("行\n尾\t制表\x01", '"行\\n尾\\t制表\\u{1}"'),
    ],
)
def test_text_becomes_a_typst_string(text: str, literal: str) -> None:
    assert typst_string(text) == literal


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("中文\n断行", "中文断行"),
        ("English\nwords", "English words"),
        ("中文 \n  English", "中文English"),
        ("第一行。\n第二行", "第一行。第二行"),
        ("no break", "no break"),
    ],
)
def test_line_breaks_of_the_source_are_no_spaces_between_chinese(text: str, joined: str) -> None:
    assert join_soft_breaks(text) == joined


def test_a_line_break_of_its_own_between_chinese_is_no_space() -> None:
    assert join_soft_breaks("\n", before="段落，", after="它在") == ""
    assert join_soft_breaks("\n", before="two", after="words") == " "


def test_quotation_marks_beside_chinese_are_full_width_and_apostrophes_are_not() -> None:
    assert text_call("他说“好”。") == '#"他说"#fw("“")#"好"#fw("”")#"。"'
    assert text_call("Ibsen’s “Nora”") == '#"Ibsen’s “Nora”"'
    assert text_call("") == ""


# -- the sample book, as ``make`` builds it ------------------------------------------------------


@pytest.fixture(scope="module")
def downloads(built_book: Path) -> Path:
    return built_book / "downloads"


def speeches(project: Path, edition: str) -> list[tuple[str, nodes.document]]:
    """(docname, doctree) of every speech of the sample book, in the whole book's order."""
    doctrees = project / "_build" / "doctrees" / edition
    with (doctrees / "environment.pickle").open("rb") as stream:
        env = pickle.load(stream)
    order = [
        child
        for part in env.toctree_includes["index"]
        for child in env.toctree_includes.get(part, [])
    ]
    result = []
    for docname in order:
        with (doctrees / f"{docname}.doctree").open("rb") as stream:
            result.append((docname, pickle.load(stream)))
    return result


@pytest.mark.build
@pytest.mark.parametrize("edition", EDITIONS)
def test_every_speech_is_in_the_book_in_order_with_its_footnotes(
    downloads: Path, sample_project: Path, edition: str
) -> None:
    text = pdf_text(downloads / f"speeches-{edition}.pdf")
    position = 0
    book = speeches(sample_project, edition)
    assert len(book) == len(list((sample_project / "source" / "speeches").glob("*.md")))
    for docname, doctree in book:
        paragraphs, notes = body_texts(doctree)
        assert paragraphs, docname
        # A speech starts anywhere after the last one: an appendix (kept apart from the
        # speech's text) and a part's page may come between them.
        head = text.find(paragraphs[0][:6], position)
        position = max(position, head)
        for paragraph in paragraphs:
            end = find_in_order(text, paragraph, position)
            assert end != -1, f"{docname}: not found in order: {paragraph[:40]}…"
            position = end
        for note in notes:
            assert find_in_order(text, note, 0) != -1, f"{docname}: footnote {note[:40]}…"


@pytest.mark.build
@pytest.mark.parametrize("edition", EDITIONS)
def test_bookmarks_name_every_part_and_speech(
    downloads: Path, sample_project: Path, edition: str
) -> None:
    book = speeches(sample_project, edition)
    titles = {docname: _title(doctree) for docname, doctree in book}
    whole = outline(downloads / f"speeches-{edition}.pdf")
    assert [title for depth, title in whole if depth == 2] == list(titles.values())
    parts = [title for depth, title in whole if depth == 1]
    part_files = sorted(downloads.glob(f"speeches-{edition}-*.pdf"))
    assert len(parts) == len(part_files) >= 2
    in_parts = []
    for path in part_files:
        marks = outline(path)
        assert [depth for depth, _ in marks][:1] == [1] and marks[0][1] in parts, path.name
        in_parts += [title for depth, title in marks if depth == 2]
    assert sorted(in_parts) == sorted(titles.values())


def _title(doctree: nodes.document) -> str:
    title = doctree.next_node(nodes.title)
    return "".join(
        t.astext()
        for t in title.findall(nodes.Text)
        if not any(isinstance(a, nodes.footnote_reference) for a in _ancestors(t))
    )


@pytest.mark.build
@pytest.mark.parametrize("edition", EDITIONS)
def test_fonts_are_the_editions_noto_cjk_embedded_and_cover_every_character(
    downloads: Path, edition: str
) -> None:
    fonts = fonts_for(get(edition))
    primary = fonts.serif[0].replace(" ", "")
    for path in downloads.glob(f"speeches-{edition}*.pdf"):
        used = embedded_fonts(path)
        assert all(used.values()), f"{path.name}: not embedded: {used}"
        assert any(primary in name for name in used), f"{path.name}: {sorted(used)}"
        assert all("Noto" in name or "DejaVu" in name for name in used), sorted(used)
    # No tofu: every character printed is in one of the faces the edition embeds.
    covered: set[int] = set()
    for file in fonts.files():
        with TTFont(file, lazy=True) as font:
            covered |= set(font.getBestCmap())
    text = pdf_text(downloads / f"speeches-{edition}.pdf")
    missing = {c for c in text if ord(c) not in covered}
    assert not missing, f"characters no font of {edition} has: {sorted(missing)}"


@pytest.mark.build
@pytest.mark.parametrize("edition", EDITIONS)
def test_pages_are_a5_and_the_pdf_says_what_it_is(downloads: Path, edition: str) -> None:
    path = downloads / f"speeches-{edition}.pdf"
    assert page_sizes(path) == {A5}
    reader = pypdf.PdfReader(path)
    meta = reader.metadata
    assert meta is not None and meta.title == ("演讲集" if edition == "zh-Hans" else "演講集")
    assert "鲁迅" in (meta.author or "") or "魯迅" in (meta.author or "")
    assert (
        str(reader.trailer["/Root"]["/Lang"]) == {"zh-Hans": "zh-CN", "zh-Hant": "zh-TW"}[edition]
    )
    # Dated as the EPUB is (SOURCE_DATE_EPOCH, the book's last commit, or its last speech).
    with zipfile.ZipFile(downloads / f"speeches-{edition}.epub") as epub:
        opf = next(epub.read(n) for n in epub.namelist() if n.endswith(".opf")).decode()
    modified = re.search(r'property="dcterms:modified">([^<]+)<', opf)
    assert modified is not None and meta.creation_date is not None
    assert meta.creation_date.strftime("%Y-%m-%dT%H:%M:%SZ") == modified[1]


@pytest.mark.build
@pytest.mark.parametrize("edition", EDITIONS)
def test_a_page_of_each_edition_as_png(downloads: Path, edition: str, artefacts: Path) -> None:
    """A speech's first page and the contents, for a person to look at."""
    document = pypdfium2.PdfDocument(downloads / f"speeches-{edition}.pdf")
    label = "日期"  # in the header of every speech, in both scripts; not in the contents
    first_speech = next(
        i for i in range(len(document)) if label in document[i].get_textpage().get_text_range()
    )
    for number, name in ((first_speech, "speech"), (3, "contents"), (0, "cover")):
        target = artefacts / f"pdf-{edition}-{name}.png"
        document[number].render(scale=2).to_pil().save(target)
        assert target.stat().st_size > 10_000
    document.close()


@pytest.mark.build
def test_the_downloads_page_lists_the_pdfs(downloads: Path) -> None:
    page = (downloads / "index.html").read_text(encoding="utf-8")
    for pdf in downloads.glob("*.pdf"):
        assert f'href="{pdf.name}"' in page
    assert "PDF · " in page


# -- a clean project: hostile text, settings, same bytes, incremental ---------------------------


def build_pdf(srcdir: Path, edition: str = "zh-Hans", **overrides: object) -> tuple[Path, str, str]:
    """Build ``srcdir``'s PDFs; (output folder, status, warnings)."""
    built = build(srcdir, edition, builder="pdf", **overrides)
    return built.outdir, built.status, built.warnings


@pytest.fixture
def project(rootdir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(rootdir / "test-pdf", target)
    return target


@pytest.fixture(scope="module")
def clean_builds(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The test root built twice from scratch, in two folders."""
    outs = []
    for run in ("first", "second"):
        target = tmp_path_factory.mktemp(run) / "project"
        shutil.copytree(rootdir / "test-pdf", target)
        out, _, warnings = build_pdf(target)
        assert "WARNING" not in warnings, warnings
        outs.append(out)
    return outs


def test_two_clean_builds_are_byte_identical(clean_builds: list[Path]) -> None:
    first, second = clean_builds
    names = sorted(p.name for p in first.glob("*.pdf"))
    assert names == [
        "speeches-zh-Hans-2020.pdf",
        "speeches-zh-Hans-2021.pdf",
        "speeches-zh-Hans.pdf",
    ]
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_a_hostile_speech_is_printed_literally(clean_builds: list[Path]) -> None:
    path = clean_builds[0] / "speeches-zh-Hans.pdf"
    text = pdf_text(path)
    assert re.sub(r"\s+", "", HOSTILE) in text
    assert '=等号开头#heading[不是标题]#import"/etc/passwd"' in text
    assert "标记字符#strong[x]$y$<z>" in text
    # the speech's own "#set page(width: 1cm)" set no page
    assert page_sizes(path) == {A5}
    bookmarks = {(depth, title.replace(" ", "")) for depth, title in outline(path)}
    assert (2, "标记字符#strong[x]$y$<z>") in bookmarks


def test_the_incomplete_notice_and_the_footnote_are_printed(clean_builds: list[Path]) -> None:
    text = pdf_text(clean_builds[0] / "speeches-zh-Hans.pdf")
    assert "文本不完整" in text
    assert "原始文本有缺损或在结尾处被截断" in text
    assert "详见年度报告。" in text
    assert "但印出来的书中两个汉字之间不应出现空格" in text
    for shown in ("重点", "强调", "代码", "网站", "第一项", "第二项", "引用的一段话。", "2020十五"):
        assert shown in text, shown
    # The source wraps that paragraph after "段落，": no space is typeset there.
    source = clean_builds[0] / "typst" / "docs" / "speeches" / "2020-06-01-putong.typ"
    assert '这是一个很长的段落，"#"它在源文件里' in source.read_text(encoding="utf-8")


def test_a_speech_without_its_title_line_has_its_page_and_bookmark(
    clean_builds: list[Path],
) -> None:
    path = clean_builds[0] / "speeches-zh-Hans-2021.pdf"
    assert outline(path) == [(1, "2021年"), (2, "未完成的讲话"), (2, "无标题行的讲话")]
    pages = [re.sub(r"\s+", "", p.extract_text()) for p in pypdf.PdfReader(path).pages]
    page = next(p for p in pages if "编辑删去了标题行" in p)
    assert page.startswith("无标题行的讲话日期2021年8月1日")
    assert "title" not in page and "speaker" not in page  # the front matter is not printed


def test_a4_by_a_setting(project: Path) -> None:
    out, _, warnings = build_pdf(project, book_pdf_paper="a4")
    assert page_sizes(out / "speeches-zh-Hans.pdf") == {A4}
    assert "WARNING" not in warnings


def test_an_unknown_paper_size_is_a_warning_and_a5(project: Path) -> None:
    out, _, warnings = build_pdf(project, book_pdf_paper="letter")
    assert "book_pdf_paper = 'letter' is not one of a5, a4; the PDFs are set on A5" in warnings
    assert page_sizes(out / "speeches-zh-Hans.pdf") == {A5}


def test_traditional_edition_vertical_writing_is_a_warning(project: Path) -> None:
    out, _, warnings = build_pdf(project, "zh-Hant", variants_vertical_writing=True)
    assert "Typst cannot set vertical text: the PDFs of zh-Hant are horizontal" in warnings
    text = pdf_text(out / "speeches-zh-Hant.pdf")
    assert "普通講話" in text


def test_an_edit_typesets_its_part_and_the_book_again_and_nothing_else(project: Path) -> None:
    out, status, _ = build_pdf(project)
    assert status.count("typeset ") == 3
    before = {p.name: p.read_bytes() for p in out.glob("*.pdf")}

    _, status, _ = build_pdf(project)
    assert "typeset " not in status

    speech = project / "speeches" / "2021-03-05-wancheng.md"
    speech.write_text(speech.read_text(encoding="utf-8") + "\n新加的一段。\n", encoding="utf-8")
    _, status, _ = build_pdf(project)
    typeset = sorted(re.findall(r"typeset (\S+\.pdf)", status))
    assert typeset == ["speeches-zh-Hans-2021.pdf", "speeches-zh-Hans.pdf"]
    after = {p.name: p.read_bytes() for p in out.glob("*.pdf")}
    assert after["speeches-zh-Hans-2020.pdf"] == before["speeches-zh-Hans-2020.pdf"]
    assert "新加的一段。" in pdf_text(out / "speeches-zh-Hans-2021.pdf")
    assert "新加的一段。" in pdf_text(out / "speeches-zh-Hans.pdf")


def test_a_part_whose_speeches_are_gone_loses_its_pdf(project: Path) -> None:
    out, _, _ = build_pdf(project)
    assert (out / "speeches-zh-Hans-2021.pdf").is_file()
    for speech in (project / "speeches").glob("2021-*.md"):
        speech.unlink()
    _, _, warnings = build_pdf(project)
    assert "WARNING" not in warnings, warnings
    # One part left: no part is smaller than the book, so the book alone (as for the EPUBs).
    assert sorted(p.name for p in out.glob("*.pdf")) == ["speeches-zh-Hans.pdf"]
    assert not list((out / "typst" / "docs" / "speeches").glob("2021-*.typ"))
    assert "未完成的讲话" not in pdf_text(out / "speeches-zh-Hans.pdf")
