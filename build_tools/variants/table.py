"""The editions of the book: one row each, and nothing else in the code knows the list."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Variant:
    name: str  #: BCP 47 tag, also the output folder: "zh-Hant"
    label: str  #: the switch label, in its own script; never converted
    from_hans: str | None  #: OpenCC config for a text imported in Simplified; None: as is
    from_hant: str | None  #: OpenCC config for a text imported in Traditional; None: as is
    sphinx_language: str  #: Sphinx ``language`` (message catalogue)
    corner_quotes: bool  #: 「」『』 for quotations, the Taiwan / Hong Kong convention
    traditional: bool


VARIANTS: tuple[Variant, ...] = (
    Variant("zh-Hans", "简体", None, "t2s", "zh_CN", corner_quotes=False, traditional=False),
    Variant("zh-Hant", "繁體", "s2t", None, "zh_TW", corner_quotes=False, traditional=True),
    Variant("zh-TW", "臺灣正體", "s2twp", "t2tw", "zh_TW", corner_quotes=True, traditional=True),
    Variant("zh-HK", "香港繁體", "s2hk", "t2hk", "zh_HK", corner_quotes=True, traditional=True),
)

DEFAULT_VARIANTS: tuple[str, ...] = ("zh-Hans", "zh-Hant")

BY_NAME: dict[str, Variant] = {v.name: v for v in VARIANTS}


def get(name: str) -> Variant:
    """The variant called ``name`` (case-insensitive), or ``KeyError`` listing the known ones."""
    for variant in VARIANTS:
        if variant.name.lower() == name.lower():
            return variant
    known = ", ".join(v.name for v in VARIANTS)
    raise KeyError(f"unknown edition {name!r}; known editions: {known}")
