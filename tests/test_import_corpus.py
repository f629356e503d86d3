"""The labelled import corpus (``tests/corpus/import/``, real files with values read by eye):
a golden summary of what every file imports to, and the field accuracy it must keep.

Regenerate with ``pytest tests/test_import_corpus.py --regen`` and review the diff of
``tests/fixtures/import/corpus-golden/*.golden.yml``. Without the corpus they are skipped.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
import yaml

from build_tools.errors import InputError
from build_tools.importing.evaluate import FIELDS, body_text, evaluate, load_labels
from build_tools.importing.pipeline import convert_raw
from build_tools.importing.read import read_path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path("tests/corpus/import")
GOLDEN = Path("tests/fixtures/import/corpus-golden")
LABELS = load_labels(ROOT / CORPUS) if (ROOT / CORPUS / "expected.yml").is_file() else []
FILES = sorted({re.split(r"!/|#(?=\d+$)", str(label["file"]))[0] for label in LABELS})
#: The accuracy each field must keep on the corpus (measured well above; a drop is a regression).
FLOORS = {
    "title": 0.9,
    "date": 0.9,
    "speaker": 0.9,
    "headings": 0.9,
    "body kept": 0.98,
    "clutter removed": 0.9,
}


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # source_file paths are relative to the project root


def summary(path: Path) -> list[dict[str, object]]:
    """What a file imports to, speech by speech, short enough to review as a diff: the
    metadata, the outline, the first and last paragraphs, and a digest of the whole MyST."""
    out: list[dict[str, object]] = []
    for raw in read_path(path):
        try:
            speech, myst = convert_raw(raw)
        except InputError as error:
            out.append({"origin": raw.origin, "skipped": str(error)})
            continue
        meta = speech.metadata
        texts = body_text(speech)
        out.append(
            {
                "origin": raw.origin,
                **{k: getattr(meta, k) for k in ("title", "date", "speaker", "place", "category")},
                "incomplete": meta.incomplete,
                "headings": [f"{h.level} {h.text}" for h in speech.headings],
                "appendices": [a.title for a in speech.appendices],
                "translation": len(speech.translation),
                "paragraphs": len(texts),
                "first": texts[0][:80] if texts else None,
                "last": texts[-1][-80:] if texts else None,
                "myst_sha256": hashlib.sha256(myst.encode("utf-8")).hexdigest(),
            }
        )
    return out


@pytest.mark.parametrize("name", FILES)
def test_corpus_golden(name: str, regen: bool) -> None:
    golden = GOLDEN / (name.replace("/", "__") + ".golden.yml")
    text = yaml.safe_dump(summary(CORPUS / name), allow_unicode=True, sort_keys=False, width=200)
    if regen:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}; run pytest with --regen and review it"
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.skipif(not LABELS, reason="the labelled corpus is not in this tree")
def test_corpus_accuracy() -> None:
    tally = evaluate(CORPUS, LABELS)
    shares = {name: tally.right[name] / tally.total[name] for name in FIELDS}
    below = {name: f"{share:.1%}" for name, share in shares.items() if share < FLOORS[name]}
    assert not below, f"{below}\n" + "\n".join(tally.misses)
