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
from build_tools.importing import archives, bilingual, documents, tables
from build_tools.importing.decode import decode
from build_tools.importing.sniff import MARKDOWN_SUFFIXES, sniff
from build_tools.importing.tables import ROW_ERROR
from build_tools.records import METADATA_FIELDS, RawSpeech

#: Where an archive member's name starts in its provenance: ``raw/a.zip!/member.docx``.
MEMBER_MARK = "!/"
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
# Hexo's front matter: key: value lines from the first line on, closed by "---" alone.
HEXO_FRONT_MATTER = re.compile(
    r"\A(?P<yaml>(?:title|date):[^\n]*\n(?:(?:(?:[A-Za-z_][\w-]*:|[ \t]*-[ \t])[^\n]*)?\n){0,40}?)"
    r"---[ \t]*(?:\n|\Z)"
)
# Hugo's TOML front matter between "+++" lines.
TOML_FRONT_MATTER = re.compile(r"\A\+\+\+[ \t]*\n(?P<toml>.*?\n)\+\+\+[ \t]*(?:\n|\Z)", re.S)
#: Front-matter keys of blog engines, and the field each is kept as. A post's own title and
#: date are the post's: the speech's title and date in the text win over them.
#: (None so far: a post's categories and author are the blog's, not the speech's.)
POST_KEYS: dict[str, str] = {}
#: Keys only a blog engine's front matter has (Jekyll, Hugo, Hexo): the file is a post.
POST_ONLY_KEYS = frozenset(
    {"layout", "categories", "permalink", "draft", "slug", "lastmod", "excerpt", "comments"}
    | {"aliases", "summary", "description", "author", "authors", "weight", "url", "type"}
)


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
    """YAML (or Hugo's TOML) front matter of a Markdown/MyST file → (fields, body)."""
    text = text.lstrip("\ufeff")
    if text.startswith(("---\r\n", "+++\r\n")):
        text = text.replace("\r\n", "\n")  # Windows line ends
    if match := TOML_FRONT_MATTER.match(text):
        import tomllib

        try:
            data = tomllib.loads(match["toml"])
        except tomllib.TOMLDecodeError as error:
            raise InputError(f"the front matter is not valid TOML ({error})") from None
        return _post_fields(data), text[match.end() :]
    match = FRONT_MATTER.match(text) or HEXO_FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        raw = yaml.safe_load(match["yaml"])
    except yaml.YAMLError:
        raw = None
    fields = _yaml_mapping(match["yaml"], "the front matter")
    if isinstance(raw, dict) and POST_ONLY_KEYS & {str(k).lower() for k in raw}:
        fields = {k: v for k, v in fields.items() if k not in ("title", "date")}
        fields = {**fields, **_post_fields(raw)}
    return {k: _plain(v) for k, v in fields.items()}, text[match.end() :]


def _post_fields(data: dict[object, object]) -> dict[str, object]:
    """A blog post's front matter: its categories and author as fields; its title and date as
    the post's (``post_title``, ``published``), which the speech's own win over."""
    fields: dict[str, object] = {}
    for key, value in data.items():
        key = str(key).lower()
        if key in ("title", "date"):
            fields["post_title" if key == "title" else "published"] = _plain(value)
        elif (target := POST_KEYS.get(key)) and value:
            fields[target] = value[0] if isinstance(value, list) and value else value
        elif _known(key) and key not in fields:
            fields[key] = _plain(value)
    return fields


def _read_text(data: bytes, path: Path, encoding: str | None) -> list[RawSpeech]:
    decoded = decode(data, encoding=encoding)
    text, translation = bilingual.split_interleaved(decoded.text)
    return [RawSpeech(path=path, text=text, encoding=decoded.encoding, translation=translation)]


def _read_markdown(data: bytes, path: Path, encoding: str | None) -> list[RawSpeech]:
    decoded = decode(data, encoding=encoding)
    fields, body = split_front_matter(decoded.text)
    if not body.strip():
        raise InputError("the file holds front matter but no text")
    body, translation = bilingual.split_interleaved(body)
    return [
        RawSpeech(
            path=path,
            text=body,
            encoding=decoded.encoding,
            fields=fields,
            kind="markdown",
            translation=translation,
        )
    ]


def _read_docx(data: bytes, path: Path, encoding: str | None) -> list[RawSpeech]:
    if not data:
        raise InputError("the file is empty; there is nothing to import")
    document = documents.read_docx(data)
    if not document.text.strip():
        raise InputError("the document holds no text")
    fields: dict[str, object] = {"title": document.title} if document.title else {}
    text, translation = bilingual.split_interleaved(document.text)
    return [
        RawSpeech(
            path=path,
            text=text,
            encoding="utf-8",
            fields=fields,
            marked=document.marked,
            kind="docx",
            translation=translation,
        )
    ]


def _read_html(data: bytes, path: Path, encoding: str | None) -> list[RawSpeech]:
    decoded = decode(data, encoding=encoding, declared=documents.declared_charset(data))
    page = documents.read_html(decoded.text)
    fields: dict[str, object] = {"page_title": page.title} if page.title else {}
    if page.date:
        fields["published"] = page.date
    text, translation = bilingual.split_interleaved(page.text)
    return [
        RawSpeech(
            path=path,
            text=text,
            encoding=decoded.encoding,
            fields=fields,
            kind="html",
            translation=translation,
        )
    ]


def _read_tmx(data: bytes, path: Path, encoding: str | None) -> list[RawSpeech]:
    memory = bilingual.read_tmx(data)
    return [
        RawSpeech(
            path=path, text=memory.text, encoding="utf-8", kind="tmx", translation=memory.other
        )
    ]


def _read_table(
    data: bytes, path: Path, encoding: str | None, mapping: Mapping[str, str] | None, kind: str
) -> list[RawSpeech]:
    decoded = decode(data, encoding=encoding)
    text = decoded.text.lstrip("\ufeff")
    if kind == "table":
        return tables.read_csv(text, path, decoded.encoding, mapping)
    return tables.read_json_lines(text, path, decoded.encoding, mapping)


def _read_archive(
    data: bytes, path: Path, encoding: str | None, mapping: Mapping[str, str] | None
) -> list[RawSpeech]:
    """Each member read as if it were a file in raw/, named ``archive.zip!/member``; a
    member's sidecar (``member.yml`` beside it in the archive) applies to it."""
    found = list(archives.members(data))
    sidecars = {
        m.name.rsplit(".", 1)[0]: m
        for m in found
        if m.problem is None and m.name.lower().endswith(SIDECAR_SUFFIXES)
    }
    speeches: list[RawSpeech] = []
    for member in found:
        shown = Path(f"{path.as_posix()}{MEMBER_MARK}{member.name}")
        if member.name.lower().endswith(SIDECAR_SUFFIXES) and member.problem is None:
            continue
        if member.name.rsplit("/", 1)[-1] in ("SOURCES.md", "README", "README.md", "LICENSE"):
            continue
        if member.problem is not None:
            speeches.append(_refused(shown, member.problem))
            continue
        try:
            read = read_bytes(member.data, shown, encoding=encoding, mapping=mapping)
            side = sidecars.get(member.name.rsplit(".", 1)[0])
            if side is not None:
                sidecar = _yaml_mapping(
                    side.data.decode("utf-8-sig", errors="replace"), "the sidecar"
                )
                read = [
                    replace(s, sidecar={k: _plain(v) for k, v in sidecar.items()}) for s in read
                ]
        except InputError as error:
            speeches.append(_refused(shown, str(error)))
            continue
        speeches.extend(read)
    if not speeches:
        raise InputError("the archive holds no files")
    return speeches


def _refused(path: Path, problem: str) -> RawSpeech:
    """A placeholder the pipeline reports as skipped, with the reason."""
    return RawSpeech(path=path, text="", encoding="", fields={ROW_ERROR: problem})


def read_bytes(
    data: bytes,
    shown: Path,
    *,
    encoding: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> list[RawSpeech]:
    """The speeches in one file's bytes, by what the bytes are (not by the name ``shown``)."""
    kind = sniff(data, shown.suffix)
    if kind == "zip":
        if MEMBER_MARK in shown.as_posix():
            raise InputError("an archive inside an archive is not unpacked; unpack it first")
        return _read_archive(data, shown, encoding, mapping)
    if kind in ("table", "json"):
        return _read_table(data, shown, encoding, mapping, kind)
    readers = {
        "docx": _read_docx,
        "html": _read_html,
        "tmx": _read_tmx,
        "markdown": _read_markdown,
    }
    return readers.get(kind, _read_text)(data, shown, encoding)


def read_path(
    path: Path, *, encoding: str | None = None, mapping: dict[str, str] | None = None
) -> list[RawSpeech]:
    """Read one raw file into one RawSpeech per speech (one per row for CSV / JSON Lines, one
    per member of an archive).

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
    try:
        sidecar = read_sidecar(path)
        speeches = read_bytes(data, shown, encoding=encoding, mapping=mapping)
    except InputError as error:
        if error.path is None:
            error.path = shown
        raise
    return [replace(speech, sidecar=sidecar) for speech in speeches] if sidecar else speeches


def is_markdown(raw: RawSpeech) -> bool:
    """Whether the text is Markdown (``#`` headings, ``---`` rules, backslash escapes)."""
    return raw.kind == "markdown" or (
        raw.kind == "text" and raw.path.suffix.lower() in MARKDOWN_SUFFIXES
    )
