"""What the detectors share: findings, and a text cut into sentences and clauses."""

from __future__ import annotations

import bisect
import functools
import re
import re._constants as sre  # the parsed form of a pattern, for required_words
import re._parser
from collections.abc import Callable, Iterable
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


# Letters that Python's case-insensitive matching takes for ASCII ones: dotted and
# dotless I for "i" and long S for "s" (str.lower does the Kelvin sign; tests/test_safety.py).
_ASCII_TWINS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def folded(text: str) -> str:
    """The text as `required_words` are looked for in it."""
    return text.translate(_ASCII_TWINS).lower()


def required_words(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Words of which every match of `pattern` (ignoring case) holds one: where none is in
    `folded(text)`, the pattern cannot match the text, and need not be run on it. None
    if the pattern names no such words (or cannot be read)."""
    try:
        words = _needs_one_of(re._parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # a later Python's parser: every pattern is run, as before
        return None
    return tuple(sorted(words)) if words else None


def may_match(words: tuple[str, ...] | None, text: str) -> bool:
    """False if `text` (folded) holds none of a pattern's required words."""
    return words is None or any(word in text for word in words)


class Lexicon:
    """Labelled patterns, each searched only in a text that holds one of its required words."""

    def __init__(self, entries: Iterable[tuple[str, str, re.Pattern[str]]]) -> None:
        self.entries = [(kind, label, p, required_words(p)) for kind, label, p in entries]

    def matches(self, text: str) -> list[tuple[str, str, tuple[int, int]]]:
        """(kind, label, span) of every match, pattern by pattern, as finditer finds them."""
        words = folded(text)
        return [
            (kind, label, m.span())
            for kind, label, pattern, needs in self.entries
            if may_match(needs, words)
            for m in pattern.finditer(text)
        ]


def _needs_one_of(items: Iterable) -> set[str] | None:
    """Words (ASCII letters and digits, lower case) of which any match of the sequence of
    parsed `items` holds one: those of its most telling literal stretch or part."""
    options, run = [], ""
    for op, av in [*items, (None, None)]:
        if op is sre.LITERAL and chr(av).isascii() and chr(av).isalnum():
            run += chr(av).lower()
            continue
        if run:
            options.append({run})
            run = ""
        if op is sre.SUBPATTERN:
            options.append(_needs_one_of(av[-1]))
        elif op is sre.ATOMIC_GROUP:
            options.append(_needs_one_of(av))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            options.append(_needs_one_of(av[2]))
        elif op is sre.BRANCH:
            branches = [_needs_one_of(branch) for branch in av[1]]
            options.append(None if None in branches else set().union(*branches))
    # The shortest word of a set says most about how rarely it is found.
    return max(filter(None, options), key=lambda words: min(map(len, words)), default=None)
