"""A book's folder as an EPUB file: a reproducible zip, and whether one is of a given date.

Python's ``zipfile``, not Sphinx's ``build_epub``: Sphinx's entries are dated now and in the
order it met the files, so two builds of the same book would never give the same bytes.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path

ZIP_EPOCH = 315_532_800  #: 1980-01-01, the earliest time a zip entry can hold
#: What the container requires first, stored (uncompressed), so a reader can sniff the type.
MIMETYPE = "mimetype"

DateTime = tuple[int, int, int, int, int, int]


def zip_date_time(epoch: int) -> DateTime:
    """The zip entries' time stamp for ``epoch`` (seconds), never before 1980.

    >>> zip_date_time(0), zip_date_time(1767225600)
    ((1980, 1, 1, 0, 0, 0), (2026, 1, 1, 0, 0, 0))
    """
    return time.gmtime(max(epoch, ZIP_EPOCH))[:6]  # type: ignore[return-value]


def zip_book(folder: Path, names: Iterable[str], *, date_time: DateTime) -> bytes:
    """The EPUB of ``folder``: ``mimetype`` first and stored, then ``names`` in name order,
    deflated, every entry dated ``date_time`` and readable by all."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in [MIMETYPE, *sorted(set(names))]:
            info = zipfile.ZipInfo(name, date_time)
            info.compress_type = zipfile.ZIP_STORED if name == MIMETYPE else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, (folder / name).read_bytes())
    return buffer.getvalue()


def dated(path: Path, date_time: DateTime) -> bool:
    """Whether the EPUB at ``path`` exists and its entries carry ``date_time``."""
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.infolist()[0].date_time == date_time
    except (OSError, zipfile.BadZipFile, IndexError):
        return False
