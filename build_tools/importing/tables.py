"""CSV and JSON Lines exports → one RawSpeech per row, columns mapped to metadata fields."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from build_tools.errors import InputError
from build_tools.records import RawSpeech

#: Column names (lower case) understood without a mapping, for each field. ``published`` and
#: ``year`` only fill ``date`` when the text itself gives no date.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("text", "full_text", "fulltext", "content", "body", "article", "正文", "内容", "全文"),
    "title": ("title", "headline", "name", "标题", "题目", "篇名"),
    "date": ("date", "speech_date", "delivered", "日期", "讲话日期"),
    "published": ("publish_date", "published", "pub_date", "publish_time", "发布时间", "发布日期"),
    "year": ("year", "年份", "年度"),
    "source_url": ("source_url", "url", "link", "href", "链接", "网址", "来源链接"),
    "speaker": ("speaker", "author", "讲话人", "演讲人", "作者"),
    "place": ("place", "location", "venue", "地点"),
    "province": ("province", "region", "省份", "地区"),
    "category": ("category", "column", "section", "栏目", "分类", "类别"),
    "tags": ("tags", "keywords", "标签", "关键词"),
}
#: Set in ``RawSpeech.fields`` when a row cannot be used; the pipeline reports it and skips.
ROW_ERROR = "_row_error"
NO_TEXT_COLUMN = (
    "no text column: the columns are {columns}; name the text column one of {aliases}, "
    "or name it with --column (for example --column text=正文)"
)
MAX_FIELD = 1 << 30  # a speech may be one very long field; csv's default limit is 128 KiB


def resolve_columns(columns: Iterable[str], mapping: Mapping[str, str] | None) -> dict[str, str]:
    """Map each field to the column that holds it: a user mapping first (``{field: column}``;
    ``{column: field}`` is accepted too), then the aliases.

    >>> resolve_columns(["Title", "full_text", "publish_date"], None)
    {'text': 'full_text', 'title': 'Title', 'published': 'publish_date'}
    """
    columns = list(columns)
    by_lower = {c.strip().lower(): c for c in columns}
    resolved: dict[str, str] = {}
    for key, value in (mapping or {}).items():
        if key in COLUMN_ALIASES and value.strip().lower() in by_lower:
            resolved[key] = by_lower[value.strip().lower()]
        elif value in COLUMN_ALIASES and key.strip().lower() in by_lower:
            resolved[value] = by_lower[key.strip().lower()]
    for field_name, aliases in COLUMN_ALIASES.items():
        if field_name in resolved:
            continue
        for alias in aliases:
            if alias in by_lower and by_lower[alias] not in resolved.values():
                resolved[field_name] = by_lower[alias]
                break
    return resolved


def _row_speech(
    path: Path, encoding: str, row: int, record: Mapping[str, object], columns: dict[str, str]
) -> RawSpeech:
    text = record.get(columns["text"])
    fields: dict[str, object] = {}
    for field_name, column in columns.items():
        value = record.get(column)
        if field_name != "text" and value not in (None, ""):
            fields[field_name] = value
    if not isinstance(text, str) or not text.strip():
        fields[ROW_ERROR] = f"the text column {columns['text']!r} is empty"
        text = ""
    return RawSpeech(path=path, text=text, encoding=encoding, row=row, fields=fields)


def read_csv(
    text: str, path: Path, encoding: str, mapping: Mapping[str, str] | None
) -> list[RawSpeech]:
    """One speech per data row; fields may hold newlines and quotes (RFC 4180)."""
    csv.field_size_limit(MAX_FIELD)
    first_line = text.split("\n", 1)[0]
    delimiter = (
        "\t"
        if path.suffix.lower() == ".tsv" or ("\t" in first_line and "," not in first_line)
        else ","
    )
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter, restval="")
        header = reader.fieldnames
        if not header:
            raise InputError("the CSV file has no header row; the first row must name the columns")
        columns = resolve_columns([h or "" for h in header], mapping)
        if "text" not in columns:
            raise InputError(
                NO_TEXT_COLUMN.format(
                    columns=", ".join(h for h in header if h) or "(none)",
                    aliases=", ".join(COLUMN_ALIASES["text"]),
                )
            )
        rows = [
            _row_speech(path, encoding, number, record, columns)
            for number, record in enumerate(reader, start=1)
        ]
    except csv.Error as error:
        raise InputError(f"not readable as CSV: {error}; check the quoting") from None
    if not rows:
        raise InputError("the CSV file has a header but no rows")
    return rows


def read_json_lines(
    text: str, path: Path, encoding: str, mapping: Mapping[str, str] | None
) -> list[RawSpeech]:
    """One speech per JSON object: a line each (JSON Lines), or a JSON array of objects."""
    records: list[tuple[int, object]] = []
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as error:
            raise InputError(f"not valid JSON: {error}") from None
        records = list(enumerate(data if isinstance(data, list) else [data], start=1))
    else:
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                records.append((number, json.loads(line)))
            except json.JSONDecodeError as error:
                records.append((number, f"not valid JSON ({error.msg} at column {error.colno})"))
    if not records:
        raise InputError("the file holds no JSON records")
    keys: list[str] = []
    for _, record in records:
        if isinstance(record, dict):
            keys.extend(k for k in record if isinstance(k, str) and k not in keys)
    aliases = ", ".join(COLUMN_ALIASES["text"])
    if "text" not in resolve_columns(keys, mapping):
        raise InputError(
            NO_TEXT_COLUMN.format(columns=", ".join(keys) or "(none)", aliases=aliases)
        )
    speeches = []
    for number, record in records:
        if isinstance(record, dict):  # each record may name its fields differently
            columns = resolve_columns([k for k in record if isinstance(k, str)], mapping)
            if "text" not in columns:
                fields: dict[str, object] = {ROW_ERROR: f"no text field (one of {aliases})"}
                speeches.append(
                    RawSpeech(path=path, text="", encoding=encoding, row=number, fields=fields)
                )
                continue
            speeches.append(_row_speech(path, encoding, number, record, columns))
        else:
            problem = record if isinstance(record, str) else "not a JSON object"
            speeches.append(
                RawSpeech(
                    path=path, text="", encoding=encoding, row=number, fields={ROW_ERROR: problem}
                )
            )
    return speeches
