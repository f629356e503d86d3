"""Structure: paragraphs out of wrapped lines, outline headings against lead sentences,
footnotes only when the numbers agree, and texts that stop mid-sentence."""

from __future__ import annotations

from pathlib import Path

from build_tools.importing.footnotes import link_notes, split_notes
from build_tools.importing.pipeline import convert_raw
from build_tools.importing.structure import outline, paragraphs
from build_tools.records import Heading, Paragraph, RawSpeech

SENTENCE = "我们要说现代的，自己的话；用活着的白话，将自己的思想，感情直白地说出来。"


def speech(text: str, name: str = "样本讲话.txt") -> tuple[tuple[Heading | Paragraph, ...], str]:
    converted, myst = convert_raw(RawSpeech(path=Path(name), text=text, encoding="utf-8"))
    return converted.blocks, myst


def test_one_paragraph_per_line() -> None:
    assert paragraphs(["第一段。", "第二段没有句号", "第三段。"]) == [
        "第一段。",
        "第二段没有句号",
        "第三段。",
    ]


def test_hard_wrap_at_a_fixed_width_is_undone() -> None:
    text = SENTENCE * 6 + "完。\n" + SENTENCE * 3
    width = 20
    lines = []
    for paragraph in text.split("\n"):
        lines += [paragraph[i : i + width] for i in range(0, len(paragraph), width)]
    assert paragraphs(lines) == text.split("\n")


def test_ideographic_indentation_starts_paragraphs() -> None:
    lines = ["\u3000\u3000第一段的开头，", "接着写完。", "\u3000\u3000第二段。"]
    assert paragraphs(lines) == ["第一段的开头，接着写完。", "第二段。"]


WRAPPED = [  # copied from a PDF: lines of about the same width, broken anywhere
    "一、总体要求",
    "我们要说现代的，自己的话；用活着的白话，将自",
    "己的思想，感情直白地说出来。但是，这也要受前辈",
    "先生非笑的。",
    "二、具体任务",
    "青年们先可以将中国变成一个有声的中国。大胆地",
    "说话，勇敢地进行，忘掉了一切利害，推开了古人",
    "，将自己的真心的话发表出来。",
    "三、几点要求",
    "我们试想现在没有声音的民族是那几种民族。我们",
    "可听到埃及人的声音？可听到安南，朝鲜的声音？",
    "印度除了泰戈尔，别的声音可还有？",
]


def test_lines_broken_mid_sentence_are_joined() -> None:
    assert paragraphs(WRAPPED) == [
        "一、总体要求",
        "".join(WRAPPED[1:4]),
        "二、具体任务",
        "".join(WRAPPED[5:8]),
        "三、几点要求",
        "".join(WRAPPED[9:]),
    ]


def test_short_lines_are_not_taken_for_wrapped_ones() -> None:
    verse = ["床前明月光", "疑是地上霜", "举头望明月", "低头思故乡"]
    assert paragraphs(verse) == verse


def test_latin_words_broken_across_lines_get_a_space() -> None:
    lines = list(WRAPPED)
    lines[2] = lines[2].replace("前辈", "Ein")
    lines[3] = "Puppenheim" + lines[3]
    assert paragraphs(lines)[1] == f"{lines[1]}{lines[2]} {lines[3]}"


def test_outline_levels() -> None:
    items = outline(
        ["一、总体要求", "（一）指导思想", "1.坚持党的领导", "（1）细则", "①要点", "正文。"]
    )
    assert [(i.level, i.text) for i in items[:5]] == [
        (2, "一、总体要求"),
        (3, "（一）指导思想"),
        (4, "1.坚持党的领导"),
        (5, "（1）细则"),
        (6, "①要点"),
    ]
    assert items[5].level is None


def test_levels_never_skip() -> None:
    items = outline(["（一）第一部分", "正文。", "（二）第二部分", "1. 小节"])
    assert [i.level for i in items] == [2, None, 2, 3]


def test_sentences_and_openers_stay_paragraphs() -> None:
    texts = [
        "第一，开展创先争优活动，是现实需要。",
        "一是围绕市场主体的急需制定和实施宏观政策，稳住了经济基本盘。",
        "首先，我们要认清形势",
        "一、这是一句话。",
        "大约可以分开三个时候来说：",
        "2.6万亿元的减税降费",
        "2021.3月以后",
    ]
    assert all(i.level is None and i.lead is None for i in outline(texts))


def test_numbered_lead_sentence_in_bold() -> None:
    lead = "（一）保持宏观政策连续性稳定性可持续性，促进经济运行在合理区间。"
    text = lead + "在区间调控基础上加强定向调控。"
    blocks, myst = speech(f"标题\n{text}\n（二）深入推进改革。更大激发活力。")
    assert blocks[0] == Paragraph("在区间调控基础上加强定向调控。", lead)
    assert f"**{lead[:-1]}**。在区间调控" in myst  # the final 。 outside: it must close the bold


def test_long_lead_sentences_are_not_bolded_when_a_sibling_is_long() -> None:
    long = "（一）" + "很长的句子" * 20 + "。后文。"
    items = outline([long, "（二）短句。后文。"])
    assert [i.lead for i in items] == [None, None]


def test_heading_anchors_are_stable_outline_paths() -> None:
    blocks, myst = speech(
        "标题\n一、甲\n正文。\n（一）乙\n正文。\n（二）丙\n正文。\n二、丁\n正文。",
        "2010-06-06-样本.txt",
    )
    anchors = [b.anchor for b in blocks if isinstance(b, Heading)]
    page = "2010-06-06-biaoti"
    assert anchors == [f"{page}-h1", f"{page}-h1-1", f"{page}-h1-2", f"{page}-h2"]
    assert f"({page}-h1-2)=\n### （二）丙\n" in myst


def test_ten_thousand_headings_get_unique_anchors() -> None:
    text = "\n".join(
        f"{'一二三四五六七八九'[i % 9]}、第{i}个标题\n第{i}段内容。" for i in range(10_000)
    )
    blocks, _ = speech("标题\n" + text)
    anchors = [b.anchor for b in blocks if isinstance(b, Heading)]
    assert len(anchors) == len(set(anchors)) == 10_000


def test_numbering_ten_deep() -> None:
    lines = [
        "一、甲",
        "（一）乙",
        "1. 丙",
        "（1）丁",
        "①戊",
        "a. 己",
        "(a) 庚",
        "i. 辛",
        "(i) 壬",
        "A. 癸",
    ]
    blocks, myst = speech("标题\n" + "\n".join(lines) + "\n正文。")
    assert [b.level for b in blocks if isinstance(b, Heading)] == [2, 3, 4, 5, 6]
    assert "\n\\(a) 庚\n" in myst and "\n\\(i) 壬\n" in myst  # deeper levels stay text


NOTES_TEXT = (
    "标题\n伊孛生2是十九世纪的一个文人，孩子抱着玩的人形3也是。\n还有“整理国故”4的事。\n"
    "1本篇最初发表于一九二四年。\n2伊孛生通译易卜生。\n3人形日语。\n4“整理国故”当时的主张。"
)


def test_footnotes_when_numbers_agree() -> None:
    converted, myst = convert_raw(RawSpeech(path=Path("x.txt"), text=NOTES_TEXT, encoding="utf-8"))
    assert [n.number for n in converted.footnotes] == [1, 2, 3, 4]
    assert "# 标题[^1]\n" in myst
    assert "伊孛生[^2]是十九世纪的一个文人，孩子抱着玩的人形[^3]也是。" in myst
    assert "还有“整理国故”[^4]的事。" in myst
    assert myst.endswith("[^3]: 人形日语。\n\n[^4]: “整理国故”当时的主张。\n")


def test_footnotes_left_alone_when_numbers_disagree() -> None:
    broken = NOTES_TEXT.replace("人形3也是", "人形也是")
    converted, myst = convert_raw(RawSpeech(path=Path("x.txt"), text=broken, encoding="utf-8"))
    assert converted.footnotes == ()
    assert "[^" not in myst
    assert "\n3人形日语。\n" in myst
    assert any(w.startswith("import.footnotes: 4 numbered notes") for w in converted.warnings)


def test_quantities_are_not_markers() -> None:
    lines = ["全年增长2.3%，减税2万亿元，第3季度见效，共4个方面。", "1这一条不是注释"]
    body, notes = split_notes(lines)
    texts, footnotes, problem = link_notes(body, notes)
    assert footnotes == () and problem is None
    assert texts == lines


def test_list_items_at_the_end_are_not_notes() -> None:
    assert split_notes(["正文。", "1、加强领导。", "2、落实责任。"]) == (
        ["正文。", "1、加强领导。", "2、落实责任。"],
        [],
    )


def test_incomplete_text_is_flagged() -> None:
    converted, myst = convert_raw(
        RawSpeech(
            path=Path("x.txt"), text="标题\n第一段。\n努力实践，保证创先争优", encoding="utf-8"
        )
    )
    assert converted.metadata.incomplete is True
    assert "incomplete: true" in myst
    message = "the text stops mid-sentence (…努力实践，保证创先争优); marked incomplete"
    assert converted.warnings == (f"import.incomplete: {message}",)


def test_complete_endings() -> None:
    for ending in (
        "完了。",
        "好听得多似的。”",
        "厚意！",
        "怎么办？",
        "见《庄子》。",
        "so it goes.",
    ):
        converted, _ = convert_raw(
            RawSpeech(path=Path("x.txt"), text=f"标题\n{ending}", encoding="utf-8")
        )
        assert converted.metadata.incomplete is False, ending
