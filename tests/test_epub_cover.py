"""Covers: the size the shops ask for, the same bytes every time, real glyphs (no tofu)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from build_tools.errors import BuildError
from build_tools.sphinx_ext.epub_cover import (
    BACKGROUND,
    HEIGHT,
    PANEL,
    UNMAPPED,
    WIDTH,
    FontFace,
    find_cjk_font,
    make_cover,
    missing_glyphs,
)

TITLE, SUBTITLE, DATES = "演讲集", "简体", "1923—1927"
TITLE_AREA = (160, 640, WIDTH - 160, 1440)  #: where make_cover sets the title

pytestmark = pytest.mark.skipif(
    find_cjk_font() is None,
    reason="no CJK font: pip install pylopdf-fonts-zh-cn pylopdf-fonts-zh-tw "
    "(or apt-get install fonts-noto-cjk)",
)


@pytest.fixture(scope="module")
def face() -> FontFace:
    found = find_cjk_font()
    assert found is not None
    return found


def test_cover_is_1600_by_2560_png(tmp_path: Path, face: FontFace) -> None:
    path = make_cover(TITLE, SUBTITLE, DATES, out=tmp_path / "cover.png", font=face)
    with Image.open(path) as image:
        assert (image.format, image.size, image.mode) == ("PNG", (WIDTH, HEIGHT), "RGB")


def test_same_text_same_bytes(tmp_path: Path, face: FontFace) -> None:
    first = make_cover(TITLE, SUBTITLE, DATES, out=tmp_path / "a.png", font=face)
    second = make_cover(TITLE, SUBTITLE, DATES, out=tmp_path / "b.png", font=face)
    assert (
        hashlib.sha256(first.read_bytes()).digest() == hashlib.sha256(second.read_bytes()).digest()
    )


def test_title_is_drawn_in_real_glyphs(tmp_path: Path, face: FontFace) -> None:
    """The font has every glyph of the text, and the title differs from what the font draws
    for characters it lacks (its .notdef box, "tofu") set the same way."""
    assert missing_glyphs(face, TITLE + SUBTITLE + DATES) == ""
    real = make_cover(TITLE, SUBTITLE, DATES, out=tmp_path / "real.png", font=face)
    tofu = _render_tofu(face, tmp_path / "tofu.png")
    with Image.open(real) as a, Image.open(tofu) as b:
        difference = ImageChops.difference(a.crop(TITLE_AREA), b.crop(TITLE_AREA))
        assert difference.getbbox() is not None
        # And the title area holds ink: dark pixels on the paper-coloured panel.
        ink = a.crop(TITLE_AREA).convert("L").point(lambda v: 255 if v < 100 else 0)
        assert ink.getbbox() is not None


def _render_tofu(face: FontFace, out: Path) -> Path:
    """What the title would look like in tofu: three .notdef boxes where the title goes.
    ``make_cover`` refuses such text, so draw it with the same block routine directly."""
    from PIL import ImageDraw

    from build_tools.sphinx_ext import epub_cover as cover

    image = Image.new("RGB", (WIDTH, HEIGHT), cover.BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((80, 80, WIDTH - 80, HEIGHT - 80), cover.PANEL)
    cover._centred_block(draw, face, UNMAPPED * 3, top=640, bottom=1440, start_size=260,
                         fill=cover.INK)  # fmt: skip
    image.save(out, "PNG")
    return out


def test_missing_glyphs_are_found_and_refused(tmp_path: Path) -> None:
    """A Traditional-only subset font lacks the Simplified 讲: the cover is refused, with the
    reason, rather than printed with an empty box."""
    tc = find_cjk_font(traditional=True)
    if tc is None or "TC" not in tc.name:
        pytest.skip("needs a Traditional Chinese subset font (pylopdf-fonts-zh-tw)")
    assert missing_glyphs(tc, "演讲集") == "讲"
    with pytest.raises(BuildError, match="no glyph for '讲'"):
        make_cover("演讲集", "繁體", DATES, out=tmp_path / "c.png", font=tc)
    # Asked for a font that covers the text, the search passes over that face.
    covering = find_cjk_font(traditional=True, text="演讲集")
    assert covering is not None and missing_glyphs(covering, "演讲集") == ""


def test_editions_prefer_their_regional_faces() -> None:
    simplified, traditional = find_cjk_font(), find_cjk_font(traditional=True)
    assert simplified is not None and traditional is not None
    assert "SC" in simplified.name
    assert "TC" in traditional.name or "HK" in traditional.name


def test_long_titles_wrap_inside_the_margins(tmp_path: Path, face: FontFace) -> None:
    title = "中华人民共和国国务院政府工作报告汇编与演讲集"
    path = make_cover(title, "2010年 · 简体", "2010—2026", out=tmp_path / "long.png", font=face)
    with Image.open(path) as image:
        # Nothing but the frame and the panel in the margins: no glyph ran off the page.
        for box in ((0, 0, 150, HEIGHT), (WIDTH - 150, 0, WIDTH, HEIGHT)):
            colours = image.crop(box).getcolors(maxcolors=16)
            assert colours is not None
            assert {colour for _, colour in colours} <= {BACKGROUND, PANEL}
