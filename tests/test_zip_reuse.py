"""The EPUB zip written reusing the previous zip's deflated members (``zip_reuse``): the bytes
zipfile writes, an unchanged member taken as it was stored, a changed one deflated again."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import pytest

from build_tools.sphinx_ext import epub_zip, zip_reuse

DATE = (2026, 1, 1, 0, 0, 0)


def _book(folder: Path) -> list[str]:
    files = {
        "mimetype": "application/epub+zip",
        "META-INF/container.xml": "<container/>",
        "content.opf": "<package/>" * 50,
        "speeches/a.xhtml": "<p>同志们，今天我们在这里开会。</p>" * 200,
        "speeches/b.xhtml": "<p>第二篇讲话。</p>" * 300,
        "_static/书.css": "p { text-indent: 2em; }",  # a name that is not ASCII
    }
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return [name for name in files if name != "mimetype"]


def test_the_bytes_are_zipfiles(tmp_path: Path) -> None:
    names = _book(tmp_path)
    ours = zip_reuse.zip_book(tmp_path, names, date_time=DATE)
    assert ours == epub_zip.zip_book(tmp_path, names, date_time=DATE)
    (tmp_path / "book.epub").write_bytes(ours)
    with zipfile.ZipFile(tmp_path / "book.epub") as archive:
        assert archive.testzip() is None
        assert archive.namelist()[0] == "mimetype"
        assert archive.read("_static/书.css") == b"p { text-indent: 2em; }"


def test_unchanged_members_are_taken_from_the_previous_zip(tmp_path: Path) -> None:
    names = _book(tmp_path)
    # A previous zip whose members were deflated otherwise (level 1): what is taken from it
    # shows in the new zip's bytes.
    previous = tmp_path / "previous.epub"
    with zipfile.ZipFile(previous, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name in ["mimetype", *sorted(names)]:
            z.write(tmp_path / name, name)
    (tmp_path / "speeches/b.xhtml").write_text("<p>改过的讲话。</p>" * 300, encoding="utf-8")
    new = zip_reuse.zip_book(tmp_path, names, date_time=DATE, previous=previous)
    (tmp_path / "new.epub").write_bytes(new)
    with zipfile.ZipFile(previous) as old, zipfile.ZipFile(tmp_path / "new.epub") as made:
        for name in names:
            assert made.read(name) == (tmp_path / name).read_bytes()
        a_old, a_new = old.getinfo("speeches/a.xhtml"), made.getinfo("speeches/a.xhtml")
        b_old, b_new = old.getinfo("speeches/b.xhtml"), made.getinfo("speeches/b.xhtml")
    assert a_new.compress_size == a_old.compress_size  # taken as stored
    fresh = zip_reuse._deflate((tmp_path / "speeches/b.xhtml").read_bytes())
    assert b_new.compress_size == len(fresh) != b_old.compress_size  # deflated again


def test_a_member_that_only_looks_unchanged_is_deflated_again() -> None:
    data = "<p>原文。</p>".encode() * 10
    other = "<p>改文。</p>".encode() * 10
    assert len(other) == len(data)
    forged = (zipfile.ZIP_DEFLATED, zlib.crc32(data), len(data), zip_reuse._deflate(other))
    assert not zip_reuse._holds(forged, data)
    assert zip_reuse._holds((*forged[:3], zip_reuse._deflate(data)), data)


def test_no_or_a_broken_previous_zip_means_every_member_deflated(tmp_path: Path) -> None:
    names = _book(tmp_path)
    expected = epub_zip.zip_book(tmp_path, names, date_time=DATE)
    broken = tmp_path / "broken.epub"
    broken.write_bytes(b"PK\003\004 not a zip")
    for previous in (tmp_path / "missing.epub", broken):
        assert zip_reuse.zip_book(tmp_path, names, date_time=DATE, previous=previous) == expected


def test_the_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(zip_reuse.SWITCH, raising=False)
    assert zip_reuse.enabled()
    monkeypatch.setenv(zip_reuse.SWITCH, "0")
    assert not zip_reuse.enabled()
