"""Inputs told by their content: archives (GBK member names, provenance ``a.zip!/member``), saved
pages under any name, Word headings from styles and emphasis, translation memories and
interleaved bilingual text, blog posts; and the metadata speeches keep in their first lines."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from build_tools.errors import InputError
from build_tools.importing import archives
from build_tools.importing.metadata import header_of, speaker_of
from build_tools.importing.pipeline import build_speech, convert_raw
from build_tools.importing.read import read_path

SPEECH = (
    "在全省教育大会上的讲话\n——2023年1月12日在全省教育大会上\n省长 王正谱\n同志们：\n"
    "今天召开全省教育大会，主要任务是总结过去五年工作，部署今后一个时期任务。\n"
    "一、过去五年工作回顾\n五年来，全省教育事业取得显著成就，各项改革稳步推进。\n"
)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_archive_members_are_imported_with_their_provenance(tmp_path: Path) -> None:
    path = tmp_path / "reports.zip"
    path.write_bytes(_zip({"a/讲话.txt": SPEECH.encode("gb18030"), "a/讲话.yml": b"date: 2023"}))
    [raw] = read_path(path)
    assert raw.path.as_posix().endswith("reports.zip!/a/讲话.txt")
    assert raw.encoding == "gbk" and raw.sidecar == {"date": 2023}
    speech, _ = convert_raw(raw)
    assert speech.metadata.source_file.endswith("reports.zip!/a/讲话.txt")
    assert speech.metadata.date == "2023"  # the sidecar inside the archive wins


def test_gbk_member_names_as_chinese_windows_writes_them(tmp_path: Path) -> None:
    # zipfile writes non-ASCII names as UTF-8 with the UTF-8 flag; Chinese Windows writes GBK
    # without it. Write a placeholder of the same length, then put the GBK bytes in its place.
    name = "政府工作报告.txt".encode("gbk")
    placeholder = b"X" * (len(name) - 4) + b".txt"
    data = _zip({placeholder.decode(): SPEECH.encode()}).replace(placeholder, name)
    path = tmp_path / "gbk.zip"
    path.write_bytes(data)
    [raw] = read_path(path)
    assert raw.path.as_posix().endswith("gbk.zip!/政府工作报告.txt")


def test_archive_limit_names_the_member() -> None:
    data = _zip({"big.txt": "讲话。".encode() * 400_000})
    declared = r"unpacks to more than 1 MB \(3 MB declared, 'big.txt' the largest\)"
    with pytest.raises(InputError, match=declared):
        list(archives.members(data, limit=2**20))


@pytest.mark.parametrize("suffix", [".php", ".aspx", ".shtml", ".txt"])
def test_saved_pages_under_any_name(tmp_path: Path, suffix: str) -> None:
    page = (
        "<!DOCTYPE html><html><head><title>在全省教育大会上的讲话_某某网</title>"
        '<meta charset="gbk"></head><body><div class="nav">首页 当前位置：首页 &gt; 讲话</div>'
        '<div class="article"><h1>在全省教育大会上的讲话</h1>'
        + "".join(f"<p>{line}</p>" for line in SPEECH.splitlines()[1:])
        + "</div><div class='footer'>版权所有 某某网</div></body></html>"
    )
    path = tmp_path / f"page{suffix}"
    path.write_bytes(page.encode("gbk"))
    [raw] = read_path(path)
    assert raw.kind == "html"
    speech = build_speech(raw)
    meta = speech.metadata
    assert (meta.title, meta.date, meta.speaker) == (
        "在全省教育大会上的讲话",
        "2023-01-12",
        "王正谱",
    )
    assert [h.text for h in speech.headings] == ["一、过去五年工作回顾"]
    body = "".join(getattr(b, "text", "") for b in speech.blocks)
    assert "<" not in body and "版权所有" not in body and "当前位置" not in body


def _docx(tmp_path: Path) -> Path:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    title = document.add_paragraph("2023年某省政府工作报告")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("——2023年1月12日在某省第十四届人民代表大会")
    document.add_paragraph("第一次会议上")
    document.add_paragraph("某省人民政府省长 王正谱")
    document.add_paragraph("各位代表：")
    long = "现在，我代表省人民政府，向大会报告政府工作，请予审议，并请省政协委员提出意见。" * 2
    for part in ("过去五年工作回顾", "2023年工作安排"):
        document.add_paragraph(long)
        document.add_paragraph().add_run(part).bold = True  # no number: bold alone marks it
        document.add_paragraph(long)
    document.add_paragraph("名词解释")
    document.add_paragraph("1.稳就业：就业稳定。")
    path = tmp_path / "report.docx"
    document.save(str(path))
    return path


def test_word_headings_from_bold_and_datelines_over_two_lines(tmp_path: Path) -> None:
    speech = build_speech(read_path(_docx(tmp_path))[0])
    meta = speech.metadata
    assert meta.title == "2023年某省政府工作报告"
    assert (meta.date, meta.place) == ("2023-01-12", "某省第十四届人民代表大会第一次会议")
    assert (meta.speaker, meta.speaker_role) == ("王正谱", "某省人民政府省长")
    assert meta.category == "政府工作报告"
    assert [(h.level, h.text) for h in speech.headings] == [
        (2, "过去五年工作回顾"),
        (2, "2023年工作安排"),
    ]
    [appendix] = speech.appendices  # the glossary is kept apart, not taken for the outline
    assert appendix.title == "名词解释" and appendix.paragraphs == ("1.稳就业：就业稳定。",)


def test_translation_memory_keeps_english_apart(tmp_path: Path) -> None:
    units = [
        ("政府工作报告", "Report on the Work of the Government"),
        ("——2024年3月5日在第十四届全国人民代表大会第二次会议上", "Delivered at the Second Session"),
        ("国务院总理 李强", "Li Qiang, Premier of the State Council"),
        ("各位代表：", "Fellow Deputies,"),
        ("现在，我代表国务院，向大会报告政府工作。", "On behalf of the State Council, I report."),
    ]
    body = "".join(
        f'<tu><tuv xml:lang="zh-CN"><seg>{zh}</seg></tuv>'
        f'<tuv xml:lang="en"><seg>{en}</seg></tuv></tu>'
        for zh, en in units
    )
    path = tmp_path / "report.tmx"
    path.write_text(f'<?xml version="1.0"?><tmx version="1.4"><body>{body}</body></tmx>', "utf-8")
    speech, myst = convert_raw(read_path(path)[0])
    meta = speech.metadata
    assert (meta.title, meta.date, meta.speaker) == ("政府工作报告", "2024-03-05", "李强")
    assert speech.translation[0] == "Report on the Work of the Government"
    chinese, _, english = myst.partition("::::{container} translation")
    assert "Fellow" not in chinese and "Fellow Deputies," in english


def test_blog_post_title_and_date_yield_to_the_speech(tmp_path: Path) -> None:
    path = tmp_path / "post.md"
    path.write_text(
        "---\nlayout: post\ntitle: 读书笔记：一篇讲话\ndate: 2020-05-01\n---\n\n"
        "# 在开学典礼上的讲话\n\n——2019年9月1日在开学典礼上\n\n同学们：今天开学了。\n",
        encoding="utf-8",
    )
    meta = build_speech(read_path(path)[0]).metadata
    assert (meta.title, meta.date, meta.published) == (
        "在开学典礼上的讲话",
        "2019-09-01",
        "2020-05-01",
    )


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("2023年1月12日在全省教育大会上的讲话", {"date": "2023-01-12", "place": "全省教育大会"}),
        (
            "----2023年1月5日王某某市长在全市经济工作会议上",
            {"date": "2023-01-05", "place": "全市经济工作会议", "speaker": "王某某"},
        ),
        ("（2021年3月5日在第十三届全国人民代表大会第四次会议上）", {"date": "2021-03-05"}),
    ],
)
def test_datelines(line: str, found: dict[str, str]) -> None:
    header = header_of(line)
    assert header is not None and found.items() <= header.items()


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("国务院总理 李克强", "李克强"),
        ("新疆维吾尔自治区人民政府主席 艾尔肯·吐尼亚孜", "艾尔肯·吐尼亚孜"),
        ("行政長官李家超", "李家超"),
        ("各位代表：", None),
        ("高考", None),  # a surname first, but jieba knows it as a word
    ],
)
def test_speaker_lines(line: str, name: str | None) -> None:
    found = speaker_of(line)
    assert (found[0] if found else None) == name


def test_news_introduction_names_the_speaker_and_the_day(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    text = (
        "行政長官出席典禮\n（本報訊）行政長官李家超昨日（12日）出席畢業典禮並致辭。"
        "以下是李家超在典禮上的演辭全文：\n各位畢業生：\n今天是你們的大日子。\n"
    )
    path.write_text(
        'title,publish_date,content\n在畢業典禮上的致辭,2023-06-13,"' + text + '"\n', "utf-8"
    )
    speech = build_speech(read_path(path)[0])
    assert (speech.metadata.speaker, speech.metadata.date) == ("李家超", "2023-06-12")
    body = "".join(getattr(b, "text", "") for b in speech.blocks)
    assert body.startswith("各位畢業生：") and "本報訊" not in body
