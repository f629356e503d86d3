"""The editor's review table: one row per speech with every metadata field, where it came from
and what is missing or uncertain, written as ``_build/import-report.md`` and ``.csv``."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from build_tools.han import IS_HAN
from build_tools.importing.import_state import write_atomic
from build_tools.records import Speech

MARKDOWN_NAME = "import-report.md"
CSV_NAME = "import-report.csv"
FIELDS = ("title", "date", "speaker", "place", "category")
COLUMNS = (
    "status", "origin", "page", *FIELDS,
    *(f"{name}_from" for name in FIELDS), "headings", "needs_review", "notes",
)  # fmt: skip
#: Where a field may come from and still be uncertain: a guess a person should confirm.
GUESSES = {
    "file name": "from the file name",
    "publication date": "the date the page was published, not when the speech was given",
    "title (year)": "only the year the title names",
    "news introduction": "worked out from the news report's 昨日/今日",
}
HOW_TO_FIX = (
    "To fix a wrong or missing field, put a sidecar file next to the raw file, with the same "
    "name and the extension .yml (raw/reports/x.docx → raw/reports/x.yml), holding only the "
    "fields to set, e.g.\n\n    title: 2023年河北省政府工作报告\n    date: 2023-01-12\n"
    "    speaker: 王正谱\n\nand run the import again: a sidecar wins over everything found in "
    "the file. For a member of an archive, put x.yml beside x.docx inside the archive."
)


@dataclass(frozen=True)
class Row:
    status: str  #: imported | unchanged | kept (hand-edited) | duplicate | skipped
    origin: str
    page: str = ""
    values: tuple[str, ...] = ("",) * len(FIELDS)
    origins: tuple[str, ...] = ("",) * len(FIELDS)
    headings: int = 0
    notes: tuple[str, ...] = ()

    @property
    def needs_review(self) -> bool:
        return self.status == "skipped" or bool(self.notes)

    def cells(self) -> list[str]:
        return [
            self.status, self.origin, self.page, *self.values, *self.origins,
            str(self.headings), "yes" if self.needs_review else "", "; ".join(self.notes),
        ]  # fmt: skip


def speech_row(status: str, origin: str, page: str, speech: Speech) -> Row:
    """A speech's row: its fields, their origins, and what a person should check."""
    meta = speech.metadata
    origins = dict(getattr(meta, "origins", ()))
    values = tuple(str(getattr(meta, name) or "") for name in FIELDS)
    notes: list[str] = []
    for name, value in zip(FIELDS[:3], values[:3], strict=True):
        source = origins.get(name)
        if not value or value == "untitled":
            notes.append(f"{name} missing")
        elif source == "file name" and IS_HAN.search(value):
            continue  # a Chinese file name was given by a person: 鲁迅-读书杂谈.txt
        elif source in GUESSES:
            notes.append(f"{name} {GUESSES[source]}")
    if meta.date and meta.date.startswith("--"):
        notes.append("date has no year")
    if meta.incomplete:
        notes.append("the text stops mid-sentence (incomplete)")
    notes += [w.partition(": ")[2] for w in speech.warnings if "incomplete" not in w]
    return Row(
        status,
        origin,
        page,
        values,
        tuple(origins.get(name, "") for name in FIELDS),
        len([h for h in speech.headings if h.level == 2]),
        tuple(notes),
    )


def write_review(folder: Path, rows: list[Row]) -> tuple[Path, Path]:
    """Write the table as Markdown (to read) and CSV (to sort and filter); only when changed."""
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(row.cells() for row in rows)
    csv_path, md_path = folder / CSV_NAME, folder / MARKDOWN_NAME
    write_atomic(csv_path, buffer.getvalue())
    write_atomic(md_path, markdown(rows))
    return md_path, csv_path


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(rows: list[Row]) -> str:
    speeches = [row for row in rows if row.status != "skipped"]
    review = [row for row in speeches if row.needs_review]
    skipped = [row for row in rows if row.status == "skipped"]
    lines = [
        "# Import review",
        "",
        f"{len(speeches)} speeches, {len(review)} need review; {len(skipped)} inputs skipped.",
        "",
        HOW_TO_FIX,
        "",
        "## Speeches",
        "",
        "| review | page | title | date | speaker | place | category | headings | notes | raw |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in sorted(speeches, key=lambda r: (not r.needs_review, r.origin)):
        fields = [
            f"{value} ({source})" if value and source else value or "—"
            for value, source in zip(row.values, row.origins, strict=True)
        ]
        cells = [
            "**yes**" if row.needs_review else "",
            row.page,
            *fields,
            str(row.headings),
            "; ".join(row.notes),
            row.origin,
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    if skipped:
        lines += ["", "## Skipped inputs", ""]
        lines += [f"- `{row.origin}`: {_cell('; '.join(row.notes))}" for row in skipped]
    return "\n".join(lines) + "\n"


def read_skipped(folder: Path) -> list[tuple[str, str]] | None:
    """(origin, reason) of each input the last import skipped; None when no report exists."""
    try:
        text = (folder / CSV_NAME).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    reader = csv.DictReader(io.StringIO(text))
    return [(r["origin"], r["notes"]) for r in reader if r.get("status") == "skipped"]
