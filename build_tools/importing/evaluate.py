"""Accuracy of the importer on a labelled corpus (``expected.yml``, labels read by eye): field by
field, over every speech, with the misses listed so a rule can be judged on all files at once."""

from __future__ import annotations

import datetime
import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from build_tools.errors import BookError, InputError, UsageError
from build_tools.records import Heading, Paragraph, RawSpeech, Speech

EXPECTED = "expected.yml"
FIELDS = ("title", "date", "speaker", "headings", "body kept", "clutter removed")
NO_LABELS = "no {name} in {folder}; label the corpus first (see CORPUS_FORMAT.md)"
# Quotes of every width fold to one form: labels may be copied as printed.
QUOTES = str.maketrans(
    {"“": '"', "”": '"', "「": '"', "」": '"', "‘": "'", "’": "'", "\u2015": "\u2014"}
)  # and the horizontal bar ― that GB2312 converters write for the dash —
# Footnote markers the importer puts into text: not part of the words.
MARKERS = re.compile("\ufdd0\\d+\ufdd1")


def fold(text: object) -> str:
    """Text as labels compare: whitespace removed, full- and half-width forms folded.

    >>> fold("一、 2020年工作回顾（摘要）“好”") == fold("一、2020年工作回顾(摘要)\\"好\\"")
    True
    """
    if text is None:
        return ""
    text = MARKERS.sub("", str(text))
    return "".join(unicodedata.normalize("NFKC", text).translate(QUOTES).split())


def _date(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()[:10]
    return str(value).strip()


@dataclass
class Tally:
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    misses: list[str] = field(default_factory=list)

    def count(self, name: str, ok: bool, where: str, detail: str) -> None:
        self.total[name] += 1
        if ok:
            self.right[name] += 1
        else:
            self.misses.append(f"{where}: {name}: {detail}")

    def table(self) -> str:
        lines = ["| field | right | total | accuracy |", "|---|---:|---:|---:|"]
        for name in FIELDS:
            total = self.total[name]
            share = f"{self.right[name] / total:.1%}" if total else "—"
            lines.append(f"| {name} | {self.right[name]} | {total} | {share} |")
        return "\n".join(lines)


def body_text(speech: Speech) -> list[str]:
    """The speech's body as the reader gets it: headings and paragraphs (leads included)."""
    texts = []
    for block in speech.blocks:
        if isinstance(block, Heading):
            texts.append(block.text)
        elif isinstance(block, Paragraph):
            texts.append((block.lead or "") + block.text)
    return texts


def _select(raws: list[RawSpeech], part: str) -> RawSpeech | None:
    """The speech a label's ``file`` names: ``x.zip!/member``, ``x.csv#3`` or the only one."""
    if "!/" in part:
        member = part.split("!/", 1)[1]
        return next((r for r in raws if r.path.as_posix().endswith("!/" + member)), None)
    if "#" in part:
        row = int(part.rsplit("#", 1)[1])
        return next((r for r in raws if r.row == row), None)
    return raws[0] if raws else None


def convert_labelled(corpus: Path, name: str, cache: dict[str, object]) -> Speech | str:
    """The speech a label names, or why it could not be imported."""
    from build_tools.importing.pipeline import build_speech
    from build_tools.importing.read import read_path

    file_part = re.split(r"!/|#(?=\d+$)", name, maxsplit=1)[0]
    if file_part not in cache:
        try:
            cache[file_part] = read_path(corpus / file_part)
        except InputError as error:
            cache[file_part] = str(error)
        except Exception as error:  # as above
            cache[file_part] = f"internal error ({type(error).__name__}: {error})"
    raws = cache[file_part]
    if isinstance(raws, str):
        return raws
    raw = _select(raws, name)  # type: ignore[arg-type]
    if raw is None:
        return "no such speech in the file"
    try:
        return build_speech(raw)
    except InputError as error:
        return str(error)
    except Exception as error:  # a crash on one file is a miss, not the end of the measurement
        return f"internal error ({type(error).__name__}: {error})"


def _contains(haystack: str, needle: object) -> bool:
    return fold(needle) in haystack


def evaluate(corpus: Path, labels: Iterable[dict[str, object]]) -> Tally:
    tally = Tally()
    cache: dict[str, object] = {}
    for label in labels:
        name = str(label["file"])
        speech = convert_labelled(corpus, name, cache)
        if isinstance(speech, str):
            for field_name in FIELDS:
                tally.count(field_name, False, name, f"not imported: {speech}")
            continue
        meta = speech.metadata
        expected_title = label.get("title")
        tally.count(
            "title",
            fold(expected_title) == fold(meta.title),
            name,
            f"{expected_title!r} ≠ {meta.title!r}",
        )
        expected_date = _date(label.get("date"))
        tally.count("date", expected_date == meta.date, name, f"{expected_date} ≠ {meta.date}")
        expected_speaker = label.get("speaker")
        tally.count(
            "speaker",
            fold(expected_speaker) == fold(meta.speaker),
            name,
            f"{expected_speaker!r} ≠ {meta.speaker!r}",
        )
        top = [h.text for h in speech.headings if h.level == 2]
        expected_headings = list(label.get("headings") or [])
        tally.count(
            "headings",
            [fold(h) for h in expected_headings] == [fold(h) for h in top],
            name,
            f"{expected_headings} ≠ {top}",
        )
        body = fold("".join(body_text(speech)))
        everything = body + fold(
            "".join(t for a in speech.appendices for t in (a.title, *a.paragraphs))
        )
        wanted = [label.get("first"), label.get("last"), *(label.get("keep") or [])]
        lost = [w for w in wanted if w and not _contains(body, w)]
        tally.count("body kept", not lost, name, f"lost {lost}")
        left = [c for c in label.get("clutter") or [] if c and _contains(everything, c)]
        tally.count("clutter removed", not left, name, f"left {left}")
    return tally


def load_labels(corpus: Path) -> list[dict[str, object]]:
    path = corpus / EXPECTED
    if not path.is_file():
        raise UsageError(NO_LABELS.format(name=EXPECTED, folder=corpus))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise InputError(f"not readable as YAML: {error}", path=path) from None
    if not isinstance(data, list):
        raise InputError("must be a YAML list of labels, one per speech", path=path)
    return [entry for entry in data if isinstance(entry, dict) and entry.get("file")]


def run_evaluation(corpus: Path, *, out: object = None) -> int:
    """Print the accuracy table and the misses; exit status 0 (a measurement, not a test)."""
    stream = out or sys.stdout
    try:
        labels = load_labels(corpus)
    except BookError:
        raise
    tally = evaluate(corpus, labels)
    print(f"{len(labels)} labelled speeches in {corpus}\n", file=stream)  # type: ignore[call-overload]
    print(tally.table(), file=stream)  # type: ignore[call-overload]
    if tally.misses:
        print(f"\nmisses ({len(tally.misses)}):", file=stream)  # type: ignore[call-overload]
        for miss in tally.misses:
            print(f"  {miss[:400]}", file=stream)  # type: ignore[call-overload]
    return 0
