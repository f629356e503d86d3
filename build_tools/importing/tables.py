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
    "text": (
        *("text", "full_text", "fulltext", "content", "body", "article", "paragraphs"),
        *("正文", "内容", "全文", "中文", "chinese", "zh"),
    ),
    "title": ("title", "headline", "name", "标题", "题目", "篇名"),
    "date": ("date", "speech_date", "delivered", "日期", "讲话日期"),
    "published": ("publish_date", "published", "pub_date", "publish_time", "发布时间", "发布日期"),
    "year": ("year", "年份", "年度", "报告年份"),
    "source_url": ("source_url", "url", "link", "href", "链接", "网址", "来源链接"),
    "speaker": ("speaker", "author", "讲话人", "演讲人", "作者"),
    "place": ("place", "location", "venue", "地点"),
    "province": ("province", "region", "省份", "地区"),
    "category": ("category", "column", "section", "栏目", "分类", "类别"),
    "tags": ("tags", "keywords", "标签", "关键词"),
    # a sentence-aligned bilingual table: the English, and the paragraph a sentence is in
    "translation": ("english", "en", "英文", "译文", "translation"),
    "line": ("line", "paragraph", "para", "行号", "年度文件内行号", "段号", "段落"),
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
    if isinstance(text, list):  # a JSON list of paragraphs
        text = "\n".join(str(item) for item in text if item is not None)
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
        records = list(reader)
    except csv.Error as error:
        raise InputError(f"not readable as CSV: {error}; check the quoting") from None
    if not records:
        raise InputError("the CSV file has a header but no rows")
    if "translation" in columns and "title" not in columns:
        return [_aligned(path, encoding, records, columns)]
    return [
        _row_speech(path, encoding, number, record, columns)
        for number, record in enumerate(records, start=1)
    ]


def _aligned(
    path: Path, encoding: str, records: list[dict[str, str]], columns: dict[str, str]
) -> RawSpeech:
    """A sentence-aligned bilingual table (a Chinese and an English column, no titles): one
    speech, its sentences joined into paragraphs by a line column when there is one, the
    English kept apart as the translation."""
    chinese: list[str] = []
    english: list[str] = []
    previous: object = None
    for record in records:
        line = record.get(columns["line"]) if "line" in columns else None
        zh = (record.get(columns["text"]) or "").strip()
        en = (record.get(columns["translation"]) or "").strip()
        same = line is not None and line == previous and chinese
        if zh and same:
            chinese[-1] += zh
        elif zh:
            chinese.append(zh)
        if en and same and english:
            english[-1] += " " + en
        elif en:
            english.append(en)
        previous = line
    fields: dict[str, object] = {}
    for name in ("year", "date", "speaker", "category"):
        values = {r.get(columns[name]) for r in records} if name in columns else set()
        if len(values) == 1 and (value := values.pop()):
            fields[name] = value
    return RawSpeech(
        path=path,
        text="\n".join(chinese),
        encoding=encoding,
        fields=fields,
        translation=tuple(english),
        kind="table",
    )


def _json_or_none(text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


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
    elif stripped.startswith("{") and isinstance(whole := _json_or_none(stripped), dict):
        # one object holding the list of records under some key: {"items": [{…}, …]}
        lists = [v for v in whole.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
        records = list(enumerate(lists[0] if lists else [whole], start=1))
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
