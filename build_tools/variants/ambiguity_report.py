"""The ambiguity report: every place where a one-to-many character was converted, for review.

A one-to-many character is one OpenCC may write in more than one way in the other script
(后 → 後 or 后, 发 → 發 or 髮, 干 → 幹, 乾 or 干 …). The list is the data file
``dictionaries/one-to-many.txt``, made from OpenCC's own character dictionaries by
:func:`regenerate_candidates`. The report gives, for each occurrence in the text of
``source/`` (never in markup), the file and line, the character, what the edition wrote,
and the context before → after, so an editor can spot a 後/后 mistake and fix it in the user
dictionary.
"""

from __future__ import annotations

import bisect
import functools
import re
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from build_tools.variants import backend, markup
from build_tools.variants.convert import convert_runs, document_script, plan
from build_tools.variants.dictionary import UserDictionary, project_dictionary
from build_tools.variants.table import Variant

CANDIDATES_PATH = Path(__file__).parent / "dictionaries" / "one-to-many.txt"
CONTEXT = 8  #: characters of context on each side
SKIPPED_FOLDERS = frozenset({"_build", "_data", "_static", "_templates"})
_SECTION = re.compile(r"\[(\w+)\]")


@dataclass(frozen=True)
class Ambiguity:
    """One converted occurrence of a one-to-many character."""

    path: Path
    line: int  #: 1-based
    column: int  #: 1-based, in characters
    char: str  #: the character in the source
    chosen: str  #: what the edition shows ("" when the phrase changed length)
    options: str  #: every way OpenCC may write it, e.g. "後后"
    before: str  #: context in the source
    after: str  #: the same context in the edition
    by_dictionary: bool  #: decided by a user dictionary entry, not by OpenCC


@functools.cache
def candidates() -> dict[str, dict[str, str]]:
    """``{"hans": {"后": "後后", …}, "hant": {…}}`` from the data file."""
    table: dict[str, dict[str, str]] = {}
    section: dict[str, str] = {}
    for line in CANDIDATES_PATH.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        header = _SECTION.fullmatch(line)
        if header:
            section = table.setdefault(header[1], {})
            continue
        char, _, options = line.partition("\t")
        section[char] = options.replace(" ", "")
    return table


def _direction(variant: Variant, script: str) -> str | None:
    """Which candidate list applies to converting ``script`` into ``variant``."""
    if variant.config_for(script) is None:
        return None
    if script == "hans":
        return "hans"
    return None if variant.traditional else "hant"  # Traditional → Traditional: variants only


@functools.cache
def _candidate_regex(direction: str, only: str | None) -> re.Pattern[str] | None:
    chars = candidates().get(direction, {}).keys()
    if only is not None:
        chars = [c for c in chars if c in only]
    if not chars:
        return None
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")


def _context(text: str, at: int) -> tuple[int, int]:
    """Up to CONTEXT characters each side of ``at``, not crossing a line break."""
    start = max(0, at - CONTEXT, text.rfind("\n", 0, at) + 1)
    nl = text.find("\n", at)
    end = min(len(text), at + CONTEXT + 1, len(text) if nl < 0 else nl)
    return start, end


def document_ambiguities(
    text: str,
    path: Path,
    variant: Variant,
    *,
    dictionary: UserDictionary,
    corner_quotes: bool = True,
    only: str | None = None,
) -> list[Ambiguity]:
    """The ambiguities of one MyST document converted to ``variant``."""
    script = document_script(text)
    direction = _direction(variant, script)
    finder = _candidate_regex(direction, only) if direction else None
    if finder is None:
        return []
    how = plan(variant, script, corner_quotes=corner_quotes, dictionary=dictionary)
    options = candidates()[direction]  # type: ignore[index]
    spans = [(s, e) for s, e, is_text in markup.scan(text) if is_text]
    runs = [text[s:e] for s, e in spans]
    converted = convert_runs(runs, how)
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    found = []
    for (offset, _), run, out in zip(spans, runs, converted, strict=True):
        if not finder.search(run):
            continue
        fixed: set[int] = set()
        if how.replacements.pattern is not None:
            for match in how.replacements.pattern.finditer(run):
                fixed.update(range(match.start(), match.end()))
        aligned = len(out) == len(run)
        for match in finder.finditer(run):
            at = match.start()
            start, end = _context(run, at)
            before = run[start:end]
            after = out[start:end] if aligned else convert_runs([before], how)[0]
            chosen = after[at - start] if len(after) == len(before) else ""
            line = bisect.bisect_right(line_starts, offset + at)
            column = offset + at - line_starts[line - 1] + 1
            found.append(
                Ambiguity(
                    path, line, column, match[0], chosen, options[match[0]],
                    before, after, at in fixed,
                )
            )  # fmt: skip
    return found


def ambiguity_report(
    source_dir: Path,
    variant: Variant,
    *,
    dictionary: UserDictionary | None = None,
    corner_quotes: bool = True,
    only: str | None = None,
) -> list[Ambiguity]:
    """Every ambiguity in the ``*.md`` files under ``source_dir``, by file and line.

    ``only`` limits the report to some characters ("后发干"); ``dictionary`` defaults to the
    built-in fixes plus the editors' ``<source_dir>/_data/variants-dictionary.txt``.
    """
    words = project_dictionary(source_dir) if dictionary is None else dictionary
    found: list[Ambiguity] = []
    for path in sorted(source_dir.rglob("*.md")):
        if SKIPPED_FOLDERS.intersection(path.relative_to(source_dir).parts):
            continue
        text = path.read_text(encoding="utf-8")
        found += document_ambiguities(
            text, path, variant, dictionary=words, corner_quotes=corner_quotes, only=only
        )
    return found


def format_report(ambiguities: list[Ambiguity], variant: Variant, *, markdown: bool = False) -> str:
    """The report as text: a summary per character, then one line per place.

    ``markdown=True`` makes a MyST page for the build: the places sit in a code block, so
    the edition's own conversion leaves them as they are.
    """
    counts: dict[str, Counter[str]] = {}
    for item in ambiguities:
        counts.setdefault(item.char, Counter())[item.chosen or "?"] += 1
    chars = sorted(counts, key=lambda c: (-sum(counts[c].values()), c))
    title = f"Ambiguity report: {variant.name} ({variant.label})"
    intro = (
        f"{len(ambiguities)} places, {len(chars)} one-to-many characters. Check each place; "
        "fix a wrong character in source/_data/variants-dictionary.txt "
        "(see build_tools/variants/README.md). [dictionary] marks places a dictionary "
        "entry decided."
    )
    summary = [
        f"{c} → " + ", ".join(f"{out} ×{n}" for out, n in counts[c].most_common()) for c in chars
    ]
    places = [
        f"{item.path}:{item.line}:{item.column}: {item.char} → {item.chosen or '?'} "
        f"[{item.options}]  {item.before} → {item.after}"
        + ("  [dictionary]" if item.by_dictionary else "")
        for item in ambiguities
    ]
    if not markdown:
        return "\n".join([title, "", intro, "", *summary, "", *places, ""])
    return "\n".join(
        [f"# {title}", "", intro, "", *(f"- {line}" for line in summary), "",
         "```text", *places, "```", ""]
    )  # fmt: skip


def regenerate_candidates(path: Path = CANDIDATES_PATH) -> int:
    """Rewrite the data file from the OpenCC wheel's STCharacters and TSCharacters
    dictionaries (dumped with its ``opencc_dict`` tool); return the number of characters."""
    import opencc  # the official wheel: clib/bin/opencc_dict and clib/share/opencc/*.ocd2

    clib = Path(opencc.__file__).parent / "clib"
    sections = []
    total = 0
    for script, name in (("hans", "STCharacters"), ("hant", "TSCharacters")):
        with tempfile.TemporaryDirectory() as tmp:
            dump = Path(tmp) / f"{name}.txt"
            subprocess.run(
                [str(clib / "bin" / "opencc_dict"), "-i", str(clib / "share" / "opencc" /
                 f"{name}.ocd2"), "-o", str(dump), "-f", "ocd2", "-t", "text"],
                check=True, capture_output=True,
            )  # fmt: skip
            lines = dump.read_text(encoding="utf-8").splitlines()
        entries = sorted(line for line in lines if " " in line.partition("\t")[2])
        total += len(entries)
        sections += [f"[{script}]", *entries]
    header = [
        "# One-to-many characters: a character OpenCC may write in more than one way.",
        f"# Generated from OpenCC {backend.backend().version}'s STCharacters ([hans]: Simplified",
        "# → Traditional) and TSCharacters ([hant]: Traditional → Simplified) by",
        "# build_tools.variants.ambiguity_report.regenerate_candidates().",
        "# Format: character, a tab, the ways it may be written, OpenCC's default first.",
    ]
    path.write_text("\n".join(header + sections) + "\n", encoding="utf-8")
    candidates.cache_clear()
    _candidate_regex.cache_clear()
    return total
