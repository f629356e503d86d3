"""The editions of the book: one row each, and nothing else in the code knows the list."""

from __future__ import annotations

from dataclasses import dataclass, replace

#: The scripts a source file may be written in (its front-matter ``script:``). The importer
#: records ``hans`` or ``hant``; an editor may narrow ``hant`` to the regional standard of a
#: Taiwan or Hong Kong source, so that its regional phrasing converts back to mainland usage.
SCRIPTS: tuple[str, ...] = ("hans", "hant", "hant-tw", "hant-hk")

#: How an edition treats quotation marks (when the quotes setting is on).
CORNER = "corner"  #: “”‘’ → 「」『』, the Taiwan and Hong Kong convention
CURLY = "curly"  #: 「」『』 → “”‘’, the mainland convention (GB/T 15834)
KEEP = "keep"  #: quotation marks stay as they are in the source


@dataclass(frozen=True)
class Variant:
    """One edition: its BCP 47 tag (also the output folder), switch label, Sphinx language,
    and the OpenCC configuration that turns each source script into it.

    A configuration is an OpenCC config name (``"s2t"``), a chain joined by ``+``
    (``"tw2t+t2hk"``: first one, then the other), or ``None``: the text is already in the
    edition's script and is left as it is.
    """

    name: str  #: BCP 47 tag, also the output folder: "zh-Hant"
    label: str  #: the switch label, in its own script; never converted
    sphinx_language: str  #: Sphinx ``language`` (message catalogue)
    conversions: tuple[tuple[str, str | None], ...]  #: (source script, OpenCC config)
    quotes: str  #: CORNER, CURLY or KEEP
    traditional: bool

    @property
    def bcp47(self) -> str:
        """The language tag for HTML ``lang`` and the EPUB's ``dc:language``."""
        return self.name

    @property
    def folder(self) -> str:
        """The output folder under ``_build/site/``."""
        return self.name

    @property
    def corner_quotes(self) -> bool:
        """Whether this edition uses 「」『』 for quotations."""
        return self.quotes == CORNER

    @property
    def from_hans(self) -> str | None:
        """The OpenCC configuration for a text imported in Simplified characters."""
        return self.config_for("hans")

    @property
    def from_hant(self) -> str | None:
        """The OpenCC configuration for a text imported in Traditional characters."""
        return self.config_for("hant")

    def with_opencc(self, config: str) -> Variant:
        """This edition with ``config`` (one of OPENCC_CHOICES) for Simplified sources: the
        ``book_opencc`` setting.

        >>> get("zh-Hant").with_opencc("s2t").from_hans
        's2t'
        """
        if config not in OPENCC_CHOICES:
            known = ", ".join(OPENCC_CHOICES)
            raise ValueError(f"unknown OpenCC configuration {config!r}; choose one of: {known}")
        if not self.traditional:
            raise ValueError(f"{self.name} is written in Simplified characters: no OpenCC choice")
        rows = tuple((script, config if script == "hans" else c) for script, c in self.conversions)
        return replace(self, conversions=rows)

    def config_for(self, script: str) -> str | None:
        """The OpenCC configuration that turns a text in ``script`` into this edition.

        >>> get("zh-TW").config_for("hans")
        's2twp'
        """
        wanted = normalize_script(script)
        for source, config in self.conversions:
            if source == wanted:
                return config
        raise AssertionError(f"edition {self.name} has no row for script {wanted!r}")


#: What each OpenCC configuration makes of a Simplified text: the choices of the
#: ``book_opencc`` setting (conf.py), which picks one per Traditional edition. Example:
#: 为人民服务的群众，里面着急，用软件查信息，坐出租车。
OPENCC_CHOICES: dict[str, str] = {
    "s2t": "OpenCC's own standard forms: 爲人民服務的羣衆，裏面着急，用軟件查信息，坐出租車。",
    "s2tw": "Taiwan's standard forms: 為人民服務的群眾，裡面著急，用軟件查信息，坐出租車。",
    "s2twp": "Taiwan's forms and words: 為人民服務的群眾，裡面著急，用軟體查資訊，坐計程車。",
    "s2hk": "Hong Kong's standard forms: 為人民服務的羣眾，裏面着急，用軟件查信息，坐出租車。",
}

VARIANTS: tuple[Variant, ...] = (
    Variant(
        "zh-Hans",
        "简体",
        "zh_CN",
        (("hans", None), ("hant", "t2s"), ("hant-tw", "tw2sp"), ("hant-hk", "hk2s")),
        quotes=CURLY,
        traditional=False,
    ),
    # Traditional print as most of its readers know it: Taiwan's standard character forms
    # (為 群 眾, not OpenCC's 爲 羣 衆), with mainland vocabulary kept, and 「」『』.
    Variant(
        "zh-Hant",
        "繁體",
        "zh_TW",
        (("hans", "s2tw"), ("hant", "t2tw"), ("hant-tw", None), ("hant-hk", "hk2t+t2tw")),
        quotes=CORNER,
        traditional=True,
    ),
    Variant(
        "zh-TW",
        "臺灣正體",
        "zh_TW",
        (("hans", "s2twp"), ("hant", "t2tw"), ("hant-tw", None), ("hant-hk", "hk2t+t2tw")),
        quotes=CORNER,
        traditional=True,
    ),
    # Sphinx has no zh_HK message catalogue (its words would stay English): Taiwan's serves.
    Variant(
        "zh-HK",
        "香港繁體",
        "zh_TW",
        (("hans", "s2hk"), ("hant", "t2hk"), ("hant-tw", "tw2t+t2hk"), ("hant-hk", None)),
        quotes=CORNER,
        traditional=True,
    ),
)

DEFAULT_VARIANTS: tuple[str, ...] = ("zh-Hans", "zh-Hant")

BY_NAME: dict[str, Variant] = {v.name: v for v in VARIANTS}

_SCRIPT_ALIASES: dict[str, str] = {
    "zh-hans": "hans",
    "zh-hant": "hant",
    "zh-hant-tw": "hant-tw",
    "zh-hant-hk": "hant-hk",
}


def get(name: str) -> Variant:
    """The variant called ``name`` (case-insensitive), or ``KeyError`` listing the known ones."""
    for variant in VARIANTS:
        if variant.name.lower() == name.lower():
            return variant
    known = ", ".join(v.name for v in VARIANTS)
    raise KeyError(f"unknown edition {name!r}; known editions: {known}")


def normalize_script(script: str) -> str:
    """``script`` as one of SCRIPTS, or ``ValueError`` naming the accepted values.

    >>> normalize_script("Hant_TW")
    'hant-tw'
    """
    key = script.strip().lower().replace("_", "-")
    key = _SCRIPT_ALIASES.get(key, key)
    if key not in SCRIPTS:
        raise ValueError(f"unknown script {script!r}; expected one of: {', '.join(SCRIPTS)}")
    return key


def opencc_configs() -> tuple[str, ...]:
    """Every single OpenCC configuration the table uses, in table order, without repeats."""
    seen: dict[str, None] = {}
    for variant in VARIANTS:
        for _, config in variant.conversions:
            for step in (config or "").split("+"):
                if step:
                    seen.setdefault(step, None)
    return tuple(seen)
