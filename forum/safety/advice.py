"""Medical advice: telling other people to start, stop or change their treatment."""

from __future__ import annotations

import re

from forum.safety.text import QUOTES, SENTENCE_BREAK, Finding, Pieces, cached_search, dedupe

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
    text = text.translate(QUOTES)
    clauses = Pieces(text, _ADVICE_CLAUSE_BREAK).spans
    imperatives = (_IMPERATIVE.match(text, start, end) for start, end, _ in clauses)
    matches = [m for m in imperatives if m] + list(_YOU_MODAL.finditer(text))
    sentences, search = Pieces(text, SENTENCE_BREAK), cached_search(text)
    found = []
    for m in matches:
        s_start, s_end, s_break = sentences.at(m.start("advice"))
        if "?" in s_break or search(_DEFER_TO_DOCTOR, s_start, s_end):
            continue  # a question, or advice to ask one's own doctor
        found.append(Finding("advice", "advice to change someone's treatment", *m.span("advice")))
    return dedupe(found)
