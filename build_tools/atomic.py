"""Atomic, change-only file writes: readers never see half a file, and unchanged files keep
their modification time, so Sphinx's and make's incremental builds stay incremental. Also
the few pieces every cache under ``_build/`` uses: a file's stamp, and a pickle kept and read
back (an unreadable one reads as none)."""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

UNREAD = object()  #: ``current`` not given: read the file to compare


def write_if_changed(
    path: Path, content: str | bytes, *, current: object = UNREAD, mode: int = 0o644
) -> bool:
    """Write ``content`` to ``path`` through a temporary file and ``os.replace``, only when it
    differs from what is there (``current``: the text already read, None for no file).
    Returns whether the file was written. There is no fsync: a power cut right after a write
    may lose it, and re-running the command writes it again."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if current is UNREAD:
        try:
            unchanged = path.read_bytes() == data
        except (FileNotFoundError, NotADirectoryError):
            unchanged = False
    else:
        unchanged = current is not None and (
            current == content if isinstance(current, type(content)) else False
        )
    if unchanged:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)  # mkstemp makes 0600 files; these are published or committed
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


# -- what the build keeps between runs ----------------------------------------------------


def stamp(path: Path) -> tuple[int, int]:
    """What a cache knows a file by: its modification time (ns) and size. Raises OSError
    when there is no file."""
    stat = os.stat(path)
    return stat.st_mtime_ns, stat.st_size


def read_pickle(path: Path) -> Any:
    """What ``write_pickle`` kept at ``path``; ``None`` when there is none or it cannot be
    read (truncated, from another Python or another version of this code): a cache then
    starts empty."""
    try:
        with path.open("rb") as stream:
            return pickle.load(stream)
    except Exception:
        return None


def write_pickle(path: Path, value: object) -> None:
    """Keep ``value`` at ``path`` for ``read_pickle``, atomically, if it changed. Only for
    caches under ``_build/`` that this code writes itself (a pickle runs code when read)."""
    write_if_changed(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
