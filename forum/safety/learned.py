"""The learned layer of the urgent-symptom check: a logistic regression over words and
word pairs (character n-grams can be switched on; cross-validation left them off), for
warning signs told in words the lexicon does not know.

It only adds: it is asked about a comment only when the rules found nothing, only about
sentences where no sign of the lexicon matched at all (the rules own those, context
and all), and what it finds must pass the rules' own context test (negation, past,
hypothetical, advice, someone else's past story). Its finding names the words that
weighed most, so a moderator sees why it fired. Trained by ``python -m forum.safety.train``.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from forum.safety.text import Finding

WEIGHTS = Path(__file__).with_name("urgent_weights.json")
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_TOP_WORDS = 3  # words shown to the moderator
# Words that weigh but explain nothing to a moderator.
_LITTLE = {
    "a", "an", "and", "the", "to", "of", "in", "on", "at", "for", "with", "is", "are", "am", "was",
    "be", "been", "it", "its", "it's", "this", "that", "so", "but", "or", "i", "i'm", "im", "my",
    "me", "he", "she", "his", "her", "him", "we", "our", "they", "them", "you", "your", "just",
}  # fmt: skip


@dataclass(frozen=True)
class Model:
    weights: dict[str, float]
    bias: float
    threshold: float  # on the score (log-odds)
    chars: tuple[int, int]  # character n-gram sizes, inclusive; (0, 0) for none


def tokens(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    return [(m.group().lower(), m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]


def _own(word: str, chars: tuple[int, int]) -> list[str]:
    """A word's own features: itself and its character n-grams."""
    own = ["w:" + word]
    padded = f" {word} "
    for n in range(chars[0], chars[1] + 1) if chars[0] else ():
        own.extend("c:" + padded[k : k + n] for k in range(len(padded) - n + 1))
    return own


def _pairs(words: list[tuple[str, int, int]]) -> list[str]:
    return [f"b:{a[0]} {b[0]}" for a, b in itertools.pairwise(words)]


def sentence_features(words: list[tuple[str, int, int]], chars: tuple[int, int]) -> set[str]:
    return {f for word, _, _ in words for f in _own(word, chars)} | set(_pairs(words))


def score(model: Model, feats: Iterable[str]) -> float:
    w = model.weights
    return model.bias + sum(w.get(f, 0.0) for f in feats)


def top_words(model: Model, words: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    """The spans of the words that weighed most for "urgent" (a pair's weight shared by
    its two words; little words never shown), adjacent ones joined, heaviest first."""
    w = model.weights
    pairs = [w.get(f, 0.0) / 2 for f in _pairs(words)] + [0.0]
    weight = [
        sum(w.get(f, 0.0) for f in _own(word, model.chars)) + pairs[i] + (pairs[i - 1] if i else 0)
        for i, (word, _, _) in enumerate(words)
    ]
    shown = [i for i, (word, _, _) in enumerate(words) if weight[i] > 0 and word not in _LITTLE]
    best = sorted(shown, key=lambda i: -weight[i])[:_TOP_WORDS]
    spans: list[tuple[int, int]] = []
    previous = -2
    for i in sorted(best):
        if i == previous + 1:
            spans[-1] = (spans[-1][0], words[i][2])
        else:
            spans.append((words[i][1], words[i][2]))
        previous = i
    heaviest = words[best[0]][1] if best else 0
    return sorted(spans, key=lambda s: not (s[0] <= heaviest < s[1]))


@functools.cache
def load(path: Path = WEIGHTS) -> Model:
    data = json.loads(path.read_text("utf-8"))
    return Model(data["weights"], data["bias"], data["threshold"], tuple(data["chars"]))


def scored_sentences(
    text: str, sentences: Iterable[tuple[int, int]], model: Model
) -> Iterator[tuple[float, list[tuple[str, int, int]]]]:
    """Each sentence with its score and its words."""
    for start, end in sentences:
        if words := tokens(text, start, end):
            yield score(model, sentence_features(words, model.chars)), words


def current_spans(
    model: Model, words: list[tuple[str, int, int]], is_current: Callable[[int, int], bool]
) -> list[tuple[int, int]]:
    """The words to show, if the heaviest of them is told as happening now; else none."""
    spans = top_words(model, words)
    return spans if spans and is_current(*spans[0]) else []


def find(
    text: str,
    sentences: Iterable[tuple[int, int]],
    is_current: Callable[[int, int], bool],
    model: Model | None = None,
) -> list[Finding]:
    """Learned findings in the first of `sentences` (those no lexicon sign touched) that
    scores enough and passes the context test, or none."""
    model = model or load()
    for value, words in scored_sentences(text, sentences, model):
        if value >= model.threshold and (spans := current_spans(model, words, is_current)):
            said = ", ".join(f"“{text[s:e]}”" for s, e in sorted(spans))
            label = f"warning signs in words like {said} (learned)"
            return [Finding("learned", label, s, e) for s, e in sorted(spans)]
    return []
