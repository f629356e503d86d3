"""Site boilerplate out of the text, its metadata kept: lines in, lines and found fields out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

import yaml

from build_tools import han
from build_tools.errors import InputError
from build_tools.importing.script import compile_both

RULE_KINDS = ("drop_lines", "metadata_lines", "footer_starts", "appendix_starts")
#: Drop and metadata rules look at lines up to this long; longer lines are speech text.
LINE_RULE_MAX = 200
# A named group's opening, "(?P<name>", made anonymous to combine rules into one pattern.
GROUP_NAME = re.compile(r"\(\?P<\w+>")
USER_RULES = "boilerplate.yml"
#: In a rule, ``{han}`` stands for one Han character as the body of a character class
#: (``han.HAN``), so the shipped rules and a user's mean the same characters: ``[{han}·]{2,4}``.
#: A plain replacement, not ``str.format``: patterns are full of ``{m,n}`` quantifiers.
HAN_PLACEHOLDER = "{han}"
BAD_RULES = (
    "{where}: {problem}; each of drop_lines, metadata_lines, footer_starts and appendix_starts "
    "is a list of regular expressions (strings or {{pattern: ..., why: ...}})"
)


@dataclass(frozen=True)
class Rules:
    """The compiled boilerplate rules (defaults plus any user file)."""

    drop_lines: tuple[re.Pattern[str], ...]
    metadata_lines: tuple[re.Pattern[str], ...]
    footer_starts: tuple[re.Pattern[str], ...]
    appendix_starts: tuple[re.Pattern[str], ...] = ()

    @cached_property
    def any_line(self) -> re.Pattern[str] | None:
        """One pattern matching wherever some drop or metadata rule does (names removed), so
        most lines of a speech are ruled out with a single search."""
        patterns = [p.pattern for p in self.drop_lines + self.metadata_lines]
        combined = "|".join(f"(?:{GROUP_NAME.sub('(?:', p)})" for p in patterns)
        try:
            return re.compile(combined) if combined else None
        except re.error:  # a user rule with back-references: check rule by rule
            return None

    def extended(self, other: Rules) -> Rules:
        return Rules(
            self.drop_lines + other.drop_lines,
            self.metadata_lines + other.metadata_lines,
            self.footer_starts + other.footer_starts,
            self.appendix_starts + other.appendix_starts,
        )


def expand(pattern: str) -> str:
    """A rule's pattern with ``{han}`` replaced by the body of the Han character class.

    >>> re.fullmatch(expand("[{han}·]{2,4}摄"), "𠀀三·李摄") is not None
    True
    """
    return pattern.replace(HAN_PLACEHOLDER, han.HAN)


def _compile(data: object, where: str) -> Rules:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(BAD_RULES.format(where=where, problem="not a mapping"))
    compiled: dict[str, tuple[re.Pattern[str], ...]] = {}
    for kind in RULE_KINDS:
        rules = data.get(kind) or []
        if not isinstance(rules, list):
            raise InputError(BAD_RULES.format(where=where, problem=f"{kind} is not a list"))
        patterns = []
        for rule in rules:
            pattern = rule.get("pattern") if isinstance(rule, dict) else rule
            if not isinstance(pattern, str):
                raise InputError(BAD_RULES.format(where=where, problem=f"bad rule {rule!r}"))
            try:
                patterns.append(compile_both(expand(pattern)))
            except re.error as error:
                problem = f"{kind}: {pattern!r} is not a valid regular expression ({error})"
                raise InputError(BAD_RULES.format(where=where, problem=problem)) from None
        compiled[kind] = tuple(patterns)
    return Rules(**compiled)


@cache
def default_rules() -> Rules:
    """The rules shipped in ``boilerplate.yml`` next to this module."""
    text = resources.files(__package__).joinpath(USER_RULES).read_text(encoding="utf-8")
    return _compile(yaml.safe_load(text), "build_tools/importing/boilerplate.yml")


def load_rules(folder: Path | None) -> Rules:
    """The default rules, extended by ``<folder>/boilerplate.yml`` when there is one."""
    rules = default_rules()
    if folder is None or not (path := folder / USER_RULES).is_file():
        return rules
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        problem = f"not readable as plain YAML ({str(error).splitlines()[0]})"
        raise InputError(BAD_RULES.format(where=path, problem=problem)) from None
    return rules.extended(_compile(data, str(path)))


def rules_near(path: Path) -> Rules:
    """The rules for one raw file: defaults plus the nearest ``boilerplate.yml`` found in its
    folder or above, up to the project root (the folder holding ``pyproject.toml`` or ``.git``)."""
    for folder in path.resolve().parents:
        if (folder / USER_RULES).is_file():
            return load_rules(folder)
        if (folder / "pyproject.toml").exists() or (folder / ".git").exists():
            break
    return default_rules()


def _fields(match: re.Match[str]) -> dict[str, str]:
    return {k: v.strip() for k, v in match.groupdict().items() if v and v.strip()}


def _first_match(patterns: tuple[re.Pattern[str], ...], line: str) -> re.Match[str] | None:
    for pattern in patterns:
        if match := pattern.search(line):
            return match
    return None


def _footer_start(lines: list[str], rules: Rules) -> int | None:
    """The index of the line that starts the footer, if it lies in the second half."""
    total = sum(len(line) for line in lines)
    seen = 0
    for index, line in enumerate(lines):
        if seen * 2 >= total and _first_match(rules.footer_starts, line.strip()):
            return index
        seen += len(line)
    return None


def strip_boilerplate(
    lines: list[str], rules: Rules, *, title: str | None = None
) -> tuple[list[str], dict[str, str]]:
    """Remove clutter lines, metadata lines and the footer; return the rest and the fields
    found (the first value of a field wins: the header's 来源 over the footer's).

    ``title``, when known, is a title to drop where it is repeated right before the footer.
    """
    found: dict[str, str] = {}

    def keep(fields: dict[str, str]) -> None:
        for key, value in fields.items():
            found.setdefault(key, value)

    footer = _footer_start(lines, rules)
    if footer is not None:
        for line in lines[footer:]:
            stripped = line.strip()
            match = _first_match(rules.footer_starts, stripped) or _first_match(
                rules.metadata_lines, stripped
            )
            if match:
                keep(_fields(match))
        body = lines[:footer]
        while body and not body[-1].strip():
            body.pop()
        if body and title and _same_title(body[-1], title):
            body.pop()
        lines = body
    kept: list[str] = []
    quick = rules.any_line
    for line in rejoin_chrome(shape_clutter(lines), rules):
        stripped = line.strip()
        if (
            not stripped
            or len(stripped) > LINE_RULE_MAX
            or (quick is not None and not quick.search(stripped))
        ):
            kept.append(line)
        elif match := _first_match(rules.metadata_lines, stripped):
            keep(_fields(match))
        elif not _first_match(rules.drop_lines, stripped):
            kept.append(line)
    return kept, found


#: Short lines repeated this often are a page's chrome (menus, buttons), not speech text.
REPEATED = 3
SHORT = 20
#: Lines at either edge of the text looked at for menus.
EDGE = 6
# Sentence punctuation: a line holding any is text, never chrome.
SENTENCE_MARK = re.compile(r"[。！？；，、：!?;,:“”]")
# A menu or breadcrumb: three or more short words between separators (首页 | 新闻 | 讲话,
# 首页 > 新闻 > 正文).
# Two short words with a bar between them, at an edge: a section menu (博客 | 特約轉載).
SHORT_MENU = re.compile(r"^[^\s|｜]{1,6}\s*[|｜]\s*[^\s|｜]{1,6}$")
# A line holding only a breadcrumb separator.
SEPARATOR_LINE = re.compile(r"^[>＞»›|｜/]{1,3}$")
BREADCRUMB_WORD = 10
MENU = re.compile(r"^(?:[^\s|｜>＞»]{1,8}\s*[|｜>＞»]\s*){2,}[^\s|｜>＞»]{0,8}$")


def shape_clutter(lines: list[str]) -> list[str]:
    """Chrome told by its shape, whatever the site: short lines without punctuation repeated
    three times or more, and menus or breadcrumbs near either edge.

    >>> shape_clutter(["首页 | 新闻 | 讲话", "正文。", "返回", "正文二。", "返回", "返回"])
    ['', '正文。', '', '正文二。', '', '']
    """
    counts: dict[str, int] = {}
    for line in lines:
        stripped = line.strip()
        if stripped and len(stripped) <= SHORT and not SENTENCE_MARK.search(stripped):
            counts[stripped] = counts.get(stripped, 0) + 1
    filled = [i for i, line in enumerate(lines) if line.strip()]
    edges = set(filled[:EDGE] + filled[-EDGE:])
    out = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        repeated = counts.get(stripped, 0) >= REPEATED
        menu = index in edges and (MENU.match(stripped) or SHORT_MENU.match(stripped))
        out.append("" if repeated or menu else line)
    # A breadcrumb one item a line (首页 / > / 新闻): the separators and the short words
    # on either side of them.
    for position, index in enumerate(filled):
        if SEPARATOR_LINE.match(lines[index].strip()):
            out[index] = ""
            for near in filled[max(0, position - 1) : position + 2]:
                word = lines[near].strip()
                if len(word) <= BREADCRUMB_WORD and not SENTENCE_MARK.search(word):
                    out[near] = ""
    return out


#: Chrome split one word a line: a label and its value (来源： / 宁夏日报客户端), or a widget
#: of tiny lines (【字体： / 大 / 中 / 小 / 】); labels this short, widget words this short.
LABEL_MAX = 8
TINY = 4
VALUE_MAX = 30
RUN_MAX = 12  #: a widget is a few words; a longer run of tiny lines is verse or a list
CHROME_ZONE = 40  #: filled lines at the top and at the bottom where split chrome is looked for


def _tiny(line: str) -> bool:
    return bool(line) and len(line) <= TINY and not SENTENCE_END_MARK.search(line)


# A sentence's end: a line holding one is text, however short.
SENTENCE_END_MARK = re.compile(r"[。！？!?]")


def rejoin_chrome(lines: list[str], rules: Rules) -> list[str]:
    """Lines a page split word by word, joined again where the joined line is one the rules
    know (and then removed or read by them); anything else is left as it was.

    >>> rules = Rules((re.compile("^字体： ?大 中 小$"),), (re.compile("^来源：(?P<p>.+)$"),), ())
    >>> rejoin_chrome(["来源：", "日报", "字体：", "大", "中", "小", "正文。"], rules)
    ['来源：日报', '', '字体： 大 中 小', '', '', '', '正文。']
    """
    out = list(lines)
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if len(filled) > 2 * CHROME_ZONE:  # chrome sits above and below the text, not inside it
        zone = set(range(filled[CHROME_ZONE])) | set(range(filled[-CHROME_ZONE], len(lines)))
    else:
        zone = set(range(len(lines)))
    index = 0
    while index < len(out):
        line = out[index].strip()
        if not line or index not in zone:
            index += 1
            continue
        end = index + 1
        while end < min(len(out), index + RUN_MAX) and _tiny(out[end].strip()):
            end += 1
        label = len(line) <= LABEL_MAX and line.endswith(("：", ":"))
        candidates = []
        if label and index + 1 < len(out):
            value = out[index + 1].strip()
            if value and len(value) <= VALUE_MAX and not value.endswith(("：", ":")):
                candidates.append((line + value, index + 2))
        if label or _tiny(line):  # the longest run of tiny lines the rules know
            for stop in range(end, index + 2, -1):
                candidates.append((" ".join(o.strip() for o in out[index:stop]), stop))
        quick = rules.any_line
        for joined, stop in candidates:
            if quick is not None and not quick.search(joined):
                continue  # no rule matches: ruled out with one search
            if _first_match(rules.drop_lines, joined) or _first_match(rules.metadata_lines, joined):
                out[index:stop] = [joined] + [""] * (stop - index - 1)
                index = stop - 1
                break
        index += 1
    return out


# Where a credit glued to a paragraph's end begins: after its last sentence.
LAST_SENTENCE_END = re.compile(r"[。！？!?][”’」』）)]*")


def cut_glued_credit(text: str, rules: Rules) -> str:
    """A credit a paper glued to the end of the last paragraph, after its last sentence, cut
    when the rules know it as a line of its own.

    >>> rules = Rules((re.compile("^（新华社.*讯）$"),), (), ())
    >>> cut_glued_credit("争取更大的胜利！ （新华社一九七五年一月二十日讯）", rules)
    '争取更大的胜利！'
    """
    ends = list(LAST_SENTENCE_END.finditer(text))
    if not ends or ends[-1].end() == len(text):
        return text
    tail = text[ends[-1].end() :].strip()
    if tail and len(tail) <= LINE_RULE_MAX and _first_match(rules.drop_lines, tail):
        return text[: ends[-1].end()]
    return text


def _same_title(line: str, title: str) -> bool:
    return "".join(line.split()) == "".join(title.split())
