"""Speech → MyST text: YAML front matter, the title, labelled headings, footnotes, and every
character that means something to MyST, Markdown or HTML escaped so the page shows it as is."""

from __future__ import annotations

import re

import yaml

from build_tools.importing.clean import FOOTNOTE_CLOSE, FOOTNOTE_OPEN
from build_tools.importing.metadata import EXTRA_FIELDS
from build_tools.records import METADATA_FIELDS, Heading, Metadata, Paragraph, Speech

# Characters that start markup anywhere in a line: escapes, code, emphasis, links, footnote
# references and images, raw HTML and autolinks, roles, directives' braces, attributes and
# substitutions ({{ }}), headings' closing #s, tables, math, strikethrough, entities.
INLINE_SPECIAL = re.compile(r"[\\`*_\[\]<>{}#|$~&]")
# Characters that start a block at the beginning of a paragraph: lists (- +), setext and
# thematic rules (= -), MyST comments (%), field lists and colon fences (:), targets
# ((label)=), definition lists (: and ~, the latter already escaped).
BLOCK_START = re.compile(r"^[-+=%:(]")
# An ordered list item: digits, then . or ).
ORDERED = re.compile(r"^(\d{1,9})([.)])")
# A paragraph beginning with a footnote reference and a colon would define that footnote.
REF_COLON = re.compile(r"^(\[\^\d+\])(:)")
FOOTNOTE_REF = re.compile(f"{FOOTNOTE_OPEN}(\\d+){FOOTNOTE_CLOSE}")
# The end of a lead sentence left outside the bold: the closing delimiter must be followed by
# punctuation to close after Chinese punctuation (CommonMark's flanking rules).
LEAD_TAIL = re.compile(f"(?:[。！？!?…”’」』）)]|{FOOTNOTE_OPEN}\\d+{FOOTNOTE_CLOSE})+$")


def _backslashed(match: re.Match[str]) -> str:
    return "\\" + match[0]


def escape_text(text: str) -> str:
    """Backslash before every character that could start inline markup; footnote markers
    become ``[^n]``.

    >>> escape_text("a*b* <script> {{x}} $5 伊孛生\\ufdd02\\ufdd1是")
    'a\\\\*b\\\\* \\\\<script\\\\> \\\\{\\\\{x\\\\}\\\\} \\\\$5 伊孛生[^2]是'
    """
    parts = FOOTNOTE_REF.split(text) if FOOTNOTE_OPEN in text else [text]
    for index in range(0, len(parts), 2):
        if INLINE_SPECIAL.search(parts[index]):
            parts[index] = INLINE_SPECIAL.sub(_backslashed, parts[index])
    for index in range(1, len(parts), 2):
        parts[index] = f"[^{parts[index]}]"
    return "".join(parts)


def escape_paragraph(text: str) -> str:
    """``escape_text``, and the first character too when it would start a block.

    >>> print(escape_paragraph("- 1. (label)="), escape_paragraph("1. 加强"))
    \\- 1. (label)= 1\\. 加强
    >>> print(escape_paragraph(":::{note}"), escape_paragraph("(label)="))
    \\:::\\{note\\} \\(label)=
    """
    escaped = escape_text(text.lstrip(" \t"))  # four spaces would make a code block
    if match := ORDERED.match(escaped):
        return f"{match[1]}\\{match[2]}{escaped[match.end() :]}"
    if BLOCK_START.match(escaped):
        return "\\" + escaped
    return REF_COLON.sub(r"\1\\\2", escaped)


def render_lead(lead: str, text: str) -> str:
    """A numbered lead sentence in bold, its final punctuation outside the bold.

    >>> render_lead("（一）保持区间。", "在区间调控")
    '**（一）保持区间**。在区间调控'
    """
    tail = LEAD_TAIL.search(lead)
    core, end = (lead[: tail.start()], tail[0]) if tail else (lead, "")
    if not core or not end:
        return escape_paragraph(lead + text)
    return f"**{escape_text(core)}**{escape_text(end + text)}"


class _FrontMatterDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml when built
    """SafeDumper writing lists in flow style (``tags: [a, b]``), mappings in block style."""


_FrontMatterDumper.add_representer(
    list,
    lambda dumper, data: dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True),
)


def front_matter(metadata: Metadata) -> str:
    """The metadata as YAML (safe_dump: quotes, colons, # and tags are quoted, never typed)."""
    data: dict[str, object] = {}
    for key in METADATA_FIELDS + EXTRA_FIELDS:
        value = getattr(metadata, key, None)
        if key == "incomplete":
            data[key] = bool(value)
        elif key == "tags":
            if value:
                data[key] = list(value)
        elif value not in (None, ""):
            data[key] = value
    dumped = yaml.dump(
        data, Dumper=_FrontMatterDumper, allow_unicode=True, sort_keys=False, width=1_000_000
    )
    return f"---\n{dumped}---\n"


def _referenced(speech: Speech) -> set[int]:
    numbers: set[int] = set()
    for block in speech.blocks:
        text = block.text if isinstance(block, Heading) else (block.lead or "") + block.text
        if FOOTNOTE_OPEN in text:
            numbers.update(int(n) for n in FOOTNOTE_REF.findall(text))
    return numbers


def render(speech: Speech) -> str:
    """The MyST file for a speech (see docs/DESIGN.md). Notes that no paragraph refers to
    belong to the title, so the title carries their references."""
    referenced = _referenced(speech)
    title_refs = "".join(f"[^{n.number}]" for n in speech.footnotes if n.number not in referenced)
    lines = [
        front_matter(speech.metadata),
        f"# {escape_text(speech.metadata.title)}{title_refs}",
        "",
    ]
    for block in speech.blocks:
        if isinstance(block, Heading):
            lines += [f"({block.anchor})=", f"{'#' * block.level} {escape_text(block.text)}", ""]
        elif isinstance(block, Paragraph):
            text = (
                render_lead(block.lead, block.text) if block.lead else escape_paragraph(block.text)
            )
            lines += [text, ""]
    for appendix in speech.appendices:
        lines += appendix_block(appendix.title, appendix.paragraphs, "appendix")
    if speech.translation:
        lines += appendix_block(TRANSLATION_TITLE, speech.translation, "translation")
    for note in speech.footnotes:
        lines += [f"[^{note.number}]: {escape_paragraph(note.text)}", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


#: The label of the parallel translation (in the reader's language: it is a book label).
TRANSLATION_TITLE = "English translation"


def appendix_block(title: str, paragraphs: tuple[str, ...], kind: str) -> list[str]:
    """Matter kept apart from the speech: a container (class ``appendix`` or ``translation``)
    whose title is bold text, not a heading, so it never enters the speech's outline.

    >>> print("\\n".join(appendix_block("名词解释", ("1.稳就业：……",), "appendix")))
    ::::{container} appendix
    <BLANKLINE>
    **名词解释**
    <BLANKLINE>
    1\\.稳就业：……
    <BLANKLINE>
    ::::
    <BLANKLINE>
    """
    lines = [f"::::{{container}} {kind}", ""]
    lines += [f"**{escape_text(title)}**", ""]
    for paragraph in paragraphs:
        lines += [escape_paragraph(paragraph), ""]
    return [*lines, "::::", ""]
