"""What the importer last wrote: ``source/.import-state.json`` maps each raw speech to its page
and hashes, so pages keep their names and hand edits are noticed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from build_tools.atomic import UNREAD, write_if_changed

STATE_FILE = ".import-state.json"
BACKUPS = ".import-backups"
VERSION = 1


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_atomic(path: Path, text: str, *, current: object = UNREAD) -> bool:
    """Write a page or the state file (LF line ends), atomically and only when changed."""
    return write_if_changed(path, text, current=current)


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
