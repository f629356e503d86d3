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


def write_atomic(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` through a temporary file and ``os.replace``, only when the
    content differs. Returns whether the file was written."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except (FileNotFoundError, UnicodeDecodeError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
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

    def pages_of_others(self, key: str) -> set[str]:
        return {entry.page for other, entry in self.entries.items() if other != key}

    def save(self) -> bool:
        speeches = {key: asdict(self.entries[key]) for key in sorted(self.entries)}
        text = json.dumps({"version": VERSION, "speeches": speeches}, ensure_ascii=False, indent=1)
        return write_atomic(self.path, text + "\n")


def backup(source_dir: Path, page: str, text: str, stamp: str) -> Path:
    """Keep a copy of a hand-edited page before ``--force`` overwrites it."""
    path = source_dir / BACKUPS / f"{page}.{stamp}.md.bak"
    write_atomic(path, text)
    return path
