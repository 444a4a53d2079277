"""The detectors on sentences nobody tuned them on (tests/data/heldout/), and on the tuning sets.

The held-out floors below sit just under what the detectors measure now (one more miss
fails them); they guard against losing ground. The issue's targets, and how far from them we are,
are in the README (python -m tests.detector_eval prints the full table).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.detector_eval import DATA, HELDOUT, load_rows, score_private, score_urgent

URGENT_CATEGORIES = {
    "carer", "textspeak", "long", "question", "advice", "past", "hypothetical", "article",
    "checked", "worry", "negation", "mild", "plain",
}  # fmt: skip
TUNING_URGENT = [DATA / "urgent_symptoms.tsv", *sorted((DATA / "tuning").glob("urgent*.tsv"))]
TUNING_PRIVATE = [DATA / "private_details.tsv", *sorted((DATA / "tuning").glob("private*.tsv"))]


def test_heldout_sets_are_as_large_and_varied_as_the_issue_asks():
    urgent = load_rows(HELDOUT / "urgent.tsv")
    private = load_rows(HELDOUT / "private.tsv")
    assert len(urgent) >= 300 and len(private) >= 100
    assert {r.category for r in urgent} == URGENT_CATEGORIES
    assert {r.label for r in urgent} == {"fire", "quiet"}
    assert {r.label for r in private} == {
        "phone", "email", "street_address", "date_of_birth", "record_number", "none",
    }  # fmt: skip
    tuning = {r.sentence for path in TUNING_URGENT + TUNING_PRIVATE for r in load_rows(path)}
    assert not tuning & {r.sentence for r in urgent + private}, "held-out leaked into tuning"


def test_urgent_symptoms_on_the_heldout_set(record_testsuite_property):
    score = score_urgent(load_rows(HELDOUT / "urgent.tsv"))["all"]
    record_testsuite_property("heldout_urgent_precision", round(score.precision, 3))
    record_testsuite_property("heldout_urgent_recall", round(score.recall, 3))
    assert score.precision >= 0.97  # measured 0.973 (rules and learned layer)
    # The target. Measured once after each blind round: 0.973, 0.973, 0.967, 0.973 (the
    # rules alone 0.951 throughout; the retrained layer adds 3 or 4 catches).
    assert score.recall >= 0.97


def test_private_details_on_the_heldout_set(record_testsuite_property):
    scores = score_private(load_rows(HELDOUT / "private.tsv"))
    record_testsuite_property("heldout_private_recall", round(scores["all"].recall, 3))
    assert scores["all"].recall >= 0.96  # measured 0.964 (0.952 before the third blind round)
    assert scores["none"].false_alarm_rate <= 0.02  # harmless numbers stay quiet: measured 0


@pytest.mark.parametrize("path", TUNING_URGENT, ids=lambda p: p.name)
def test_urgent_symptoms_on_the_tuning_sets(path: Path):
    score = score_urgent(load_rows(path))["all"]
    assert score.precision >= 0.97, score.misses
    assert score.recall >= 0.95, score.misses


@pytest.mark.parametrize("path", TUNING_PRIVATE, ids=lambda p: p.name)
def test_private_details_on_the_tuning_sets(path: Path):
    scores = score_private(load_rows(path))
    assert scores["all"].recall >= 0.97, scores["all"].misses
    assert scores["none"].false_alarm_rate <= 0.02, scores["none"].misses
