"""Private details: phone numbers, e-mail and street addresses, birth dates, record numbers.

Whether a number is a phone is decided in forum.safety.phones."""

from __future__ import annotations

import re

from forum.safety.phones import PHONE, PHONE_IN_WORDS, SPLIT_PHONE, is_phone, is_read_out
from forum.safety.private_lexicon import (
    DAY,
    FOREIGN_MONTH,
    MONTH,
    NOT_PLACE_WORD,
    NOT_STREET_WORD,
    NOT_TOPIC_WORD,
    PROVIDER,
    RECORD_CUE,
    STATE,
    STREET_TYPE,
    STREET_TYPE_CAPITALISED,
    TOPIC,
    WEEKDAY,
    YEAR_WORDS,
)
from forum.safety.spoken import NUMBER_IN_WORDS, SAID_DIGIT
from forum.safety.text import QUOTES, Finding, dedupe

# Typeset dashes and spaces inside numbers ("07700\u2013900\u2013461") become plain ones,
# character for character, so offsets survive. The em dash stays: it parts sentences.
_PLAIN = {**QUOTES, **str.maketrans("\u2010\u2011\u2012\u2013\u2212", "-----")}
_PLAIN |= str.maketrans("\u00a0\u2007\u2009\u202f", "    ")

_EMAIL = re.compile(
    r"(?<![\w.%+'-])[A-Za-z0-9][\w.%+'-]{0,63}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,4}\b"
)
# "carl1970 at gmail dot com": people spell addresses out to get past filters.
_DOT = r"(?:\s+dot\s+|\s?[(\[{<*_-]\s?(?:dot|\.)\s?[)\]}>*_-]\s?)"
_AT = r"(?:\s+at\s+|\s?[(\[{<*_-]\s?(?:at|@)\s?[)\]}>*_-]\s?|\s+@\s*|@\s+)"
# "jane dot doe at gmail dot com", "bob at hotmail.co.uk", "mum2020 @ gmail . com":
# people spell addresses out to get past filters.
_SPELLED_EMAIL = re.compile(
    # "the page at nhs.uk", "a leaflet at lupus.org": a thing at a website, not a person.
    rf"(?i)(?<![\w.+-])(?<!\bthe\s)(?<!\ba\s)(?<!\ban\s)(?<!\bthis\s)(?<!\bthat\s)(?<!\bits\s)"
    r"(?<!'s\s)(?!(?:page|site|website|article|section|leaflet|forum|group|blog|guide|post|look|more|read|"
    r"online|available|here|there|everything)\s)"
    rf"[\w.+-]{{1,64}}(?:{_DOT}[\w+-]{{1,30}}){{0,3}}"
    rf"(?:{_AT}[\w-]{{1,63}}(?:(?:{_DOT}|\s?\.\s?)(?:com|org|net|edu|gov|co|uk|us|ca|au|ie|nz|de|"
    rf"fr|info|me|io|[a-z]{{2}}(?=\s?\.|\s+dot\b))|\s+dot\s+[a-z]{{2,6}}){{1,3}}|(?:{_AT}|@){PROVIDER})\b"
)
# "good info on immunodeficiency at ipopi.org": what is at a website, not who.
_TOPIC_BEFORE = re.compile(rf"(?i)\b{TOPIC}\s+(?:(?!{NOT_TOPIC_WORD})[\w-]+\s+){{0,3}}$")
# "my yahoo id is", "hotmail:", "gmail address ="
_ACCOUNT = r"(?:\s+(?:address|id|user\s?name))?(?:\s+is\s+|\s*[=:]\s*)"
# A name that is not a word or a number: a letter first, then a digit, dot or underscore inside.
_HANDLE = r"[a-z][\w-]{0,30}[0-9._][\w.-]{0,30}[a-z0-9]"
# "my gmail is janedoe86", "hotmail: sue_b_77", "janedoe85 (gmail)"
_PROVIDER_NAME = re.compile(
    rf"(?i)\bmy\s+{PROVIDER}{_ACCOUNT}[a-z0-9][\w.]{{2,40}}\b|"
    rf"\b{PROVIDER}(?:{_ACCOUNT}{_HANDLE}|"
    # "I'm on ymail, username gracie.m.b": the provider, then a name with a dot or digit.
    rf"\b[^.!?\n]{{0,40}}?\buser\s?name\s*(?:is\s+|=\s*|:\s*)?{_HANDLE})\b|"
    rf"\b{_HANDLE}(?:\s+(?:on|via)\s+{PROVIDER}\b|\s?[(\[]{PROVIDER}(?:\.com)?[)\]])"
)
# "k a t e . w i l l s @ g m a i l . c o m"
_SPACED_EMAIL = re.compile(r"(?i)(?<!\S)(?:[a-z0-9._-]\s){2,40}@(?:\s[a-z0-9._-]){3,40}(?!\S)")
# UK postcodes, written in capitals as on an envelope: "SW1A 1AA", "M14 5RT".
_EIRCODE = (
    r"(?:[AC-FHKNPRTV-Y][0-9]{2}|D6W)\s?(?=[0-9A-Z]{0,3}[A-Z])(?=[0-9A-Z]{0,3}[0-9])"
    r"[0-9AC-FHKNPRTV-Y]{4}"
)
_POSTCODE = re.compile(
    r"\b(?:[A-Z]{1,2}[0-9][A-Z0-9]?\s?[0-9][ABD-HJLNP-UW-Z]{2})\b|"
    # An Irish Eircode, letters and digits mixed: "P31 X2Y7", "D6W F4E2".
    rf"\b(?-i:{_EIRCODE})\b|"
    r"(?i:,\s*[a-z][a-z -]{1,30},?\s+[a-z]{1,2}[0-9][a-z0-9]?\s?[0-9][abd-hjlnp-uw-z]{2})\b|"
    # Lower case after "in", "near" or "from": "I'm in ls6 2qt".
    r"(?i:\b(?=[inf])(?:in|near|from)\s(?P<lower>[a-z]{1,2}[0-9][a-z0-9]?\s"
    r"(?![0-9](?:st|nd|rd|th)\b)[0-9][abd-hjlnp-uw-z]{2}))\b|"
    # After its label any case will do: "postcode is m14 5rt", "zip: 60614", "pincode 560038".
    r"(?i:\b(?:post\s?code|postal\s+code|pin\s?code|zip(?:\s?code)?|eircode)\s*(?:is\s*|:\s*|-\s*)?"
    rf"(?P<value>(?i:{_EIRCODE})|"
    r"[a-z]{1,2}[0-9][a-z0-9]?\s?[0-9][abd-hjlnp-uw-z]{2}|[0-9]{5}(?:-[0-9]{4})?|"
    r"[1-9][0-9]{2}\s?[0-9]{3}|[a-z][0-9][a-z]\s?[0-9][a-z][0-9]|"
    # or read out: "post code is B one five, two T T", "zip six oh six one four".
    rf"\b[a-z](?:[\s,]?[a-z])?[\s,]{{1,3}}{SAID_DIGIT}(?:[\s,]{{1,3}}(?:{SAID_DIGIT}|[a-z]))?"
    rf"[\s,]{{1,3}}{SAID_DIGIT}[\s,]{{1,3}}[a-z][\s,]?[a-z]|{SAID_DIGIT}(?:[\s,-]{{1,3}}{SAID_DIGIT}){{4}}))\b"
)
# A US street address ending in a state and ZIP code: "..., Springfield, IL 62704".
_ZIP = re.compile(
    rf"\b{STATE}\s+[0-9]{{5}}(?:-[0-9]{{4}})?\b|\b[A-Z][0-9][A-Z]\s?[0-9][A-Z][0-9]\b|"
    r"\b(?:NSW|VIC|QLD|TAS|ACT|NT|WA|SA)\s+[0-9]{4}\b|"
    rf"(?i:,\s*[a-z]+(?:\s[a-z]+)?,?\s+{STATE}\s+[0-9]{{5}}(?:-[0-9]{{4}})?)\b|"
    # German and Dutch streets put the number after the name: "Lindenstrasse 12, 10115 Berlin".
    r"\b[A-Z][a-z\u00e4\u00f6\u00fc\u00df]+(?:stra(?:ss|\u00df)e|str\.|weg|gasse|platz|allee|straat|laan|gracht|kade|plein|singel|dijk)\s+"
    r"[0-9]{1,4}[a-z]?\b(?:,\s*[0-9]{4,5}(?:\s?[A-Z]{2})?\s+[A-Z][a-z]+)?|"
    # So do Spanish, Italian and Portuguese ones: "Calle Mayor 12", "Via Roma 5, 00184".
    r"\b(?:Calle|Avenida|Via|Viale|Corso|Piazza|Rua|Carrer|Paseo)\s+(?:(?:de|del|la|da|dos)\s+)?"
    r"[A-Z][a-z\u00e0-\u00ff]+(?:\s[A-Z][a-z\u00e0-\u00ff]+)?,?\s+[0-9]{1,4}\b|"
    # An Indian PIN after the city closes an address: ", Bangalore 560038", "Hyderabad - 500034".
    r"(?:,|\s-)\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?\s*-?\s*[1-9][0-9]{2}\s?[0-9]{3}\b"
    r"(?![\s-]?[0-9]|\s?(?i:rupees|rs|inr|lakhs?|units|donors|people|patients|mg|ml|g|iu)\b)|"
    # Its first line: "Flat No. 302, Sai Residency", "H.No. 4-12, Gandhi Nagar".
    r"\b(?=[FfHhDdPp])(?i:(?:flat|house|door|plot)\s|h\.\s?)(?i:no)\.?\s?[0-9]{1,5}(?:[/-][0-9]{1,4})?[A-Za-z]?,\s+[A-Z][a-z]+"
)

_FULL_DATE = (
    r"[0-9]{1,2}[/.-][0-9]{1,2}[/.-](?:[0-9]{4}|[0-9]{2})\b|[0-9]{4}[/.-][0-9]{1,2}[/.-][0-9]{1,2}\b|"
    rf"[0-9]{{1,2}}[\s/.-]{MONTH}[\s/.-](?:[0-9]{{4}}|[0-9]{{2}})\b|"
    rf"{DAY}\s+(?:of\s+)?{MONTH}\.?,?\s+(?:in\s+)?(?:[0-9]{{4}}|'?[0-9]{{2}})\b|"
    rf"{MONTH}\.?\s+(?:the\s+)?{DAY},?\s+(?:[0-9]{{4}}|'?[0-9]{{2}})\b|"
    rf"{MONTH}\s+[0-9]{{4}},?\s+on\s+the\s+{DAY}\b|{MONTH},?\s+on\s+the\s+{DAY},?\s+[0-9]{{4}}\b|"
    rf"{DAY}\s+(?:of\s+)?{MONTH},?\s+{YEAR_WORDS}\b|"
    r"[0-9]{1,2}\s?/\s?[0-9]{1,2}\s?/\s?(?:[0-9]{4}|[0-9]{2})\b|[0-9]{4}\s[0-9]{2}\s[0-9]{2}\b|"
    # Spaced out so scrapers miss it: "1 1 / 0 6 / 1 9 7 1".
    r"[0-9]\s?[0-9]?\s?[/.-]\s?[0-9]\s?[0-9]?\s?[/.-]\s?[0-9](?:\s?[0-9]){3}\b|"
    rf"[0-9]{{4}},?\s+(?:on\s+)?{MONTH}\.?\s+(?:the\s+)?{DAY}\b|"
    rf"[0-9]{{4}},?\s+(?:on\s+)?the\s+{DAY}\s+(?:of\s+)?{MONTH}\b|"
    r"(?:christmas|new\s+year'?s|boxing|valentine'?s|st\.?\s+patrick'?s|halloween)\s+(?:eve|day)?,?\s*[0-9]{4}\b"
)
# Only an explicit cue makes a date a birth date: infusion dates are everywhere here,
# and "born in 1985" alone identifies nobody.
# After the strongest cues a day and month alone, or eight digits, are enough.
_DAY_MONTH_WORDS = rf"{DAY}\s+(?:of\s+)?{MONTH}\b|{MONTH}\.?\s+(?:the\s+)?{DAY}\b"
_DAY_MONTH = (
    rf"{_DAY_MONTH_WORDS}|[0-9]{{1,2}}[/.][0-9]{{1,2}}\b|"
    r"[0-9]{8}\b|[0-9]{1,2}\s[0-9]{1,2}\s(?:[0-9]{4}|[0-9]{2})\b|"
    rf"{DAY}\s+(?:de\s+)?{FOREIGN_MONTH}\b(?:,?\s+(?:de\s+)?[0-9]{{4}}\b)?"
)
# "DOB", "D-O-B", "date of birth", and as forms abroad print it.
_DOB_CUE = (
    r"(?:d[.-]?o[.-]?b\b\.?|date\s+of\s+birth|birth\s*date|fecha\s+de\s+nacimiento|"
    r"date\s+de\s+naissance|geburtsdatum|data\s+di\s+nascita|data\s+de\s+nascimento)"
)
_DOB = re.compile(
    rf"(?i)(?=[0-9a-z])\b(?:(?:{_DOB_CUE}|b(?:irth)?-?day|birth\s+cert(?:ificate)?|n[e\u00e9]e?\s+le|nacid[oa]\s+el|nat[oa]\s+il|nascid[oa]\s+em|geb(?:oren|\.)(?:\s+am)?)"
    rf"[^.!\n0-9]{{0,120}}?\b(?=[0-9a-z]){WEEKDAY}?(?P<strong>{_FULL_DATE}|{_DAY_MONTH})|"
    # "born in '76, on the 12th of May": the year may come first.
    r"(?:born|b\.|came\s+into\s+(?:the|this)\s+world)(?:\s+in\s+'?(?:19|20)?[0-9]{2},?)?"
    r"(?:\s+(?:on|in))?[\s:,-]{0,4}(?:the\s+)?"
    rf"{WEEKDAY}?(?P<value>{_FULL_DATE}|{_DAY_MONTH_WORDS})|"
    # "turning 40 on Valentine's - 14/02/1985": an age reached on a date names the birth.
    rf"turn(?:s|ed|ing)\s+[0-9]{{1,3}}\b[^.!?\n0-9]{{0,30}}?(?P<turning>{_FULL_DATE})|"
    rf"(?P<before>{_FULL_DATE})\s*\(?\s*(?:(?:is|was)\s+)?(?:(?:under|as|for)\s+)?(?:my|his|her|their|"
    rf"mum'?s|dad'?s)?\s*(?:{_DOB_CUE}|birthday)|"
    rf"\ban?\s+(?P<baby>(?:{_FULL_DATE})|{_DAY_MONTH_WORDS}|(?:christmas|new\s+year'?s)\s+(?:eve|day),?\s+[0-9]{{4}})(?:\s+[a-z]+)?\s+baby)"
)
_RECORD = re.compile(
    rf"(?i)(?=[0-9a-z])(?:\b{RECORD_CUE}"  # a word starts here: most places fail at once
    # Words between the name and the number end in a verb or a pause: "MRN on the board
    # myself - 0048...", "CHI, mine's 1203...", "patient no. at the Mater is 22-08813".
    r"(?:\.?[a-z', ()]{1,40}?(?:\b(?:is|ist|es|est|was|it'?s|mine'?s|linked\s+to|says|reads|"
    r"shows)\b|"
    r"\s?[\u2014:]|\s-|,))?"
    r"[\s:#.,=(-]{0,4}"
    r"(?:(?:is|ist|es|est|was)\b[\s:#.=-]{0,4})?"  # "ist", "es", "est": German, Spanish, French
    r"(?P<value>(?!d\.?o\.?b\b)(?:[a-z]{0,6}[/-]?|(?-i:[A-Z]{1,6})\s)[0-9][a-z0-9]*(?:[-/.][a-z0-9]+|\s[0-9][a-z0-9]*){0,4}|"
    r"[a-z0-9]+(?:[-/][a-z0-9]+){1,4})\b|"
    r"(?P<before>\b[a-z]{0,4}[0-9][a-z0-9/-]{0,30}(?:\s[0-9][a-z0-9/-]{0,30}){0,3})\s+(?:is|was)\s+"
    r"(?:my|his|her|their)\s+"
    r"(?:mrn|nhs\s+number|hospital\s+number|patient\s+id|medical\s+record\s+number|chi\s+number|"
    r"member\s+id|policy\s+number)\b)"
)
# "NHS number is four eight five ...": a record's name just before digits read out.
_RECORD_CUE_BEFORE = re.compile(
    rf"(?i)\b{RECORD_CUE}(?:[\s,]+(?!(?:call|text|ring|me|mobile|cell)\b)[a-z']+){{0,4}}?[\s:#.,=(-]{{0,4}}$"
)
# Shapes that are record numbers whatever the words around them: a UK National
# Insurance number ("QQ 12 34 56 C"), an Indian PAN ("ABCPK1234L"), a US Medicare
# number ("1EG4-TE5-MK73": digits and letters in fixed places), ten digits grouped
# 3-3-4 beside "NHS", and a number led by two zeros beside a wristband or hospital.
_MBI_LETTER = "[AC-HJKMNP-RT-Y]"  # no S, L, O, I, B or Z
_CARE_WORD = r"(?:wrist\s?band|band|chart|mrn|hospital|records?|patient)"
_RECORD_SHAPE = re.compile(
    r"(?=[0-9A-Za-z])(?:\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z]{2}\s?[0-9]{2}\s?[0-9]{2}\s?[0-9]{2}\s?[A-D]\b|"
    r"\b[A-Z]{3}[ABCFGHJLPT][A-Z][0-9]{4}[A-Z]\b|"
    # A Singapore NRIC ("S7634189H"); a Malaysian IC or Korean RRN, a birth date then more
    # digits ("880512-14-5678"); a Philippine PhilHealth or SSS number ("01-025487631-9").
    r"\b[STFGM][0-9]{7}[A-Z]\b|"
    r"\b[0-9]{2}(?:[01][0-9][0-3][0-9]-(?:[0-9]{2}-[0-9]{4}|[1-4][0-9]{6})|-[0-9]{7,9}-[0-9])\b|"
    rf"\b[1-9]{_MBI_LETTER}[0-9A-Z][0-9]-?{_MBI_LETTER}[0-9A-Z][0-9]-?{_MBI_LETTER}{{2}}[0-9]{{2}}\b|"
    r"(?i:\bnhs\b[^.!?\n]{0,60}?)(?P<nhs>\b[1-9][0-9]{2}[\s-]?[0-9]{3}[\s-]?[0-9]{4}\b)|"
    r"(?P<nhs_before>\b[1-9][0-9]{2}[\s-]?[0-9]{3}[\s-]?[0-9]{4}\b)(?i:[^.!?\n0-9]{0,30}?\bnhs\b)|"
    rf"(?i:\b{_CARE_WORD}\b[^.!?\n]{{0,60}}?)(?P<zeros>\b00[0-9]{{4,8}}\b)|"
    rf"(?P<zeros_before>\b00[0-9]{{4,8}}\b)(?i:[^.!?\n]{{0,60}}?\b{_CARE_WORD}\b))"
)
_RECORD_MIN_LENGTH = 6  # letters and digits: shorter tokens are room numbers and counts
_TRIAL_REGISTRY = re.compile(r"(?i)(?:nct|isrctn|actrn|euctr|ctri|drks)[0-9]")
_PRODUCT = re.compile(r"(?i)\b(?:batch|lot|recall\w*|order|tracking|parcel|delivery|invoice)\b")
_STREET = re.compile(
    # "9 Hollybush Lane", "number 9, Hollybush Lane", "Plot 14, Kira Road", "5/22 Smith St" and
    # "1402-250 Queens Quay" (unit 5 of number 22, unit 1402 of number 250).
    r"(?i)(?=[0-9nfhp])(?:\b(?:number|flat|house|plot)\s+[0-9]{1,4}[a-z]?,\s+|"
    r"(?<![\w$\u00a3\u20ac.,/-])(?:[0-9]{1,4}[a-z]?[/-])?[0-9]{1,5}[a-z]?\s+)"
    rf"(?:(?!{NOT_STREET_WORD})(?:[a-z][a-z'.-]{{0,20}}|[0-9]{{1,3}}(?:st|nd|rd|th))\s+){{1,3}}"
    rf"{STREET_TYPE}(?!\s[A-Z][a-z]+'s)"  # "... St Luke's" names a hospital
    # No street word, but the post went there and a town follows: "went to 14 Ard na Gréine,
    # Ballincollig", "we live at 3 Les Tilleuls, Lyon", "Address: 15 Nguyen Hue, District 1".
    r"|(?=[adfilmpsw])\b(?:(?:live[sd]?|living|moved|went|sent|posted|delivered|forwarded)\s+"
    r"(?:in\s?to|to|at)|address(?:\s+is)?:?|(?:we'?re|i'?m)\s+at)\s+"
    rf"(?P<place>[0-9]{{1,4}}[a-z]?,?\s+(?!{NOT_PLACE_WORD})(?-i:[A-Z][\w'-]+)"
    r"(?:\s+(?:(?:na|an|de|du|des|la|le|les|del|van|der|of|the)\s+)?(?-i:[A-Z][\w'-]+)){0,3}),"
    r"\s+(?-i:[A-Z][a-z]+\b)"
    # A box or a rural route stands for a street: "PO Box 4471", "RR 2, Box 14", "RD 3 Waipu".
    r"|\b(?:p\.?\s?o\.?\s?|post\s+office\s+|gpo\s+|locked\s+)box\s?#?\s?[0-9]{1,6}\b|"
    r"\b(?:private\s+bag|rural\s+(?:route|delivery))\s+#?[0-9]{1,4}\b|"
    r"\b(?-i:RR|R\.R\.|RD|R\.D\.)\s?[0-9]{1,2},?\s+(?-i:Box\s?#?\s?[0-9]{1,5}|[A-Z][a-z]+)\b|"
    # A house number in words, the address ending there: "at forty-four Kowhai Road, Mt Eden"
    # ("Forty Winks Road is a podcast").
    rf"(?<![\w-]){NUMBER_IN_WORDS},?\s+(?-i:(?:[A-Z][a-z'.-]{{1,20}}\s+){{1,3}}){STREET_TYPE_CAPITALISED}"
    r"(?=\s*(?:[,.!;)\n]|$))|"
    # The type before the name: "55 rue de la Paix", "12 calle Mayor", "45 Jalan Ampang".
    r"(?<![\w.,/-])[0-9]{1,4}(?:\s?bis|\s?ter)?,?\s+(?:rue|calle|avenida|rua|chemin|impasse|quai|jalan|jln|lorong|soi)\s+"
    r"(?:(?:de|du|des|del|della|la|le|d')\s*){0,2}(?-i:[A-Z])[a-z\u00e0-\u00ff]+"
)


_PRIVATE = [
    ("email", "an e-mail address", _EMAIL, 0),
    ("email", "an e-mail address", _SPELLED_EMAIL, 0),
    ("email", "an e-mail address", _SPACED_EMAIL, 0),
    ("email", "an e-mail address", _PROVIDER_NAME, 0),
    ("phone", "a phone number", SPLIT_PHONE, "number"),
    ("street_address", "a street address", _STREET, ("place", 0)),
    ("street_address", "a postcode", _POSTCODE, ("value", "lower", 0)),
    ("street_address", "a street address", _ZIP, 0),
    ("date_of_birth", "a date of birth", _DOB, ("strong", "value", "turning", "before", "baby")),
    ("record_number", "a medical record or insurance number", _RECORD, ("value", "before")),
    (
        "record_number",
        "a medical record or insurance number",
        _RECORD_SHAPE,
        ("nhs", "nhs_before", "zeros", "zeros_before", 0),
    ),
]


def find_private_details(text: str) -> list[Finding]:
    """Phone numbers, e-mail addresses, street addresses, birth dates, record numbers."""
    text = text.translate(_PLAIN)
    found = [
        Finding(kind, label, *m.span(group))
        for kind, label, pattern, groups in _PRIVATE
        for m in pattern.finditer(text)
        for group in [_first_matched(m, groups)]
        if _stands(kind, text, m, m[group])
    ]
    # A phone-shaped number inside something already found (an NHS number, a policy
    # number, a date of birth) is that thing, not a phone.
    taken = [(f.start, f.end) for f in found]
    found += [
        Finding("phone", "a phone number", *m.span())
        for m in PHONE.finditer(text)
        if is_phone(text, m) and not any(s < m.end() and m.start() < e for s, e in taken)
    ]
    found += [
        Finding(kind, label, *m.span())
        for m in PHONE_IN_WORDS.finditer(text)
        for kind, label in [_phone_or_record(text, m.start())]
        if is_read_out(m.group(), kind)
    ]
    return dedupe(found)  # one finding where two patterns saw the same address


def _stands(kind: str, text: str, m: re.Match[str], value: str) -> bool:
    """A record number must look like one and not be an order's ("Reference 2023-44817 was
    on the recall notice"); "info on lupus at lupus.org" is a website, not an address."""
    if kind == "record_number":
        product = m[0].lower().startswith("ref") and _PRODUCT.search(text, m.start(), m.end() + 80)
        return _looks_like_an_id(value) and not product
    before = text[max(0, m.start() - 60) : m.start()]
    return m.re is not _SPELLED_EMAIL or not _TOPIC_BEFORE.search(before)


def _phone_or_record(text: str, start: int) -> tuple[str, str]:
    """ "NHS number is four eight five ...": read out after a record's name, it is that record."""
    if _RECORD_CUE_BEFORE.search(text, max(0, start - 60), start):
        return "record_number", "a medical record or insurance number"
    return "phone", "a phone number"


def _looks_like_an_id(value: str) -> bool:
    """Long enough, and with a digit: "RHEUM-88213", not "on the letter"."""
    compact = re.sub(r"\W", "", value)
    if _TRIAL_REGISTRY.match(compact):
        return False  # "NCT01234567" names a public trial, not a person
    return len(compact) >= _RECORD_MIN_LENGTH and sum(c.isdigit() for c in compact) >= 4


def _first_matched(m: re.Match[str], groups: int | str | tuple[str, ...]) -> int | str:
    """The group of `m` that holds the finding: the first of `groups` that took part."""
    if not isinstance(groups, tuple):
        return groups
    return next(g for g in groups if m.group(g) is not None)
