"""Golden MyST documents full of markup, converted to every edition.

Each file in tests/fixtures/variants/*.txt holds cases: ``>>>>> case: title``, the input
document, then ``>>>>> <edition>`` and the expected output, for each edition. Run with
``REGEN=1`` to rewrite the expected sides from the current code, then review the diff.

Besides the golden comparison, every output is parsed with MyST's own parser and its markup
(token types, attributes, link targets, labels, code, directive names and options, role
names and targets, front-matter keys and non-text values) must equal the input's.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from build_tools.variants import inline, markup, table
from build_tools.variants.convert import convert_myst
from build_tools.variants.dictionary import builtin_dictionary

FIXTURES = Path(__file__).parent / "fixtures" / "variants"
MARKER = ">>>>> "
CASE = "case: "
EDITIONS = tuple(v.name for v in table.VARIANTS)
_OPTION = re.compile(r"^\s*:([\w-]+):(.*)$")
_MD = create_md_parser(
    MdParserConfig(enable_extensions={"colon_fence", "deflist", "substitution", "attrs_inline"}),
    RendererHTML,
)


def read_cases(path: Path) -> list[tuple[str, str, dict[str, str]]]:
    """(title, input, {edition: expected}) for each case in the file."""
    cases: list[dict[str, str]] = []
    key = ""
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith(MARKER):
            name = line[len(MARKER) :].strip()
            if name.startswith(CASE):
                cases.append({"title": name[len(CASE) :], "": ""})
                key = ""
            else:
                key = name
                cases[-1][key] = ""
            continue
        cases[-1][key] += line
    return [
        (case["title"], case[""], {e: case[e] for e in EDITIONS if e in case}) for case in cases
    ]


def write_cases(path: Path, cases: list[tuple[str, str, dict[str, str]]]) -> None:
    parts = []
    for title, source, expected in cases:
        parts.append(f"{MARKER}{CASE}{title}\n{source}")
        parts += [f"{MARKER}{edition}\n{expected.get(edition, '')}" for edition in EDITIONS]
    path.write_text("".join(parts), encoding="utf-8")


def _convert(source: str, edition: str) -> str:
    return convert_myst(source, table.get(edition), dictionary=builtin_dictionary())


FILES = sorted(FIXTURES.glob("*.txt"))
if os.environ.get("REGEN"):
    for fixture in FILES:
        write_cases(
            fixture,
            [(t, s, {e: _convert(s, e) for e in EDITIONS}) for t, s, _ in read_cases(fixture)],
        )

PARAMS = [
    pytest.param(source, edition, expected.get(edition), id=f"{path.stem}-{title}-{edition}")
    for path in FILES
    for title, source, expected in read_cases(path)
    for edition in EDITIONS
]


def test_fixtures_exist() -> None:
    assert len(FILES) >= 3 and len(PARAMS) >= 4 * 20


@pytest.mark.parametrize(("source", "edition", "expected"), PARAMS)
def test_golden(source: str, edition: str, expected: str | None) -> None:
    assert expected is not None, "no expected output: run with REGEN=1 and review"
    assert _convert(source, edition) == expected


def _front_matter(content: str) -> tuple[list[str], dict[str, object]]:
    data = yaml.safe_load(content) or {}
    kept = {k: v for k, v in data.items() if k not in markup.TEXT_KEYS}
    return list(data), kept


def _options(content: str) -> tuple[tuple[tuple[str, object], ...], str]:
    """A directive's options (text values blanked) and the body after them."""
    lines = content.splitlines(keepends=True)
    if lines and lines[0].strip() == "---":
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
        data = yaml.safe_load("".join(lines[1:end])) or {}
        found = tuple((k, "" if k in markup.TEXT_OPTIONS else v) for k, v in data.items())
        return found, "".join(lines[end + 1 :])
    options = []
    for count, line in enumerate(lines):  # noqa: B007
        option = _OPTION.match(line)
        if not option:
            break
        options.append((option[1], "" if option[1] in markup.TEXT_OPTIONS else option[2]))
    else:
        count = len(lines)
    return tuple(options), "".join(lines[count:])


def _fence(token: Token) -> tuple[object, ...]:
    info = token.info.strip()
    if not info.startswith("{") or "}" not in info:
        return ("fence", token.markup, info, token.content)  # code: all of it kept
    name = info[1 : info.index("}")]
    argument = info[info.index("}") + 1 :].strip()
    options, body = _options(token.content)
    shown = "" if name in markup.TEXT_ARGUMENT else argument
    kept = body if name in markup.KEPT_BODY else None
    return ("directive", token.markup, name, shown, options, kept)


def _role(token: Token) -> tuple[object, ...]:
    name, content = token.meta["name"], token.content
    if name in inline.KEPT_ROLES:
        return ("role", name, content)
    target = re.search(r"<([^<>]+)>\s*$", content)
    if target and name not in inline.TEXT_ROLES:
        return ("role", name, target[1])
    return ("role", name, content if name in inline.TARGET_ROLES else "")


def skeleton(document: str) -> list[tuple[object, ...]]:
    """The markup of ``document`` as MyST's parser sees it, with the text left out."""
    out: list[tuple[object, ...]] = []

    def walk(tokens: list[Token]) -> None:
        for token in tokens:
            if token.type == "front_matter":
                out.append(("front_matter", *_front_matter(token.content)))
            elif token.type in ("fence", "colon_fence"):
                out.append(_fence(token))
            elif token.type == "html_block":  # the tags are markup, what lies between is text
                out.append(("html_block", re.findall(r"<[^<>]*>", token.content)))
            elif token.type == "myst_role":
                out.append(_role(token))
            elif token.type in ("text", "inline"):
                out.append((token.type,))
            else:
                attrs = sorted((token.attrs or {}).items())
                meta = sorted(token.meta.items())
                out.append((token.type, token.tag, token.markup, token.info, token.content))
                out.append((attrs, meta))
            if token.children:
                walk(token.children)

    walk(_MD.parse(document))
    return out


@pytest.mark.parametrize(("source", "edition", "expected"), PARAMS)
def test_markup_is_byte_identical(source: str, edition: str, expected: str | None) -> None:
    assert skeleton(_convert(source, edition)) == skeleton(source)


SIMPLIFIED_ONLY = frozenset("发头这国们说门话书开关见")
TRADITIONAL_ONLY = frozenset("發頭這國們說門話書開關見")


@pytest.mark.parametrize(("source", "edition", "expected"), PARAMS)
def test_text_is_converted(source: str, edition: str, expected: str | None) -> None:
    """No character of the other script is left in the text of a converted edition."""
    variant = table.get(edition)
    script = table.normalize_script(markup.script_of(source) or "hans")
    if variant.config_for(script) is None:
        pytest.skip("this edition keeps this script as it is")
    out = _convert(source, edition)
    text = "".join(out[s:e] for s, e, is_text in markup.scan(out) if is_text)
    left = (SIMPLIFIED_ONLY if variant.traditional else TRADITIONAL_ONLY) & set(text)
    assert not left, text
