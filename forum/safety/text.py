"""What the detectors share: findings, and a text cut into sentences and clauses."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    kind: str  # e.g. "chest_pain", "phone", "advice"
    label: str  # human words for the moderator or poster, e.g. "chest pain"
    start: int  # offsets into the text given: text[start:end] is the matched phrase
    end: int


# Curly quotes become straight ones, character for character, so offsets survive.
QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'})
Search = Callable[[re.Pattern[str], int, int], "re.Match[str] | None"]


class Pieces:
    """A text cut at `breaks`; each piece is (start, end, the break that ended it)."""

    def __init__(self, text: str, breaks: re.Pattern[str]) -> None:
        self.spans, start = [], 0
        for m in breaks.finditer(text):
            self.spans.append((start, m.start(), m.group()))
            start = m.end()
        self.spans.append((start, len(text), ""))
        self._starts = [s for s, _, _ in self.spans]

    def at(self, pos: int) -> tuple[int, int, str]:
        return self.spans[max(bisect.bisect_right(self._starts, pos) - 1, 0)]


def cached_search(text: str) -> Search:
    """pattern.search(text, start, end), asked once per piece: a comment that repeats
    one symptom 400 times in one sentence must not rescan the sentence 400 times."""
    return functools.cache(lambda pattern, start, end: pattern.search(text, start, end))


def dedupe(findings: list[Finding]) -> list[Finding]:
    """Keep the longest of overlapping findings, in order of the text."""
    kept: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.start, f.start - f.end)):
        if not kept or f.start >= kept[-1].end:
            kept.append(f)
    return kept


# A period ends a sentence only before a space or the end, so "38.9" stays whole.
SENTENCE_BREAK = re.compile(r"[.!?]+(?=\s|$)|[!?]+|[;\n]+")
# Clauses also end at commas and at the words that turn a story: in "I had a clot
# years ago but my leg is swollen now" the past and the present stay apart.
CLAUSE_BREAK = re.compile(
    r"(?i)[.!?]+(?=\s|$)|[!?]+(?!\w)|[;\n,:]+|\s[-\u2013\u2014]+\s|\u2014|\b(?:but|though|although|however|except)\b"
)
