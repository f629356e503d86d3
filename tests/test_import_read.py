"""Reading raw files: encodings detected or forced, containers (Markdown front matter, CSV,
JSON Lines, .docx, .html), sidecars, and hostile files with the exact one-line error."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import opencc
import pytest

from build_tools.errors import BookError, InputError
from build_tools.importing.pipeline import convert_raw
from build_tools.importing.read import read_path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests/fixtures/import/corpus"
ENCODINGS = ROOT / "tests/corpus/encodings"
LU_XUN = (CORPUS / "speeches/鲁迅-娜拉走后怎样.txt").read_text(encoding="utf-8")
REPORT = (CORPUS / "reports/2021年政府工作报告.txt").read_text(encoding="utf-8")


def error_of(path: Path, **options: object) -> str:
    """The line the CLI prints for a file that cannot be imported."""
    with pytest.raises(BookError) as caught:
        for raw in read_path(path, **options):  # type: ignore[arg-type]
            convert_raw(raw)
    return caught.value.format()


@pytest.mark.parametrize(
    ("codec", "recorded"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gbk", "gbk"),
        ("gb18030", "gbk"),  # the text has no character outside GBK: the narrower codec
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf-16-le"),  # no byte order mark
        ("utf-16-be", "utf-16-be"),
    ],
)
def test_simplified_encodings(tmp_path: Path, codec: str, recorded: str) -> None:
    path = tmp_path / "鲁迅-娜拉走后怎样.txt"
    path.write_bytes(LU_XUN.encode(codec))
    [raw] = read_path(path)
    assert raw.encoding == recorded
    assert raw.text.lstrip("\ufeff") == LU_XUN
    speech, myst = convert_raw(raw)
    assert speech.metadata.encoding == recorded and f"encoding: {recorded}\n" in myst


def test_gb18030_only_characters(tmp_path: Path) -> None:
    text = REPORT + "\n𠀀𪚥是扩展区的字。"  # outside GBK: only GB18030 encodes them
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode("gb18030"))
    [raw] = read_path(path)
    assert (raw.encoding, raw.text) == ("gb18030", text)


@pytest.mark.parametrize("config", ["s2t", "s2tw", "s2hk"])
def test_big5_traditional(tmp_path: Path, config: str) -> None:
    text = opencc.OpenCC(config).convert(REPORT)
    data = text.encode("big5", errors="replace")
    path = tmp_path / "report.txt"
    path.write_bytes(data)
    [raw] = read_path(path)
    assert raw.encoding in ("big5", "cp950", "big5hkscs")
    assert raw.text == data.decode(raw.encoding)
    speech, myst = convert_raw(raw)
    assert speech.metadata.script == "hant"
    assert "script: hant\n" in myst
    assert speech.headings[0].text == opencc.OpenCC(config).convert("一、2020年工作回顾")


def test_the_repository_encoding_samples() -> None:
    texts = {p.name: read_path(p)[0] for p in sorted(ENCODINGS.iterdir())}
    assert {name: raw.encoding for name, raw in texts.items()} == {
        "08_triple_txt_gbk.txt": "gbk",
        "08_triple_txt_unicode.txt": "utf-16",
        "08_triple_txt_utf8.txt": "utf-8",
    }
    assert {raw.text.replace("\r\n", "\n") for raw in texts.values()} == {"abc\n123\n中国人民\n"}


def test_forced_encoding(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(LU_XUN.encode("gb18030"))
    [raw] = read_path(path, encoding="gb18030")
    assert (raw.encoding, raw.text) == ("gb18030", LU_XUN)


@pytest.mark.parametrize(
    ("codec", "message"),
    [
        (
            "big5",
            "cannot be decoded as big5 (forced with --encoding): invalid bytes at byte 0, line 1; "
            "pass the right codec or leave out --encoding to detect it",
        ),
        (
            "latin-1",
            "decoded as latin-1 (forced with --encoding) the text is garbled (control characters, "
            "or Chinese UTF-8 read byte by byte); leave out --encoding to detect the codec",
        ),
        (
            "klingon",
            "unknown encoding 'klingon' (from --encoding); use a Python codec name such as utf-8, "
            "gb18030, big5 or utf-16",
        ),
    ],
)
def test_wrong_forced_encoding(tmp_path: Path, codec: str, message: str) -> None:
    path = tmp_path / "x.txt"
    path.write_text(LU_XUN, encoding="utf-8")
    assert error_of(path, encoding=codec) == f"input error: {path}: {message}"


def test_forced_gb18030_on_big5_is_implausible(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(opencc.OpenCC("s2t").convert(REPORT).encode("big5", errors="replace"))
    assert error_of(path, encoding="gb18030") == (
        f"input error: {path}: decoded as gb18030 (forced with --encoding) the text is not "
        "plausible Chinese (only 38% common characters); pass the right codec or leave out "
        "--encoding to detect it"
    )


DAMAGE = len(LU_XUN.split("\n")[0].encode()) + 1 + 6  # two characters into the second line
NUL = (
    "the file contains NUL bytes (the first at byte {}), so it is binary data or UTF-16 without "
    "a byte order mark; if it is UTF-16 text, pass --encoding utf-16-le (or utf-16-be)"
)
PLAIN_YAML = (
    "only plain values are allowed (quote text that holds colons, # or tags such as !!python)"
)
HOSTILE: list[tuple[str, bytes, str]] = [
    ("empty.txt", b"", "the file is empty; there is nothing to import"),
    (
        "blank.txt",
        " \n\u3000\n\t\r\n".encode(),
        "the file holds only whitespace; there is nothing to import",
    ),
    (
        "only-title.txt",
        "只有一个标题\n".encode(),
        "the file holds only a title (只有一个标题) and no speech text; add the text",
    ),
    (
        "photo.txt",
        b"\x89PNG\r\n\x1a\n" + bytes(64),
        "this is a PNG image, not text; move it out of the raw folder",
    ),
    (
        "archive.txt",
        b"PK\x03\x04" + bytes(64),
        # read as what it is, whatever its name: a damaged archive
        "not a readable ZIP archive (File is not a zip file); "
        "unpack it with another tool and import the files",
    ),
    ("binary.txt", bytes(range(256)) * 4, NUL.format(0)),
    ("nul.txt", "讲话。".encode() + b"\x00" + "内容。".encode(), NUL.format(9)),
    (
        "damaged.txt",
        LU_XUN.encode()[:DAMAGE] + b"\xff" + LU_XUN.encode()[DAMAGE:],
        f"invalid UTF-8 at byte {DAMAGE} (line 2) although the rest is UTF-8; fix the damaged "
        "bytes, or pass --encoding if the file really uses another codec",
    ),
    (
        "broken.docx",
        b"PK\x03\x04 not really a zip",
        "not a readable .docx (the ZIP container is damaged: File is not a zip file); "
        "open it in a word processor and save it again",
    ),
    ("empty.docx", b"", "the file is empty; there is nothing to import"),
    (
        "scripts.html",
        b"<html><script>alert(1)</script><nav>menu</nav></html>",
        "the page has no text outside scripts, menus and footers",
    ),
    (
        "columns.csv",
        "title,date\n一,2020-01-01\n".encode(),
        "no text column: the columns are title, date; name the text column one of text, "
        "full_text, fulltext, content, body, article, paragraphs, 正文, 内容, 全文, 中文, "
        "chinese, zh, or name it with --column "
        "(for example --column text=正文)",
    ),
    ("header-only.csv", b"title,text\n", "the CSV file has a header but no rows"),
    (
        "front.md",
        "---\ntitle: [unclosed\n---\n正文。".encode(),
        "the front matter is not plain YAML (expected ',' or ']', but got '<stream end>', "
        f"line 2); {PLAIN_YAML}",
    ),
    (
        "list.md",
        "---\n- a\n- b\n---\n正文。".encode(),
        "the front matter must be a mapping of metadata fields (title: ..., date: ...), not list",
    ),
]


@pytest.mark.parametrize(("name", "data", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_files(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    line = error_of(path)
    assert line == f"input error: {path}: {message}"
    assert "\n" not in line


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert (
        error_of(tmp_path / "nope.txt")
        == f"input error: {tmp_path / 'nope.txt'}: no such file; check the path"
    )
    assert error_of(tmp_path) == f"input error: {tmp_path}: this is a folder, not a file"


def test_hostile_sidecar(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("正文。", encoding="utf-8")
    (tmp_path / "x.yml").write_text(
        "title: !!python/object/apply:os.system ['ls']\n", encoding="utf-8"
    )
    assert error_of(tmp_path / "x.txt") == (
        f"input error: {tmp_path / 'x.yml'}: the sidecar is not plain YAML (could not determine "
        "a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system', line 1); "
        "only plain values are allowed (quote text that holds colons, # or tags such as !!python)"
    )


@pytest.mark.parametrize(
    "name",
    ["a b.txt", 'it\'s "quoted".txt', "-rf.txt", "--help.txt", "..txt", "a..b.txt", "讲话 ①.txt"],
)
def test_odd_file_names(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("讲话的正文。", encoding="utf-8")
    [raw] = read_path(path)
    speech, myst = convert_raw(raw)
    assert speech.metadata.source_file == path.as_posix()
    assert "\n讲话的正文。\n" in myst


def test_sidecar_next_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("标题\n正文。", encoding="utf-8")
    (tmp_path / "x.yml").write_text(
        "title: '带: 冒号'\ndate: 2001-02-03\nunknown: 1\n", encoding="utf-8"
    )
    [raw] = read_path(tmp_path / "x.txt")
    assert raw.sidecar == {"title": "带: 冒号", "date": "2001-02-03"}
    speech, _ = convert_raw(raw)
    assert (speech.metadata.title, speech.metadata.date) == ("带: 冒号", "2001-02-03")


def test_markdown_with_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_text(
        "---\ntitle: 前言\ndate: 1922-08-14\nspeaker: 梁启超\ntags: [演讲]\n---\n\n"
        "(x)=\n## 一节\n\n"
        "正文有\\*星号\\*和**粗体**，见注[^a]。\n\n[^a]: 注释。\n",
        encoding="utf-8",
    )
    [raw] = read_path(path)
    assert raw.fields == {
        "title": "前言",
        "date": "1922-08-14",
        "speaker": "梁启超",
        "tags": ["演讲"],
    }
    speech, myst = convert_raw(raw)
    assert [(h.level, h.text) for h in speech.headings] == [(2, "一节")]
    assert "正文有\\*星号\\*和粗体，见注[^1]。" in myst
    assert myst.endswith("[^1]: 注释。\n")


def test_csv_rows(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(
        "title,content,publish_date,url,speaker,province,extra\n"
        '"第一篇","第一段，有""引号""。\n第二段,有换行。",2020-01-02,https://a.cn/1,张三,河北省,x\n'
        '"第二篇","",2020-01-03,,,,\n'
        '"第三篇"\n',
        encoding="utf-8",
    )
    raws = read_path(path)
    assert [r.row for r in raws] == [1, 2, 3]
    speech, myst = convert_raw(raws[0])
    meta = speech.metadata
    assert (meta.title, meta.date, meta.source_url, meta.speaker, meta.tags) == (
        "第一篇", "2020-01-02", "https://a.cn/1", "张三", ("河北省",)
    )  # fmt: skip
    assert "\n第一段，有“引号”。\n\n第二段，有换行。\n" in myst
    for raw in raws[1:]:
        with pytest.raises(InputError) as caught:
            convert_raw(raw)
        assert (
            caught.value.format()
            == f"input error: {path}:{raw.row}: the text column 'content' is empty"
        )


def test_csv_mapping(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("名称,讲稿\n标题甲,正文。\n", encoding="utf-8")
    [raw] = read_path(path, mapping={"title": "名称", "text": "讲稿"})
    assert (raw.text, raw.fields) == ("正文。", {"title": "标题甲"})
    [raw] = read_path(path, mapping={"讲稿": "text"})
    assert raw.text == "正文。"


def test_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    rows = [
        {"title": "甲", "text": "讲话。\n第二段。"},
        "not json",
        [1],
        {"title": "乙", "full_text": "内容。"},
    ]
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows),
        encoding="utf-8",
    )
    raws = read_path(path)
    assert [r.row for r in raws] == [1, 2, 3, 4]
    assert convert_raw(raws[3])[0].metadata.title == "乙"
    messages = []
    for raw in raws[1:3]:
        with pytest.raises(InputError) as caught:
            convert_raw(raw)
        messages.append(caught.value.format())
    assert messages == [
        f"input error: {path}:2: not valid JSON (Expecting value at column 1)",
        f"input error: {path}:3: not a JSON object",
    ]


def test_docx(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("敬业与乐业", style="Title")
    document.add_paragraph("梁启超")
    document.add_paragraph("一、总论")
    document.add_paragraph("我这题目，是把《礼记》里头“敬业乐群”的话，断章取义造出来的。")
    path = tmp_path / "x.docx"
    document.save(str(path))
    [raw] = read_path(path)
    speech, _ = convert_raw(raw)
    assert (speech.metadata.title, speech.metadata.speaker) == ("敬业与乐业", "梁启超")
    assert [h.text for h in speech.headings] == ["一、总论"]


@pytest.mark.parametrize("charset", ["gb2312", "gbk", "big5", "utf-8"])
def test_html_with_meta_charset(tmp_path: Path, charset: str) -> None:
    script = opencc.OpenCC("s2tw").convert if charset == "big5" else str
    body = script("我们要说现代的，自己的话；用活着的白话，将自己的思想，感情直白地说出来。" * 3)
    title = script("无声的中国")
    page = script(
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f"<title>{title}_某某网</title><script>var x = '<p>不是正文</p>';</script></head>"
        f"<body><nav>首页 | 新闻</nav><div class='article-content'><h1>{title}</h1>"
        f"<p>{body}</p><p>第二段&amp;结束。</p></div><footer>版权所有</footer></body></html>"
    )
    path = tmp_path / "x.html"
    path.write_bytes(page.encode(charset))
    [raw] = read_path(path)
    assert raw.encoding == codecs.lookup(charset).name
    speech, myst = convert_raw(raw)
    assert speech.metadata.title == title
    assert f"\n{body}\n\n{script('第二段')}\\&{script('结束')}。\n" in myst
    for chrome in ("首页", "版权所有", "不是正文"):
        assert script(chrome) not in myst


def test_raw_files_are_never_modified(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    data = "\ufeff标题\r\n正文, 有 \u200b 零宽字符。\r\n".encode()
    path.write_bytes(data)
    before = path.stat().st_mtime_ns
    convert_raw(read_path(path)[0])
    assert path.read_bytes() == data and path.stat().st_mtime_ns == before
