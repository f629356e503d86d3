"""convert_text / convert_myst: identity, quotes, dictionaries, nocvt, front matter, scripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_tools.errors import InputError
from build_tools.variants import table
from build_tools.variants.convert import (
    PIECE_SEPARATOR,
    RUN_SEPARATOR,
    convert_myst,
    convert_text,
    to_corner_quotes,
)
from build_tools.variants.dictionary import (
    EMPTY,
    builtin_dictionary,
    parse_dictionary,
    project_dictionary,
)

HANS, HANT, TW, HK = (table.get(n) for n in ("zh-Hans", "zh-Hant", "zh-TW", "zh-HK"))
WORDS = builtin_dictionary()


def doc(body: str, script: str = "hans", **front: str) -> str:
    lines = [f"{k}: {v}" for k, v in front.items()] + [f"script: {script}"]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body


# -- identity ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        doc("后来「头发」“干”\\*`x`{nocvt}`后`\n"),
        "no front matter at all: 后来发展\n",
        doc("后来", title="后来"),
        "",
    ],
)
def test_zh_hans_of_simplified_is_identity(text: str) -> None:
    assert convert_myst(text, HANS, dictionary=WORDS) is text
    assert convert_text(text, HANS, dictionary=WORDS) is text


def test_traditional_edition_of_traditional_source_changes_only_forms_and_quotes() -> None:
    text = doc("他說：“爲後來。”\n", script="hant")
    # Taiwan's standard forms (爲 → 為) and corner quotes, in zh-Hant as in zh-TW.
    assert convert_myst(text, HANT, dictionary=WORDS) == doc("他說：「為後來。」\n", script="hant")
    assert convert_myst(text, TW, dictionary=WORDS) == doc("他說：「為後來。」\n", script="hant")
    taiwan = doc("他說：「為後來。」\n", script="hant-tw")
    assert convert_myst(taiwan, HANT, dictionary=WORDS) == taiwan  # already the edition's


# -- quotation marks ----------------------------------------------------------------------


def test_corner_quotes_nested() -> None:
    assert convert_text("他说：“我读过‘后来’。”", TW) == "他說：「我讀過『後來』。」"
    assert convert_text("他说：“我读过‘后来’。”", HK) == "他説：「我讀過『後來』。」"


def test_corner_quotes_leave_apostrophes() -> None:
    assert to_corner_quotes("It’s “don’t”") == "It’s 「don’t」"
    assert to_corner_quotes("’后’") == "』后』"


def test_corner_quotes_can_be_turned_off() -> None:
    text = "他说：“我读过‘后来’。”"
    assert convert_text(text, TW, corner_quotes=False) == "他說：“我讀過‘後來’。”"
    assert convert_myst(doc(text), TW, corner_quotes=False) == doc("他說：“我讀過‘後來’。”")


def test_traditional_edition_uses_corner_quotes_and_taiwan_forms() -> None:
    assert convert_text("“为群众”", HANT) == "「為群眾」"


def test_simplified_edition_of_traditional_source_uses_curly_quotes() -> None:
    assert convert_text("「『後來』」", HANS, script="hant") == "“‘后来’”"
    assert convert_text("「後來」", HANS, script="hant", corner_quotes=False) == "「后来」"


def test_quotes_inside_markup_stay() -> None:
    text = doc("“后来” `“code”` [链](“x”.md)\n")
    assert convert_myst(text, TW) == doc("「後來」 `“code”` [鏈](“x”.md)\n")


# -- user dictionary ----------------------------------------------------------------------


def test_builtin_dictionary_fixes_opencc_one_to_many_mistakes() -> None:
    source = "就是只等于零，还是只会开口，应对冲击，按时足额发放，增强内生发展能力。"
    assert convert_text(source, HANT, dictionary=EMPTY) == (
        "就是隻等於零，還是隻會開口，應對沖擊，按時足額髮放，增強內生髮展能力。"
    )
    assert convert_text(source, HANT, dictionary=WORDS) == (
        "就是只等於零，還是只會開口，應對衝擊，按時足額發放，增強內生發展能力。"
    )


def test_user_dictionary_overrides_a_one_to_many_mistake() -> None:
    words = parse_dictionary("[traditional]\n发干了\t髮乾了\n", origin="test.txt")
    assert convert_text("我的头发干了。", HANT, dictionary=EMPTY) == "我的頭髮幹了。"
    assert convert_text("我的头发干了。", HANT, dictionary=words) == "我的頭髮乾了。"
    assert convert_text("我的头发干了。", TW, dictionary=words) == "我的頭髮乾了。"
    assert convert_text("我的头发干了。", HANS, dictionary=words) == "我的头发干了。"


def test_dictionary_is_per_edition() -> None:
    words = parse_dictionary("[zh-HK]\n皇后\t皇後\n")
    assert convert_text("皇后", HK, dictionary=words) == "皇後"
    assert convert_text("皇后", HANT, dictionary=words) == "皇后"


def test_dictionary_replacement_takes_the_editions_regional_forms() -> None:
    words = parse_dictionary("[traditional]\n是只说\t是只說\n")
    assert convert_text("就是只说", HK, dictionary=words) == "就是只説"
    assert convert_text("就是只说", HANT, dictionary=words) == "就是只說"


def test_dictionary_longest_match_wins() -> None:
    words = parse_dictionary("[*]\n后\tX\n后来\tY\n")
    assert convert_text("后来后", HANT, dictionary=words) == "YX"


def test_dictionary_never_reaches_markup() -> None:
    words = parse_dictionary("[traditional]\n后来\tZ\n")
    text = doc("后来`后来`(后来.md)[链](后来.md)\n")
    assert convert_myst(text, HANT, dictionary=words) == doc("Z`后来`(Z.md)[鏈](后来.md)\n")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("后来\t後來\n", "test.txt: line 1: an entry before any [edition] header"),
        ("[zh-CN]\n", "test.txt: line 1: unknown edition 'zh-CN'; use one of: zh-Hans"),
        ("[zh-TW]\n后来\n", "test.txt: line 2: an entry needs the source text, a tab"),
    ],
)
def test_dictionary_errors_name_file_and_line(text: str, message: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_dictionary(text, origin="test.txt")
    assert raised.value.format().startswith(f"input error: {message}")


def test_editors_dictionary_is_read_from_source_data(tmp_path: Path) -> None:
    assert project_dictionary(tmp_path) == WORDS
    (tmp_path / "_data").mkdir()
    (tmp_path / "_data" / "variants-dictionary.txt").write_text(
        "# names\n[traditional]\n于丹  于丹  # a name\n", encoding="utf-8"
    )
    words = project_dictionary(tmp_path)
    assert words.entries[: len(WORDS.entries)] == WORDS.entries
    assert words.entries[-1].source == "于丹" and words.entries[-1].target == "于丹"
    assert convert_text("于是于丹", HANT, dictionary=words) == "於是于丹"


# -- nocvt ------------------------------------------------------------------------------


def test_nocvt_role_and_directive_are_kept() -> None:
    text = doc("后来{nocvt}`后来`与{nocvt}``干`发``\n\n```{nocvt}\n头发\n```\n后来\n")
    assert convert_myst(text, TW) == doc(
        "後來{nocvt}`后来`與{nocvt}``干`发``\n\n```{nocvt}\n头发\n```\n後來\n"
    )


# -- front matter -----------------------------------------------------------------------


def test_front_matter_keys_and_non_text_values_are_kept() -> None:
    text = doc(
        "正文\n",
        title="后来",
        date="'2010-06-06'",
        speaker="李克强",
        place="后海",
        category="发展",
        tags="[干部, 后来]",
        source_url="https://example.com/后来",
        source_file="raw/后来.txt",
        encoding="gb18030",
    )
    assert convert_myst(text, HANT) == doc(
        "正文\n",
        title="後來",
        date="'2010-06-06'",
        speaker="李克強",
        place="後海",
        category="發展",
        tags="[幹部, 後來]",
        source_url="https://example.com/后来",
        source_file="raw/后来.txt",
        encoding="gb18030",
    )


def test_unknown_front_matter_keys_are_kept() -> None:
    text = "---\ntitle: 后来\n后来: 后来\nnote: 后来\n'date': 后来\nscript: hans\n---\n"
    assert convert_myst(text, HANT) == (
        "---\ntitle: 後來\n后来: 后来\nnote: 後來\n'date': 后来\nscript: hans\n---\n"
    )


# -- scripts ----------------------------------------------------------------------------


def test_traditional_document_to_simplified() -> None:
    text = doc("他說：「後來的頭髮乾燥。」`後`\n", script="hant", title="後來")
    assert convert_myst(text, HANS) == doc(
        "他说：“后来的头发干燥。”`後`\n", script="hant", title="后来"
    )


def test_taiwan_source_uses_taiwan_phrases_back() -> None:
    assert convert_text("軟體與計程車", HANS, script="hant-tw") == "软件与出租车"
    assert convert_text("軟體與計程車", HANS, script="hant") == "软体与计程车"


def test_unknown_script_is_an_input_error() -> None:
    with pytest.raises(InputError, match="script: 'latin'"):
        convert_myst(doc("x", script="latin"), HANT)
    with pytest.raises(ValueError, match="unknown script"):
        convert_text("x", HANT, script="latin")


# -- robustness -------------------------------------------------------------------------


def test_separator_characters_in_the_text_take_the_slow_path() -> None:
    text = doc(f"后来{RUN_SEPARATOR}发展`后`{PIECE_SEPARATOR}头发\n")
    expected = doc(f"後來{RUN_SEPARATOR}發展`后`{PIECE_SEPARATOR}頭髮\n")
    assert convert_myst(text, HANT) == expected


def test_crlf_documents_keep_their_line_ends() -> None:
    text = "---\r\ntitle: 后来\r\nscript: hans\r\n---\r\n\r\n(后-h1)=\r\n## 后来\r\n"
    assert convert_myst(text, HANT) == (
        "---\r\ntitle: 後來\r\nscript: hans\r\n---\r\n\r\n(后-h1)=\r\n## 後來\r\n"
    )


def test_unclosed_code_fence_keeps_the_rest() -> None:
    assert convert_myst(doc("后来\n```\n后来\n"), HANT) == doc("後來\n```\n后来\n")


def test_unmatched_backtick_does_not_swallow_the_paragraph() -> None:
    assert convert_myst(doc("后来 ` 发展\n\n头发`\n"), HANT) == doc("後來 ` 發展\n\n頭髮`\n")


def test_indented_code_is_kept_but_list_paragraphs_are_text() -> None:
    text = doc("后来\n\n    代码后来\n\n    还是代码\n后来\n\n1. 后来\n\n    列表里的后来\n")
    assert convert_myst(text, HANT) == doc(
        "後來\n\n    代码后来\n\n    还是代码\n後來\n\n1. 後來\n\n    列表裡的後來\n"
    )


def test_indented_continuation_line_is_text() -> None:
    assert convert_myst(doc("后来\n    后来\n"), HANT) == doc("後來\n    後來\n")
