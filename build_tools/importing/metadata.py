"""Metadata where speeches keep it: the title line, a speaker line, the ——date在place讲 header,
the file name; then one Metadata from all sources, sidecar first."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from build_tools.han import HAN
from build_tools.importing.dates import ANY_DATE, normalise_date, parse_date, relative_date
from build_tools.importing.script import both_scripts
from build_tools.importing.speakers import (
    OFFICE_END,
    is_introduction,
    is_name,
    person_at_end,
    speaker_in_headline,
    speaker_in_introduction,
    title_in_introduction,
)
from build_tools.records import Metadata

#: Common Chinese family names (compound ones first), for telling a name line from a title.
COMPOUND_SURNAMES = (
    *("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙"),
    *("慕容", "令狐", "长孙", "宇文", "司徒", "夏侯", "端木", "独孤"),
)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺"
    "顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿"
    "关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻"
    "祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿"
    "桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝蔺胥"
    "习栗洪赖冼凤伏辜鄢练匡邸暴竺揭牧晁郜厉谈刚鞠尉贡聂丰印粟隆"
)
_NAME = rf"(?:{'|'.join(COMPOUND_SURNAMES)})[{HAN}]{{1,2}}|[{SURNAMES}][{HAN}]{{1,2}}"
# A name line under a title: 李克强, 北京市市长 殷勇, 作者：梁启超. A role, if any, is set off
# by spaces: without them a role cannot be told from the name.
SPEAKER_LINE = re.compile(
    both_scripts(
        r"^(?:(?:作者|讲话人|主讲人|主讲|演讲人|演讲者|报告人|发言人|致辞|致辞人|演讲|讲话)"
        r"\s*[:：]\s*)?"
        rf"(?:(?P<role>[{HAN}（）()、·]{{2,24}}?)[ \u3000]+)?(?P<name>{_NAME})"
        r"(?:\s*(?:同志|先生|女士|教授))?(?:\s*[（(][^（()）]{1,30}[）)])?$"
    )
)
# A role that marks a credit line, not a speaker.
NOT_A_ROLE = re.compile(both_scripts("记者|摄|编辑|来源|责编|通讯员"))
_DASH = "[―—－\\-─–～~]"
_VERB = "(?:讲演|演讲|讲话|发言|致辞|报告|演说|讲)"
# A date with at least a month: 2023年1月12日, 一九二四年一月, 1月12日 (not a bare year).
_DATE_FULL = r"(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?"
# The classic header under a lecture's title: ——一九二四年一月十七日在北京师范大学附属中学
# 校友会讲, ——2026年1月25日在…会议上, ——九月间在广州…讲, （一九二七年二月十六日在香港青年会讲）.
# Before 在 comes when (a date, or words like 九月间); the place is the shortest stretch after
# 在 that leaves only 上/的/a verb before the end of the line. Or the line is only a date.
HEADER = re.compile(
    both_scripts(
        rf"^(?:{_DASH}{{1,4}}|[（(])\s*(?:(?P<when>[^在。！？；，,!?;（(]{{0,24}}?)\s*"
        rf"在(?P<place>[^。！？；，,!?;]{{2,60}}?)(?P<tail>(?:上的|上|的)?{_VERB}?)"
        rf"|(?P<date>{ANY_DATE}))\s*[）)]?$"
    )
)
# The same header run together with the first sentence of the speech (――二月十六日在香港青年
# 会讲以我这样…): here the place must be followed by a verb, and the rest is body text.
HEADER_GLUED = re.compile(
    both_scripts(
        rf"^{_DASH}{{1,4}}\s*(?P<when>[^在。！？；，,!?;]{{0,24}}?)\s*在"
        rf"(?P<place>[^。！？；，,!?;]{{2,40}}?)(?P<tail>(?:上的|上|的)?{_VERB})(?P<rest>\S.{{9,}})$"
    )
)
# The same header without a dash, but opening with a full date: 2023年1月12日在…上的讲话.
HEADER_PLAIN = re.compile(
    both_scripts(
        rf"^(?P<when>(?:{_DATE_FULL}))\s*(?P<who>[^在。！？；，,!?;]{{0,20}}?)\s*"
        rf"在(?P<place>[^。！？；，,!?;]{{2,60}}?)(?P<tail>(?:上的|上|的)?{_VERB}?)"
        rf"(?:[ \u3000]+(?P<after>[^。！？；，,!?;]{{2,30}}))?$"
    )
)
# A dateline told as a sentence: 2025年1月14日在…会议上北京市市长 殷勇同志作政府工作报告。
HEADER_SENTENCE = re.compile(
    both_scripts(
        rf"^(?:{_DASH}{{1,4}}|[（(])?\s*(?P<when>{_DATE_FULL})\s*在(?P<place>[^。！？；，,!?;]{{2,60}}?)上"
        rf"[，,]?\s*(?P<who>[^。！？；，,!?;]{{2,30}}?)(?:同志)?\s*(?:作|做|发表)了?"
        rf"[^。！？；，,!?;]{{0,12}}?{_VERB}[。.]?[）)]?$"
    )
)
# The second half of a dateline wrapped onto two lines: short, ending as a dateline ends
# (会议上, 上的讲话, 讲, a closing bracket).
WRAPPED_HEADER_END = re.compile(
    both_scripts(
        rf"^[^。！？；，,!?;：:]{{1,30}}?(?:上的|上|的){_VERB}?[）)]?$|^[^。！？；]{{1,30}}[）)]$"
    )
)
# A line that is only a date, often in brackets under the title: （2021年3月5日）.
DATE_LINE = re.compile(rf"^[（(]?\s*(?P<date>{ANY_DATE})\s*[）)]?$")
# Greetings open the speech itself and are never its title.
SALUTATION = re.compile(
    both_scripts(r"^(?:尊敬的|各位|亲爱的|同志们|女士们|先生们|老师们|同学们|朋友们|大家好|诸位)")
)
# Outline numbering (一、 （一） 1. ①) marks a heading of the speech, not its title.
NUMBERED = re.compile(
    r"^(?:[一二三四五六七八九十百零〇]{1,4}、|[（(][一二三四五六七八九十]{1,4}[）)]|\d{1,3}[.．、]|[①-⑳])"
)
# A Markdown level-1 heading, "# 标题" (closing #s allowed): the title of a Markdown file.
MARKDOWN_TITLE = re.compile(r"^#[ \t]+(?P<title>.+?)(?:[ \t]+#+)?$")
# Any Markdown heading opening the text, when nothing comes before it: the title too.
MARKDOWN_ANY_TITLE = re.compile(r"^#{1,3}[ \t]+(?P<title>.+?)(?:[ \t]+#+)?$")
# A footnote mark ending a title line: 统计公报[1].
NOTE_MARK = re.compile(r"\s*(?:\[\d{1,2}\]|［\d{1,2}］|〔\d{1,2}〕)$")
# Spaces between single characters of a title set letter-spaced: 政 府 工 作 报 告.
LETTER_SPACING = re.compile(rf"(?<=[{HAN}])[ \u3000](?=[{HAN}](?:[ \u3000]|$))")
#: A blog post's own preamble may run this many lines before the speech's heading.
PREAMBLE_LINES = 6
# A preamble naming the speaker: 重读鲁迅先生在知用中学的这篇演讲.
PREAMBLE_SPEAKER = re.compile(
    both_scripts(
        rf"(?P<who>[{HAN}]{{2,12}}?)(?:先生|同志|女士)?在[^。，]{{2,30}}的(?:这篇|这次|那篇)?"
        r"(?:演讲|讲演|讲话|致辞|报告)"
    )
)
THEMATIC_BREAK = re.compile(r"^(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
# A language tag ending a file name: .zh-en, .zh_CN, .en.
LANGUAGE_TAG = re.compile(r"\.(?:zh|en|cn)(?:[-_][A-Za-z]{2,4})*$", re.IGNORECASE)
# A year standing apart in a file name: _2024, 2024-, " 2024".
STEM_YEAR = re.compile(r"(?:^|[-_ .])((?:19|20)\d{2})(?:$|[-_ .])")
# File names often read "author-title" or "2010-06-06-title".
STEM_DATE = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})[-_ ]+(?P<rest>.+)$")
STEM_AUTHOR = re.compile(both_scripts(rf"^(?P<name>{_NAME})[-_—－](?P<rest>.+)$"))
TITLE_MAX = 40
HEAD_LINES = 5  #: lines after the title searched for a speaker, header or date line


@dataclass(frozen=True)
class ImportMetadata(Metadata):
    """Metadata plus what the importer found beyond the shared fields; written to front
    matter after them, only when known."""

    speaker_role: str | None = None  #: 北京市市长, from a speaker line
    publisher: str | None = None  #: 来源： the paper or site the text was copied from
    editor: str | None = None  #: 编辑：
    published: str | None = None  #: ISO date of publication when it differs from ``date``
    #: (field, where it came from): sidecar, column, page, text, dateline, file name…; for the
    #: import report, never written to the MyST file.
    origins: tuple[tuple[str, str], ...] = ()


EXTRA_FIELDS = ("speaker_role", "publisher", "editor", "published")


def one_line(value: object) -> str | None:
    """Metadata text on one line, whitespace collapsed; None when empty."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _same(line: str, title: str | None) -> bool:
    return bool(title) and "".join(line.split()) == "".join(str(title).split())


def speaker_of(line: str) -> tuple[str, str | None] | None:
    """(name, role) when the line is a speaker line: 李克强, 北京市市长 殷勇, or an office run
    together with the name (河北省人民政府省长王正谱), the name confirmed by its shape."""
    line = line.strip()
    match = SPEAKER_LINE.match(line)
    if match and not (match["role"] and NOT_A_ROLE.search(match["role"])):
        if not match["role"] and not is_name(match["name"]):
            return None  # 高考: a surname first, but a word
        if not match["role"] or OFFICE_END.search(match["role"]) or " " not in line:
            return match["name"], match["role"]
        if (found := person_at_end(line)) is not None:
            return found[1], found[0] or None
        return match["name"], match["role"]
    if len(line) <= 40 and not NOT_A_ROLE.search(line) and (found := person_at_end(line)):
        role, name = found
        return name, role or None
    return None


def person_in(text: str) -> tuple[str, str | None] | None:
    """(name, role) of ``某某市长`` or ``市长某某`` inside a dateline.

    >>> person_in("王某某市长"), person_in("省长 王正谱")
    (('王某某', '市长'), ('王正谱', '省长'))
    """
    text = text.strip(" \u3000")
    if not text:
        return None
    if (found := person_at_end(text)) is not None:
        return found[1], found[0] or None
    if match := OFFICE_END.search(text):
        name = text[: match.start()].strip(" \u3000")
        if (found := person_at_end(name)) is not None and not found[0]:
            return found[1], match[0]
    return None


def header_of(line: str) -> dict[str, str] | None:
    """Date and place from a ——…在…讲 header line, plus ``rest`` for a glued first sentence."""
    line = line.strip()
    match = HEADER.match(line)
    if match and match["date"]:
        found = {"date": parse_date(match["date"])}
    elif match and (match["when"] or match["tail"]):
        found = {"date": parse_date(match["when"] or ""), "place": match["place"]}
        when = match["when"] or ""
        if date_match := re.match(rf"\s*{ANY_DATE}", when):
            who = person_in(when[date_match.end() :])
            if who:
                found["speaker"], found["speaker_role"] = who[0], who[1] or ""
    elif match := HEADER_SENTENCE.match(line):
        found = {"date": parse_date(match["when"]), "place": match["place"]}
        if who := person_in(match["who"]):
            found["speaker"], found["speaker_role"] = who[0], who[1] or ""
    elif match := HEADER_PLAIN.match(line):
        found = {"date": parse_date(match["when"]), "place": match["place"]}
        for part in (match["who"], match["after"]):
            if part and (who := person_in(part)):
                found["speaker"], found["speaker_role"] = who[0], who[1] or ""
    elif match := HEADER_GLUED.match(line):
        found = {
            "date": parse_date(match["when"] or ""),
            "place": match["place"],
            "rest": match["rest"],
        }
    else:
        return None
    return {k: v.strip() for k, v in found.items() if v and v.strip()}


def _titles_alike(line: str, known: str, lines: list[str], filled: list[int]) -> bool:
    """Whether the first line is the title too, worded apart from a container's title: one
    holds the other (政府工作报告 in 2026年广东省政府工作报告), or a dateline or speaker line
    follows it."""
    short, full = "".join(line.split()), "".join(known.split())
    if short in full or full in short:
        return True
    following = [lines[i].strip() for i in filled[1:3]]
    return any(header_of(f) or speaker_of(f) for f in following)


def looks_like_title(line: str) -> bool:
    """Short, wordy, not a sentence, greeting, header, outline item or name line."""
    text = line.strip()
    return (
        0 < len(text) <= TITLE_MAX
        and re.search(rf"[{HAN}A-Za-z0-9]", text) is not None
        and not re.search(r"[。！；!;]|[？?：:，,、](?!$)|[：:，,、]$", text)
        and not re.match(_DASH, text)
        and not text.startswith("#")
        and not SALUTATION.match(text)
        and not NUMBERED.match(text)
        and not DATE_LINE.match(text)
        and speaker_of(text) is None
    )


# A subtitle: short, no sentence end, not a greeting or outline item (团结起来，为…而奋斗).
SUBTITLE = re.compile(
    both_scripts(
        r"^(?!尊敬的|各位|同志们|亲爱的|[一二三四五六七八九十]+、)[^。！？；!?;：:]{2,40}$"
    )
)


def _post_preamble(out: list[str], filled: list[int], found: dict[str, str]) -> None:
    """A blog post's words before the speech (今天是世界读书日，重读…): when a Markdown
    heading a few lines down is followed by a dateline or speaker line, the heading is the
    speech's title and what stands above it is the post's, dropped (a speaker it names kept)."""
    for position, index in enumerate(filled[1:PREAMBLE_LINES], start=1):
        match = MARKDOWN_ANY_TITLE.match(out[index].strip())
        after = out[filled[position + 1]].strip() if position + 1 < len(filled) else ""
        if match and (header_of(after) or speaker_of(after)):
            for earlier in filled[:position]:
                if who := PREAMBLE_SPEAKER.search(out[earlier]):
                    tail = who["who"][-4:]
                    for size in (3, 2, 4):
                        name = tail[-size:]
                        if len(name) == size and is_name(name):
                            found.setdefault("speaker", name)
                            found.setdefault("origin_speaker", "post preamble")
                            break
                out[earlier] = ""
            return


#: A page's title may stand this far down, under short lines of chrome this wide at most.
CHROME_LINES = 15
CHROME_WIDTH = 30
#: A news introduction may stand this far down the head, after this much news text.
INTRODUCTION_LINES = 12
INTRODUCTION_CHARS = 3000


def _introduction(out: list[str], found: dict[str, str]) -> None:
    """Blank a news report's opening up to the line announcing the full text, keeping the
    speaker it names and the report's words for the day (昨日, 今日)."""
    filled = [i for i, line in enumerate(out) if line.strip()][:INTRODUCTION_LINES]
    seen = 0
    for position, index in enumerate(filled):
        line = out[index].strip()
        if is_introduction(line):
            report = " ".join(out[i].strip() for i in filled[: position + 1])
            who = speaker_in_introduction(line) or speaker_in_introduction(report)
            if who is not None and "speaker" not in found:
                found["speaker"], found["origin_speaker"] = who[0], "news introduction"
                if who[1]:
                    found.setdefault("speaker_role", who[1])
            found["introduction"] = " ".join(out[i].strip() for i in filled[: position + 1])
            if titled := title_in_introduction(found["introduction"]):
                found["speech_title"] = titled
            for blank in filled[: position + 1]:
                out[blank] = ""
            return
        seen += len(line)
        if seen > INTRODUCTION_CHARS:
            return


def read_head(
    lines: list[str],
    *,
    known_title: str | None,
    markdown: bool,
    fallback_title: str | None = None,
) -> tuple[list[str], dict[str, str]]:
    """Take the title, speaker, header and date lines off the top of the text, and a news
    introduction announcing the full text. ``fallback_title`` (a page's or post's title)
    serves when the text opens with no title of its own."""
    out = list(lines)
    found: dict[str, str] = {}
    filled = [i for i, line in enumerate(out) if line.strip()]
    if not filled:
        return out, found
    for position, index in enumerate(filled[:CHROME_LINES]):
        if position and (_same(out[index], known_title) or _same(out[index], fallback_title)):
            before = filled[:position]
            if all(len(out[i].strip()) <= CHROME_WIDTH for i in before):
                for chrome in before:  # a page's short lines above its title: chrome
                    out[chrome] = ""
                filled = filled[position:]
            break
    if markdown:
        _post_preamble(out, filled, found)
        filled = [i for i in filled if out[i].strip()]
        if not filled:
            return out, found
    first = filled[0]
    line = out[first].strip()
    title_pattern = MARKDOWN_ANY_TITLE if not known_title else MARKDOWN_TITLE
    if markdown and (match := title_pattern.match(line)):
        found["title"] = match["title"].strip()
        out[first] = ""
    elif _same(line, known_title):
        out[first] = ""
    elif known_title and looks_like_title(line) and _titles_alike(line, known_title, out, filled):
        out[first] = ""  # the text's own (shorter) title under a container's fuller one
    elif not known_title and (
        _same(line, fallback_title) or (len(filled) > 1 and looks_like_title(line))
    ):
        found["title"] = NOTE_MARK.sub("", LETTER_SPACING.sub("", line))
        out[first] = ""
    elif not known_title and fallback_title:
        found["title"] = fallback_title
    _introduction(out, found)
    headline = found.get("title") or fallback_title or known_title
    if headline and "speaker" not in found and (name := speaker_in_headline(headline)):
        found["speaker"], found["origin_speaker"] = name, "headline"  # 馬道立：法庭非…
    if not known_title and found.get("title") == fallback_title:
        # the post's or page's title stood in: the speech's own heading may follow its
        # introduction, after a speaker line
        for index in [i for i, line in enumerate(out) if line.strip()][:3]:
            if match := MARKDOWN_ANY_TITLE.match(out[index].strip()) if markdown else None:
                found["title"], found["origin_title"] = match["title"].strip(), "title line"
                out[index] = ""
                break
    if (titled := found.pop("speech_title", None)) and not known_title:
        found["title"], found["origin_title"] = titled, "news introduction"  # over a headline
    title = known_title or found.get("title")
    rest = [i for i in filled if out[i] != ""]
    for position, index in enumerate(rest[:HEAD_LINES]):
        line = out[index].strip()
        following = rest[position + 1] if position + 1 < len(rest) else None
        if _same(line, title) or (markdown and THEMATIC_BREAK.match(line)):
            out[index] = ""
        elif (
            position < 2
            and following is not None
            and "place" not in found
            and SUBTITLE.match(line)
            and not header_of(line)
            and not speaker_of(line)
            and (header_of(out[following].strip()) or speaker_of(out[following].strip()))
        ):
            found["subtitle"] = line  # a subtitle between the title and the dateline
            out[index] = ""
        elif "speaker" not in found and (speaker := speaker_of(line)):
            found["speaker"], role = speaker
            if role:
                found["speaker_role"] = role
            out[index] = ""
        elif (
            "place" not in found
            and following is not None
            and WRAPPED_HEADER_END.search(out[following].strip())
            and (header := header_of(line + out[following].strip()))
            and "rest" not in header
        ):
            out[index] = out[following] = ""  # a dateline Word wrapped onto two lines
            for key, value in header.items():
                found.setdefault(key, value)
        elif "place" not in found and (header := header_of(line)):
            out[index] = header.pop("rest", "")
            for key, value in header.items():
                if key.startswith("speaker"):
                    found.setdefault(key, value)
                else:
                    found[key] = value
            if out[index]:
                break
        elif (
            "date" not in found
            and (match := DATE_LINE.match(line))
            and (date := parse_date(match["date"]))
        ):
            found["date"] = date
            out[index] = ""
        elif out[index] == "":
            continue
        else:
            break
    return out, found


def stem_fields(stem: str) -> dict[str, str]:
    """Title, and maybe date and speaker, from a file name: ``鲁迅-娜拉走后怎样``; a language
    tag a bilingual file carries (``报告.zh-en``) is not part of the title."""
    found: dict[str, str] = {}
    stem = LANGUAGE_TAG.sub("", stem)
    if match := STEM_DATE.match(stem):
        if date := normalise_date(match["date"]):
            found["date"] = date
        stem = match["rest"]
    if re.fullmatch(r"(?:19|20)\d{2}", stem.strip()):
        found["date"] = stem.strip()  # a file named only by its year: 2016.txt
    elif match := STEM_YEAR.search(stem):
        found["year"] = match[1]  # Report_on_the_Work_of_the_Government_2024: a last resort
    if (match := STEM_AUTHOR.match(stem)) and len(match["rest"].strip()) >= 2:
        found["speaker"] = match["name"]
        stem = match["rest"]
    found["title"] = " ".join(stem.replace("_", " ").split()) or "untitled"
    return found


def _tags(value: object) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    items = value if isinstance(value, list | tuple) else re.split(r"[,，;；、]", str(value))
    return tuple(dict.fromkeys(t for item in items if (t := one_line(item))))


#: Genres a title names, most specific first: the category when no source names one.
GENRES = ("政府工作报告", "致辞", "演讲", "讲话", "发言", "报告")
GENRE = re.compile(both_scripts("|".join(GENRES)))
# A title that opens with the year it is about: 2021年政府工作报告.
TITLE_YEAR = re.compile(r"^\s*(?P<year>(?:19|20)\d{2})\s*年")
#: How each kind of container is named as the origin of its fields.
CONTAINER = {
    "table": "column",
    "json": "column",
    "markdown": "front matter",
    "html": "page",
    "docx": "document",
    "tmx": "document",
}


#: What part of the text a field found there comes from, unless the finder said otherwise.
TEXT_ORIGIN = {
    "title": "title line",
    "date": "dateline",
    "place": "dateline",
    "speaker": "speaker line",
    "speaker_role": "speaker line",
    "category": "page footer",
    "published": "page",
    "publisher": "page",
    "source_url": "page",
}


def genre_of(title: str) -> str | None:
    """The genre a title names, as the title writes it.

    >>> genre_of("2023年河北省政府工作报告"), genre_of("在开学典礼上的致辭")
    ('政府工作报告', '致辭')
    """
    found = [m for m in GENRE.finditer(title)]
    if not found:
        return None

    # the most specific genre named: the earliest in GENRES of those present
    def rank(match: re.Match[str]) -> int:
        simplified = match[0]
        for index, genre in enumerate(GENRES):
            if len(genre) == len(simplified) and re.fullmatch(both_scripts(genre), simplified):
                return index
        return len(GENRES)

    return min(found, key=rank)[0]


def merge_metadata(
    *,
    sidecar: Mapping[str, object],
    fields: Mapping[str, object],
    found: Mapping[str, str],
    stem: Mapping[str, str],
    source_file: str,
    encoding: str,
    script: str,
    incomplete: bool,
    kind: str = "text",
) -> ImportMetadata:
    """One Metadata: the sidecar over the container's fields over the text over the file name;
    for the date, the text (a dateline: when it was delivered) over the container's date, over
    a publication date (footer, 时间：, publish_date, a page's or post's date; ``昨日`` in a
    news introduction counts back from it), over a year the title opens with. Where each
    field came from is kept in ``origins``."""
    container = CONTAINER.get(kind, "container")
    origins: dict[str, str] = {}
    labelled = (
        (sidecar, "sidecar"),
        (fields, container),
        (found, "text"),
        (stem, "file name"),
    )

    def pick(*keys: str, date: bool = False, order: tuple[int, ...] = (0, 1, 2, 3)) -> str | None:
        for position in order:
            source, label = labelled[position]
            for key in keys:
                value = normalise_date(source.get(key)) if date else one_line(source.get(key))
                if value:
                    if label == "text":
                        label = found.get(f"origin_{key}") or TEXT_ORIGIN.get(key, "text")
                    origins[keys[0]] = label
                    return value
        return None

    title = pick("title") or pick("post_title", "page_title") or "untitled"
    if "title" not in origins:
        origins["title"] = "title" if title != "untitled" else "missing"
    date = pick("date", date=True, order=(0, 2, 1, 3))
    published = pick("published", date=True)
    introduction = found.get("introduction")
    if date is None and published and introduction:
        date = relative_date(introduction, published)
        if date:
            origins["date"] = "news introduction"
    if date is None and published:
        date, origins["date"] = published, "publication date"
    if date is None and (year := pick("year", date=True)):
        date = year
    if date is None and (match := TITLE_YEAR.match(title)):
        date, origins["date"] = match["year"], "title (year)"
    category = pick("category")
    if category is None and (category := genre_of(title)):
        origins["category"] = "title (genre)"
    speaker = pick("speaker")
    place = pick("place") or one_line(fields.get("province"))
    tags = _tags(sidecar.get("tags")) or _tags(fields.get("tags")) + _tags(fields.get("province"))
    flag = sidecar.get("incomplete", fields.get("incomplete"))
    return ImportMetadata(
        title=title,
        date=date,
        speaker=speaker,
        place=place,
        category=category,
        tags=tags,
        source_url=pick("source_url"),
        source_file=source_file,
        encoding=one_line(sidecar.get("encoding")) or encoding,
        script=one_line(sidecar.get("script")) or script,
        incomplete=flag if isinstance(flag, bool) else incomplete,
        speaker_role=pick("speaker_role"),
        publisher=pick("publisher"),
        editor=pick("editor"),
        published=published if published != date else None,
        origins=tuple(sorted(origins.items())),
    )
