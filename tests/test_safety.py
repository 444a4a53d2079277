"""The text detectors measured on fixture sentences, plus offsets and hostile input."""

from __future__ import annotations

import dataclasses
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from forum.safety import (
    Finding,
    find_medical_advice,
    find_private_details,
    find_urgent_symptoms,
    learned,
)
from forum.safety.signs import LEXICON
from forum.safety.text import folded, may_match, required_words
from forum.safety.urgent import learned_findings, rule_findings

DATA = Path(__file__).parent / "data"
PRIVATE_KINDS = {"phone", "email", "street_address", "date_of_birth", "record_number"}


def load(name: str) -> list[tuple[str, str]]:
    rows = []
    for number, line in enumerate((DATA / name).read_text("utf-8").splitlines(), 1):
        if line.strip():
            label, sep, sentence = line.partition("\t")
            assert sep and sentence.strip(), f"{name}:{number} is not label<TAB>sentence"
            rows.append((label, sentence))
    return rows


def precision_recall(tp: int, fp: int, fn: int) -> tuple[float, float]:
    return (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0)


# record_testsuite_property rather than record_property: the latter warns under the
# default junit_family (xunit2), and filterwarnings=error would turn that into a failure.
def report(
    record_testsuite_property, name: str, tp: int, fp: int, fn: int, n: int, misses: list[str]
):
    p, r = precision_recall(tp, fp, fn)
    print(f"\n{name}: precision {p:.2f} recall {r:.2f} on {n} sentences")
    for miss in misses:
        print(f"  {miss}")
    key = name.replace(" ", "_")
    record_testsuite_property(f"{key}_precision", round(p, 3))
    record_testsuite_property(f"{key}_recall", round(r, 3))
    record_testsuite_property(f"{key}_sentences", n)
    return p, r


def measure_binary(
    rows: list[tuple[str, str]], detect: Callable[[str], list[Finding]], positive: str
) -> tuple[int, int, int, list[str]]:
    tp = fp = fn = 0
    misses = []
    for label, sentence in rows:
        found = bool(detect(sentence))
        if found and label == positive:
            tp += 1
        elif found:
            fp += 1
            misses.append(f"false positive: {sentence}")
        elif label == positive:
            fn += 1
            misses.append(f"missed: {sentence}")
    return tp, fp, fn, misses


# --- fixtures and their measurements ------------------------------------------------


def test_urgent_fixture_is_big_and_balanced():
    rows = load("urgent_symptoms.tsv")
    labels = [label for label, _ in rows]
    assert set(labels) == {"fire", "quiet"}
    assert len(rows) >= 60
    assert 0.4 <= labels.count("fire") / len(rows) <= 0.6


def test_private_fixture_is_big_and_half_none():
    rows = load("private_details.tsv")
    labels = [label for label, _ in rows]
    assert set(labels) == PRIVATE_KINDS | {"none"}
    assert len(rows) >= 80
    assert 0.4 <= labels.count("none") / len(rows) <= 0.6


def test_advice_fixture_is_big_and_balanced():
    rows = load("medical_advice.tsv")
    labels = [label for label, _ in rows]
    assert set(labels) == {"advice", "none"}
    assert len(rows) >= 40
    assert 0.4 <= labels.count("advice") / len(rows) <= 0.6


def test_urgent_symptoms_precision_and_recall(record_testsuite_property):
    rows = load("urgent_symptoms.tsv")
    tp, fp, fn, misses = measure_binary(rows, find_urgent_symptoms, "fire")
    p, r = report(record_testsuite_property, "urgent symptoms", tp, fp, fn, len(rows), misses)
    assert p >= 0.95
    assert r >= 0.9


def test_private_details_precision_and_recall(record_testsuite_property):
    # Strict: a sentence counts as found only if its own kind is among the findings;
    # any finding in a "none" sentence, or only findings of another kind, is a miss.
    rows = load("private_details.tsv")
    tp = fp = fn = 0
    misses = []
    for kind, sentence in rows:
        kinds = {f.kind for f in find_private_details(sentence)}
        if kind in kinds:
            tp += 1
            continue
        if kinds:
            fp += 1
            misses.append(f"false positive {sorted(kinds)} for {kind}: {sentence}")
        if kind != "none":
            fn += 1
            misses.append(f"missed {kind}: {sentence}")
    p, r = report(record_testsuite_property, "private details", tp, fp, fn, len(rows), misses)
    assert p >= 0.95
    assert r >= 0.9


def test_medical_advice_precision_and_recall(record_testsuite_property):
    rows = load("medical_advice.tsv")
    tp, fp, fn, misses = measure_binary(rows, find_medical_advice, "advice")
    p, r = report(record_testsuite_property, "medical advice", tp, fp, fn, len(rows), misses)
    assert p >= 0.9
    assert r >= 0.85


# --- what a finding says, and where --------------------------------------------------


@pytest.mark.parametrize(
    ("detect", "text", "kind", "phrase"),
    [
        (find_urgent_symptoms, "I have chest pains since my infusion", "chest_pain", "chest pains"),
        (find_urgent_symptoms, "ok so.. my calf is red and painful", "clot_signs", "calf is red"),
        (find_urgent_symptoms, "\U0001f62d\U0001f62d cant breath", "breathing", "cant breath"),
        (find_urgent_symptoms, "my throat is closing", "allergic_reaction", "throat is closing"),
        (
            find_urgent_symptoms,
            "Caf\u00e9 trip then my speech is slurred",
            "slurred_speech",
            "speech is slurred",
        ),
        (find_urgent_symptoms, "my arm went weak", "weakness", "arm went weak"),
        (
            find_urgent_symptoms,
            "worst headache and my neck is stiff",
            "meningitis_signs",
            "headache and my neck is stiff",
        ),
        (find_private_details, "call me on 07700 900123 x", "phone", "07700 900123"),
        (find_private_details, "I\u2019m at mike.o\u2019brien@outlook.com", "email", None),
        (find_private_details, "I live at 42 Elm Street, Leeds", "street_address", "42 Elm Street"),
        (find_private_details, "DOB 14/03/1978 lol", "date_of_birth", "14/03/1978"),
        (find_private_details, "NHS number 485 777 3456", "record_number", "485 777 3456"),
        (find_private_details, "my MRN is 00482915 if", "record_number", "00482915"),
        (find_private_details, "Aetna ID W123456789 thx", "record_number", "W123456789"),
        (find_private_details, "dob 8 3 79 so", "date_of_birth", "8 3 79"),
        (find_private_details, "my postcode is m14 5rt", "street_address", "m14 5rt"),
        (
            find_private_details,
            "at 55 rue de la Paix, Paris",
            "street_address",
            "55 rue de la Paix",
        ),
        (find_urgent_symptoms, "temp is 40.2 and rising", "high_fever", "temp is 40.2"),
        (find_urgent_symptoms, "my eyes look yellow today", "jaundice", "eyes look yellow"),
        (find_urgent_symptoms, "bp is 210/115 tonight", "high_blood_pressure", "bp is 210/115"),
        (find_medical_advice, "honestly just take 2 benadryl", "advice", "take 2 benadryl"),
        (
            find_medical_advice,
            "you should stop your prednisone now",
            "advice",
            "you should stop your prednisone",
        ),
    ],
)
def test_offsets_point_at_the_phrase(detect, text, kind, phrase):
    findings = detect(text)
    assert [f.kind for f in findings] == [kind]
    f = findings[0]
    expected = phrase if phrase is not None else text.split()[-1]
    assert text[f.start : f.end] == expected
    assert f.label and f.label[0].islower()  # words a person reads, not a code


def test_offsets_are_in_bounds_on_every_fixture_sentence():
    for name, detect in [
        ("urgent_symptoms.tsv", find_urgent_symptoms),
        ("private_details.tsv", find_private_details),
        ("medical_advice.tsv", find_medical_advice),
    ]:
        for _, sentence in load(name):
            for f in detect(sentence):
                assert 0 <= f.start < f.end <= len(sentence)
                assert sentence[f.start : f.end].strip() == sentence[f.start : f.end]


def test_findings_are_frozen_and_in_text_order():
    findings = find_private_details("ring 0161 496 0000 or email a.b@example.org")
    assert [f.kind for f in findings] == ["phone", "email"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        findings[0].start = 3  # type: ignore[misc]


def test_negation_inside_a_phrase_and_in_the_next_clause():
    assert find_urgent_symptoms("my leg is not swollen") == []
    assert find_urgent_symptoms("i had a headache but no stiff neck") == []
    found = find_urgent_symptoms("no chest pain, but my leg is red and swollen")
    assert [f.kind for f in found] == ["clot_signs"]


def test_a_negation_reaches_the_items_of_its_list():
    assert (
        find_urgent_symptoms("I have not had any palpitations, breathlessness or chest pain") == []
    )
    assert find_urgent_symptoms("no fever, my leg is swollen and hot")


def test_a_carer_tells_the_past_then_the_present():
    assert find_urgent_symptoms("My husband just got home and he's slurring his words")
    assert not find_urgent_symptoms("My husband got home and slurred his words for a minute")


def test_an_imagined_case_is_not_a_report():
    assert not find_urgent_symptoms("Supposing my mum became confused, should we call 999?")
    assert not find_urgent_symptoms(
        "If my throat started closing, is that an EpiPen thing? Not happening"
    )
    assert find_urgent_symptoms("Is it a reaction if my throat feels tight at the moment?")


def test_harmless_numbers_near_private_words_stay_quiet():
    assert find_private_details("a reference range of 700-1600") == []
    assert find_private_details("Reference 2023-44817 was on the batch recall notice") == []
    assert find_private_details("Gmail is down again") == []
    assert find_private_details("I had 2 via Gamunex and 3 via the port") == []


def test_a_question_about_my_own_symptom_still_fires():
    assert find_urgent_symptoms("is it normal that my chest is tight?")
    assert not find_urgent_symptoms("does anyone get chest pain on IVIG?")


# --- the learned layer ------------------------------------------------------------------

# Written for this test, in words the lexicon does not know.
NEW_WORDS = "my son is grey and clammy and keeps being sick since the drip came out"


def learned_score(text: str) -> float:
    model = learned.load()
    return learned.score(
        model, learned.sentence_features(learned.tokens(text, 0, len(text)), model.chars)
    )


def test_the_learned_layer_catches_words_the_lexicon_lacks_and_shows_them():
    _, found, matched = rule_findings(NEW_WORDS)
    assert found == [] and matched == []
    findings = find_urgent_symptoms(NEW_WORDS)
    assert findings and {f.kind for f in findings} == {"learned"}
    shown = [NEW_WORDS[f.start : f.end] for f in findings]
    assert "grey" in shown
    assert findings[0].label.endswith("(learned)")
    assert all(f"“{words}”" in findings[0].label for words in shown)


@pytest.mark.parametrize(
    "text",
    [
        "my son is not grey or clammy and hasn't been sick since the drip came out",
        "last year my son was grey and clammy and kept being sick when the drip came out",
        "if my son goes grey and clammy and keeps being sick, what do we do",
    ],
    ids=["negation", "past", "hypothetical"],
)
def test_the_learned_layer_obeys_the_rules_context(text: str):
    assert learned_score(text) >= learned.load().threshold  # the words alone would fire
    assert find_urgent_symptoms(text) == []


def test_the_learned_layer_leaves_a_sentence_the_lexicon_matched_to_the_rules():
    text = "my son had chest pain years ago but he is grey and clammy since the drip came out"
    story, found, matched = rule_findings(text)
    assert found == [] and matched  # chest pain, told as past
    assert learned_findings(story, [])  # the layer alone would fire
    assert find_urgent_symptoms(text) == []


# --- hostile and odd input -------------------------------------------------------------

DETECTORS = [find_urgent_symptoms, find_private_details, find_medical_advice]

ODD_TEXTS = [
    "",
    " ",
    "\n\n\t",
    "\x00\x01\x7f",
    "\u200b\u200e\u202e my chest is tight \u202c",  # zero-width and bidi controls
    "e\u0301\u0301\u0301 combining marks",
    "\u0130stanbul \u0130\u0130 \ufb03",  # characters whose case forms change length
    "\uff10\uff17\uff17\uff10\uff10 \uff19\uff10\uff10\uff11\uff12\uff13",  # full-width digits
    "\U0001f600" * 500,
    "\ud800 lone surrogate",
    "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660",  # Arabic-Indic digits
]


@pytest.mark.parametrize("detect", DETECTORS)
@pytest.mark.parametrize("text", ODD_TEXTS)
def test_odd_text_is_safe(detect, text):
    for f in detect(text):
        assert 0 <= f.start < f.end <= len(text)


def test_full_width_digits_are_not_a_phone():
    assert find_private_details(ODD_TEXTS[7]) == []


def _long_comment() -> str:
    paragraph = (
        "Had my 4th round of IVIG yesterday at St. Mary's, 400 mg/kg over 3 hours. "
        "No chest pain this time and my headache was mild, my IgG is 700 mg/dL now. "
        "I stopped taking my prednisone last year, my doctor doubled my dose in 2021. "
    )
    return (paragraph * (5000 // len(paragraph) + 1))[:5000]


@pytest.mark.parametrize("detect", DETECTORS)
def test_a_5000_character_comment_returns(detect):
    text = _long_comment()
    runs = 20
    started = time.perf_counter()
    for _ in range(runs):
        result = detect(text)
    per_call_ms = (time.perf_counter() - started) / runs * 1000
    # Timing is printed, not asserted: unit tests should not depend on the machine.
    print(f"\n{detect.__name__}: {per_call_ms:.1f} ms for 5,000 characters")
    assert isinstance(result, list)
    assert all(isinstance(f, Finding) for f in result)


ADVERSARIAL = [
    "1" * 5000,
    "1 " * 2500,
    "1-" * 2500,
    "1- " * 1666,
    "(1) " * 1250,
    "+1 " * 1666,
    "12.34." * 833,
    "- " * 2500,
    "a" * 5000,
    "a." * 2500,
    "a@" * 2500,
    "a.a@a" * 1000,
    "a at " * 1000,
    "1 Main " * 714,
    "12 a a a " * 555,
    "leg " * 1250,
    "headache " * 555,
    "stiff neck " * 454,
    "you should " * 454,
    "just " * 1000,
    "mrn 1-1-1-1 " * 416,
    "born on 1/1/" * 416,
    # Long whitespace runs after a word: "name at gmail" once cost O(n^2) here.
    "a" + " " * 4998 + "b",
    "mrn" + " " * 4997,
    "i" + " \t" * 2499,
    # One symptom 450 times in one sentence: the sentence is read once, not 450 times.
    "chest pain " * 455,
    "my friend had chest pain " * 200,
]


@pytest.mark.parametrize("detect", DETECTORS)
@pytest.mark.parametrize("text", ADVERSARIAL, ids=lambda t: repr(t[:12]))
def test_no_catastrophic_backtracking(detect, text):
    assert isinstance(detect(text[:5000]), list)


def test_required_words_are_what_every_match_holds() -> None:
    pattern = re.compile(r"(?i)\bshort(?:ness)?\s+of\s+breath|\bwinded\b")
    assert required_words(pattern) == ("breath", "winded")
    assert not may_match(required_words(pattern), folded("Short of air, not wound up"))
    assert may_match(required_words(pattern), folded("SHORTNESS OF BREATH"))
    # A branch that needs no word at all: every text is searched.
    assert required_words(re.compile(r"(?i)winded|\d+")) is None


def test_folded_knows_every_letter_taken_for_an_ascii_one() -> None:
    everything = "".join(map(chr, range(128, sys.maxunicode + 1)))
    twins = re.findall(r"(?i)[a-z0-9]", everything)
    assert twins  # the dotless i, the long s, the Kelvin sign...
    for twin in twins:
        assert folded(twin).isascii() and re.fullmatch(f"(?i){folded(twin)}", twin), hex(ord(twin))


def test_the_lexicon_is_skipped_only_where_it_would_find_nothing() -> None:
    files = [*DATA.glob("urgent*.tsv"), *DATA.glob("tuning/urgent*.tsv")]  # not the held-out
    texts = [sentence for path in files for _, sentence in load(str(path.relative_to(DATA)))]
    # Spelled with the letters that case-insensitive matching takes for ASCII ones.
    texts += [t.upper().translate(str.maketrans("IKS", "\u0131\u212a\u017f")) for t in texts]
    for kind, _, pattern, words in LEXICON.entries:
        for text in texts:
            assert may_match(words, folded(text)) or not pattern.search(text), kind
