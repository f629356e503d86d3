"""Metadata: dates in Chinese numerals and without a year, header, speaker and title lines,
file names, sidecars over everything, the script of the text."""

from __future__ import annotations

from pathlib import Path

import opencc
import pytest

from build_tools.importing.dates import parse_date
from build_tools.importing.metadata import header_of, looks_like_title, speaker_of, stem_fields
from build_tools.importing.pipeline import convert_raw, speech_to_json
from build_tools.importing.script import detect_script
from build_tools.records import RawSpeech


def convert(text: str, name: str = "x.txt", **raw: object) -> dict[str, object]:
    speech, myst = convert_raw(RawSpeech(path=Path(name), text=text, encoding="utf-8", **raw))
    return speech_to_json(speech, myst)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("一九二四年一月十七日", "1924-01-17"),
        ("一九二三年十二月二十六日", "1923-12-26"),
        ("二〇二一年三月五日", "2021-03-05"),
        ("一九○○年", "1900"),  # the circle used for zero
        ("1927年4月", "1927-04"),
        ("2026年1月25日", "2026-01-25"),
        ("2010-06-06 14:29:16", "2010-06-06"),
        ("2010/6/6", "2010-06-06"),
        ("二月十六日", "--02-16"),  # no year: recorded as partial, never guessed
        ("七月十六日在广州", "--07-16"),
        ("二月二十九日", "--02-29"),
        ("二月三十日", None),
        ("2021年2月30日", "2021"),  # what is certain of a wrong date
        ("十三月一日", None),
        ("没有日期", None),
    ],
)
def test_dates(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    ("line", "found"),
    [
        (
            "——一九二四年一月十七日在北京师范大学附属中学校友会讲",
            {"date": "1924-01-17", "place": "北京师范大学附属中学校友会"},
        ),
        ("――二月十六日在香港青年会讲", {"date": "--02-16", "place": "香港青年会"}),
        ("--七月十六日在广州知用中学讲", {"date": "--07-16", "place": "广州知用中学"}),
        (
            "——2026年1月25日在北京市第十六届人民代表大会第四次会议上",
            {"date": "2026-01-25", "place": "北京市第十六届人民代表大会第四次会议"},
        ),
        ("——在全国科技大会上的讲话", {"place": "全国科技大会"}),
        ("（一九二七年二月十八日在香港青年会讲）", {"date": "1927-02-18", "place": "香港青年会"}),
        (
            "——一九二七年四月八日在湖南农民运动讲习所讲",
            {"date": "1927-04-08", "place": "湖南农民运动讲习所"},
        ),
        ("——一九二七年", {"date": "1927"}),
        ("--九月间在广州夏期学术演讲会讲", {"place": "广州夏期学术演讲会"}),  # no day: no date
        ("——鲁迅在北京大学的讲演", {"place": "北京大学"}),
        ("——着力提升发展质量效益，保持经济持续健康发展。", None),
        ("——在此之前", None),
    ],
)
def test_header_line(line: str, found: dict[str, str] | None) -> None:
    assert header_of(line) == found


def test_header_glued_to_the_speech() -> None:
    found = header_of(
        "――二月十六日在香港青年会讲以我这样没有什么可听的无聊的讲演，又在这样大雨的时候"
    )
    assert found == {
        "date": "--02-16",
        "place": "香港青年会",
        "rest": "以我这样没有什么可听的无聊的讲演，又在这样大雨的时候",
    }


@pytest.mark.parametrize(
    ("line", "speaker"),
    [
        ("李克强", ("李克强", None)),
        ("北京市市长 殷勇", ("殷勇", "北京市市长")),
        ("作者：梁启超", ("梁启超", None)),
        ("國務院總理　李克強", ("李克強", "國務院總理")),
        ("欧阳修", ("欧阳修", None)),
        ("本报记者 戴冰", None),  # a credit line, not a speaker
        ("各位代表：", None),
        ("敬业与乐业", None),
    ],
)
def test_speaker_line(line: str, speaker: tuple[str, str | None] | None) -> None:
    assert speaker_of(line) == speaker


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("劳动局创先争优动员讲话稿", True),
        ("2021年政府工作报告", True),
        ("娜拉走后怎样？", True),
        ("各位代表：", False),
        ("尊敬的各位领导、各位来宾", False),
        ("一、深刻认识开展创先争优活动的重要意义", False),
        ("——一九二四年一月十七日在北京师范大学附属中学校友会讲", False),
        ("根据市委的统一部署，从现在起到党的十八大召开之前。", False),
        ("---", False),
    ],
)
def test_title_line(line: str, title: bool) -> None:
    assert looks_like_title(line) is title


@pytest.mark.parametrize(
    ("stem", "fields"),
    [
        ("鲁迅-娜拉走后怎样", {"speaker": "鲁迅", "title": "娜拉走后怎样"}),
        ("2010-06-06-劳动局讲话", {"date": "2010-06-06", "title": "劳动局讲话"}),
        ("2021年政府工作报告", {"title": "2021年政府工作报告"}),
        ("-rf", {"title": "-rf"}),
        ("王-", {"title": "王-"}),
    ],
)
def test_file_name(stem: str, fields: dict[str, str]) -> None:
    assert stem_fields(stem) == fields


def test_title_from_the_file_name_when_the_text_has_none() -> None:
    data = convert(
        "——一九二四年一月十七日在北京讲\n我自己觉得我的讲话不能使诸君有益。",
        "鲁迅-未有天才之前.txt",
    )
    assert (data["title"], data["speaker"], data["date"], data["place"]) == (
        "未有天才之前",
        "鲁迅",
        "1924-01-17",
        "北京",
    )


def test_date_line_under_the_title() -> None:
    data = convert(
        "在全国科技大会上的讲话\n（2016年5月30日）\n习近平\n同志们：\n今天我们召开大会。"
    )
    assert (data["title"], data["date"], data["speaker"]) == (
        "在全国科技大会上的讲话",
        "2016-05-30",
        "习近平",
    )


def test_sidecar_overrides_everything() -> None:
    sidecar = {
        "title": "改过的标题",
        "date": "1999-09-09",
        "speaker": "某人",
        "tags": ["甲", "乙"],
        "incomplete": False,
    }
    data = convert(
        "原标题\n正文到这里就断", "鲁迅-x.txt", fields={"title": "表格标题"}, sidecar=sidecar
    )
    assert (data["title"], data["date"], data["speaker"], data["tags"]) == (
        "改过的标题",
        "1999-09-09",
        "某人",
        ["甲", "乙"],
    )
    assert data["incomplete"] is False


def test_container_fields_over_the_text_and_publication_dates_as_fallback() -> None:
    fields = {
        "title": "表格标题",
        "published": "2026-02-02",
        "province": "北京市",
        "source_url": "https://a.cn/1",
    }
    data = convert("表格标题\n正文。", fields=fields)
    assert (data["title"], data["date"], data["tags"], data["place"]) == (
        "表格标题",
        "2026-02-02",
        ["北京市"],
        "北京市",
    )
    assert "published" not in data  # the same as the date


def test_metadata_that_looks_like_yaml_is_quoted_safely() -> None:
    import yaml

    hostile = "标题: 带冒号 # 井号 &anchor !!python/object:os.system [x] {y} 'q' \"qq\"\n第二行"
    data = convert("正文。", fields={"title": hostile, "category": "- 列表", "speaker": "yes"})
    front = yaml.safe_load(str(data["myst"]).split("---\n", 2)[1])
    assert front["title"] == " ".join(hostile.split())
    assert (front["category"], front["speaker"]) == ("- 列表", "yes")


def test_script_detection() -> None:
    corpus = Path(__file__).resolve().parent / "fixtures/import/corpus"
    text = (corpus / "speeches/鲁迅-娜拉走后怎样.txt").read_text(encoding="utf-8")
    assert detect_script(text) == "hans"
    for config in ("s2t", "s2tw", "s2hk"):
        assert detect_script(opencc.OpenCC(config).convert(text)) == "hant", config


def test_traditional_text_is_kept_as_is() -> None:
    text = "敬業與樂業\n梁啟超\n我這題目，是把《禮記》裡頭「敬業樂群」的話，斷章取義造出來的。"
    data = convert(text)
    assert (data["script"], data["title"], data["speaker"]) == ("hant", "敬業與樂業", "梁啟超")
    assert "斷章取義造出來的。" in str(data["myst"])
