"""raw/ → source/speeches/: every raw file imported, stable page names, hand edits kept,
duplicates reported, one bad file never stopping the rest."""

from __future__ import annotations

import contextlib
import datetime
import json
import multiprocessing as mp
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from tqdm import tqdm

from build_tools.errors import InputError, Warning_
from build_tools.importing.boilerplate import Rules, load_rules
from build_tools.importing.duplicates import DuplicateFinder
from build_tools.importing.import_report import Duplicate, ImportReport, Skipped
from build_tools.importing.import_state import Entry, ImportState, backup, digest, write_atomic
from build_tools.importing.page_names import page_name, unique, warm_up
from build_tools.importing.pipeline import build_speech, repage
from build_tools.importing.read import MEMBER_MARK, read_path
from build_tools.importing.render import render
from build_tools.importing.review import Row, speech_row, write_review
from build_tools.records import RawSpeech, Speech

SPEECHES = "speeches"
#: Files in raw/ that describe the collection rather than hold a speech.
NOT_SPEECHES = ("SOURCES.md", "README", "LICENSE", "boilerplate.yml")
SIDECARS = (".yml", ".yaml")
HAND_EDITED = (
    "{page}.md was edited by hand since the last import, and the import now gives another "
    "text; it is not written (compare, then re-run with --force to overwrite; a backup is kept)"
)
NOT_OURS = (
    "{page}.md exists but was not written by the importer; the import is not written "
    "(re-run with --force to overwrite; a backup is kept)"
)


def raw_files(raw_dir: Path) -> list[Path]:
    """The raw speech files under ``raw_dir``, recursively, in a stable order: no hidden
    files, sidecars (``*.yml``), provenance or readme files."""
    found = []
    for path in raw_dir.rglob("*"):
        relative = path.relative_to(raw_dir)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        if path.suffix.lower() in SIDECARS or path.name.endswith("~"):
            continue
        if any(path.name == n or path.name.upper().startswith(n) for n in NOT_SPEECHES):
            continue
        found.append(path)
    return sorted(found, key=lambda p: p.relative_to(raw_dir).as_posix())


def _key(raw: RawSpeech, path: Path, raw_dir: Path) -> str:
    """The identity of a raw speech: its path under raw/ (and row)."""
    relative = path.relative_to(raw_dir).as_posix()
    shown = raw.path.as_posix()
    if MEMBER_MARK in shown:
        relative += MEMBER_MARK + shown.split(MEMBER_MARK, 1)[1]
    return f"{relative}:{raw.row}" if raw.row is not None else relative


def _raw_digest(raw: RawSpeech) -> str:
    meta = json.dumps(
        [raw.fields, raw.sidecar, raw.encoding], ensure_ascii=False, sort_keys=True, default=str
    )
    return digest(raw.text + "\0" + meta)


@dataclass
class _Run:
    """The mutable state of one import, frozen into an ImportReport at the end."""

    raw_dir: Path
    source_dir: Path
    force: bool
    rules: Rules
    state: ImportState
    stamp: str
    taken: set[str] = field(default_factory=set)  #: pages given out in this run
    owners_before: dict[str, str] = field(default_factory=dict)  #: page → key, from the state
    finder: DuplicateFinder = field(default_factory=DuplicateFinder)
    owners: dict[str, tuple[str, str]] = field(default_factory=dict)  #: key → (origin, page)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)  #: the review table, one row per speech

    @property
    def speeches_dir(self) -> Path:
        return self.source_dir / SPEECHES

    def place(self, key: str, built: Built) -> tuple[str, str]:
        """The page the speech already has, or a new one no other speech or file holds; and
        the speech's MyST under that name."""
        entry = self.state.entries.get(key)
        speech, default, myst = built.speech, built.page, built.myst

        def taken(page: str) -> bool:
            owner = self.owners_before.get(page)
            return (
                page in self.taken
                or (owner is not None and owner != key)
                or (owner is None and self._foreign_file(page, myst if page == default else None))
            )

        page = entry.page if entry is not None and entry.page not in self.taken else None
        page = page or unique(default, taken)
        return page, myst if page == default else render(repage(speech, page))

    def _foreign_file(self, page: str, myst: str | None) -> bool:
        """Whether a file of that name exists that is not this very import (``myst``)."""
        target = self.speeches_dir / f"{page}.md"
        if not target.exists():
            return False
        try:
            return myst is None or target.read_text(encoding="utf-8") != myst
        except (OSError, UnicodeDecodeError):
            return True

    def write(self, raw: RawSpeech, key: str, page: str, myst: str) -> str:
        """Write the page unless a person edited it since the importer last wrote it; say
        what became of it (imported, unchanged, kept)."""
        target = self.speeches_dir / f"{page}.md"
        entry = self.state.entries.get(key)
        record = Entry(page, _raw_digest(raw), digest(myst))
        try:
            current: str | None = target.read_text(encoding="utf-8")
        except FileNotFoundError:
            current = None
        except UnicodeDecodeError:
            current = ""
        status = "imported"
        if current == myst:
            self.unchanged.append(page)
            status = "unchanged"
        elif current is None:
            write_atomic(target, myst, current=None)
            self.created.append(page)
        elif entry is not None and digest(current) == entry.written:
            write_atomic(target, myst, current=current)
            self.updated.append(page)
        elif entry is not None and entry.raw == record.raw and entry.written == record.written:
            self.unchanged.append(page)  # hand-edited, and the importer has nothing new
            return "kept (edited by hand)"
        elif self.force:
            kept = backup(self.source_dir, page, current, self.stamp)
            write_atomic(target, myst, current=current)
            self.updated.append(page)
            self.warnings.append(
                Warning_(
                    "import.overwritten",
                    f"{page}.md overwritten (--force); backup at {kept}",
                    str(raw.origin),
                )
            )
        else:
            message = (HAND_EDITED if entry is not None else NOT_OURS).format(page=page)
            self.warnings.append(Warning_("import.hand-edited", message, str(raw.origin)))
            self.skipped.append(
                Skipped(str(raw.origin), f"{page}.md edited by hand; kept", error=False)
            )
            return "kept (edited by hand)"
        self.state.entries[key] = record
        return status

    def one(self, raw: RawSpeech, path: Path, built: Built) -> None:
        """Place and write one built speech, unless it duplicates one placed before."""
        key = _key(raw, path, self.raw_dir)
        speech = built.speech
        match = self.finder.check(key, speech)
        if match is not None:
            origin, original_page = self.owners[match.original]
            self.duplicates.append(
                Duplicate(str(raw.origin), origin, original_page, match.similarity)
            )
            message = (
                f"the same speech as {origin} ({match.similarity:.0%} of sentences shared); "
                "not published twice"
            )
            self.warnings.append(Warning_("import.duplicate", message, str(raw.origin)))
            self.rows.append(speech_row("duplicate", str(raw.origin), original_page, speech))
            return
        page, myst = self.place(key, built)
        self.owners[key] = (str(raw.origin), page)
        self.taken.add(page)
        for text in speech.warnings:
            code, _, message = text.partition(": ")
            self.warnings.append(Warning_(code, message, str(raw.origin)))
        if speech.metadata.incomplete:
            self.incomplete.append(f"{page} ({raw.origin})")
        status = self.write(raw, key, page, myst)
        self.rows.append(speech_row(status, str(raw.origin), page, speech))

    def skip(self, skipped: Skipped) -> None:
        self.skipped.append(skipped)
        self.rows.append(Row("skipped", skipped.origin, notes=(skipped.reason,)))

    def report(self) -> ImportReport:
        return ImportReport(
            source_dir=str(self.speeches_dir),
            created=tuple(self.created),
            updated=tuple(self.updated),
            unchanged=tuple(self.unchanged),
            skipped=tuple(self.skipped),
            incomplete=tuple(self.incomplete),
            duplicates=tuple(self.duplicates),
            warnings=tuple(self.warnings),
            needs_review=sum(
                1 for row in self.rows if row.needs_review and row.status != "skipped"
            ),
        )


def _ordered(run: _Run, files: list[Path]) -> list[Path]:
    """Files that already own pages first, so a newcomer never takes an old page's place as
    the original of a duplicate."""
    known = {key.split(":", 1)[0].split(MEMBER_MARK, 1)[0] for key in run.state.entries}
    return sorted(files, key=lambda p: p.relative_to(run.raw_dir).as_posix() not in known)


def import_collection(
    raw_dir: Path,
    source_dir: Path,
    *,
    force: bool = False,
    encoding: str | None = None,
    mapping: dict[str, str] | None = None,
    progress: bool = True,
    report_dir: Path | None = None,
) -> ImportReport:
    """Import every raw file under ``raw_dir`` into ``source_dir/speeches/<page>.md``.
    ``encoding`` forces the codec of text files; ``mapping`` names the CSV/JSON Lines column
    of a field (``{"text": "讲稿"}``); the review table goes to ``report_dir`` when given."""
    run = _Run(
        raw_dir=raw_dir,
        source_dir=source_dir,
        force=force,
        rules=load_rules(raw_dir),
        state=ImportState(source_dir),
        stamp=datetime.datetime.now().strftime("%Y%m%d-%H%M%S"),
    )
    run.owners_before = run.state.owners()
    files = _ordered(run, raw_files(raw_dir))
    bar = tqdm(total=len(files), desc="import", unit="file", file=sys.stderr, disable=not progress)
    with bar, _builder(len(files), run.rules, encoding, mapping) as build_file:
        for path, outcomes in zip(files, build_file(files), strict=True):
            bar.update()
            for outcome in outcomes:
                if isinstance(outcome, Skipped):
                    run.skip(outcome)
                    continue
                raw, built = outcome
                try:
                    run.one(raw, path, built)
                except InputError as error:
                    run.skip(Skipped(str(error.path or raw.origin), str(error)))
                except Exception as error:  # one broken speech must not stop the others
                    run.skip(Skipped(str(raw.origin), _internal(error)))
    run.state.save()
    report = run.report()
    if report_dir is not None:
        markdown_path, _ = write_review(report_dir, run.rows)
        report = replace(report, review=str(markdown_path))
    return report


# -- reading and building, in parallel -----------------------------------------------------


@dataclass(frozen=True)
class Built:
    """One speech as a worker made it: built, named by default and rendered under that name."""

    speech: Speech
    page: str
    myst: str


#: What building one raw file gives, per speech: the raw speech and what was built of it, or
#: why it was skipped.
Outcome = tuple[RawSpeech, Built] | Skipped
#: Below this many files, worker processes cost more than they save.
PARALLEL_FROM = 64

_WORKER: dict[str, object] = {}  #: the rules and encoding, in each worker process


def _internal(error: Exception) -> str:
    return f"internal error ({type(error).__name__}: {error}); please report it"


def build_file(
    path: Path, rules: Rules, encoding: str | None, mapping: dict[str, str] | None = None
) -> list[Outcome]:
    """Read one raw file and build each speech in it; what cannot be read or built is a
    ``Skipped`` with its reason, so that one bad file or row never stops the rest."""
    try:
        raws = read_path(path, encoding=encoding, mapping=mapping)
    except InputError as error:
        return [Skipped(str(error.path or path), str(error))]
    except Exception as error:  # one unreadable file must not stop the others
        return [Skipped(str(path), _internal(error))]
    outcomes: list[Outcome] = []
    for raw in raws:
        try:
            speech = build_speech(raw, rules=rules)
            page = page_name(speech.metadata.title, speech.metadata.date)
            outcomes.append((raw, Built(speech, page, render(speech))))
        except InputError as error:
            outcomes.append(Skipped(str(error.path or raw.origin), str(error)))
        except Exception as error:  # one broken speech must not stop the others
            outcomes.append(Skipped(str(raw.origin), _internal(error)))
    return outcomes


def _build_in_worker(path: Path) -> list[Outcome]:
    return build_file(path, _WORKER["rules"], _WORKER["encoding"], _WORKER["mapping"])  # type: ignore[arg-type]


@contextlib.contextmanager
def _builder(
    count: int, rules: Rules, encoding: str | None, mapping: dict[str, str] | None
) -> Iterator[Callable[[list[Path]], Iterator[list[Outcome]]]]:
    """``build_file`` over a list of files, in order: on every core when there are enough
    files and the platform forks (the workers inherit the loaded word list and rules), else
    in this process. Placing and writing stay in this process, in file order, so the result
    does not depend on the number of cores."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if count < PARALLEL_FROM or cores < 2 or "fork" not in mp.get_all_start_methods():
        yield lambda files: (build_file(path, rules, encoding, mapping) for path in files)
        return
    warm_up()  # loaded once here, inherited by every worker
    _WORKER.update(rules=rules, encoding=encoding, mapping=mapping)
    with ProcessPoolExecutor(cores, mp_context=mp.get_context("fork")) as pool:
        yield lambda files: pool.map(_build_in_worker, files, chunksize=8)
