"""Urgent symptoms: warning signs that need help at once, told as happening now.

Two steps, as in clinical NLP's ConText (medspaCy): a lexicon finds the warning
signs (each a kind, a label for people, and the words that fired), then the context
of each sign decides whether it is happening now to the writer or someone with them.
Context cues are scoped to the sign's sentence or clause: negation ("no chest pain"),
talk about the signs rather than having them ("watch for", "if", the article's
list), history ("years ago", "it went away"), and an all-clear later in the post
("the scan was clear"). Someone else's emergency happening now is urgent too.
"""

from __future__ import annotations

import bisect
import re
from functools import cached_property

from forum.safety import cues, learned
from forum.safety.signs import LEXICON
from forum.safety.text import (
    CLAUSE_BREAK,
    QUOTES,
    Finding,
    Pieces,
    cached_search,
    dedupe,
)

# A list item: nothing before the sign in its clause, or a few words and "or".
_LIST_LEAD = re.compile(r"(?i)\s*(?:(?:[\w'-]+\s+){1,3}(?:or|nor)\s+)?")
_LIST_JOIN = re.compile(r"(?i)\b(?:or|nor)\b")
_NEGATION_WINDOW = 7  # words; NegEx uses 5, forum posts run longer ("no X or Y or Z")
_LOOK_BACK = 200  # characters before a sign searched for those cues: about a clause
_BUT = re.compile(r"(?i)\b(?:but|except|yet|however)\b")
# Semicolons join the items of a list ("a swollen leg; shortness of breath; chest pain"),
# and a question mark before a word is a clinician's query ("Hx ?anaphylaxis 2017").
_SENTENCE_BREAK = re.compile(r"[.!?]+(?=\s|$)|[!?]+(?!\w)|\n+")


class _Story:
    """One comment cut into sentences and clauses, with its cues found in one pass."""

    def __init__(self, text: str) -> None:
        self.text, self.search = text, cached_search(text)
        self.sentences = Pieces(text, _SENTENCE_BREAK)

    # The rest is needed only about a sign found: most comments have none.
    clauses = cached_property(lambda s: Pieces(s.text, CLAUSE_BREAK))
    hypothetical = cached_property(lambda s: [m.span() for m in cues.HYPOTHETICAL.finditer(s.text)])

    @cached_property
    def all_clear(self) -> list[int]:
        return [
            m.start() for m in cues.ALL_CLEAR.finditer(self.text) if not self._taken_back(m.end())
        ]

    def _taken_back(self, end: int) -> bool:
        """An all-clear the same sentence then turns on: "it's just a migraine, but it's the
        worst of my life", "Gran says it's just flu, but she's burning up"."""
        return bool(_BUT.search(self.text, end, self.sentences.at(end)[1]))

    def _hypothetical_before(self, start: int, sign_start: int, sign_end: int) -> bool:
        """A cue in text[start:sign_end]: before the sign, or between a frame's two words."""
        spans = self.hypothetical  # in order of their starts: (s,) sorts just before (s, e)
        i, j = bisect.bisect_left(spans, (start,)), bisect.bisect_left(spans, (sign_end,))
        return any(spans[k][1] <= sign_end for k in range(i, j))

    def _story_told_before(self, s_start: int) -> bool:
        """The sentence before this one set the story in the past, and this one says nothing
        of now but is in the past tense itself."""
        p_start, p_end, _ = self.sentences.at(s_start - 2) if s_start > 1 else (0, 0, "")
        if p_end <= p_start or p_end > s_start:
            return False
        s_end = self.sentences.at(s_start)[1]
        told_past = self.search(cues.PAST, p_start, p_end) and not self.search(
            cues.PRESENT, p_start, p_end
        )
        return bool(told_past and self.search(cues.PAST_TENSE, s_start, s_end))

    def _next_sentence_says_now(self, s_end: int) -> bool:
        """ "Can IVIG do this? It started ten minutes ago." makes the question a report."""
        start, end, _ = self.sentences.at(s_end + 1)
        says_now = start > s_end and self.search(cues.PRESENT, start, end)
        return bool(says_now and not self.search(cues.SUPPOSED, start, end))

    def _next_sentence_instructs(self, s_end: int) -> bool:
        """ "Wheezing? Tell your nurse straight away." answers its own question: advice."""
        start, end, _ = self.sentences.at(s_end + 1)
        return start > s_end and cues.INSTRUCTION.match(self.text, start, end) is not None

    def _list_start(self, c_start: int, start: int) -> int:
        """Where a negation's reach begins: the sign's clause, or, for an item of a list
        ("not any palpitations, breathlessness or chest pain"), the clause before it."""
        p_start, _, p_break = self.clauses.at(c_start - 1) if c_start else (0, 0, "")
        c_end = self.clauses.at(c_start)[1]
        if (
            p_break.strip() == ","
            and _LIST_LEAD.fullmatch(self.text, c_start, start)
            and _LIST_JOIN.search(self.text, c_start, c_end)
        ):
            return p_start
        return c_start

    def is_current(self, start: int, end: int) -> bool:
        """Is the sign at text[start:end] told as happening now to the writer or theirs?"""
        text, search = self.text, self.search
        c_start, c_end, _ = self.clauses.at(start)
        s_start, s_end, s_break = self.sentences.at(start)
        before = max(self._list_start(c_start, start), start - _LOOK_BACK)
        window = [*text[before:start].split()[-_NEGATION_WINDOW:], text[start:end]]
        if cues.NEGATION.search(cues.PSEUDO_NEGATION.sub(" ", " ".join(window))):
            return False
        if cues.FREE_OF.match(text, end):
            return False  # "seizure-free for eighteen months"
        if bisect.bisect_right(self.all_clear, s_start - 1) < len(self.all_clear):
            return False  # an all-clear in this sentence or after it
        now_in_clause = bool(search(cues.PRESENT, c_start, c_end))
        asks = "?" in s_break
        now_in_question = asks and bool(search(cues.PRESENT, s_start, s_end))
        now_in_question = now_in_question and not search(cues.SUPPOSED, s_start, s_end)
        talk = self._hypothetical_before(before, start, end) or (
            search(cues.QUOTING, s_start, s_end) and not now_in_clause
        )
        # A question about the signs ("has anyone's throat felt tight?") is not a report;
        # "is it normal that my chest is tight?" is, so the question must not be the writer's.
        general_question = (
            asks
            and not search(cues.PERSON, s_start, s_end)
            and bool(search(cues.GENERIC, s_start, s_end) or self._next_sentence_instructs(s_end))
        )
        if not talk and not now_in_clause:
            talk = (
                cues.INSTRUCTION.match(text, s_start, s_end) is not None
                or bool(search(cues.WORRY_STRONG, s_start, start))
                or bool(search(cues.RULE_OF_THUMB, s_start, s_end))
                or bool(search(cues.FIGURATIVE, s_start, s_end))
                or (
                    bool(search(cues.WORRY, s_start, start))
                    and bool(search(cues.MODAL, s_start, s_end))
                )
            )
        if talk or general_question:
            if now_in_question or (asks and self._next_sentence_says_now(s_end)):
                return True
            return bool(
                asks
                and search(cues.ASKS_FOR_HELP, s_start, s_end)
                and not search(cues.GENERIC, s_start, s_end)
                and not search(cues.FUTURE, s_start, s_end)
            )
        past = search(cues.PAST, s_start, start) or search(cues.PAST, end, s_end)
        if past and not now_in_clause:
            return False
        if self._story_told_before(s_start) and not search(cues.PRESENT, s_start, s_end):
            return False  # "Back in my twenties I had a PE. I was coughing blood..."
        other = search(cues.OTHER_PERSON, s_start, s_end)
        told_past = other and other.start() < start and search(cues.PAST_VERB, other.start(), c_end)
        # "My husband just got home and he's slurring": the sign's own clause is in the present.
        told_past = told_past and not search(cues.PRESENT_TENSE, c_start, end)
        now = search(cues.PRESENT, s_start, s_end) or search(cues.ASKS_FOR_HELP, s_start, s_end)
        return not (told_past and not now)


def rule_findings(text: str) -> tuple[_Story, list[Finding], list[tuple[int, int]]]:
    """The lexicon in context: the story, the signs happening now, and every span the
    lexicon matched, current or not (the learned layer keeps out of those)."""
    story = _Story(text.translate(QUOTES))
    matched = LEXICON.matches(story.text)
    found = [
        Finding(kind, label, *span) for kind, label, span in matched if story.is_current(*span)
    ]
    return story, found, [span for _, _, span in matched]


def untouched_sentences(story: _Story, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentences where the lexicon matched nothing: the learned layer's to judge."""
    touched = {story.sentences.at(pos)[0] for start, end in taken for pos in (start, end - 1)}
    return [(s, e) for s, e, _ in story.sentences.spans if s not in touched]


def learned_findings(
    story: _Story, taken: list[tuple[int, int]], model: learned.Model | None = None
) -> list[Finding]:
    """The learned layer, asked only where the lexicon matched nothing."""
    sentences = untouched_sentences(story, taken)
    return learned.find(story.text, sentences, story.is_current, model)


def find_urgent_symptoms(text: str) -> list[Finding]:
    """Warning signs the article says need help at once, described as happening now."""
    story, found, taken = rule_findings(text)
    if not found:
        found = learned_findings(story, taken)
    return dedupe(found)
