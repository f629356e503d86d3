"""Bytes → text: the codec is forced, declared or detected, and the result must read as Chinese."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from build_tools.errors import InputError
from build_tools.han import IS_HAN

EMPTY = "the file is empty; there is nothing to import"
ONLY_WHITESPACE = "the file holds only whitespace; there is nothing to import"
BINARY = "this is {kind}, not text; move it out of the raw folder"
NUL_BYTES = (
    "the file contains NUL bytes (the first at byte {offset}), so it is binary data or "
    "UTF-16 without a byte order mark; if it is UTF-16 text, pass --encoding utf-16-le "
    "(or utf-16-be)"
)
UNDECODABLE = (
    "cannot tell the encoding: not valid UTF-8 (byte {offset}, line {line}) and not plausible "
    "as GB18030 or Big5 either; fix the damaged bytes or pass --encoding (e.g. --encoding gb18030)"
)
DAMAGED_UTF8 = (
    "invalid UTF-8 at byte {offset} (line {line}) although the rest is UTF-8; fix the damaged "
    "bytes, or pass --encoding if the file really uses another codec"
)
FORCED_INVALID = (
    "cannot be decoded as {encoding} (forced with --encoding): invalid bytes at byte {offset}, "
    "line {line}; pass the right codec or leave out --encoding to detect it"
)
FORCED_IMPLAUSIBLE = (
    "decoded as {encoding} (forced with --encoding) the text is not plausible Chinese (only "
    "{share:.0%} common characters); pass the right codec or leave out --encoding to detect it"
)
FORCED_MOJIBAKE = (
    "decoded as {encoding} (forced with --encoding) the text is garbled (control characters, "
    "or Chinese UTF-8 read byte by byte); leave out --encoding to detect the codec"
)
UNKNOWN_CODEC = (
    "unknown encoding {encoding!r} (from --encoding); use a Python codec name such as "
    "utf-8, gb18030, big5 or utf-16"
)

#: Signatures of binary formats that should never be read as speech text.
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (a .docx must be named .docx)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"\x7fELF", "an executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (save it as .docx)"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"ID3", "an MP3 file"),
)

#: Byte order marks, longest first: UTF-32 LE starts with the UTF-16 LE mark.
BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
)

#: Codec families tried in order when the bytes are not UTF-8; the narrowest codec that
#: decodes is recorded, the widest is the fallback.
LEGACY_FAMILIES: tuple[tuple[str, ...], ...] = (
    ("gbk", "gb18030"),
    ("big5", "cp950", "big5hkscs"),
)

#: Share of common characters among the Han characters that marks a correct decoding;
#: real text scores above 0.95, GBK read as Big5 (or the reverse) around 0.3.
PLAUSIBLE = 0.75
SAMPLE_CHARS = 200_000
# C0 and C1 control characters other than tab, newline, form feed and carriage return.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  #: the codec that decoded the bytes, e.g. "utf-8", "gb18030", "big5"


@cache
def common_hanzi() -> frozenset[str]:
    """The frequent Han characters, both scripts, from ``common_hanzi.txt``."""
    data = resources.files(__package__).joinpath("common_hanzi.txt").read_text(encoding="utf-8")
    lines = (line for line in data.splitlines() if not line.startswith("#"))
    return frozenset("".join(lines))


def plausibility(text: str) -> tuple[float, int]:
    """The share of common characters among the Han characters of a sample, and their number."""
    han = IS_HAN.findall(text[:SAMPLE_CHARS])
    if not han:
        return 1.0, 0
    common = common_hanzi()
    return sum(1 for ch in han if ch in common) / len(han), len(han)


def _is_plausible(text: str) -> bool:
    share, count = plausibility(text)
    return count == 0 or share >= PLAUSIBLE


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _sniff_binary(data: bytes) -> None:
    for magic, kind in MAGIC:
        if data.startswith(magic):
            raise InputError(BINARY.format(kind=kind))


def _decode_forced(data: bytes, encoding: str) -> Decoded:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise InputError(UNKNOWN_CODEC.format(encoding=encoding)) from None
    if name == "utf-8" and data.startswith(codecs.BOM_UTF8):
        name = "utf-8-sig"
    try:
        text = data.decode(name)
    except UnicodeDecodeError as error:
        offset = error.start
        raise InputError(
            FORCED_INVALID.format(encoding=encoding, offset=offset, line=_line_of(data, offset))
        ) from None
    share, count = plausibility(text)
    if count >= 20 and share < PLAUSIBLE:
        raise InputError(FORCED_IMPLAUSIBLE.format(encoding=encoding, share=share))
    sample = text[:SAMPLE_CHARS]
    if len(CONTROL.findall(sample)) > max(8, len(sample) // 100) or (
        count == 0 and name != "utf-8" and _is_chinese_utf8(data)
    ):
        raise InputError(FORCED_MOJIBAKE.format(encoding=encoding))
    return Decoded(text, name)


def _is_chinese_utf8(data: bytes) -> bool:
    """Whether the bytes are valid UTF-8 holding plausible Chinese."""
    try:
        text = data[:SAMPLE_CHARS].decode("utf-8", errors="ignore")
    except LookupError:
        return False
    share, count = plausibility(text)
    return count >= 20 and share >= PLAUSIBLE


def _decode_bom(data: bytes) -> Decoded | None:
    for bom, codec, label in BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(codec), label)
            except UnicodeDecodeError as error:
                raise InputError(
                    f"invalid {label} at byte {error.start} although the file starts with a "
                    f"{label} byte order mark; fix the damaged bytes"
                ) from None
    return None


def _decode_utf16_without_bom(data: bytes, nul: int) -> Decoded:
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if not CONTROL.search(text[:SAMPLE_CHARS]) and _is_plausible(text):
            return Decoded(text, codec)
    raise InputError(NUL_BYTES.format(offset=nul))


def _decode_legacy(data: bytes, declared: str | None) -> Decoded | None:
    """The best plausible decoding among the declared codec and the GB and Big5 families."""
    families = list(LEGACY_FAMILIES)
    if declared:
        families.insert(0, (declared,))
    best: tuple[float, Decoded] | None = None
    for family in families:
        for codec in family:
            try:
                text = data.decode(codec)
            except (UnicodeDecodeError, LookupError):
                continue
            share, count = plausibility(text)
            if count and share >= PLAUSIBLE and (best is None or share > best[0]):
                best = (share, Decoded(text, codecs.lookup(codec).name))
            break  # the narrowest codec of a family that decodes speaks for the family
    return best[1] if best else None


def _decode_guess(data: bytes) -> Decoded | None:
    """Last resort: charset-normalizer on a sample, accepted only if the whole file decodes."""
    from charset_normalizer import from_bytes

    match = from_bytes(data[:262_144]).best()
    if match is None:
        return None
    try:
        text = data.decode(match.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    share, count = plausibility(text)
    if count and share < PLAUSIBLE:
        return None
    return Decoded(text, codecs.lookup(match.encoding).name)


def decode(data: bytes, *, encoding: str | None = None, declared: str | None = None) -> Decoded:
    """Decode raw bytes. ``encoding`` is forced (``--encoding``); ``declared`` comes from the
    file itself (an HTML ``<meta charset>``) and is tried first. Raises InputError."""
    if not data:
        raise InputError(EMPTY)
    if encoding:
        decoded = _decode_forced(data, encoding)
    else:
        decoded = _decode_bom(data) or _detect(data, declared)
    if not decoded.text.strip():
        raise InputError(ONLY_WHITESPACE)
    return decoded


def _detect(data: bytes, declared: str | None) -> Decoded:
    _sniff_binary(data)
    nul = data.find(b"\x00")
    if nul >= 0:
        return _decode_utf16_without_bom(data, nul)
    if declared:
        try:
            return Decoded(data.decode(declared), codecs.lookup(declared).name)
        except (UnicodeDecodeError, LookupError):
            pass  # a wrong declaration is common on scraped pages: detect instead
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = error.start
    else:
        if len(CONTROL.findall(text[:SAMPLE_CHARS])) > max(8, len(text[:SAMPLE_CHARS]) // 100):
            raise InputError(BINARY.format(kind="binary data")) from None
        return Decoded(text, "utf-8")
    decoded = _decode_legacy(data, declared) or _decode_guess(data)
    if decoded is not None:
        return decoded
    line = _line_of(data, offset)
    damaged = data.decode("utf-8", errors="replace").count("\ufffd")
    if damaged * 1000 < len(data):
        raise InputError(DAMAGED_UTF8.format(offset=offset, line=line))
    raise InputError(UNDECODABLE.format(offset=offset, line=line))
