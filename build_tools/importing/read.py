"""Raw files → RawSpeech records: decoding, containers (CSV, JSON Lines, .docx, .html, front
matter) and sidecar metadata. The only stage that touches raw files, and only to read them."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import yaml

from build_tools.errors import InputError
from build_tools.importing import documents, tables
from build_tools.importing.decode import decode
from build_tools.records import METADATA_FIELDS, RawSpeech

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".myst"})
TABLE_SUFFIXES = frozenset({".csv", ".tsv"})
JSON_SUFFIXES = frozenset({".jsonl", ".ndjson", ".json"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
SIDECAR_SUFFIXES = (".yml", ".yaml")
#: Metadata keys a sidecar or front matter may set, besides METADATA_FIELDS.
EXTRA_KEYS = frozenset({"speaker_role", "publisher", "editor", "published"})
MAX_BYTES = 512 * 1024 * 1024

NOT_FOUND = "no such file; check the path"
NOT_A_FILE = "this is a folder, not a file"
TOO_LARGE = "the file is {size} MB; split it (one speech per file or per CSV row) under {limit} MB"
NOT_PLAIN_YAML = (
    "{what} is not plain YAML ({problem}); only plain values are allowed "
    "(quote text that holds colons, # or tags such as !!python)"
)
NOT_A_MAPPING = "{what} must be a mapping of metadata fields (title: ..., date: ...), not {kind}"

# YAML front matter: "---" on the first line, the block, then "---" (or "...") on its own line.
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<yaml>(?:.*?\n)??)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


def display_path(path: Path) -> Path:
    """The path relative to the current folder when it lies inside it (the project root when
    run through the CLI), else as given."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except (ValueError, OSError):
        return path


def _yaml_mapping(text: str, what: str) -> dict[str, object]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        if (mark := getattr(error, "problem_mark", None)) is not None:
            problem = f"{problem}, line {mark.line + 1}"
        raise InputError(NOT_PLAIN_YAML.format(what=what, problem=problem)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(NOT_A_MAPPING.format(what=what, kind=type(data).__name__))
    return {str(k): v for k, v in data.items() if _known(str(k))}


def _known(key: str) -> bool:
    return key in METADATA_FIELDS or key in EXTRA_KEYS


def _plain(value: object) -> object:
    """Dates stay ISO text; everything else as YAML gave it."""
    if isinstance(value, datetime.date):
        return value.isoformat()[:10]
    return value


def read_sidecar(path: Path) -> dict[str, object]:
    """``name.yml`` next to ``name.txt``: metadata that overrides anything found in the text."""
    for suffix in SIDECAR_SUFFIXES:
        sidecar = path.with_suffix(suffix)
        if sidecar != path and sidecar.is_file():
            try:
                text = sidecar.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as error:
                raise InputError(f"cannot read the sidecar: {error}", path=sidecar) from None
            try:
                data = _yaml_mapping(text, "the sidecar")
            except InputError as error:
                raise InputError(str(error), path=display_path(sidecar)) from None
            return {k: _plain(v) for k, v in data.items()}
    return {}


def split_front_matter(text: str) -> tuple[dict[str, object], str]:
    """YAML front matter of a Markdown/MyST file → (fields, body)."""
    match = FRONT_MATTER.match(text.lstrip("\ufeff"))
    if not match:
        return {}, text
    fields = _yaml_mapping(match["yaml"], "the front matter")
    return {k: _plain(v) for k, v in fields.items()}, text.lstrip("\ufeff")[match.end() :]


def _read_text(data: bytes, path: Path, encoding: str | None) -> list[RawSpeech]:
    decoded = decode(data, encoding=encoding)
    return [RawSpeech(path=path, text=decoded.text, encoding=decoded.encoding)]


def _read_markdown(data: bytes, path: Path, encoding: str | None) -> list[RawSpeech]:
    decoded = decode(data, encoding=encoding)
    fields, body = split_front_matter(decoded.text)
    if not body.strip():
        raise InputError("the file holds front matter but no text")
    return [RawSpeech(path=path, text=body, encoding=decoded.encoding, fields=fields)]


def _read_docx(data: bytes, path: Path, encoding: str | None) -> list[RawSpeech]:
    if not data:
        raise InputError("the file is empty; there is nothing to import")
    text, title = documents.read_docx(data)
    if not text.strip():
        raise InputError("the document holds no text")
    fields: dict[str, object] = {"title": title} if title else {}
    return [RawSpeech(path=path, text=text, encoding="utf-8", fields=fields)]


def _read_html(data: bytes, path: Path, encoding: str | None) -> list[RawSpeech]:
    decoded = decode(data, encoding=encoding, declared=documents.declared_charset(data))
    text, title = documents.read_html(decoded.text)
    fields: dict[str, object] = {"title": title} if title else {}
    return [RawSpeech(path=path, text=text, encoding=decoded.encoding, fields=fields)]


def _read_table(
    data: bytes, path: Path, encoding: str | None, mapping: Mapping[str, str] | None
) -> list[RawSpeech]:
    decoded = decode(data, encoding=encoding)
    text = decoded.text.lstrip("\ufeff")
    if path.suffix.lower() in TABLE_SUFFIXES:
        return tables.read_csv(text, path, decoded.encoding, mapping)
    return tables.read_json_lines(text, path, decoded.encoding, mapping)


def read_path(
    path: Path, *, encoding: str | None = None, mapping: dict[str, str] | None = None
) -> list[RawSpeech]:
    """Read one raw file into one RawSpeech per speech (one per row for CSV / JSON Lines).

    ``encoding`` forces the codec of text files; ``mapping`` maps fields to CSV/JSON column
    names (``{"text": "正文"}``). Raises InputError, naming the file, when it cannot be used.
    """
    shown = display_path(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise InputError(NOT_A_FILE, path=shown)
        if size > MAX_BYTES:
            limit = MAX_BYTES // 2**20
            raise InputError(TOO_LARGE.format(size=size // 2**20, limit=limit), path=shown)
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(NOT_FOUND, path=shown) from None
    except PermissionError:
        raise InputError("permission denied; make the file readable", path=shown) from None
    except OSError as error:
        raise InputError(f"cannot read the file: {error.strerror or error}", path=shown) from None
    suffix = path.suffix.lower()
    try:
        sidecar = read_sidecar(path)
        if suffix in TABLE_SUFFIXES or suffix in JSON_SUFFIXES:
            speeches = _read_table(data, shown, encoding, mapping)
        elif suffix == ".docx":
            speeches = _read_docx(data, shown, encoding)
        elif suffix in HTML_SUFFIXES:
            speeches = _read_html(data, shown, encoding)
        elif suffix in MARKDOWN_SUFFIXES:
            speeches = _read_markdown(data, shown, encoding)
        else:
            speeches = _read_text(data, shown, encoding)
    except InputError as error:
        if error.path is None:
            error.path = shown
        raise
    return [replace(speech, sidecar=sidecar) for speech in speeches] if sidecar else speeches


def is_markdown(path: Path) -> bool:
    """Whether the file's text is Markdown (``#`` headings, ``---`` rules, backslash escapes)."""
    return path.suffix.lower() in MARKDOWN_SUFFIXES
