"""Boilerplate rules: ``{han}`` in a rule means what ``build_tools.han`` calls a Han character."""

from __future__ import annotations

from pathlib import Path

from build_tools.importing.boilerplate import default_rules, load_rules, strip_boilerplate

#: A Han character outside U+4E00–U+9FFF (CJK Extension B), as in people's names.
RARE = "\U00020000"  # 𠀀, in han.py's SUPPLEMENTARY block


def test_a_user_rule_names_han_characters_with_the_placeholder(tmp_path: Path) -> None:
    (tmp_path / "boilerplate.yml").write_text(
        "drop_lines:\n  - pattern: '^署名[:：][{han}]{2,3}$'\n    why: a byline\n",
        encoding="utf-8",
    )
    lines = ["署名：张三", f"署名：{RARE}三", "署名：ab", "署名：张三丰四", "正文。"]
    kept, _ = strip_boilerplate(lines, load_rules(tmp_path))
    assert kept == ["署名：ab", "署名：张三丰四", "正文。"]


def test_the_shipped_photo_credits_know_every_han_character() -> None:
    """A reporter's name with a character beyond the basic block is still a photo credit."""
    lines = ["正文第一段。", f"本报记者 {RARE}勇摄", "正文第二段。"]
    kept, _ = strip_boilerplate(lines, default_rules())
    assert kept == ["正文第一段。", "正文第二段。"]
