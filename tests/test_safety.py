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
from forum.safety.frames import FRAMES, load_frames
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


# Written for these tests, one or two of each way of writing a detail the tuning sets
# showed; the finding must name the words that fired.
READ_OUT_AND_FOREIGN = [
    ("text oh7seven double 0 nine 00 one two 3", "phone", "oh7seven double 0 nine 00 one two 3"),
    ("mob: 0 7 9 1 1  1 2 3  4 5 6 thanks", "phone", "0 7 9 1 1  1 2 3  4 5 6"),
    ("ring 0/7/9/1/1 - 1/2/3 - 4/5/6 x", "phone", "0/7/9/1/1 - 1/2/3 - 4/5/6"),
    ("call 07911 one two three, double 4 five", "phone", "07911 one two three, double 4 five"),
    ("jo.smith <at> yahoo <dot> co <dot> uk ta", "email", "jo.smith <at> yahoo <dot> co <dot> uk"),
    ("write to ravi -at- gmx -dot- net", "email", "ravi -at- gmx -dot- net"),
    ("I use rediffmail, username anil.k.1980 so", "email", "rediffmail, username anil.k.1980"),
    ("12, 5th Main, Jayanagar, Bangalore 560041 is home", "street_address", ", Bangalore 560041"),
    ("7-1-24, Ameerpet, Hyderabad - 500 016", "street_address", ", Hyderabad - 500 016"),
    ("House No. 14, Gandhi Nagar", "street_address", "House No. 14, Gandhi"),
    ("pincode 411038 near Kothrud", "street_address", "411038"),
    ("my postcode is L one eight, three A B", "street_address", "L one eight, three A B"),
    ("zip code is six oh six one four", "street_address", "six oh six one four"),
    ("my passport no is K1234567 if needed", "record_number", "K1234567"),
    ("aadhar card number 9876 5432 1098", "record_number", "9876 5432 1098"),
    ("their form wanted BNZPM2501F again", "record_number", "BNZPM2501F"),
    ("my SIN is 130 692 544 if that matters", "record_number", "130 692 544"),
    ("SIN (046-454-286) on file", "record_number", "046-454-286"),
    (
        "NHS number: nine four three, four seven six, five nine one nine",
        "record_number",
        "nine four three, four seven six, five nine one nine",
    ),
    ("my MRN is oh oh four eight two nine one", "record_number", "oh oh four eight two nine one"),
    ("my mob is 07911 and then 123, 456 ok", "phone", "07911 and then 123, 456"),
    ("call me on 0113\u2013496\u20130725", "phone", "0113\u2013496\u20130725"),
    ("SSN 123\u201145\u20116789", "record_number", "123\u201145\u20116789"),
    ("we're in ls6 2qt by the park", "street_address", "ls6 2qt"),
    ("we're at number 4, Larch Close", "street_address", "number 4, Larch Close"),
    ("Unit 2/15 Ocean Parade, Manly", "street_address", "2/15 Ocean Parade"),
    ("born on June the 2nd 1990", "date_of_birth", "June the 2nd 1990"),
    ("o7 nine double 1, 4 hundred, fifty-six", "phone", "o7 nine double 1, 4 hundred, fifty-six"),
    ("hotmail: sue_b_77 x", "email", "hotmail: sue_b_77"),
    ("my yahoo id is sunita_r", "email", "my yahoo id is sunita_r"),
    ("mail janedoe85 (gmail) pls", "email", "janedoe85 (gmail)"),
    ("my ABHA number is 12-3456-7890-1234", "record_number", "12-3456-7890-1234"),
    ("prior auth number PA20240012", "record_number", "PA20240012"),
    ("appelez-moi au 06 12 34 56 78", "phone", "06 12 34 56 78"),
    # German, after the twelfth blind round: "geb." for geboren, the insurance number.
    ("Geb. 17.02.1969, SLE seit 2001", "date_of_birth", "17.02.1969"),
    ("Meine Versichertennummer ist K204816397, und", "record_number", "K204816397"),
]  # fmt: skip
# Written for these tests after the fifth blind round: record names from many countries
# with words or a pause before the number, birth dates spaced out or on foreign forms,
# Irish Eircodes, house numbers in words, boxes and rural routes.
IN_PROSE_AND_ABROAD = [
    ("CHI, mine's 0101701234, for the ward", "record_number", "0101701234"),
    ("my MRN on the board myself \u2014 00771234 \u2014 each time", "record_number", "00771234"),
    ("patient no. at the Royal is 31-44821", "record_number", "31-44821"),
    ("my Medicare number (Australia) is 2123 45670 1", "record_number", "2123 45670 1"),
    ("Medicare card 2123 45670 1 in my purse", "record_number", "2123 45670 1"),
    ("the new card says 5TR7-AJ4-KC22, right?", "record_number", "5TR7-AJ4-KC22"),
    ("quote the NHI when you call (mine's ABC1235)", "record_number", "ABC1235"),
    ("they asked for my ID number again, 7402155009081", "record_number", "7402155009081"),
    (
        "my social, over the phone, four two one, five five, eight oh one two",
        "record_number",
        "four two one, five five, eight oh one two",
    ),
    ("my birth cert says 1979-04-22", "date_of_birth", "1979-04-22"),
    ("b. 2 3 / 0 4 / 1 9 8 1 spaced out", "date_of_birth", "2 3 / 0 4 / 1 9 8 1"),
    ("D-O-B 4 Oct 1975 for the registry", "date_of_birth", "4 Oct 1975"),
    ("Fecha de nacimiento: 12/05/1964", "date_of_birth", "12/05/1964"),
    ("a 29 Feb 1984 leap baby", "date_of_birth", "29 Feb 1984"),
    ("send it to twelve Orchard Close, Taunton", "street_address", "twelve Orchard Close"),
    ("7 Meadow View, Ballina", "street_address", "7 Meadow View"),
    ("Ballina, F26 K8R2 is me", "street_address", "F26 K8R2"),
    ("eircode is d02 af30", "street_address", "d02 af30"),
    ("we're at RR 3, Box 17 now", "street_address", "RR 3, Box 17"),
    ("write to Post Office Box 889", "street_address", "Post Office Box 889"),
    ("I came into the world on 9 May 1968, at home", "date_of_birth", "9 May 1968"),
    ("born 1968, May 9th, in a heatwave", "date_of_birth", "1968, May 9th"),
    ("my insurance policy is QZ-40021-88 with them", "record_number", "QZ-40021-88"),
    ("the ward printed 00571930 on my new band", "record_number", "00571930"),
    ("my address is 3 Kilbride Park, Ennis", "street_address", "3 Kilbride Park"),
    ("carte vitale 2 68 05 13 055", "record_number", "2 68 05 13 055"),
    ("codice fiscale VRDLGU68E09F205Z per favore", "record_number", "VRDLGU68E09F205Z"),
    ("we're at Calle Sol 7, Sevilla", "street_address", "Calle Sol 7"),
]  # fmt: skip
# Written for these tests after the sixth blind round: identity numbers from Singapore,
# Malaysia and the Philippines, a birthday without the year, an age reached on a date,
# a band that says DOB, a unit before the house number with a dash, an address with
# no street word where the post went.
SIXTH_ROUND = [
    ("my NRIC is T0123456J, they read it out loud", "record_number", "T0123456J"),
    ("PhilHealth # 12-345678901-2 for the claim", "record_number", "12-345678901-2"),
    ("IC no 900101-10-1234 on the form", "record_number", "900101-10-1234"),
    ("SSS 33-4455667-1 po", "record_number", "33-4455667-1"),
    ("my grandson was born 3 March, a week early", "date_of_birth", "3 March"),
    ("turned 60 - 3.9.1964 - and still here", "date_of_birth", "3.9.1964"),
    ("the label says DOB 2/9/66 and a stranger's name", "date_of_birth", "2/9/66"),
    ("delivered to 9 Cnoc na R\u00ed, Tralee by mistake", "street_address", "9 Cnoc na R\u00ed"),
    ("flat 1203-88 Harbour Road, Vancouver", "street_address", "1203-88 Harbour Road"),
    ("more on this from dave at lupusmail.org", "email", "dave at lupusmail.org"),
    ("CPF 987.654.321-00 for the SUS form", "record_number", "987.654.321-00"),
    ("my BPJS number 0009876543210 for the claim", "record_number", "0009876543210"),
    ("we're at 8 Jalan Bukit, Ipoh", "street_address", "8 Jalan Bukit"),
    ("Address: 22 Le Loi, District 3", "street_address", "22 Le Loi"),
    ("I'm at Plot 9, Mbuya Road, Kampala", "street_address", "Plot 9, Mbuya Road"),
    ("born in '81, on the 3rd of June", "date_of_birth", "3rd of June"),
    ("a June 3rd baby, 1981, so a Gemini", "date_of_birth", "June 3rd"),
    ("n\u00e9e le 3 juin 1981 \u00e0 Lyon", "date_of_birth", "3 juin 1981"),
    ("fecha de nacimiento 3 de junio de 1981", "date_of_birth", "3 de junio de 1981"),
    ("geboren am 3. Juni 1981", "date_of_birth", "3. Juni 1981"),
]  # fmt: skip


# Written for these tests after the eighth blind round (its sentences are not here).
EIGHTH_ROUND = [
    ("whatsapp me: 655 123 987, I'm in Valencia", "phone", "655 123 987"),
    ("my number 699 888 777 if you want to talk", "phone", "699 888 777"),
    ("Post naar Keizersgracht 71-3, 1015 CJ", "street_address", "Keizersgracht 71"),
    ("adres: Oudezijds Kolk 5 or Bloemgracht 12", "street_address", "Bloemgracht 12"),
    ("nacido el 9 de marzo de 1975 en Sevilla", "date_of_birth", "9 de marzo de 1975"),
    ("nata il 9 marzo 1975 a Roma", "date_of_birth", "9 marzo 1975"),
    ("my son was born 2 febuary 2012", "date_of_birth", "2 febuary 2012"),
    ("born on the 30th of Janurary 1970", "date_of_birth", "30th of Janurary 1970"),
    ("scheme membership no. 5521 0098 7 keeps failing", "record_number", "5521 0098 7"),
    ("mi NSS es 4321 8765 09 1", "record_number", "4321 8765 09 1"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "kind", "phrase"),
    READ_OUT_AND_FOREIGN + IN_PROSE_AND_ABROAD + SIXTH_ROUND + EIGHTH_ROUND,
)
def test_details_read_out_or_written_abroad_are_found(text, kind, phrase):
    found = [(f.kind, text[f.start : f.end]) for f in find_private_details(text)]
    assert (kind, phrase) in found
    # Read out after a record's name, digits are that record and not also a phone.
    assert kind != "record_number" or "phone" not in {k for k, _ in found}


NEAR_MISSES = [
    "pain scale 0 1 2 3 4 5 6 7 8 9 10 on the wall",
    "counted 1 2 3 4 5 6 7 8 9 sheep while the bag ran",
    "one two three four five six seven eight nine ten, counting the drips",
    "BP 120/80, 118/76, 125/82, 130/85 over the session",
    "scores 7/10 8/10 6/10 9/10 this week",
    "O2 sats 98 97 96 95 94 overnight",
    "In Mumbai, Kokilaben 100000 rupees per course",
    "at Hyderabad - 500 mg per dose",
    "It's a postcode lottery, one two three four five of us got it",
    "My PAN and Aadhaar were needed for the scheme, which took 3 weeks",
    "my passport expired in 2019 and renewal took 12 weeks",
    "I'm on gmail, username is the same as here",
    "a stay-at-home mum on IVIG",
    "The Lupus UK helpline is 0300 222 5821 if you need someone to talk to",
    "Called the Arthritis Foundation at 1-844-571-4357 and they sent leaflets",
    "my phone alarm went off at 0600, then 0615, then 0630",
    "my cell counts were 450, 520 and 6100",
    "in b12 2nd week now",
    "I had 3, Oak Road was shut",
    "First infusion was on March the 3rd 2019",
    "ten twenty thirty forty fifty sixty, the drip rate steps",
    "IgG trough 07 08 09 10 11 over the year",
    "prior auth took 3 weeks and national insurance went up 2%",
    "The outlook is 5.5 years on average",
    # Beside the fifth round's families: a street's name in a title, a website's page,
    # a count after a pause, a respiratory rate, a social worker, lab names, money.
    "Two Main Street clinics are better than one",
    "Forty Winks Road is a podcast I like",
    "the clinic's page at lupus.org has a good FAQ",
    "a leaflet at nhs.uk explains IgA deficiency",
    "ID badge, then the lanyard, then 12345 steps to the unit",
    "RR 18 and sats 96% at the end of the bag",
    "my social worker sorted the claim in 2 weeks",
    "My C3 and C4 were low, vitamin D25 too",
    "She was born at 32 weeks and spent 6 weeks in NICU",
    "Medicare paid 80% of the $14,200 bill",
    "my hospital number changed when the trusts merged in 2019",
    "ring the switchboard on 0161 496 0000 and ask for rheumatology",
    "the trial is NCT04412345 if you want to read it",
    "the hospital ran it at 0600 and again at 1800",
    # Beside the sixth round's: an Irish LoCall line after "my", a website's topic, a ward,
    # a baby born early, an age without a date, an infusion date after an age.
    "Rang the Lupus Ireland support line before my second bag, 1850 200 300, it's on their site",
    "Loads of reading about IgA deficiency at primaryimmune.org if you want it",
    "they moved me to 2 West, Bay 4 for the night",
    "born 3 months early and tiny",
    "she turns 50 on Friday",
    "turned 40 in March and had an infusion on 12/03",
    "my son was born in May 2011",
    "flat 3, Mum helped with the cooking",
    "Went to 3 Arena, Dublin for a concert before my diagnosis",
    "I'm at 40 Mg, Then tapering",
    "born in 1981, in June, during a heatwave",
    "we were in Lyon 3 juin 2019 for the congress",
    "The Irish lupus group's line calmed me before my infusion, 1850 123 456, look them up",
    "the reception desk number on the back of the clinic card, 0161 496 0123, is quicker",
    "ISBN 978-0-19-953556-9, my old edition",
    "the paperback is 9780199535569 on the publisher's site",
    "there's a good page if you look at lupus.org about it",
    "read more at kidney.org under IVIG",
    "It costs 1 200 000 pesos a dose here",
]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_counts_readings_and_organisations_lines_stay_quiet(text):
    assert find_private_details(text) == []


def test_a_switchboard_is_public_but_my_line_through_it_is_not():
    assert find_private_details("the hospital's main switchboard on 0121 496 0000 helps") == []
    assert find_private_details("call me at reception on 07700 900123 after 5")


def test_a_free_number_is_private_when_it_is_the_posters_own():
    assert find_private_details("call me on 0800 123 4567 at work, it's the charity helpline")
    assert find_private_details("my number is 1-800-555-0100, the foundation gave me a phone")
    assert find_private_details("call my rheum office 1-800-555-0127 ext 22")


def test_a_question_about_my_own_symptom_still_fires():
    assert find_urgent_symptoms("is it normal that my chest is tight?")
    assert not find_urgent_symptoms("does anyone get chest pain on IVIG?")


# Written for these tests, one or two per family added after the third blind round.
@pytest.mark.parametrize(
    "text",
    [
        "Grandad is talking to people who aren't there and doesn't know he's at home",
        "my wife keeps repeating herself and doesn't know which day it is, started an hour ago",
        "I came to on the bathroom tiles a few minutes ago, alone in the flat",
        "he is coughing up pink foam, the drip came out at lunchtime",
        "my left eye, I suddenly can't see out of it at all",
        "the baby keeps arching her neck back and screams when we switch the light on",
        "i feel like my head is going to explode and my neck is stiff",
        "writing from the car park - my throat feels thick and I am struggling to swallow",
        "Dad can't stand, he's grey and sweaty",
        "the finger clip keeps reading 86 to 88 and I had my infusion at noon",
        "my watch has my heart rate at 152 and I'm just sitting on the sofa",
        "his nappy has been dry since breakfast and he's very sleepy",
        "since this morning I've only passed about 90 ml, measured in the jug",
        "Mum can't hold her cup, it keeps slipping out of her left hand",
        "I can only say three words before I have to stop for air",
        "my husband just told me he has the most awful headache of his life, can't bear the lamp",
        "mi hija no puede respirar bien desde la infusión",
        "she doesn't seem to know where she is since the drip came down",
        "my neighbour said I was slurring and my mouth had dropped, I'm home alone now",
        "I can't really lift my right arm at the moment and my words are coming out wrong",
        "the headache came on in seconds, like a bang, an hour after the infusion",
        "Post IVIG: UO 15 ml/hr since midday, ?AKI, renal team aware",
        "is it bad if my urine has turned the colour of cola? had the drip this morning",
        "My mum says it's just a tummy bug, but I'm burning up and my neck won't bend",
        "this doesn't feel like my usual migraine, my neck is stiff and the light hurts",
        "had to stop twice on the stairs to catch my breath, I was fine this morning",
        "my right calf has gone fat and shiny since lunch and it's hot to touch",
        "I felt fine after the first hour but now my throat is closing",
        "when he smiles one side doesn't move and his words are not coming out as words",
    ],
)
def test_warning_signs_in_everyday_words(text: str):
    assert find_urgent_symptoms(text)


@pytest.mark.parametrize(
    "text",
    [
        "My legs are less weak than last month and the hives have cleared.",
        "I can't stand the taste of the saline flush.",
        "My aunt had a PE the year before last; she's still on blood thinners.",
        "I keep waiting for the headache that never comes.",
        "The thought of my tongue swelling is what scares me, nothing like that has ever happened.",
        "The GP saw me about my puffy face and said it is the steroids, not an allergic reaction.",
        "The nurse said anaphylaxis is rare and usually happens in the first few minutes.",
        "sats 97 at rest, pulse 88 after the stairs, temperature 37.6",
        "Side effects sheet - Common: headache, chills. Rare: clots, kidney failure, meningitis.",
        "Copied off the ward poster: face drooping, arm weakness, speech difficulty, call 999",
        "my seizure was 2015 and none since",
        "UPDATE: the ECG was clear and I was discharged, feeling human again now.",
        "@Sam wheezing like that would be an ER trip for sure, hope you're okay",
        "Fingers white then blue again in the cold, that's just my Raynaud's.",
        "Hx ?PE 2019 on a different product, nothing since, anticoagulated.",
        "Is it normal for my wee to be a little darker the day after?",
        "My legs are dead after that hike, best kind of tired.",
        "Teaching note: if the patient reports chest pain, stop the infusion.",
        "My legs are weak all the time with CIDP, that isn't going anywhere.",
        "Chest pain or a swollen leg are the ones to watch, according to my rheumatologist.",
        "Flushed and a racing heart for ten minutes, they slowed the drip and it passed.",
    ],
)
def test_calm_posts_in_the_same_words(text: str):
    assert find_urgent_symptoms(text) == []


# --- the learned layer ------------------------------------------------------------------

# Written for this test, in words the lexicon does not know ("grey and clammy" became a
# sign of fainting in the sixth blind round).
NEW_WORDS = "my son is grey and keeps being sick since the drip came out"


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
        "my son is not grey and hasn't been sick since the drip came out",
        "last year my son was grey and kept being sick when the drip came out",
        "if my son goes grey and keeps being sick, what do we do",
    ],
    ids=["negation", "past", "hypothetical"],
)
def test_the_learned_layer_obeys_the_rules_context(text: str):
    assert learned_score(text) >= learned.load().threshold  # the words alone would fire
    assert find_urgent_symptoms(text) == []


def test_the_learned_layer_leaves_a_sentence_the_lexicon_matched_to_the_rules():
    text = "my son had chest pain years ago but he is grey and sick since the drip came out"
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
    "forty " * 833,
    "mrn then " * 555,
    "RR 1, " * 833,
    # Digits read out, glued to words or split by slashes; a label before letters.
    "oh7" * 1666,
    "1 / " * 1250,
    "postcode is " + "a " * 2490,
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


def test_every_frame_in_frames_toml_belongs_to_a_sign(tmp_path: Path) -> None:
    kinds = {kind for kind, _, _, _ in LEXICON.entries}
    assert FRAMES and set(FRAMES) <= kinds
    # A table read from the file: either way round, within its gap, not across a clause.
    (tmp_path / "frames.toml").write_text(
        "[chest_pain]\nparts = ['ribs?']\nstates = [\"can't\", 'kill\\w*']\ngap = 10\n"
    )
    frame = re.compile("(?i)" + load_frames(tmp_path / "frames.toml")["chest_pain"])
    assert frame.search("my RIBS are killing me") and frame.search("killing my ribs")
    assert not frame.search("my ribs, which were killing me")
    assert not frame.search("my ribs are fine now, apart from the killing tiredness")


# Written for these tests after the eighth blind round: posts in Spanish or French.
@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Mi papá casi no puede respirar desde que llegamos a casa", "breathing"),
        ("j'ai du mal à respirer depuis la fin de la perfusion", "breathing"),
        ("tengo un dolor muy fuerte en el pecho ahora mismo", "chest_pain"),
        ("une douleur qui serre dans la poitrine, ça ne passe pas", "chest_pain"),
        ("se me están hinchando los labios, qué hago", "allergic_reaction"),
        ("sa langue gonfle depuis dix minutes", "allergic_reaction"),
        ("el corazón me late muy rápido y me mareo", "racing_heart"),
        ("mon cœur bat très vite depuis une heure", "racing_heart"),
    ],
)
def test_warning_signs_in_spanish_and_french(text: str, kind: str) -> None:
    assert kind in {f.kind for f in find_urgent_symptoms(text)}


@pytest.mark.parametrize(
    "text",
    [
        "El año pasado se me hincharon los labios en la infusión, ya se pasó.",
        "Il y a deux ans j'avais une douleur dans la poitrine, c'est réglé.",
        "La semana pasada tenía el corazón acelerado, hoy bien.",
    ],
)
def test_spanish_and_french_signs_in_the_past_stay_quiet(text: str) -> None:
    assert find_urgent_symptoms(text) == []
