"""Numbers read out in words, as people write them to get past filters.

"oh seven seven double oh nine ...", "0seven7", "forty-six": the patterns here find the
words, and said_numbers() reads them back as digits. forum.safety.private decides
what the digits are (a phone, a record number, a postcode).
"""

from __future__ import annotations

import re

_DIGITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
DIGIT_WORDS = {
    **dict.fromkeys(["zero", "oh", "o", "nought"], "0"),
    **{word: str(n) for n, word in enumerate(_DIGITS, 1)},
}
_DIGIT_NAME = f"(?:{'|'.join(sorted(DIGIT_WORDS, key=len, reverse=True))})"  # "one" before "o"
_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"]
_TEENS += ["eighteen", "nineteen"]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_TENS_NAME = f"(?:{'|'.join(_TENS)})"
_NUMBER_WORD = rf"(?:{_TENS_NAME}|{'|'.join(_TEENS)}|{_DIGIT_NAME}|hundred|thousand|plus)"
# One digit said or written: "B one five, two T T" is a postcode.
SAID_DIGIT = rf"(?:{_DIGIT_NAME}|[0-9])"
# A digit word, a group of digits, or both glued together: "0seven7".
NUMBER_TOKEN = rf"(?:[0-9]{{1,5}}|[0-9]*+(?:{_NUMBER_WORD}[0-9]*+)+)"
REPEAT = r"(?:double|triple|treble)"
# A house number in words, one to ninety-nine: "forty-four Kowhai Road".
NUMBER_IN_WORDS = (
    rf"(?=[eftnos])(?:{_TENS_NAME}(?:[\s-](?:{'|'.join(_DIGITS)}))?|{'|'.join(_TEENS)}|"
    rf"{'|'.join(_DIGITS)})\b"
)
# A first-character test before the long alternation: most words in a comment fail it.
_FIRSTS = {word[0] for word in [*DIGIT_WORDS, *_TEENS, *_TENS, "hundred", "thousand", "plus"]}
TOKEN_START = f"(?=[0-9dt{''.join(sorted(_FIRSTS))}])"  # d, t: double, triple, treble

_SAID_AS = {**DIGIT_WORDS, "hundred": "00", "thousand": "000"}
_SAID_AS |= {word: str(n) for n, word in enumerate(_TEENS, 10)}
_SAID_AS |= {word: f"{n}0" for n, word in enumerate(_TENS, 2)}
# "forty-six" is one reading of two digits; "forty" alone is "40".
_SAID = re.compile(
    rf"(?i){REPEAT}|hundred|thousand|(?P<tens>{_TENS_NAME})[\s-]?(?P<unit>{'|'.join(_DIGITS)})\b|"
    rf"{_NUMBER_WORD}|[0-9]"
)


def said_numbers(phrase: str) -> list[str]:
    """The numbers "oh seven double five ..." or "0seven7" stands for, as read: "0", "7", "55"."""
    said, repeat = [], 1
    for m in _SAID.finditer(phrase.lower()):
        word = m.group()
        if word in ("double", "triple", "treble"):
            repeat = 2 if word == "double" else 3
        elif word != "plus":
            tens = m["tens"] and _SAID_AS[m["tens"]][0] + DIGIT_WORDS[m["unit"]]
            said.append((tens or _SAID_AS.get(word, word)) * repeat)
            repeat = 1
    return said
