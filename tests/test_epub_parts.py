"""The pure steps of cutting a part's EPUB and zipping a book, without a Sphinx build."""

from __future__ import annotations

import zipfile
from pathlib import Path

from build_tools.sphinx_ext.epub_parts import leave_part, part_refnodes
from build_tools.sphinx_ext.epub_zip import dated, zip_book, zip_date_time

WEB = "https://example.org/zh-Hans/"


def test_links_leaving_the_part_go_to_the_web_edition() -> None:
    text = (
        '<a class="r" href="b.xhtml#x">in</a> <a href="../c/d.xhtml#n1">out</a> '
        '<a href="https://e.org/x.xhtml">abroad</a>'
    )
    kept = {"speeches/a.xhtml", "speeches/b.xhtml"}
    assert leave_part(text, "speeches/a.xhtml", kept, WEB) == (
        '<a class="r" href="b.xhtml#x">in</a> '
        f'<a href="{WEB}c/d.html#n1">out</a> '
        '<a href="https://e.org/x.xhtml">abroad</a>'
    )
    assert leave_part(text, "speeches/a.xhtml", kept, "").count('href="#"') == 1


def test_a_part_keeps_its_page_what_it_includes_and_the_glossary() -> None:
    def node(uri: str, level: int) -> dict[str, object]:
        return {"refuri": uri, "level": level}

    toc = [
        node("index.xhtml", 1),
        node("parts/1923.xhtml", 1),
        node("speeches/a.xhtml", 2),
        node("speeches/a.xhtml#h1", 3),
        node("parts/1924.xhtml", 1),
        node("speeches/b.xhtml", 2),
        node("collection/glossary.xhtml", 1),
    ]
    keep = {"parts/1923", "speeches/a", "collection/glossary"}
    got = part_refnodes(toc, "parts/1923", keep, ".xhtml")
    assert [n["refuri"] for n in got] == [
        "parts/1923.xhtml",
        "speeches/a.xhtml",
        "speeches/a.xhtml#h1",
        "collection/glossary.xhtml",
    ]


def test_the_zip_is_reproducible_and_tells_its_date(tmp_path: Path) -> None:
    (tmp_path / "mimetype").write_text("application/epub+zip", encoding="utf-8")
    (tmp_path / "b.xhtml").write_text("<p>乙</p>", encoding="utf-8")
    (tmp_path / "a.xhtml").write_text("<p>甲</p>", encoding="utf-8")
    when = zip_date_time(1767225600)
    epub = zip_book(tmp_path, ["b.xhtml", "a.xhtml"], date_time=when)
    assert epub == zip_book(tmp_path, ["a.xhtml", "b.xhtml"], date_time=when)
    (tmp_path / "book.epub").write_bytes(epub)
    with zipfile.ZipFile(tmp_path / "book.epub") as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == ["mimetype", "a.xhtml", "b.xhtml"]
    assert infos[0].compress_type == zipfile.ZIP_STORED
    assert {i.date_time for i in infos} == {(2026, 1, 1, 0, 0, 0)}
    assert dated(tmp_path / "book.epub", when)
    assert not dated(tmp_path / "book.epub", zip_date_time(0))
    assert not dated(tmp_path / "missing.epub", when)
