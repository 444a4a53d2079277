"""Phone numbers: the candidates in a text, and whether one is a person's own line.

A number is a phone only in a phone's shape and not as a dose, a date, a range, a count or
an organisation's public line; forum.safety.private reports what these functions accept.
"""

from __future__ import annotations

import itertools
import re

from forum.safety.private_lexicon import ORGANISATION, PUBLIC_LINE
from forum.safety.spoken import NUMBER_TOKEN, REPEAT, TOKEN_START, said_numbers

# "oh seven seven double oh nine ...", "0-7-7-0-0 / 9-0-0": a phone number read out.
PHONE_IN_WORDS = re.compile(
    rf"(?i)\b{TOKEN_START}(?:{REPEAT}[\s-])?{NUMBER_TOKEN}\b"
    rf"(?:[\s,/-]{{1,3}}(?:{REPEAT}[\s-])?{NUMBER_TOKEN}\b){{5,20}}"
)
_MIN_WORD_DIGITS = 9  # a UK mobile has 11, a US number 10: counting to seven is not a phone
_MIN_RECORD_DIGITS = 6  # after "MRN" or "NHS number", fewer digits are enough

# A phone cut into groups with words between: "my number starts 07700 and then it's ... 900
# 321". Only after the poster's own phone word, and only in a phone's shape (UK, US, +code).
_GAP = r"(?:[\s,.\u2026]|-\s|and\b|then\b|it'?s\b){1,12}"
# The poster's own phone word: "my mobile", "our home number", "text me", "whatsapp me".
_OWN_PHONE_WORD = (
    r"(?:\b(?:my|our)\s+(?:(?:mobile|mob|cell|home|work|phone)\s+)?(?:number|mob(?:ile)?|cell|"
    r"phone|whats\s?app)(?!\s+counts?)|\b(?:text|call|ring|whats\s?app)\s+me)\b"
)
SPLIT_PHONE = re.compile(
    rf"(?i)(?=[mortcw]){_OWN_PHONE_WORD}[^0-9.!?\n]{{0,20}}?(?P<number>"
    rf"(?<![0-9])(?:0[0-9]{{2}}{_GAP}[0-9]{{4}}{_GAP}[0-9]{{4}}|0[0-9]{{3}}{_GAP}[0-9]{{3}}{_GAP}[0-9]{{4}}|"
    rf"0[0-9]{{4}}{_GAP}[0-9]{{3}}{_GAP}[0-9]{{3}}|[2-9][0-9]{{2}}{_GAP}[0-9]{{3}}{_GAP}[0-9]{{4}}|"
    rf"\+[0-9]{{1,3}}(?:{_GAP}[0-9]{{2,4}}){{2,4}}))(?![0-9])"
)
# Just before a number: "my number: 612 345 678", "text me on 655 123 987".
_OWN_PHONE_BEFORE = re.compile(rf"(?i){_OWN_PHONE_WORD}(?:\s+(?:on|at|is))?\s*[:-]?\s*$")
# A phone candidate is a bounded run of digits and separators; is_phone judges it.
PHONE = re.compile(
    r"(?<![\w.,/:$\u00a3\u20ac+-])\+?\(?[0-9][0-9 ().-]{5,22}[0-9](?![\w/%]|[.,:][0-9])"
)
# Free numbers ("1-800-...", "0800 ...", "1800 ...") are organisations' lines: said of one,
# as in "the Lupus Foundation's line at 1-800-558-0121", they are public.
_FREE_NUMBER = re.compile(
    r"(?:\+?1[\s.-]?)?\(?8(?:00|33|44|55|66|77|88)\)?[\s.-]|080[08][\s.-]?|03[0-9]{2}[\s.-]|1[38]00[\s.-]|"
    r"18[59]0[\s.-]|0818[\s.-]"  # Irish LoCall and CallSave
)
_ORGANISATION = re.compile(rf"(?i)\b{ORGANISATION}\b")
# "ring the hospital's main switchboard on 0121 ...": a place's own line is public.
_PUBLIC_LINE = re.compile(rf"(?i)\b{PUBLIC_LINE}\b[^.!?\n0-9]{{0,45}}$")
_PERSONAL = re.compile(r"(?i)\b(?:me|my|mine|i'?m|myself|us|our)\b")
# A number followed by a unit is a dose, a lab value, a count or money.
_UNIT_AFTER = re.compile(
    r"(?i)\s?(?:mg|mcg|ml|g|kg|iu|units?|mmol|dl|l|%|donors?|patients?|people|times?|hours?|"
    r"mins?|minutes?|days?|weeks?|months?|years?|dollars|pounds|euros)\b"
)
_RANGE_BEFORE = re.compile(
    r"(?i)\b(?:range|between|normal|from)\b(?:\s+(?:of|is|was|was\s+about))?\s*$"
)
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")
_DATE_LIKE = re.compile(
    r"[0-9]{1,2}[.-][0-9]{1,2}[.-][0-9]{2,4}|[0-9]{4}[.-][0-9]{1,4}(?:[.-][0-9]{1,2})?"
)


def is_phone(text: str, m: re.Match[str]) -> bool:
    """Whether the PHONE candidate `m` in `text` is a person's phone number."""
    candidate, international = m.group(), m.group().startswith("+")
    if _is_an_organisations_line(text, m):
        return False
    if _RANGE_BEFORE.search(text, max(0, m.start() - 30), m.start()) and "-" in candidate:
        return False  # "a reference range of 700-1600"
    groups = re.findall(r"[0-9]+", candidate)
    digits = sum(map(len, groups))
    if not 7 <= digits <= 15 or "  " in candidate or _UNIT_AFTER.match(text, m.end()):
        return False
    if len(groups) == 1 and digits < 10 and not international:
        return False  # a bare short number is a count or a code
    if all(_YEAR.fullmatch(g) for g in groups) or _DATE_LIKE.fullmatch(candidate):
        return False  # "2019 2020 2021", "14.03.2023"
    if (_YEAR.fullmatch(groups[0]) and digits <= 10) or re.search(r"[0-9]\.[0-9]\b", candidate):
        return False  # "2024-09-12", "lot 2023-0417"; decimals "5.6 4.8 3.9"
    if re.search(r"(?i)\bisbn\b", text[max(0, m.start() - 40) : m.start()]) or (
        digits == 13 and candidate.startswith(("978", "979"))
    ):
        return False  # a book's ISBN-13
    if international or (
        re.fullmatch(r"0[1-9](?:[ .-]?[0-9]{2}){4}", candidate) and not _is_a_count(groups)
    ):
        return True  # "06 12 34 56 78": a French number is five pairs
    if _OWN_PHONE_BEFORE.search(text, max(0, m.start() - 30), m.start()):
        return max(map(len, groups)) >= 3  # "my number: 612 345 678", a Spanish mobile
    # A list of small numbers, or "1 000 000" written the French way.
    return max(map(len, groups)) >= 3 and not re.fullmatch(r"[0-9]{1,3}(?: [0-9]{3})+", candidate)


def _is_an_organisations_line(text: str, m: re.Match[str]) -> bool:
    """A free number beside an organisation's name, or a place's switchboard or reception,
    with no "me" or "my" just before it."""
    before = text[max(0, m.start() - 120) : m.start()]
    said_of_one = _PUBLIC_LINE.search(before[-80:]) or (
        _FREE_NUMBER.match(m.group())
        and _ORGANISATION.search(before + text[m.end() : m.end() + 40])
    )
    # "my" counts in the clause that leads to the number: "call my office 1-800-...", not
    # "the helpline was kind before my first one, 1890 252 846".
    return bool(said_of_one and not _PERSONAL.search(re.split(r"[,;(]", before[-30:])[-1]))


def is_read_out(phrase: str, kind: str) -> bool:
    """Nine digits or more in words ("oh seven seven double oh ..."), or one at a time
    ("0 7 7 0 0  9 0 0", "0-7-7-0-0 / 9-0-0"); not a count ("one two three ... ten")."""
    readings = said_numbers(phrase)
    enough = _MIN_RECORD_DIGITS if kind == "record_number" else _MIN_WORD_DIGITS
    if len("".join(readings)) < enough or _is_a_count(readings):
        return False
    return (
        bool(re.search(r"(?i)[a-z]{3}", phrase)) or max(map(len, re.findall("[0-9]+", phrase))) == 1
    )


def _is_a_count(numbers: list[str]) -> bool:
    """ "1 2 3 ... 9", "ten twenty thirty ...": numbers going up by the same step."""
    steps = {int(b) - int(a) for a, b in itertools.pairwise(numbers)}
    return len(steps) == 1 and steps.pop() > 0
