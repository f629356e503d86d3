"""Who gave the speech: a speaker line with an office (``国务院总理 李克强``), an office and name
run together (``自治区人民政府主席某某``), or the name in a news introduction (``以下是…在…的
演辞全文``); a candidate is confirmed as a person's name by jieba's part-of-speech tagger."""

from __future__ import annotations

import logging
import re
from functools import cache

from build_tools.han import HAN
from build_tools.importing.script import both_scripts, to_simplified

# Offices a speaker line names before the person: 省长, 市委书记, 主席, 总理, 校长, 行政长官…
# The last characters of the role, so that any organisation may come before them.
OFFICE_END = re.compile(
    both_scripts(
        rf"(?:行政长官|董事长|秘书长|[{HAN}]长|书记|主席|总理|主任|委员|总统|总裁|"
        r"代表|院士|教授|首相|特首|议员|大使|领事|理事|主持人|老师|经理|法官|律师|司长|"
        r"部长|会长|校长|院长|专员|首长)$"
    )
)
# A news introduction announcing the full text: 以下是行政长官李家超在…的演辞全文：
INTRODUCTION = re.compile(
    both_scripts(
        r"(?:以下|下面|本文)(?:是|为|为您)?(?P<who>[^，。：:；]{1,40}?)"
        r"(?:(?:在|于|出席|今日|昨日|今天|昨天)[^。]{0,80}?)?(?:的|之)?"
        r"(?:全文|原文|讲辞|演辞|致辞|讲话|发言|演讲|致词)(?:全文|摘要|摘录|实录)?"
        r"(?:[（(][^）)]{0,12}[）)])?[：:。]?\s*$"
    )
)
# Other ways a report announces the text: 某某于…致辞全文：, 以下是原文，演讲全文仅535字：
INTRODUCTION_OTHER = re.compile(
    both_scripts(
        r"^(?P<who>[^，。：:；]{2,24}?)(?:在|于)[^。]{0,40}?(?:致辞|讲话|演讲|演辞|发言|讲辞)"
        r"全文(?:如下)?[：:]\s*$|^(?:以下|下面)[^。]{0,40}?(?:全文|原文)[^。]{0,16}[：:]\s*$"
    )
)
# The title a report gives the speech: 题为「共同珍惜香港这个家」.
TITLED = re.compile(both_scripts(r"题为\s*[「“《\"](?P<title>[^」”》\"]{2,40})[」”》\"]"))
# The clauses of a news introduction, where its subject (office and name) stands.
CLAUSE = re.compile(r"[，。；：、,;:\s]+")
NAME_MAX = 4
#: jieba's tags of ordinary words (nouns, places, verbs, adjectives, numerals, adverbs): a
#: surname-first word tagged so is a word, not a name (高考 v, 黄河 ns); its tags for some
#: names are odd (周恩来 t), so only these rule a name out.
WORD_CLASSES = frozenset("nvamdqlij")  # …and idioms, abbreviations (王者归来 l)


@cache
def _tagger():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg


# A name set off by a space after an office: two to six characters, or a dotted name.
SPACED_NAME = re.compile(f"^(?:[{HAN}]{{2,6}}|[{HAN}]{{1,8}}[·•‧・][{HAN}]{{1,10}})$")
# A transliterated name with a middle dot: 艾尔肯·吐尼亚孜.
DOTTED_NAME = re.compile(f"[{HAN}]{{1,8}}[·•‧・][{HAN}]{{1,10}}$")


def is_name(name: str) -> bool:
    """A person's name: jieba tags it a name (``nr``), or it starts with a common surname and
    jieba does not know it as one ordinary word (高考 is a word, 李家超 is not)."""
    from build_tools.importing.metadata import COMPOUND_SURNAMES, SURNAMES

    simplified = to_simplified(name)
    words = list(_tagger().cut(simplified))
    if len(words) == 1 and words[0].flag.startswith("nr"):
        return True
    if len(simplified) == 4 and not simplified.startswith(COMPOUND_SURNAMES):
        return False  # four characters and no compound surname: a phrase, unless jieba knows it
    surname = simplified.startswith(COMPOUND_SURNAMES) or simplified[:1] in SURNAMES
    return surname and not (len(words) == 1 and words[0].flag[:1] in WORD_CLASSES)


def person_at_end(text: str) -> tuple[str, str] | None:
    """(role, name) when ``text`` is a person's name, or an office run together with one
    (the role must end with an office word; the name is 2-4 characters, or a dotted name).

    >>> person_at_end("国务院总理李克强"), person_at_end("行政長官李家超")
    (('国务院总理', '李克强'), ('行政長官', '李家超'))
    >>> person_at_end("全省教育大会") is None
    True
    """
    text = text.strip(" \u3000")
    if not text or len(text) > 40 or not re.fullmatch(f"[{HAN}·•‧・ \u3000（）()]+", text):
        return None
    if match := DOTTED_NAME.search(text):
        for start in range(match.start(), match.end()):
            role = text[:start].strip(" \u3000")
            if not role or OFFICE_END.search(role):
                return role, text[start:].strip(" \u3000")
    spaced = text.split()
    if len(spaced) >= 2 and OFFICE_END.search(spaced[-2]) and SPACED_NAME.match(spaced[-1]):
        return " ".join(spaced[:-1]), spaced[-1]  # 代理主席 嘎玛泽登: set off, any name
    squeezed = text.replace(" ", "").replace("\u3000", "")
    if len(squeezed) == 2:
        return ("", squeezed) if is_name(squeezed) else None
    for size in (3, 2, 4):
        role, name = squeezed[:-size], squeezed[-size:]
        if OFFICE_END.search(role) and is_name(name):
            spaced = text.rsplit(None, 1)
            if len(spaced) == 2 and spaced[1] == name:
                role = spaced[0].strip()
            return role, name
    if len(squeezed) <= NAME_MAX and is_name(squeezed) and not OFFICE_END.search(squeezed):
        return "", squeezed
    return None


def office_and_name(clause: str) -> tuple[str, str] | None:
    """(role, name) of the first office followed by a name in a clause of a report:
    前財政司司長曾俊華今天舉行記者會 → ('前財政司司長', '曾俊華')."""
    for end in range(2, len(clause) - 1):
        if OFFICE_END.search(clause[:end]):
            for size in (3, 2):
                name = clause[end : end + size]
                if len(name) == size and re.fullmatch(f"[{HAN}]+", name) and is_name(name):
                    return clause[:end], name
    return None


def speaker_in_headline(title: str) -> str | None:
    """The name a news headline opens with before its colon: 馬道立：法庭非裁決政治社會議題."""
    match = HEADLINE_NAME.match(title.strip())
    if match and is_name(match["name"]):
        return match["name"]
    return None


# A news headline quoting someone: their name, a colon, what they said.
HEADLINE_NAME = re.compile(f"^(?P<name>[{HAN}]{{2,4}})\\s*[：:]")


def speaker_in_introduction(line: str) -> tuple[str, str | None] | None:
    """(name, role) of the speaker a news introduction announces.

    >>> speaker_in_introduction("以下是行政長官李家超在香港大學畢業典禮的演辭全文：")
    ('李家超', '行政長官')
    """
    match = INTRODUCTION.search(line.strip()) or INTRODUCTION_OTHER.search(line.strip())
    if not match:
        return None
    who = (match["who"] or "").strip(" \u3000")
    found = person_at_end(who)
    if found is None:  # 以下是他的演辞全文: the subject of the report's first clauses
        clauses = CLAUSE.split(line[: match.start()])
        found = next((f for c in clauses if len(c) >= 4 and (f := office_and_name(c))), None)
    if found is None:
        return None
    role, name = found
    return name, role or None


def is_introduction(line: str) -> bool:
    """A line that only announces that the full text follows."""
    line = line.strip()
    return INTRODUCTION.search(line) is not None or INTRODUCTION_OTHER.search(line) is not None


def title_in_introduction(text: str) -> str | None:
    """The title a news introduction gives the speech (题为「…」)."""
    match = TITLED.search(text)
    return match["title"] if match else None
