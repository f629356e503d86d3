"""The same speech imported twice (another edition, another site, another script): found by
the share of sentences two texts have in common, after normalising script and punctuation."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from build_tools.han import HAN
from build_tools.importing.script import to_simplified
from build_tools.records import Heading, Speech

MIN_SENTENCE = 8  #: shorter sentences (是的。好。) are common to unrelated speeches
SIMILAR = 0.8  #: share of the shorter text's sentences found in the other
# Sentence ends, and the breaks between paragraphs.
SENTENCE_END = re.compile(r"[。！？!?；;\n]+")
# Everything but Han characters, letters and digits: punctuation and spacing differ between
# editions of one text and say nothing about its identity.
NOT_WORD = re.compile(f"[^{HAN}A-Za-z0-9\n]+")


def sentences(speech: Speech) -> frozenset[str]:
    """The speech's sentences, Simplified, without punctuation or spacing."""
    parts = [b.text if isinstance(b, Heading) else (b.lead or "") + b.text for b in speech.blocks]
    text = "\n".join(parts)
    if speech.metadata.script == "hant":
        text = to_simplified(text)
    text = NOT_WORD.sub("", SENTENCE_END.sub("\n", text))
    found = frozenset(s for s in text.split("\n") if len(s) >= MIN_SENTENCE)
    if not found and (whole := text.replace("\n", "")):  # too short to judge by sentences:
        return frozenset({f"{speech.metadata.title}\n{whole}"})  # the same title and text
    return found


@dataclass(frozen=True)
class Match:
    original: str  #: the key of the speech seen first
    similarity: float  #: share of the shorter text's sentences that the other has too


@dataclass
class DuplicateFinder:
    """Remembers the speeches seen so far; ``check`` tells whether a new one repeats one."""

    index: dict[str, str] = field(default_factory=dict)  #: sentence → key of its first speech
    sizes: dict[str, int] = field(default_factory=dict)

    def check(self, key: str, speech: Speech) -> Match | None:
        """The earlier speech this one repeats, or None (and then it is remembered)."""
        own = sentences(speech)
        if not own:
            return None
        counts = Counter(map(self.index.__getitem__, own & self.index.keys()))
        for original, shared in counts.most_common(3):
            similarity = shared / min(len(own), self.sizes[original])
            if similarity >= SIMILAR:
                return Match(original, round(similarity, 2))
        for sentence in own:
            self.index.setdefault(sentence, key)
        self.sizes[key] = len(own)
        return None
