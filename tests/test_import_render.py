"""Rendering: text that looks like MyST, Markdown, HTML or templates is shown literally.

The MyST is parsed with MyST-Parser's docutils parser, with the syntax extensions the book
enables and more, and the text of every paragraph must be exactly the speech's characters.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from docutils import nodes
from docutils.core import publish_doctree
from myst_parser.parsers.docutils_ import Parser

from build_tools.importing.clean import FOOTNOTE_CLOSE, FOOTNOTE_OPEN
from build_tools.importing.metadata import ImportMetadata
from build_tools.importing.pipeline import convert_raw
from build_tools.importing.render import render
from build_tools.records import Footnote, Heading, Paragraph, RawSpeech, Speech

EXTENSIONS = [
    *("attrs_block", "attrs_inline", "colon_fence", "deflist"),  # what conf.py enables
    *("dollarmath", "amsmath", "substitution", "fieldlist", "tasklist", "html_image"),
    *("strikethrough", "html_admonition"),
]  # not smartquotes/replacements: they change text on purpose ('x' → ‘x’, -- → –)
#: Node types that only markup creates: none of them may come out of a speech's text.
MARKUP = (
    nodes.raw, nodes.literal, nodes.literal_block, nodes.emphasis, nodes.reference,
    nodes.image, nodes.math, nodes.math_block, nodes.substitution_reference,
    nodes.field_list, nodes.definition_list, nodes.bullet_list, nodes.enumerated_list,
    nodes.block_quote, nodes.comment, nodes.table, nodes.system_message, nodes.admonition,
    nodes.problematic, nodes.container,
)  # fmt: skip

HOSTILE = [
    "```{include} /etc/passwd\n```",
    "```{eval-rst}\n.. raw:: html\n\n   <script>alert(1)</script>\n```",
    "```{raw} html\n<b>x</b>\n```",
    ":::{note}\n注意\n:::",
    "~~~\ncode\n~~~",
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[点我](javascript:alert(1)) ![图](x.png) <javascript:alert(1)> <https://a.cn>",
    "{{ config.__class__ }} {% include 'x' %} {#comment#}",
    "$$ x^2 $$ 和 $y$ 和 \\(z\\)",
    "---",
    "***",
    "- 列表",
    "+ 列表",
    "* 列表",
    "1. 第一",
    "2) 第二",
    "> 引用",
    "# 不是标题",
    "(label)=",
    "% 注释",
    ":field: value",
    "术语\n: 定义",
    "| a | b |\n|---|---|",
    "a *b* _c_ **d** __e__ `f` ~~g~~ h\\i",
    "{sub-ref}`today` {ref}`x` {#id .class}",
    "&amp; &lt; &#60; &copy;",
    "[^1] 和 [^note]: 不是脚注",
    "    缩进四格的代码",
    "=====",
    "<!-- 注释 -->",
    "http://example.org/a_b*c",
    "a | b \\| c",
    "1\\. 已经转义",
    "...和 -- 和 (c) 和 'x' \"y\"",
    '{ "json": [1, 2] }',
    "@{author} ^[inline] ~sub~",
]


def doctree(myst: str) -> nodes.document:
    """The body's doctree (front matter is checked with YAML separately)."""
    body = myst[4:].split("\n---\n", 1)[1]
    settings = {
        "myst_enable_extensions": EXTENSIONS,
        "doctitle_xform": False,  # keep the title a section title, as Sphinx does
        "report_level": 5,
        "halt_level": 5,
    }
    return publish_doctree(body, parser=Parser(), settings_overrides=settings)


def speech_of(
    *blocks: Heading | Paragraph, title: str = "标题", notes: tuple[Footnote, ...] = ()
) -> Speech:
    return Speech(ImportMetadata(title=title), blocks, notes)


def paragraphs(document: nodes.document) -> list[str]:
    return [p.astext() for p in document.findall(nodes.paragraph)]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_renders_literally(text: str) -> None:
    for line in filter(str.strip, text.split("\n")):
        document = doctree(render(speech_of(Paragraph(line))))
        assert paragraphs(document) == [line.strip()]
        assert not [n for n in document.findall() if isinstance(n, MARKUP)], line


@pytest.mark.parametrize("text", HOSTILE)
def test_headings_leads_notes_and_titles_render_literally(text: str) -> None:
    line = text.split("\n")[0].strip()
    speech = speech_of(
        Heading(2, line + "节", "p-h1"),
        Paragraph(line + "后文", lead="（一）" + line + "。"),
        Paragraph(f"正文{FOOTNOTE_OPEN}1{FOOTNOTE_CLOSE}。"),
        title=line,
        notes=(Footnote(1, line),),
    )
    document = doctree(render(speech))
    titles = [t.astext() for t in document.findall(nodes.title)]
    assert titles == [line, line + "节"]
    assert paragraphs(document) == ["（一）" + line + "。" + line + "后文", "正文1。", line]
    assert not [n for n in document.findall() if isinstance(n, MARKUP)], line
    assert len(list(document.findall(nodes.footnote_reference))) == 1
    assert len(list(document.findall(nodes.strong))) == 1


def test_every_markup_character_is_escaped() -> None:
    myst = render(speech_of(Paragraph("\\`*_[]<>{}#|$~&")))
    assert "\n\\\\\\`\\*\\_\\[\\]\\<\\>\\{\\}\\#\\|\\$\\~\\&\n" in myst


def test_front_matter_with_hostile_metadata() -> None:
    meta = ImportMetadata(
        title="---\n标题: x # y",
        speaker="!!python/object:os.system",
        place="&anchor *alias",
        category="{{ x }}",
        tags=("a, b", "[c]"),
        source_url="javascript:alert(1)",
        date="--02-16",
    )
    myst = render(Speech(meta, (Paragraph("正文。"),)))
    assert myst.startswith("---\n")
    front = yaml.safe_load(myst[4:].split("\n---\n", 1)[0])
    assert front["title"] == "---\n标题: x # y"
    assert front["speaker"] == "!!python/object:os.system"
    assert (front["place"], front["category"]) == ("&anchor *alias", "{{ x }}")
    assert (front["tags"], front["date"]) == (["a, b", "[c]"], "--02-16")
    assert myst.count("\n---\n") == 1  # the closing line of the front matter, and no other


def test_hostile_speech_file_end_to_end(tmp_path: Path) -> None:
    text = "标题\n" + "\n".join(HOSTILE)
    _, myst = convert_raw(RawSpeech(path=tmp_path / "x.txt", text=text, encoding="utf-8"))
    document = doctree(myst)
    assert not [n for n in document.findall() if isinstance(n, MARKUP)]
    shown = "".join(paragraphs(document))
    for word in ("/etc/passwd", "<script>", "onerror", "javascript:alert(1)", "{{ config", "$$"):
        assert word in shown


def test_myst_format() -> None:
    speech = Speech(
        ImportMetadata(title="劳动局讲话", date="2010-06-06", tags=("动员",), incomplete=True),
        (Paragraph("开头。"), Heading(2, "一、意义", "2010-06-06-laodongju-h1"), Paragraph("正文")),
    )
    assert render(speech) == (
        "---\ntitle: 劳动局讲话\ndate: '2010-06-06'\ntags: [动员]\nscript: hans\n"
        "incomplete: true\n---\n\n"
        "# 劳动局讲话\n\n开头。\n\n(2010-06-06-laodongju-h1)=\n## 一、意义\n\n正文\n"
    )
