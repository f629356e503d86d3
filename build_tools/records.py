"""The records that pass between the import stages: RawSpeech → Speech → MyST."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

#: Metadata fields a speech may carry, in the order they are written to front matter.
METADATA_FIELDS = (
    "title",
    "date",
    "speaker",
    "place",
    "category",
    "tags",
    "source_url",
    "source_file",
    "encoding",
    "script",
    "incomplete",
)


@dataclass(frozen=True)
class RawSpeech:
    """One speech as read from a raw file, decoded but not yet cleaned.

    A CSV or JSON Lines file yields one RawSpeech per row; every other file yields one.
    ``fields`` holds metadata the container already knew (CSV columns, YAML front matter,
    a sidecar ``name.yml``); ``sidecar`` fields override anything found later in the text.
    """

    path: Path  #: the raw file, relative to the project root when possible
    text: str  #: the decoded body (and any header/footer lines still in it)
    encoding: str  #: the codec the bytes were decoded with, e.g. "utf-8", "gb18030"
    row: int | None = None  #: 1-based row number inside a CSV/JSONL file
    fields: dict[str, object] = field(default_factory=dict)
    sidecar: dict[str, object] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    #: Paragraphs the container marked as headings (Word styles, outline levels, bold or
    #: centred lines): (rank, text), rank 1 outermost, 0 when only emphasis marked it.
    marked: tuple[tuple[int, str], ...] = ()
    #: A parallel translation kept apart from the speech (the English of a bilingual source).
    translation: tuple[str, ...] = ()
    #: What the content was found to be: text, markdown, html, docx, tmx, table, json.
    kind: str = "text"

    @property
    def origin(self) -> str:
        """Where the speech came from, for messages: ``raw/a.csv:3`` or ``raw/a.txt``."""
        return f"{self.path}:{self.row}" if self.row is not None else str(self.path)


@dataclass(frozen=True)
class Metadata:
    """What is known about a speech besides its text. ``date`` is ISO: YYYY, YYYY-MM or
    YYYY-MM-DD, or ``--MM-DD`` when the year is unknown (never invented)."""

    title: str
    date: str | None = None
    speaker: str | None = None
    place: str | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()
    source_url: str | None = None
    source_file: str | None = None
    #: Where a reader finds the original: the publication or site (``source:``, else
    #: ``publisher:``) and the date it was published there (``published:``).
    source: str | None = None
    published: str | None = None
    encoding: str | None = None
    script: str = "hans"  #: "hans" or "hant": the script the text was imported in
    incomplete: bool = False


@dataclass(frozen=True)
class Heading:
    level: int  #: 2 for 一、, 3 for （一）, 4 for 1.
    text: str
    anchor: str  #: explicit, stable, identical in every edition


@dataclass(frozen=True)
class Paragraph:
    text: str
    lead: str | None = None  #: a numbered lead sentence shown in bold


@dataclass(frozen=True)
class Footnote:
    number: int
    text: str


Block = Heading | Paragraph


@dataclass(frozen=True)
class Appendix:
    """Matter appended after the speech (名词解释, 附件): shown apart, never in the outline."""

    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Speech:
    """A cleaned, structured speech, ready to render as MyST."""

    metadata: Metadata
    blocks: tuple[Block, ...]
    footnotes: tuple[Footnote, ...] = ()
    warnings: tuple[str, ...] = ()
    appendices: tuple[Appendix, ...] = ()
    translation: tuple[str, ...] = ()  #: parallel translation paragraphs (English)

    @property
    def headings(self) -> tuple[Heading, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Heading))
