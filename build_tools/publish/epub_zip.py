"""The EPUB container, written reproducibly: the same entries and epoch give the same bytes.

OCF asks for ``mimetype`` first, stored, with no extra field; every other entry follows in name
order, deflated (level 9, as ``zipfile`` does it), stamped with the epoch and one set of
permissions. The zip is written here rather than with ``zipfile`` so that an entry deflated by
an earlier run can be written again as it is: ``Deflated`` keeps them by the SHA-256 of their
content, and a book in which one speech changed compresses one document, not a thousand.
"""

from __future__ import annotations

import hashlib
import os
import struct
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from pathlib import Path

from build_tools.errors import BuildError

MIMETYPE = b"application/epub+zip"
#: The earliest time a zip entry can carry (1980-01-01T00:00:00Z).
ZIP_EPOCH = 315532800
STORED, DEFLATED = 0, 8
VERSION = 20  #: "2.0": deflate, folders; what the entries need and what made them
UNIX = 3  #: the system that "made" the entries, whatever machine builds the book
PERMISSIONS = 0o100644 << 16  #: a regular file, rw-r--r--
UTF8_NAME = 0x800  #: general purpose flag 11: the name is UTF-8
#: The three records of a zip (APPNOTE 4.3.7, 4.3.12, 4.3.16), little-endian.
LOCAL_HEADER, LOCAL_SIGNATURE = "<IHHHHHIIIHH", 0x04034B50
CENTRAL_ENTRY, CENTRAL_SIGNATURE = "<IHHHHHHIIIHHHHHII", 0x02014B50
END, END_SIGNATURE = "<IHHHHIIH", 0x06054B50
#: Without ZIP64 records a zip holds at most this many entries, and this many bytes.
MAX_ENTRIES, MAX_SIZE = 0xFFFF, 0xFFFFFFFF
TOO_LARGE = (
    "{out}: {what} is more than a plain zip holds ({limit}); an EPUB this large would not "
    "open on most readers: split the collection into parts"
)

#: One entry as it is written: CRC-32 of the content, its length, and the data in the zip.
Member = tuple[int, int, bytes]


class Entries(Mapping[str, bytes]):
    """The entries of a zip by name. An entry may be given by its SHA-256 and a way to read
    it: it is read only if something needs its bytes (``Deflated`` does not, when it holds
    the entry already)."""

    def __init__(self) -> None:
        self._data: dict[str, bytes] = {}
        self._lazy: dict[str, Callable[[], bytes]] = {}
        self._digests: dict[str, str] = {}

    def put(self, name: str, data: bytes) -> None:
        self._data[name] = data
        self._lazy.pop(name, None)
        self._digests.pop(name, None)

    def put_lazy(self, name: str, sha: str, load: Callable[[], bytes]) -> None:
        self._data.pop(name, None)
        self._lazy[name] = load
        self._digests[name] = sha

    def __getitem__(self, name: str) -> bytes:
        if name not in self._data:
            self._data[name] = self._lazy.pop(name)()
        return self._data[name]

    def __iter__(self) -> Iterator[str]:
        return iter({**self._data, **self._lazy})

    def __len__(self) -> int:
        return len(self._data.keys() | self._lazy.keys())

    def digest(self, name: str) -> str:
        if name not in self._digests:
            self._digests[name] = hashlib.sha256(self[name]).hexdigest()
        return self._digests[name]


class Deflated:
    """Entries already deflated, by the SHA-256 of their content; ``used`` holds the ones
    asked for since the last ``keep_used``, which is what the next run will want again."""

    def __init__(self, members: Mapping[str, Member] | None = None) -> None:
        self.members: dict[str, Member] = dict(members or {})
        self.used: dict[str, Member] = {}

    def member(self, sha: str, content: Callable[[], bytes]) -> Member:
        """The entry whose content has digest ``sha``, deflating ``content()`` if new."""
        found = self.used.get(sha) or self.members.get(sha)
        if found is None:
            found = _deflate(content())
        self.used[sha] = found
        return found

    def keep_used(self) -> dict[str, Member]:
        self.members, self.used = self.used, {}
        return self.members


def _deflate(content: bytes) -> Member:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = compressor.compress(content) + compressor.flush()
    return zlib.crc32(content), len(content), data


def write_zip(
    entries: Mapping[str, bytes], out: Path, *, epoch: int, deflated: Deflated | None = None
) -> Path:
    """Write the EPUB atomically; a file that comes out the same is left untouched (its time
    too, so that a no-op build stays one). ``deflated``: entries deflated before, and where
    this run's go. ``entries`` that are ``Entries`` are read only where ``deflated`` lacks
    them."""
    if len(entries) + 1 > MAX_ENTRIES:
        raise BuildError(TOO_LARGE.format(out=out, what="the number of files", limit=MAX_ENTRIES))
    stamp = _dos_time(epoch)
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            directory, offset = [], 0
            for name, method, (crc, size, data) in _members(entries, deflated or Deflated()):
                encoded, flags = _name(name)
                fields = (VERSION, flags, method, *stamp, crc, len(data), size, len(encoded))
                header = struct.pack(LOCAL_HEADER, LOCAL_SIGNATURE, *fields, 0) + encoded
                stream.write(header)
                stream.write(data)
                directory.append(
                    struct.pack(CENTRAL_ENTRY, CENTRAL_SIGNATURE, UNIX << 8 | VERSION, *fields,
                                0, 0, 0, 0, PERMISSIONS, offset) + encoded
                )  # fmt: skip
                offset += len(header) + len(data)
            table = b"".join(directory)
            if offset + len(table) > MAX_SIZE:
                raise BuildError(TOO_LARGE.format(out=out, what="its size", limit="4 GiB"))
            count = len(directory)
            stream.write(table)
            stream.write(struct.pack(END, END_SIGNATURE, 0, 0, count, count, len(table), offset, 0))
        os.chmod(temporary, 0o644)
        if out.exists() and _same_bytes(Path(temporary), out):
            Path(temporary).unlink()
        else:
            os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return out


def _members(entries: Mapping[str, bytes], deflated: Deflated) -> Iterator[tuple[str, int, Member]]:
    """``mimetype`` stored, then every entry in name order, deflated."""
    yield "mimetype", STORED, (zlib.crc32(MIMETYPE), len(MIMETYPE), MIMETYPE)
    for name in sorted(entries):
        if isinstance(entries, Entries):
            sha = entries.digest(name)
        else:
            sha = hashlib.sha256(entries[name]).hexdigest()
        yield name, DEFLATED, deflated.member(sha, partial(entries.__getitem__, name))


def _name(name: str) -> tuple[bytes, int]:
    try:
        return name.encode("ascii"), 0
    except UnicodeEncodeError:
        return name.encode("utf-8"), UTF8_NAME


def _dos_time(epoch: int) -> tuple[int, int]:
    """(time, date) in MS-DOS form, as a zip entry carries them (two-second steps)."""
    year, month, day, hour, minute, second = time.gmtime(max(epoch, ZIP_EPOCH))[:6]
    return hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day


def _same_bytes(a: Path, b: Path) -> bool:
    return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()
