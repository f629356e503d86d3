"""The import summary: what was imported, unchanged, skipped and why, incomplete, duplicated,
and the warnings by kind; one screen of text and an exit code."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from build_tools.errors import ExitCode, Warning_

SHOWN = 10  #: items listed per section; the rest are counted


@dataclass(frozen=True)
class Skipped:
    origin: str  #: raw/a.csv:3 or raw/b.txt
    reason: str
    error: bool = True  #: an unusable input (exit code 3), not a deliberate skip


@dataclass(frozen=True)
class Duplicate:
    origin: str
    original: str  #: the raw speech it repeats
    page: str  #: the page the original has
    similarity: float


@dataclass(frozen=True)
class ImportReport:
    """The outcome of ``import_collection``."""

    source_dir: str
    created: tuple[str, ...] = ()  #: pages written for the first time
    updated: tuple[str, ...] = ()  #: pages rewritten because their raw input changed
    unchanged: tuple[str, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    incomplete: tuple[str, ...] = ()  #: pages of texts that stop mid-sentence
    duplicates: tuple[Duplicate, ...] = ()
    warnings: tuple[Warning_, ...] = field(default_factory=tuple)
    needs_review: int = 0  #: speeches whose row in the review table asks for a look
    review: str | None = None  #: where the review table was written

    @property
    def imported(self) -> tuple[str, ...]:
        return self.created + self.updated

    @property
    def errors(self) -> tuple[Skipped, ...]:
        return tuple(s for s in self.skipped if s.error)

    @property
    def exit_code(self) -> ExitCode:
        """INPUT when some input could not be used (the rest was imported), else OK."""
        return ExitCode.INPUT if self.errors else ExitCode.OK

    def summary(self) -> str:
        """One screen: counts first, then the items that need a person's attention."""
        lines = [
            f"imported {len(self.imported)} speech{'es' if len(self.imported) != 1 else ''} into "
            f"{self.source_dir} ({len(self.created)} new, {len(self.updated)} updated), "
            f"{len(self.unchanged)} unchanged"
        ]
        sections = (
            ("skipped", [f"{s.origin}: {s.reason}" for s in self.skipped]),
            ("incomplete (the text stops mid-sentence)", list(self.incomplete)),
            (
                "duplicates (not published twice)",
                [
                    f"{d.origin} repeats {d.original} ({d.page}, "
                    f"{d.similarity:.0%} of sentences shared)"
                    for d in self.duplicates
                ],
            ),
        )
        for title, items in sections:
            if items:
                lines.append(f"{title}: {len(items)}")
                lines += [f"  {item}" for item in items[:SHOWN]]
                if len(items) > SHOWN:
                    lines.append(f"  … and {len(items) - SHOWN} more")
        if self.warnings:
            kinds = Counter(w.code for w in self.warnings)
            by_kind = ", ".join(f"{code} {count}" for code, count in sorted(kinds.items()))
            lines.append(f"warnings: {len(self.warnings)} ({by_kind})")
            lines += [f"  {w.format()}" for w in self.warnings[:SHOWN]]
            if len(self.warnings) > SHOWN:
                lines.append(f"  … and {len(self.warnings) - SHOWN} more")
        else:
            lines.append("warnings: 0")
        if self.review:
            lines.append(
                f"review: {self.needs_review} of the speeches "
                f"need{'s' if self.needs_review == 1 else ''} a look; the table is "
                f"{self.review} (a sidecar name.yml fixes a field)"
            )
        return "\n".join(lines)
