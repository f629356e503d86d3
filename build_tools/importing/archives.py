"""ZIP archives → their members' bytes, read in memory (nothing is ever extracted to disk), with
member names decoded as the archiver wrote them (UTF-8, or GBK/Big5 from Chinese Windows) and
the unsafe ones refused: paths leaving the archive, archives inside the archive, bombs."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from build_tools.errors import InputError

#: An archive may unpack to at most this much in all; beyond it is refused whole (a zip bomb
#: expands a few kilobytes into gigabytes).
MAX_UNPACKED = 256 * 1024 * 1024
#: …and no member may expand more than this many times its compressed size (real text
#: compresses 3-10 times; a bomb a thousand times or more).
MAX_RATIO = 200
MAX_MEMBERS = 10_000
#: Member-name codecs tried, in order, for names not flagged UTF-8 (ZIP's bit 11).
NAME_CODECS = ("utf-8", "gb18030", "big5")
UTF8_FLAG = 0x800

BROKEN = "not a readable ZIP archive ({problem}); unpack it with another tool and import the files"
TOO_LARGE = (
    "the archive unpacks to more than {limit} MB ({what}); it is refused whole as a possible "
    "zip bomb; unpack it yourself and put the files in raw/"
)
TOO_COMPRESSED = (
    "the member {name!r} expands more than {ratio} times its packed size, as zip bombs do; "
    "the archive is refused whole; unpack it yourself and put the files in raw/"
)
OUTSIDE = (
    "the member {name!r} would land outside the archive (an absolute path or '..'); "
    "it is not imported"
)
NESTED = "the member {name!r} is itself an archive ({kind}); unpack it and put its files in raw/"
ENCRYPTED = "the member {name!r} is encrypted; unpack it with its password and import the files"
#: Signatures of archives that may not be nested (a .docx member is a document, not nested).
ARCHIVE_MAGIC = (
    (b"PK\x03\x04", "ZIP"),
    (b"PK\x05\x06", "ZIP"),
    (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"BZh", "bzip2"),
)


@dataclass(frozen=True)
class Member:
    """One member of an archive: its name inside it and its bytes, or why it is refused."""

    name: str
    data: bytes = b""
    problem: str | None = None


def is_docx(data: bytes) -> bool:
    """Whether a ZIP container is a Word document (it holds ``word/document.xml``)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _name_codec(archive: zipfile.ZipFile) -> str | None:
    """The codec of the names not flagged UTF-8: the first of NAME_CODECS decoding them all.
    zipfile decodes such names as cp437; encoding back to cp437 gives the original bytes.
    Names that a Unicode path extra field gives (newer zipfiles read it, 3.13's does: ``filename``
    then differs from ``orig_filename``) are right already."""
    raw = [
        info.orig_filename.encode("cp437")
        for info in archive.infolist()
        if not info.flag_bits & UTF8_FLAG
        and not info.orig_filename.isascii()
        and info.filename == info.orig_filename
    ]
    if not raw:
        return None
    for codec in NAME_CODECS:
        try:
            for name in raw:
                name.decode(codec)
        except UnicodeDecodeError:
            continue
        return codec
    return None


def _open(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        codec = _name_codec(archive)
        if codec is not None:  # reopen so zipfile itself decodes the names with it
            archive = zipfile.ZipFile(io.BytesIO(data), metadata_encoding=codec)
        return archive
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise InputError(BROKEN.format(problem=error)) from None


def _outside(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return (
        path.is_absolute()
        or ".." in path.parts
        or (len(name) > 1 and name[1] == ":")  # C:\… written by Windows tools
    )


def _hidden(part: str) -> bool:
    """A hidden file or folder, or macOS's resource forks (not '..', which is refused)."""
    return (part.startswith(".") and part not in (".", "..")) or part == "__MACOSX"


def _nested(data: bytes) -> str | None:
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")) and is_docx(data):
        return None
    return next((kind for magic, kind in ARCHIVE_MAGIC if data.startswith(magic)), None)


def members(data: bytes, *, limit: int = MAX_UNPACKED) -> Iterator[Member]:
    """The files of an archive, in name order, skipping folders and hidden files. Refuses the
    whole archive (InputError) when it would unpack to more than ``limit`` bytes; a member that
    is unsafe or unreadable comes with its ``problem`` and no data."""
    with _open(data) as archive:
        infos = [
            info
            for info in archive.infolist()
            if not info.is_dir() and not any(_hidden(part) for part in info.filename.split("/"))
        ]
        if len(infos) > MAX_MEMBERS:
            raise InputError(f"the archive holds {len(infos)} files, more than {MAX_MEMBERS}")
        total = sum(info.file_size for info in infos)
        if total > limit:
            largest = max(infos, key=lambda i: i.file_size).filename
            what = f"{total // 2**20} MB declared, {largest!r} the largest"
            raise InputError(TOO_LARGE.format(limit=limit // 2**20, what=what))
        unpacked = 0
        for info in sorted(infos, key=lambda i: i.filename):
            name = info.filename
            if _outside(name):
                yield Member(name, problem=OUTSIDE.format(name=name))
                continue
            if info.flag_bits & 0x1:
                yield Member(name, problem=ENCRYPTED.format(name=name))
                continue
            data = _read_bounded(archive, info, limit - unpacked, limit)
            unpacked += len(data)
            if kind := _nested(data):
                yield Member(name, problem=NESTED.format(name=name, kind=kind))
                continue
            yield Member(name, data)


def _read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, room: int, limit: int) -> bytes:
    """A member's bytes, never more than ``room`` (declared sizes can lie) nor more than
    MAX_RATIO times its compressed size."""
    cap = min(room, max(info.compress_size, 1024) * MAX_RATIO)
    try:
        with archive.open(info) as stream:
            data = stream.read(cap + 1)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as error:
        raise InputError(f"the member {info.filename!r} cannot be read: {error}") from None
    if len(data) > cap:
        if cap == room:
            what = f"{info.filename!r} passes the limit"
            raise InputError(TOO_LARGE.format(limit=limit // 2**20, what=what))
        raise InputError(TOO_COMPRESSED.format(name=info.filename, ratio=MAX_RATIO))
    return data
