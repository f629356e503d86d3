"""The cleaning rules: invisible characters and Chinese punctuation, never inside Latin words,
numbers, dates, URLs or e-mail addresses."""

from __future__ import annotations

import pytest

from build_tools.importing import clean
from build_tools.importing.clean import clean_text, normalise_punctuation


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("根据市委的统一部署,从现在起", "根据市委的统一部署，从现在起"),
        ("天才究竟有没有?也许有着罢", "天才究竟有没有？也许有着罢"),
        ("说道:“一日不做事", "说道：“一日不做事"),
        ("有利于基层;有利于后续", "有利于基层；有利于后续"),
        ("难矣哉!又说", "难矣哉！又说"),
        ("现在放你完全自由。(走与不走)你能够", "现在放你完全自由。（走与不走）你能够"),
        ("托尔斯泰(1828―1910)俄国作家", "托尔斯泰（1828—1910）俄国作家"),
        ("《娜拉》一名Ein Puppenheim,中国译作", "《娜拉》一名Ein Puppenheim，中国译作"),
        ("利害关系的。--我想", "利害关系的。——我想"),
        ("断章取义......今日所讲", "断章取义……今日所讲"),
        ("我们。。。走吧", "我们……走吧"),
        ("等一下…好", "等一下……好"),
        ('他说,"我比山还要高!"这何等英伟', "他说，“我比山还要高！”这何等英伟"),
        ("还存在 “等、靠、要”等思想", "还存在“等、靠、要”等思想"),
    ],
)
def test_chinese_punctuation(text: str, expected: str) -> None:
    assert normalise_punctuation(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Ein Puppenheim, Die Frau vom Meer",  # Latin words keep their punctuation
        "增长3.5%，达到2021.3的水平",  # numbers and dates with dots
        "会议于14:29:16开始",  # a time
        "合计1,000,000元",  # thousands separators
        "f(x) = (a+b)!",  # Latin-only parentheses
        "wait... ok?",
        "C--D and a -- b",
        "1...5",
        "Alps 山",  # the space between a Latin word and Han stays
    ],
)
def test_left_alone(text: str) -> None:
    assert normalise_punctuation(text) == text


@pytest.mark.parametrize(
    "url",
    [
        "https://www.wenmi123.com/article/167094.html",
        "https://s.fjlib.net:6443/goto/385/+c-s-9odnokd9bnl9bm/detail.html?id=96,a;b!c",
        "http://example.org/a(b)c?x=1...2",
        "www.example.cn/lujing?q=1,2",
        "name.surname+tag@example.com.cn",
    ],
)
def test_urls_and_addresses_keep_every_character(url: str) -> None:
    text = f"本文链接:{url},请查看"
    assert normalise_punctuation(text) == f"本文链接：{url}，请查看"


def test_odd_straight_quotes_are_left_alone() -> None:
    assert normalise_punctuation('曾文正"说：好') == '曾文正"说：好'


def test_curly_quotes_repaired_only_when_they_then_pair() -> None:
    assert normalise_punctuation("古语说得好，”如释重负”；") == "古语说得好，“如释重负”；"
    untouched = "他说：“主一无适便是敬”。”用现在的话讲"
    assert normalise_punctuation(untouched) == untouched


def test_text_rules() -> None:
    raw = "\ufeff标题\r\n\u3000\u3000正文\u200b内容\u00a0好\t \r\n尾部\u2028行&nbsp;&amp;\x07"
    assert clean_text(raw) == "标题\n\u3000\u3000正文内容 好\n尾部\n行 &"


def test_noncharacters_are_removed_so_markers_cannot_be_forged() -> None:
    forged = f"伊孛生{clean.FOOTNOTE_OPEN}2{clean.FOOTNOTE_CLOSE}是"
    assert clean_text(forged) == "伊孛生2是"


def test_rules_are_ordered_small_functions_with_examples() -> None:
    for rule in clean.TEXT_RULES + clean.PUNCTUATION_RULES:
        assert rule.__doc__ and ">>>" in rule.__doc__, rule.__name__
