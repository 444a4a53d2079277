"""Text detectors for comments: urgent symptoms, private details, and treatment advice.

Pure functions over a string, standard library only, so the screening pipeline can
call them and the moderation UI can highlight ``text[f.start:f.end]``. They aim to
be precise rather than complete: a finding is a nudge for a person, never a verdict.

Hostile input costs linear time: every repetition is bounded or cannot overlap its
neighbour, patterns that scan a run start only where the run starts, and questions
about a sentence are asked once per sentence, not once per match.
"""

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
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'})
_Search = Callable[[re.Pattern[str], int, int], "re.Match[str] | None"]


class _Pieces:
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


def _cached_search(text: str) -> _Search:
    """pattern.search(text, start, end), asked once per piece: a comment that repeats
    one symptom 400 times in one sentence must not rescan the sentence 400 times."""
    return functools.cache(lambda pattern, start, end: pattern.search(text, start, end))


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """Keep the longest of overlapping findings, in order of the text."""
    kept: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.start, f.start - f.end)):
        if not kept or f.start >= kept[-1].end:
            kept.append(f)
    return kept


# A period ends a sentence only before a space or the end, so "38.9" stays whole.
_SENTENCE_BREAK = re.compile(r"[.!?]+(?=\s|$)|[!?]+|[;\n]+")
# Clauses also end at commas and at the words that turn a story: in "I had a clot
# years ago but my leg is swollen now" the past and the present stay apart.
_CLAUSE_BREAK = re.compile(
    r"(?i)[.!?]+(?=\s|$)|[!?]+|[;\n,:]+|\s-+\s|\b(?:but|though|although|however|except)\b"
)

# --- urgent symptoms ---------------------------------------------------------------

_GAP = r"[^.!?;\n]{0,%d}?"  # a short stretch inside one sentence
_BREATHE = r"br(?:ea|e|ee)th?(?:e|ing|in)?\b"  # breath, breathe, breathing, brethe...
_CANT = r"(?:can'?t|cannot|can\s+not|couldn'?t|unable\s+to)"
_LEG = r"(?:legs?|calf|calves|thighs?)"  # not the knee: swollen red knees are lupus arthritis
_LEG_SIGN = (
    r"(?:swollen|swell\w*|red(?:dish)?|hot|warm|painful|tender|throbbing|puffy|"
    r"twice\s+the\s+size|bigger\s+than\s+the\s+other)"
)
_AIRWAY = r"(?:throat|tongue|tounge|tonge|lips?|face|mouth)"
_AIRWAY_SIGN = r"(?:clos\w*|swell\w*|swollen|tight\w*|thick|puff\w*)"
_HEADACHE = r"(?:headache|head\s*ache|migraine|head\s+(?:is\s+)?(?:pounding|splitting|exploding))"
_STIFF_NECK = r"(?:stiff\s+neck|neck\s+(?:is\s+|feels\s+)?(?:\w+\s+)?(?:stiff|rigid))"
# A present-tense self-diagnosis: "I think I have a clot", "worried it's a DVT".
_I_HAVE = r"(?:i(?:\s+think\s+i)?(?:'?ve\s+got|\s+have|\s+might\s+have)|(?:worried|think)\s+it'?s)"

# (kind, label): the wordings for one sign the article says needs help at once.
_SIGNS: dict[tuple[str, str], list[str]] = {
    ("breathing", "trouble breathing"): [
        rf"\b{_CANT}\s+(?:\w+\s+)?{_BREATHE}",
        rf"\b(?:struggl\w*|hard|trouble|difficult\w*|problems?|issues?)\s+(?:to\s+)?{_BREATHE}",
        rf"\b{_CANT}\s+(?:catch|get)\s+my\s+breath|\b{_CANT}\s+get\s+(?:enough\s+)?air",
        r"\bshort(?:ness)?\s+of\s+breath|\bbreathless\w*",
        r"\b(?:gasping|struggling)\s+for\s+(?:air|breath)",
        r"\bbreathing\s+(?:is\s+|feels\s+)?(?:really\s+|so\s+|very\s+)?"
        r"(?:bad|hard|difficult|laboured|labored|shallow|awful|problems?|trouble|issues?)\b",
    ],
    ("allergic_reaction", "wheezing"): [r"\bwh?ee?z(?:e|es|ing|y)\b"],
    ("allergic_reaction", "swelling of the face, lips, tongue or throat"): [
        rf"\b{_AIRWAY}\b\s+(?:(?:is|are|feels?|felt|keeps?|started|getting|going|has|have)\s+)"
        rf"{{0,2}}(?:\w+\s+)?{_AIRWAY_SIGN}",
        rf"\b(?:swollen|swelling)\s+(?:(?:of|in)\s+)?(?:(?:my|her|his|the)\s+)?{_AIRWAY}\b",
    ],
    ("allergic_reaction", "a severe allergic reaction"): [
        r"\banaphyla\w*",
        r"\b(?:severe|serious|bad|having|going\s+into)\s+(?:an\s+)?allergic\s+reaction",
    ],
    ("chest_pain", "chest pain"): [
        r"\bchest\s+(?:pains?|hurts?|hurting|tight\w*|pressure|heaviness|discomfort)",
        r"\bchest\s+(?:is|feels?|felt|went|getting)\s+(?:\w+\s+)?"
        r"(?:tight|heavy|sore|painful|crushing)",
        r"\b(?:pains?|pressure|tightness|heaviness|squeezing)\s+(?:in|on|across)\s+"
        r"(?:my|the|her|his)\s+chest",
    ],
    ("clot_signs", "a red, painful, swollen leg"): [
        rf"\b{_LEG}\b{_GAP % 30}\b{_LEG_SIGN}\b",
        rf"\b{_LEG_SIGN}\s+(?:(?:in|of)\s+)?(?:(?:my|her|his|the|both)\s+)?"
        rf"(?:(?:left|right|lower)\s+)?{_LEG}\b",
        r"\bcalf\s+(?:pain|ache)",
    ],
    ("clot_signs", "a possible blood clot"): [
        rf"\b{_I_HAVE}\s+(?:an?\s+)?(?:blood\s+)?(?:clot|dvt)\b"
    ],
    ("slurred_speech", "slurred speech"): [r"\bslur+(?:r?ed|r?ing|r?y|s)?\b"],
    ("weakness", "arm or leg weakness"): [
        r"\b(?:arm|leg|hand)s?\s+(?:(?:is|are|feels?|felt|went|goes|going|has\s+gone|have\s+gone|"
        r"gone|got|getting)\s+)?(?:(?:all|really|so|very|completely|suddenly|kinda)\s+)?"
        r"(?:weak|numb|limp)\b",
        r"\b(?:arm|leg)\s+weakness\b",
        r"\bweak(?:ness)?\s+(?:in|of|on)\s+(?:(?:my|her|his|the|one)\s+)?(?:left\s+|right\s+)?"
        r"(?:arm|leg|hand|side)",
        rf"\b{_CANT}\s+(?:lift|move|feel)\s+my\s+(?:left\s+|right\s+)?(?:arm|leg|hand)",
    ],
    # A headache alone is a nuisance side effect; with a stiff neck it may be meningitis.
    ("meningitis_signs", "a severe headache with a stiff neck"): [
        rf"\b{_HEADACHE}{_GAP % 60}{_STIFF_NECK}|\b{_STIFF_NECK}{_GAP % 60}{_HEADACHE}",
        r"\bworst\s+headache\s+(?:of\s+my\s+life|ever)",
        rf"\b{_I_HAVE}\s+(?:aseptic\s+)?meningitis",
    ],
}
_SYMPTOMS = [
    (kind, label, re.compile("(?i)" + "|".join(alts))) for (kind, label), alts in _SIGNS.items()
]

# NegEx-style: a negation counts in the few words before the symptom in its own
# clause ("no chest pain, but my leg is swollen" keeps the leg), and inside a match
# that spans words ("headache but no stiff neck", "leg is not swollen").
_NEGATION = re.compile(
    r"(?i)\b(?:no|not|never|without|zero|none|nor|neither|didn'?t|don'?t|doesn'?t|haven'?t|"
    r"hasn'?t|wasn'?t|weren'?t|isn'?t|aren'?t|did\s+not|do\s+not|free\s+of|denies|denied)\b"
)
_NEGATION_WINDOW = 5  # words, as in NegEx
# Negation words that negate nothing after them; and "can't breathe", whose "not" is
# the symptom itself.
_PSEUDO_NEGATION = re.compile(
    r"(?i)\b(?:(?:don'?t|do\s+not|didn'?t)\s+know|not\s+sure|no\s+idea|not\s+just|not\s+only)\b|"
    + _CANT
)
# Talk about the warning signs rather than having them, before the symptom in its
# clause: "call 911 if you can't breathe", "watch out for chest pain", "anyone else
# get chest pain?".
_HYPOTHETICAL = re.compile(
    r"(?i)\b(?:if|in\s+case|whether|signs?\s+of|symptoms?\s+of|watch(?:\s+out)?\s+for|"
    r"look\s+out\s+for|warn\w*|says|said\s+to|seek|report|risk\w*|side\s+effects?|"
    r"call\s+(?:911|999|112)|a&e|the\s+er|anyone\s+else|(?:has|does|did)\s+anyone|"
    r"how\s+(?:common|often|likely)|what\s+happens)\b"
)
_LOOK_BACK = 200  # characters before a symptom searched for those cues: about a clause
# Quoting the article or a leaflet, anywhere in the sentence: "the article mentions a
# red, painful, swollen leg", "wheezing is listed as a serious side effect".
_QUOTING = re.compile(
    r"(?i)\b(?:article|leaflet|pamphlet|lists|listed|mentions|warning\s+signs?|keep\s+an\s+eye)\b"
)
# Over, or chronic and known: anywhere in the sentence, unless the symptom's own
# clause says it is happening now.
_PAST = re.compile(
    r"(?i)\b(?:(?:years?|months?|weeks?)\s+ago|once|always|nothing\s+new|for\s+years|as\s+usual|"
    r"last\s+(?:year|month|summer|winter|spring|autumn|fall|time)|used\s+to|back\s+in|"
    r"in\s+(?:19|20)\d\d|when\s+i\s+was|when\s+i\s+(?:first\s+)?(?:started|began)|at\s+first|"
    r"as\s+a\s+(?:kid|child|teen\w*)|went\s+(?:away|down)|gone\s+(?:away|down)|resolved|"
    r"cleared\s+up|settled|subsided|passed(?!\s+out)|wore\s+off|eased|calmed\s+down|fixed|"
    r"(?:was|were|been|felt)\s+(?:fine|ok|okay|alright)|was\s+(?:just|only)|turned\s+out|"
    r"first\s+ever|improv\w*|(?:getting|much|lot|way|so\s+much)\s+better|better\s+now|"
    r"in\s+the\s+past|previously)\b"
)
# Now, or so recent that it still counts: "an hour ago", "last night".
_PRESENT = re.compile(
    r"(?i)\b(?:now|today|tonight|tonite|this\s+(?:morning|afternoon|evening|week)|since|"
    r"currently|still|at\s+the\s+moment|atm|again|keeps?|last\s+night|"
    r"(?:an?|\d+|few|couple\s+of)\s+(?:hours?|hrs?|mins?|minutes?)\s+ago)\b"
)
# Someone else's story told in the past ("my friend had anaphylaxis to it"); someone
# the writer cares for, now, still counts ("my son's lips are swollen").
_OTHER_PERSON = re.compile(
    r"(?i)\b(?:my\s+(?:friend|mum|mom|mother|dad|father|husband|wife|partner|sister|brother|son|"
    r"daughter|aunt|uncle|gran\w*|cousin|neighbou?r|colleague)s?|she|he|someone|a\s+friend)\b"
)
_PAST_VERB = re.compile(r"(?i)\b(?:had|got|was|were|went|did)\b")
_FIRST_PERSON = re.compile(r"(?i)\b(?:i|i'm|im|i've|ive|me|my)\b")


class _Story:
    """One comment cut into sentences and clauses, with its cues found in one pass."""

    def __init__(self, text: str) -> None:
        self.text, self.search = text, _cached_search(text)
        self.sentences = _Pieces(text, _SENTENCE_BREAK)
        self.clauses = _Pieces(text, _CLAUSE_BREAK)
        self.hypothetical = [m.span() for m in _HYPOTHETICAL.finditer(text)]
        self._hypothetical_starts = [s for s, _ in self.hypothetical]

    def _hypothetical_between(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self._hypothetical_starts, start)
        return i < len(self.hypothetical) and self.hypothetical[i][1] <= end

    def is_current(self, start: int, end: int) -> bool:
        """Is the symptom at text[start:end] told as happening now to the writer or theirs?"""
        text, search = self.text, self.search
        c_start, c_end, c_break = self.clauses.at(start)
        s_start, s_end, _ = self.sentences.at(start)
        before = max(c_start, start - _LOOK_BACK)
        window = [*text[before:start].split()[-_NEGATION_WINDOW:], text[start:end]]
        if _NEGATION.search(_PSEUDO_NEGATION.sub(" ", " ".join(window))):
            return False
        if self._hypothetical_between(before, start) or search(_QUOTING, s_start, s_end):
            return False
        # A question about the signs ("has their throat ever felt tight?") is not a report;
        # "is it normal that my chest is tight?" is, so the question must not be the writer's.
        if "?" in c_break and not search(_FIRST_PERSON, c_start, c_end):
            return False
        if search(_PAST, s_start, s_end) and not search(_PRESENT, c_start, c_end):
            return False
        other = search(_OTHER_PERSON, s_start, s_end)
        told_past = other and other.start() < start and search(_PAST_VERB, other.start(), c_end)
        return not (told_past and not search(_PRESENT, s_start, s_end))


def find_urgent_symptoms(text: str) -> list[Finding]:
    """Warning signs the article says need help at once, described as happening now."""
    story = _Story(text.translate(_QUOTES))
    found = [
        Finding(kind, label, m.start(), m.end())
        for kind, label, pattern in _SYMPTOMS
        for m in pattern.finditer(story.text)
        if story.is_current(m.start(), m.end())
    ]
    return _dedupe(found)


# --- private details -----------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.%+'-])[A-Za-z0-9][\w.%+'-]{0,63}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,4}\b"
)
# "carl1970 at gmail dot com": people spell addresses out to get past filters.
_SPELLED_EMAIL = re.compile(
    r"(?i)(?<![\w.+-])[\w.+-]{1,64}(?:\s+at\s+|\s?[(\[]at[)\]]\s?)[\w-]{1,63}"
    r"(?:(?:\s+dot\s+|\s?[(\[]dot[)\]]\s?)[a-z]{2,6}){1,3}\b"
)
# A phone candidate is a bounded run of digits and separators; _is_phone judges it.
_PHONE = re.compile(
    r"(?<![\w.,/:$\u00a3\u20ac+-])\+?\(?[0-9][0-9 ().-]{5,22}[0-9](?![\w/%]|[.,:][0-9])"
)
# A number followed by a unit is a dose, a lab value, a count or money.
_UNIT_AFTER = re.compile(
    r"(?i)\s?(?:mg|mcg|ml|g|kg|iu|units?|mmol|dl|l|%|donors?|patients?|people|times?|hours?|"
    r"mins?|minutes?|days?|weeks?|months?|years?|dollars|pounds|euros)\b"
)
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")
_DATE_LIKE = re.compile(
    r"[0-9]{1,2}[.-][0-9]{1,2}[.-][0-9]{2,4}|[0-9]{4}[.-][0-9]{1,4}(?:[.-][0-9]{1,2})?"
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY = r"[0-9]{1,2}(?:st|nd|rd|th)?"
_FULL_DATE = (
    r"[0-9]{1,2}[/.-][0-9]{1,2}[/.-](?:[0-9]{4}|[0-9]{2})\b|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}\b|"
    rf"{_DAY}\s+(?:of\s+)?{_MONTH}\.?,?\s+[0-9]{{4}}\b|{_MONTH}\.?\s+{_DAY},?\s+[0-9]{{4}}\b"
)
# Only an explicit cue makes a date a birth date: infusion dates are everywhere here,
# and "born in 1985" alone identifies nobody.
_DOB = re.compile(
    r"(?i)\b(?:d\.?o\.?b\b\.?|date\s+of\s+birth|born\s+(?:on|in)|b(?:irth)?-?day\s+is)"
    rf"[\s:,-]{{0,4}}(?:is\s+|was\s+)?(?:the\s+)?(?P<value>{_FULL_DATE})"
)
# A cue, then a number-ish token. Letters may lead; later groups joined by a space
# must start with a digit, so "MRN 00482915 if they ask" stops at the number.
_RECORD = re.compile(
    r"(?i)\b(?:mrn|medical\s+record(?:\s+(?:number|no|num|#))?|record\s+(?:number|no|#)|"
    r"(?:hospital|patient|nhs|chi|insurance|member|policy|subscriber|medicare|medicaid|"
    r"health\s+card)(?:\s+(?:member|id))?\s?(?:id|number|no|num|#))"
    r"(?:[a-z' ]{1,30}?\b(?:is|was)\b)?[\s:#.=-]{0,4}(?:(?:is|was)\b[\s:#.=-]{0,4})?"
    r"(?P<value>[a-z]{0,4}[0-9][a-z0-9]*(?:-[a-z0-9]+|\s[0-9][a-z0-9]*){0,4})\b"
)
_RECORD_MIN_LENGTH = 6  # letters and digits: shorter tokens are room numbers and counts
# Street types that are also common words ("either way", "the drive") count only
# when capitalised.
_STREET_TYPE = (
    r"(?:(?i:street|st|road|rd|avenue|ave|lane|ln|boulevard|blvd|terrace|crescent|cres|"
    r"highway|hwy|parkway|pkwy)|(?-i:Drive|Dr|Way|Court|Ct|Close|Place|Pl|Gardens|Square|Row|"
    r"Mews|Grove|Hill|Walk))\b\.?"
)
# Words that cannot be part of a street name: "3 rounds at St Luke's" and "room 12 on
# the 4th floor" are not addresses.
_NOT_STREET_WORD = (
    r"(?:at|in|on|to|and|or|of|my|your|our|the|a|an|for|from|with|per|by|is|was|are|were|"
    r"x|mg|ml|hours?|mins?|days?|weeks?|months?|years?|rounds?|infusions?|times?)\b"
)
_STREET = re.compile(
    r"(?i)(?<![\w$\u00a3\u20ac.,/-])[0-9]{1,5}[a-z]?\s+"
    rf"(?:(?!{_NOT_STREET_WORD})[a-z][a-z'.-]{{0,20}}\s+){{1,3}}{_STREET_TYPE}"
    r"(?!\s[A-Z][a-z]+'s)"  # "... St Luke's" names a hospital
    r"|\bp\.?\s?o\.?\s?box\s[0-9]{1,6}\b"
)


def _is_phone(text: str, m: re.Match[str]) -> bool:
    candidate, international = m.group(), m.group().startswith("+")
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
    if international:
        return True
    # A list of small numbers, or "1 000 000" written the French way.
    return max(map(len, groups)) >= 3 and not re.fullmatch(r"[0-9]{1,3}(?: [0-9]{3})+", candidate)


_PRIVATE = [
    ("email", "an e-mail address", _EMAIL, 0),
    ("email", "an e-mail address", _SPELLED_EMAIL, 0),
    ("street_address", "a street address", _STREET, 0),
    ("date_of_birth", "a date of birth", _DOB, "value"),
    ("record_number", "a medical record or insurance number", _RECORD, "value"),
]


def find_private_details(text: str) -> list[Finding]:
    """Phone numbers, e-mail addresses, street addresses, birth dates, record numbers."""
    text = text.translate(_QUOTES)
    found = [
        Finding(kind, label, *m.span(group))
        for kind, label, pattern, group in _PRIVATE
        for m in pattern.finditer(text)
        if kind != "record_number" or len(re.sub(r"\W", "", m[group])) >= _RECORD_MIN_LENGTH
    ]
    # A phone-shaped number inside something already found (an NHS number, a policy
    # number, a date of birth) is that thing, not a phone.
    taken = [(f.start, f.end) for f in found]
    found += [
        Finding("phone", "a phone number", *m.span())
        for m in _PHONE.finditer(text)
        if _is_phone(text, m) and not any(s < m.end() and m.start() < e for s, e in taken)
    ]
    return sorted(found, key=lambda f: f.start)


# --- medical advice --------------------------------------------------------------------

_TREATMENT_VERB = (
    r"(?:stop|start|take|skip|double|halve|increase|decrease|reduce|lower|raise|up|cut|switch|"
    r"swap|change|quit|come\s+off|get\s+off|go\s+off|stay\s+off|wean\s+off|taper|avoid|drop|"
    r"ditch|bin|refuse|bother\s+with|be\s+(?:taking|on)|"
    r"let\s+\w+\s+(?:give\s+you|put\s+you\s+on|switch\s+you))"
)
# What the verb must be about, soon after it: "take care of yourself" is not advice.
_TREATMENT = (
    r"(?:dose|doses|dosage|meds?|medications?|medicines?|drugs?|pills?|tablets?|tabs|"
    r"infusions?|ivig|scig|treatment|therapy|prednisone|prednisolone|pred|steroids?|plaquenil|"
    r"hydroxychloroquine|hcq|methotrexate|mtx|cellcept|mycophenolate|mmf|azathioprine|imuran|"
    r"benlysta|rituximab|saphnelo|tacrolimus|cyclophosphamide|benadryl|antihistamines?|tylenol|"
    r"paracetamol|acetaminophen|ibuprofen|advil|nsaids?|aspirin|warfarin|heparin|eliquis|"
    r"xarelto|blood\s+thinners?|anticoagulants?|premeds?|premedication|gamunex|privigen|"
    r"gammagard|octagam|hizentra|cuvitru|panzyga|brands?|generic|subcutaneous|sub-?q|drip|rate|"
    r"injections?|shots?)\b"
)
_OBJECT = rf"[^.!?;,\n]{{0,60}}?\b{_TREATMENT}"
# A clause that opens with a bare treatment verb, after a few words people put first.
# "I stopped taking..." and "my doctor doubled my dose" do not open that way.
_IMPERATIVE = re.compile(
    r"(?i)\s*(?:(?:just|honestly|seriously|please|pls|definitely|also|so|and|then|tbh|imo|"
    r"trust\s+me|ok|okay|ladies|guys|everyone|folks)\b[\s,!]{0,3}){0,3}"
    rf"(?P<advice>(?:(?:don'?t|do\s+not|never|always)\s+)?{_TREATMENT_VERB}\b{_OBJECT})"
)
# "you should/must/need to ... stop your prednisone", "if I were you I'd skip ...",
# wherever it sits in the sentence.
_YOU_MODAL = re.compile(
    r"(?i)\b(?P<advice>(?:(?:you|u|ya|y'all|everyone)\s+(?:really\s+)?(?:should(?:n'?t)?|"
    r"must(?:n'?t)?|need\s+to|have\s+to|gotta|got\s+to|ought\s+to|'d\s+better|better)|"
    r"if\s+i\s+(?:were|was)\s+you[\s,]{0,3}i(?:'d|\s+would))\s+"
    rf"(?:(?:really|just|definitely|not|never|always)\s+)?{_TREATMENT_VERB}\b{_OBJECT})"
)
# Advice that sends people to their own doctor is the good kind.
_DEFER_TO_DOCTOR = re.compile(
    r"(?i)\b(?:ask|talk(?:ing)?\s+to|check(?:ing)?\s+with|speak(?:ing)?\s+(?:to|with)|discuss|"
    r"consult\w*|asking|with|under)\s+(?:it\s+with\s+)?(?:your|the|a|ur)\s+(?:\w+\s+)?"
    r"(?:doctor|dr|doc|rheum\w*|gp|nurse|neuro\w*|specialist|team|pharmacist|consultant|"
    r"prescriber)|\bunless\s+your\s+(?:doctor|dr|doc|rheum\w*)"
)
_ADVICE_CLAUSE_BREAK = re.compile(
    r"(?i)[.!?]+(?=\s|$)|[!?]+|[;\n,:]+|\s-+\s|\b(?:and|then|but|so)\b"
)


def find_medical_advice(text: str) -> list[Finding]:
    """Telling other people to start, stop or change their treatment."""
    text = text.translate(_QUOTES)
    clauses = _Pieces(text, _ADVICE_CLAUSE_BREAK).spans
    imperatives = (_IMPERATIVE.match(text, start, end) for start, end, _ in clauses)
    matches = [m for m in imperatives if m] + list(_YOU_MODAL.finditer(text))
    sentences, search = _Pieces(text, _SENTENCE_BREAK), _cached_search(text)
    found = []
    for m in matches:
        s_start, s_end, s_break = sentences.at(m.start("advice"))
        if "?" in s_break or search(_DEFER_TO_DOCTOR, s_start, s_end):
            continue  # a question, or advice to ask one's own doctor
        found.append(Finding("advice", "advice to change someone's treatment", *m.span("advice")))
    return _dedupe(found)
