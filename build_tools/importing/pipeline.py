"""The recipe for one speech: RawSpeech ──clean──▶ lines ──structure──▶ Speech ──render──▶ MyST."""

from __future__ import annotations

from dataclasses import replace

from build_tools.errors import InputError
from build_tools.importing import markdown as md
from build_tools.importing.boilerplate import (
    Rules,
    cut_glued_credit,
    rules_near,
    strip_boilerplate,
)
from build_tools.importing.clean import (
    FOOTNOTE_CLOSE,
    FOOTNOTE_OPEN,
    clean_text,
    normalise_punctuation,
)
from build_tools.importing.footnotes import link_notes, split_notes
from build_tools.importing.metadata import (
    EXTRA_FIELDS,
    looks_like_title,
    merge_metadata,
    one_line,
    read_head,
    stem_fields,
)
from build_tools.importing.page_names import page_name
from build_tools.importing.read import is_markdown
from build_tools.importing.render import render
from build_tools.importing.script import detect_script
from build_tools.importing.structure import (
    anchored,
    ends_mid_sentence,
    join_wrapped_headings,
    outline,
    paragraphs,
    shaped_headings,
    squeeze,
)
from build_tools.importing.tables import ROW_ERROR
from build_tools.records import Appendix, Footnote, Heading, RawSpeech, Speech

ONLY_TITLE = "the file holds only a title ({title}) and no speech text; add the text"
NO_TEXT = "no speech text is left once the site's boilerplate is removed"
#: Kinds of input whose lines are paragraphs already (a document's, a memory's segments).
PER_LINE = frozenset({"docx", "tmx"})
#: A line starting an appendix is short: a heading, not a sentence mentioning 附件.
APPENDIX_TITLE_MAX = 30


def warning(code: str, message: str) -> str:
    """A warning as Speech.warnings holds it: ``"import.<code>: message"``."""
    return f"import.{code}: {message}"


def convert_raw(
    raw: RawSpeech, *, page: str | None = None, rules: Rules | None = None
) -> tuple[Speech, str]:
    """Clean and structure one raw speech; return the Speech and its MyST text. ``page`` is
    the page name (default: from date and title); ``rules`` the boilerplate rules (default:
    the shipped ones plus the nearest ``boilerplate.yml``). Raises InputError."""
    speech = build_speech(raw, page=page, rules=rules)
    return speech, render(speech)


def build_speech(raw: RawSpeech, *, page: str | None = None, rules: Rules | None = None) -> Speech:
    """``convert_raw`` without the rendering: the cleaned, structured Speech."""
    if problem := raw.fields.get(ROW_ERROR):
        raise InputError(str(problem), path=raw.origin)
    markdown = is_markdown(raw)
    rules = rules or rules_near(raw.path)
    stem = stem_fields(raw.path.stem)
    known_title = one_line(raw.sidecar.get("title")) or one_line(raw.fields.get("title"))
    fallback_title = one_line(raw.fields.get("post_title")) or one_line(
        raw.fields.get("page_title")
    )
    lines = clean_text(raw.text).split("\n")
    marked_notes: tuple[Footnote, ...] = ()
    if markdown:
        lines, marked_notes = md.from_markdown(lines)
    first = next((line.strip() for line in lines if line.strip()), None)
    lines, found = strip_boilerplate(lines, rules, title=known_title or first)
    lines, head = read_head(
        lines, known_title=known_title, markdown=markdown, fallback_title=fallback_title
    )
    found = {**found, **head}
    title = known_title or found.get("title") or stem["title"]
    squeezed = "".join(title.split())
    lines = [line for line in lines if "".join(line.split()) != squeezed]  # a repeated title
    notes: list[tuple[int, str]] = []
    if not marked_notes:
        body, notes = split_notes(lines)
        if any(line.strip() for line in body):  # notes need a text to belong to
            lines = body
        else:
            notes = []
    texts = paragraphs(lines, markdown=markdown, per_line=raw.kind in PER_LINE)
    if texts:
        texts[-1] = cut_glued_credit(texts[-1], rules)
    texts, appendices = split_appendices(texts, rules)
    if raw.kind in PER_LINE:
        texts = join_wrapped_headings(texts)
    if not texts:
        problem = ONLY_TITLE.format(title=title) if "title" in found else NO_TEXT
        raise InputError(problem, path=raw.origin)
    if len(texts) == 1 and not known_title and "title" not in found and looks_like_title(texts[0]):
        raise InputError(ONLY_TITLE.format(title=texts[0]), path=raw.origin)
    texts, footnotes, note_problem = link_notes(texts, notes)
    texts = [normalise_punctuation(text) for text in texts]
    footnotes = tuple(
        Footnote(note.number, normalise_punctuation(note.text))
        for note in footnotes or marked_notes
    )
    marked = {squeeze(normalise_punctuation(text)): rank for rank, text in raw.marked}
    if not markdown and not marked:
        marked = shaped_headings(texts)
    items = outline(texts, markdown=markdown, marked=marked)
    cut = ends_mid_sentence(items)
    metadata = merge_metadata(
        sidecar=raw.sidecar,
        fields=raw.fields,
        found=found,
        stem=stem,
        source_file=raw.path.as_posix(),
        encoding=raw.encoding,
        script=detect_script(raw.text),
        incomplete=cut is not None,
        kind=raw.kind,
    )
    warnings = list(raw.warnings)
    if metadata.incomplete and cut is not None:
        warnings.append(
            warning("incomplete", f"the text stops mid-sentence (…{cut}); marked incomplete")
        )
    if note_problem:
        warnings.append(warning("footnotes", note_problem))
    page = page or page_name(metadata.title, metadata.date)
    appendices = tuple(
        Appendix(
            normalise_punctuation(a.title), tuple(normalise_punctuation(t) for t in a.paragraphs)
        )
        for a in appendices
    )
    return Speech(
        metadata,
        anchored(items, page),
        footnotes,
        tuple(warnings),
        appendices=appendices,
        translation=raw.translation,
    )


def split_appendices(texts: list[str], rules: Rules) -> tuple[list[str], list[Appendix]]:
    """Matter appended after the speech, from a line that starts it (名词解释, 附件1) in the
    second half of the text to the end: kept apart, never taken for the speech's outline."""
    total = sum(len(text) for text in texts)
    seen = 0
    for index, text in enumerate(texts):
        if (
            index
            and seen * 2 >= total
            and len(text) <= APPENDIX_TITLE_MAX
            and any(p.search(text.strip()) for p in rules.appendix_starts)
        ):
            rest = tuple(t for t in texts[index + 1 :] if t.strip())
            return texts[:index], [Appendix(text.strip(), rest)]
        seen += len(text)
    return texts, []


def repage(speech: Speech, page: str) -> Speech:
    """The same speech under another page name: its anchors follow, nothing else changes."""
    blocks = tuple(
        replace(block, anchor=f"{page}-h{block.anchor.rsplit('-h', 1)[1]}")
        if isinstance(block, Heading)
        else block
        for block in speech.blocks
    )
    return replace(speech, blocks=blocks)


def speech_to_json(speech: Speech, myst: str, *, page: str | None = None) -> dict[str, object]:
    """What ``convert --json`` prints for one speech."""
    meta = speech.metadata
    data: dict[str, object] = {
        "title": meta.title,
        "date": meta.date,
        "speaker": meta.speaker,
        "place": meta.place,
        "category": meta.category,
        "source_url": meta.source_url,
        "source_file": meta.source_file,
        "incomplete": meta.incomplete,
        "encoding": meta.encoding,
        "script": meta.script,
        "tags": list(meta.tags),
        "page": page or page_name(meta.title, meta.date),
        "headings": [
            {"level": h.level, "text": strip_markers(h.text), "anchor": h.anchor}
            for h in speech.headings
        ],
        "footnotes": len(speech.footnotes),
        "appendices": [a.title for a in speech.appendices],
        "translation": len(speech.translation),
        "origins": dict(getattr(meta, "origins", ())),
        "warnings": list(speech.warnings),
    }
    for key in EXTRA_FIELDS:
        if (value := getattr(meta, key, None)) is not None:
            data[key] = value
    data["myst"] = myst
    return data


def strip_markers(text: str) -> str:
    """Text without its footnote markers (FOOTNOTE_OPEN number FOOTNOTE_CLOSE)."""
    out, inside = [], False
    for char in text:
        if char == FOOTNOTE_OPEN:
            inside = True
        elif char == FOOTNOTE_CLOSE:
            inside = False
        elif not inside:
            out.append(char)
    return "".join(out)
