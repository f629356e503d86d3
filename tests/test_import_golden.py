"""Golden tests: every file of the sample corpus imports to the reviewed MyST next to it.

Regenerate with ``pytest tests/test_import_golden.py --regen`` (or ``REGEN=1``) and review the
diff of ``tests/fixtures/import/*.golden.md`` before committing it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from build_tools.importing.pipeline import convert_raw, speech_to_json
from build_tools.importing.read import read_path
from build_tools.records import Speech

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path("tests/fixtures/import")
CORPUS = FIXTURES / "corpus"
SAMPLES = sorted(
    p.relative_to(ROOT)
    for p in (ROOT / CORPUS).rglob("*")
    if p.is_file() and p.name != "SOURCES.md"
)


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths in the MyST (source_file) are relative to the project root."""
    monkeypatch.chdir(ROOT)


def _convert(path: Path) -> list[tuple[Speech, str]]:
    return [convert_raw(raw) for raw in read_path(path)]


def _golden(path: Path, index: int, count: int) -> Path:
    name = path.stem if count == 1 else f"{path.stem}-{index + 1}"
    return FIXTURES / f"{name}.golden.md"


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_golden(path: Path, regen: bool) -> None:
    results = _convert(path)
    for index, (_, myst) in enumerate(results):
        golden = _golden(path, index, len(results))
        if regen:
            golden.write_text(myst, encoding="utf-8")
        assert golden.exists(), f"no golden file {golden}; run pytest with --regen and review it"
        assert myst == golden.read_text(encoding="utf-8")


def _one(name: str) -> tuple[Speech, str, dict[str, object]]:
    [(speech, myst)] = _convert(next(p for p in SAMPLES if p.name == name))
    return speech, myst, speech_to_json(speech, myst)


def _front_matter(myst: str) -> dict[str, object]:
    _, block, _ = myst.split("---\n", 2)
    return yaml.safe_load(block)


def test_labour_bureau_speech() -> None:
    speech, myst, data = _one("劳动局创先争优动员讲话稿.txt")
    assert data["title"] == "劳动局创先争优动员讲话稿"
    assert data["date"] == "2010-06-06"
    assert data["category"] == "动员讲话"
    assert data["source_url"] == "https://www.wenmi123.com/article/167094.html"
    assert data["incomplete"] is True
    assert [(h["level"], h["text"]) for h in data["headings"]] == [
        (2, "一、深刻认识开展创先争优活动的重要意义，切实增强自觉性和责任感"),
        (2, "二、精心组织周密部署，扎实推动创先争优活动深入开展"),
    ]
    body = myst.split("---\n", 2)[2]
    for footer in ("本文2010-06-06", "发表“动员讲话”栏目", "本文链接", "wenmi123", ".docx", ".pdf"):
        assert footer not in body
    assert body.count("劳动局创先争优动员讲话稿") == 1  # the title, not its repetition
    assert body.rstrip().endswith("保证创先争优")
    assert any(w.startswith("import.incomplete: ") for w in speech.warnings)
    assert "第一，开展创先争优活动" in body  # 第一，… stays a paragraph, not a heading


@pytest.mark.parametrize(
    ("name", "date", "place"),
    [
        ("鲁迅-娜拉走后怎样.txt", "1923-12-26", "北京女子高等师范学校文艺会"),
        ("鲁迅-未有天才之前.txt", "1924-01-17", "北京师范大学附属中学校友会"),
        ("鲁迅-无声的中国.txt", "--02-16", "香港青年会"),  # no year in the text: none invented
        ("鲁迅-革命时代的文学.txt", "--04-08", "黄埔军官学校"),
        ("鲁迅-读书杂谈.txt", "--07-16", "广州知用中学"),
    ],
)
def test_lu_xun_header_line(name: str, date: str, place: str) -> None:
    _, myst, data = _one(name)
    assert (data["title"], data["speaker"]) == (name[3:-4], "鲁迅")  # from the file name
    assert (data["date"], data["place"]) == (date, place)
    assert _front_matter(myst)["date"] == date
    assert "在" + place not in myst.split("---\n", 2)[2]  # the header line left the body


def test_header_glued_to_the_first_sentence_is_split() -> None:
    _, myst, _ = _one("鲁迅-无声的中国.txt")
    assert "\n\n以我这样没有什么可听的无聊的讲演，又在这样大雨的时候" in myst


def test_lu_xun_footnotes_link_both_ways() -> None:
    _, myst, data = _one("鲁迅-娜拉走后怎样.txt")
    assert data["footnotes"] == 11
    assert "# 娜拉走后怎样[^1]\n" in myst  # note 1 is about the piece: it belongs to the title
    assert "伊孛生[^2]是十九世纪" in myst
    assert "休息在Ahasvar[^10]的檐下" in myst
    assert "觳觫[^11]，他们就看了滑稽剧" in myst  # (11) was run into note 10: split off
    assert "\n[^10]: Ahasvar阿哈斯瓦尔，欧洲传说中的一个补鞋匠，被称为“流浪的犹太人”。\n" in myst
    assert "\n[^11]: 觳觫，恐惧颤抖的样子。" in myst
    assert "Ein Puppenheim，中国译作《傀儡家庭》" in myst


def test_liang_qichao_markdown() -> None:
    _, myst, data = _one("梁启超-敬业与乐业.md")
    assert (data["title"], data["speaker"], data["date"]) == ("敬业与乐业", "梁启超", None)
    body = myst.split("---\n", 2)[2]
    assert "\n---\n" not in body and "\n梁启超\n" not in body
    assert "“敬业乐群”" in body  # the stray space inside the quotes is gone


def test_government_report_2021() -> None:
    _, myst, data = _one("2021年政府工作报告.txt")
    # no dateline: the year the title opens with stands in; the genre it names is the category
    assert (data["title"], data["speaker"], data["date"]) == (
        "2021年政府工作报告",
        "李克强",
        "2021",
    )
    assert data["category"] == "政府工作报告"
    assert [h["text"] for h in data["headings"]] == [
        "一、2020年工作回顾",
        "二、“十三五”时期发展成就和“十四五”时期主要目标任务",
        "三、2021年重点工作",
    ]
    # （一）… sentences opening long paragraphs stay paragraphs, their lead in bold
    assert "\n**（一）保持宏观政策连续性稳定性可持续性，促进经济运行在合理区间**。" in myst
    assert "\n一是围绕市场主体的急需制定和实施宏观政策" in myst


def test_scraped_csv_row() -> None:
    _, myst, data = _one("2026-beijing-scraped.csv")
    assert data["title"] == "2026年北京市政府工作报告"
    assert data["date"] == "2026-01-25"  # delivered; published 2026-02-02
    assert data["published"] == "2026-02-02"
    assert (data["speaker"], data["speaker_role"]) == ("殷勇", "北京市市长")
    assert data["place"] == "北京市第十六届人民代表大会第四次会议"
    assert data["publisher"] == "北京日报"
    assert data["source_url"].startswith("https://s.fjlib.net:6443/")
    body = myst.split("---\n", 2)[2]
    for clutter in ("下载", "打印", "全屏", "【字号", "来源：", "时间：", "戴冰摄", "相关报道"):
        assert clutter not in body
    assert body.count("2026年北京市政府工作报告") == 1
    levels = [h["level"] for h in data["headings"]]
    assert levels[:4] == [2, 2, 2, 3] and levels.count(3) == 10
    assert data["incomplete"] is False


def _han(text: str) -> str:
    return "".join(c for c in text if "\u4e00" <= c <= "\u9fff")


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_no_text_is_lost_or_invented(path: Path) -> None:
    """The Han characters of the page are those of the raw file, in order, less boilerplate,
    title, speaker and header lines (at most 30 characters, except on scraped pages)."""
    raw = "".join(r.text for r in read_path(path))
    for _, myst in _convert(path):
        body = myst.split("---\n", 2)[2].split("\n", 2)[2]  # without front matter and title
        shown, source = iter(_han(raw)), _han(body)
        assert all(c in shown for c in source)  # a subsequence: nothing invented or reordered
        lost = len(_han(raw)) - len(source)
        scraped = path.name in ("劳动局创先争优动员讲话稿.txt", "2026-beijing-scraped.csv")
        assert lost <= (300 if scraped else 30), lost


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_traditional_editions_import_alike(path: Path) -> None:
    """The same speeches in Traditional characters (OpenCC s2tw) give the same structure and
    the same metadata, in Traditional characters."""
    import opencc

    to_hant = opencc.OpenCC("s2tw").convert
    for raw in read_path(path):
        fields = {k: to_hant(v) if isinstance(v, str) else v for k, v in raw.fields.items()}
        hant = replace(
            raw, text=to_hant(raw.text), fields=fields, path=Path(to_hant(str(raw.path)))
        )
        simplified = speech_to_json(*convert_raw(raw))
        traditional = speech_to_json(*convert_raw(hant))
        assert traditional["script"] == "hant"
        for key in ("date", "incomplete", "footnotes", "source_url"):
            assert traditional[key] == simplified[key], key
        for key in ("title", "speaker", "place", "category"):
            assert traditional[key] == (simplified[key] and to_hant(simplified[key])), key
        assert [h["level"] for h in traditional["headings"]] == [
            h["level"] for h in simplified["headings"]
        ]
