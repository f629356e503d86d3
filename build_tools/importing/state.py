"""What the importer last wrote: ``source/.import-state.json`` maps each raw speech to its page
and hashes, so pages keep their names and hand edits are noticed. Atomic writes live here."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

STATE_FILE = ".import-state.json"
BACKUPS = ".import-backups"
VERSION = 1


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


UNREAD = object()


def write_atomic(path: Path, text: str, *, current: object = UNREAD) -> bool:
    """Write ``text`` to ``path`` through a temporary file and ``os.replace``, only when the
    content differs (``current``: the content already read, None for no file). Returns
    whether the file was written. Readers never see a half-written file; there is no fsync,
    so a power cut right after an import may lose it (re-run the import)."""
    if current is UNREAD:
        try:
            current = path.read_text(encoding="utf-8")
        except (FileNotFoundError, UnicodeDecodeError):
            current = None
    if current == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


@dataclass(frozen=True)
class Entry:
    page: str  #: the page name, kept across re-imports
    raw: str  #: digest of the raw speech (text and metadata) last imported
    written: str  #: digest of the MyST text last written


class ImportState:
    """The state file of one source folder."""

    def __init__(self, source_dir: Path) -> None:
        self.path = source_dir / STATE_FILE
        self.entries: dict[str, Entry] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            for key, value in data.get("speeches", {}).items():
                self.entries[key] = Entry(**value)
        except FileNotFoundError:
            pass
        except (ValueError, TypeError, AttributeError):
            self.entries = {}  # a damaged state file only costs the hand-edit history

    def owners(self) -> dict[str, str]:
        """Each page and the raw speech that owns it."""
        return {entry.page: key for key, entry in self.entries.items()}

    def save(self) -> bool:
        speeches = {key: asdict(self.entries[key]) for key in sorted(self.entries)}
        text = json.dumps({"version": VERSION, "speeches": speeches}, ensure_ascii=False, indent=1)
        return write_atomic(self.path, text + "\n")


def backup(source_dir: Path, page: str, text: str, stamp: str) -> Path:
    """Keep a copy of a hand-edited page before ``--force`` overwrites it."""
    path = source_dir / BACKUPS / f"{page}.{stamp}.md.bak"
    write_atomic(path, text)
    return path
