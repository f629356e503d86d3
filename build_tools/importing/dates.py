"""Dates as speeches write them (一九二四年一月十七日, 二月十六日, 2010-06-06) → ISO."""

from __future__ import annotations

import datetime
import re

#: Chinese digits, including the circle (○, U+25CB) and the ideographic zero that
#: older texts use for 〇.
CN_DIGITS = {
    "〇": 0, "○": 0, "零": 0, "Ｏ": 0, "О": 0,
    "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_CN = "〇○零ＯО一二三四五六七八九"

# A year written digit by digit: 1924, 一九二四, 二〇二一.
_YEAR = rf"(?:\d{{4}}|[{_CN}]{{4}})"
# A month: 1–12, 一…十二.
_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
# A day: 1–31, 一…三十一 (二十六, 十七, 三十).
_DAY = r"(?:3[01]|[12]\d|0?[1-9]|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
# 1924年1月17日, 一九二四年一月十七日, 二月十六日 (no year), 2021年3月: the written form.
WRITTEN = re.compile(
    rf"(?<![{_CN}十\d])(?:(?P<y>{_YEAR})\s*年\s*)?(?P<m>{_MONTH})\s*月\s*(?:(?P<d>{_DAY})\s*[日号號])?"
)
# 2010-06-06, 2010/6/6, 2010.06.06: the numeric form, always with a year and a day; the day
# must not run on into more digits (2010-06-061 is not a date).
NUMERIC = re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)")
# 1924年 on its own: a year and nothing finer.
YEAR_ONLY = re.compile(rf"(?P<y>{_YEAR})\s*年")
#: A regex fragment (no groups) matching any of the forms, for patterns that embed a date.
ANY_DATE = (
    rf"(?:(?:{_YEAR}\s*年\s*)?{_MONTH}\s*月\s*(?:{_DAY}\s*[日号號])?"
    rf"|\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}(?!\d)|{_YEAR}\s*年)"
)


#: Full-width digits (１９９３) as older texts and typesetters write them → ASCII.
FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def cn_number(text: str) -> int:
    """A number written in Arabic or Chinese digits: ``"十七"`` → 17, ``"一九二四"`` → 1924.

    >>> cn_number("二十六"), cn_number("十"), cn_number("一九○○"), cn_number("07")
    (26, 10, 1900, 7)
    """
    if text.isdigit():  # ASCII or full-width digits (１９９３)
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[units] if units else 0)
    value = 0
    for char in text:
        value = value * 10 + CN_DIGITS[char]
    return value


def _iso(year: int | None, month: int | None, day: int | None) -> str | None:
    """ISO text for what is known, or None when the parts are not a real date."""
    if month is not None and not 1 <= month <= 12:
        return None
    if year is None:
        if month is None or day is None:
            return None
        try:  # 2000 is a leap year: 二月二十九日 is valid without a year
            datetime.date(2000, month, day)
        except ValueError:
            return None
        return f"--{month:02d}-{day:02d}"
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        datetime.date(year, month, day)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _from_match(match: re.Match[str]) -> str | None:
    parts = match.groupdict()
    year = cn_number(parts["y"]) if parts.get("y") else None
    month = cn_number(parts["m"]) if parts.get("m") else None
    day = cn_number(parts["d"]) if parts.get("d") else None
    return _iso(year, month, day)


def parse_date(text: str) -> str | None:
    """The first date in ``text`` as ISO (``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``, or ``--MM-DD``
    when the year is not given), or None.

    >>> parse_date("一九二四年一月十七日在北京"), parse_date("二月十六日在香港")
    ('1924-01-17', '--02-16')
    >>> parse_date("本文2010-06-06 14:29:16发表"), parse_date("——１９９３年３月１５日")
    ('2010-06-06', '1993-03-15')
    """
    text = text.translate(FULLWIDTH_DIGITS)
    candidates = [m for m in (NUMERIC.search(text), WRITTEN.search(text)) if m]
    for match in sorted(candidates, key=lambda m: m.start()):
        if (iso := _from_match(match)) is not None:
            return iso
    if (match := YEAR_ONLY.search(text)) is not None:
        return _iso(cn_number(match["y"]), None, None)
    return None


def normalise_date(value: object) -> str | None:
    """A date from metadata (YAML may give a ``datetime.date``, CSV a string) → ISO or None.

    >>> normalise_date("2026-02-02"), normalise_date(datetime.date(1922, 8, 14))
    ('2026-02-02', '1922-08-14')
    >>> normalise_date(2021), normalise_date("--02-30")
    ('2021', None)
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value).strip()
    if re.fullmatch(r"\d{4}", text):
        return text
    if match := re.fullmatch(r"--(\d{2})-(\d{2})", text):
        return _iso(None, int(match[1]), int(match[2]))
    if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
        return _iso(int(match[1]), int(match[2]), None)
    return parse_date(text)


def year_of(date: str | None) -> str | None:
    """The year of an ISO date, or None for no date or a date without a year."""
    if not date or date.startswith("--"):
        return None
    return date[:4]


# A news report's words for the day it tells of, relative to the day it was published.
RELATIVE_DAY = re.compile(r"(?P<word>前日|前天|昨日|昨天|今日|今天|今晨|昨晚|昨晨)")
DAYS_BACK = {"前": 2, "昨": 1, "今": 0}
# The day of the month a report adds in brackets: 昨日（12日）.
BRACKET_DAY = re.compile(
    r"[（(]\s*(?P<d>\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])\s*日\s*[）)]"
)


def relative_date(text: str, published: str) -> str | None:
    """The day a news report's ``昨日`` or ``今日`` (or ``（12日）``) means, given the day it
    was published.

    >>> relative_date("行政长官昨日（12日）出席典礼", "2023-06-13")
    '2023-06-12'
    >>> relative_date("昨日出席", "2023-03-01"), relative_date("出席", "2023-03-01")
    ('2023-02-28', None)
    """
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", published):
        return None
    base = datetime.date.fromisoformat(published)
    if match := BRACKET_DAY.search(text):
        day = cn_number(match["d"])
        if 1 <= day <= base.day:
            return _iso(base.year, base.month, day)
    if match := RELATIVE_DAY.search(text):
        return (base - datetime.timedelta(days=DAYS_BACK[match["word"][0]])).isoformat()
    return None
