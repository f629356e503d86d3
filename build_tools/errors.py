"""The two error channels: typed fatal errors with exit codes, and coded warnings."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """Documented in the README; tests assert them."""

    OK = 0
    WARNINGS = 1  #: only with --strict: the command finished but printed warnings
    USAGE = 2  #: bad command line (argparse uses 2 as well)
    INPUT = 3  #: one or more inputs could not be used; the rest were processed
    BUILD = 4  #: Sphinx or EPUB packaging failed
    LOCKED = 5  #: another build holds the lock on _build/


class BookError(Exception):
    """A fatal error a person can act on. ``str()`` is the message, without the category."""

    category = "error"
    exit_code = ExitCode.INPUT

    def __init__(self, message: str, *, path: Path | str | None = None) -> None:
        super().__init__(message)
        self.path = path

    def format(self) -> str:
        where = f"{self.path}: " if self.path is not None else ""
        return f"{self.category}: {where}{self}"


class InputError(BookError):
    """A raw file that cannot be read or makes no speech."""

    category = "input error"
    exit_code = ExitCode.INPUT


class UsageError(BookError):
    category = "usage error"
    exit_code = ExitCode.USAGE


class BuildError(BookError):
    category = "build error"
    exit_code = ExitCode.BUILD


class LockedError(BookError):
    category = "locked"
    exit_code = ExitCode.LOCKED


@dataclass(frozen=True)
class Warning_:
    """A warning with a stable code, printed Sphinx-style:
    ``path:line: WARNING: message [book.code]``."""

    code: str  #: e.g. "import.hand-edited", silenced with ``suppress_warnings``
    message: str
    path: str | None = None
    line: int | None = None

    def format(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}WARNING: {self.message} [book.{self.code}]"
