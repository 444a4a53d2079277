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

from forum.safety.text import (
    CLAUSE_BREAK,
    QUOTES,
    Finding,
    Pieces,
    cached_search,
    dedupe,
)

_GAP = r"[^.!?;\n]{0,%d}?"  # a short stretch inside one sentence
_BREATHE = r"br(?:ea|e|ee)th?(?:e|ing|in|in')?\b"  # breath, breathe, breathing, brethe...
_CANT = (
    r"(?:can'?t|cannot|can\s+not|couldn'?t|unable\s+to|cnt|carn'?t|can'?t\s+seem\s+to|"
    r"won'?t|wouldn'?t)"
)
_WHOSE = r"(?:(?:my|his|her|their|the|our|your|a)\s+)?"
_LEG = r"(?:legs?|calf|calves|thighs?)"  # not the knee: swollen red knees are lupus arthritis
_LEG_SIGN = (
    r"(?:swollen|swell\w*|red(?:dish)?|hot|warm|painful|tender|throbbing|puff\w*|"
    r"twice\s+the\s+size|bigger\s+than\s+the\s+other|agony)"
)
_AIRWAY = r"(?:throat|tongue|tounge|tonge|lips?|face|mouth|eyelids?)"
_AIRWAY_SIGN = (
    r"(?:clos\w*|swell\w*|swollen|tight\w*|thick\w*|puff\w*|huge|massive|blow\w*\s+up|"
    r"funny|weird|shutting)"
)
_HEADACHE = (
    r"(?:headache|head\s*ache|migraine|head\s+(?:is\s+|'?s\s+)?(?:pounding|splitting|exploding|"
    r"killing|hurts|throbbing))"
)
_STIFF_NECK = (
    r"(?:stiff\s+neck|neck\s+(?:is\s+|feels\s+|'?s\s+)?(?:\w+\s+)?(?:stiff|rigid)|"
    rf"{_CANT}\s+(?:bend|move)\s+{_WHOSE}neck|chin\s+(?:on|to)\s+{_WHOSE}chest|"
    r"neck\s+(?:won'?t|wouldn'?t|can'?t|doesn'?t|does\s+not|will\s+not)\s+(?:bend|move))"
)
_I_HAVE = r"(?:i(?:\s+think\s+i)?(?:'?ve\s+got|\s+have|\s+might\s+have)|(?:worried|think)\s+it'?s)"
_WEE = r"(?:pee|wee|urine|piss|water)"
_PEED = (
    r"(?:peed|pee'?d|weed|wee'?d|pissed|urinated|had\s+a\s+(?:wee|pee)|passed\s+(?:urine|water))"
)
_FAINT = r"(?:faint\w*|pass(?:ed|ing)?\s+out|black(?:ed|ing)?\s+out|keel\w*\s+over)"

# (kind, label): the wordings of one warning sign.
_SIGNS: dict[tuple[str, str], list[str]] = {
    ("breathing", "trouble breathing"): [
        rf"\b{_CANT}\s+(?:\w+\s+){{0,2}}{_BREATHE}",
        rf"\b{_CANT}\s+(?:catch|get|take|draw)\s+(?:(?:my|his|her|their|a|any)\s+)?"
        r"(?:proper\s+|full\s+|deep\s+|decent\s+|enough\s+)?(?:breath|air)",
        rf"\b(?:struggl\w*|hard|trouble|difficult\w*|problems?|issues?|fighting|labou?r\w*)\s+"
        rf"(?:to\s+|for\s+|with\s+(?:(?:his|her|my)\s+)?)?(?:\w+\s+)?{_BREATHE}",
        r"\bshort(?:ness)?\s+of\s+breath|\bbreathless\w*|\bsob\b",
        r"\b(?:gasping|struggling|fighting)\s+(?:for\s+)?(?:air|breath)",
        rf"\b{_BREATHE}\s+(?:is\s+|feels\s+|'?s\s+)?(?:really\s+|so\s+|very\s+|v\s+|all\s+)?"
        r"(?:bad|hard|difficult|laboured|labored|shallow|awful|fast|rapid|weird|funny|strange|"
        r"noisy|raspy|rattly|problems?|trouble|issues?)\b",
        rf"\b(?:hurts?|painful|pain|agony|stabbing)\s+(?:\w+\s+){{0,2}}(?:to|when|as|if)\s+"
        rf"(?:\w+\s+){{0,2}}{_BREATHE}",
    ],
    ("allergic_reaction", "wheezing"): [r"\bwh?ee?z(?:e|es|ed|ing|in|y)\b"],
    ("allergic_reaction", "swelling of the face, lips, tongue or throat"): [
        rf"\b{_AIRWAY}\b{_GAP % 30}\b{_AIRWAY_SIGN}",
        rf"\b(?:swollen|swelling|puffy)\s+(?:(?:of|in)\s+)?{_WHOSE}{_AIRWAY}\b",
        r"\blump[\s-]+in[\s-]+(?:the|my|her|his)[\s-]+throat",
        rf"\b{_CANT}\s+(?:really\s+|properly\s+)?swallow",
    ],
    ("allergic_reaction", "a severe allergic reaction"): [
        r"\banaphyla\w*",
        r"\b(?:severe|serious|bad|having|going\s+into)\s+(?:an\s+)?allergic\s+reaction",
        r"\bhives\b" + _GAP % 40 + r"\b(?:spread\w*|all\s+over|creeping|everywhere)",
    ],
    ("chest_pain", "chest pain"): [
        r"\bchest\s+(?:pains?|hurts?|hurting|tight\w*|pressure|heaviness|discomfort|ache\w*)",
        r"\bchest(?:'?s|\s+is|\s+feels?|\s+felt|\s+went|\s+getting|\s+go|\s+gone|\s+has\s+gone)?"
        r"\s+(?:\w+\s+){0,2}(?:tight|heavy|sore|painful|crushing|pain\w*)\b",
        r"\bchest\s+(?:feels?|felt)\s+like",
        r"\b(?:pains?|pressure|tightness|heaviness|squeezing|band|crushing|weight)\s+"
        r"(?:\w+\s+)?(?:in|on|across|around|round|over)\s+(?:the\s+(?:middle|centre|center|left|"
        rf"right)\s+of\s+)?{_WHOSE}chest",
        rf"\b(?:clutch|grab|hold)\w*\s+{_WHOSE}chest",
        rf"\b(?:sitting|standing|pressing|crushing)\s+on\s+{_WHOSE}chest",
    ],
    ("racing_heart", "a racing or pounding heart"): [
        r"\b(?:heart|pulse|heartbeat)(?:'?s|\s+is|\s+keeps?|\s+was|\s+going|\s+has\s+been)?\s+"
        r"(?:\w+\s+){0,2}(?:racing|race[sd]?|raci\w*|pounding|poundin|hammering|thumping|thudding|"
        r"banging|skipping|fluttering|going\s+like|going\s+(?:so|really|this)\s+fast|"
        r"beating\s+(?:so\s+|really\s+|very\s+)?(?:fast|hard))",
        r"\bpalpitations?\b",
    ],
    ("fainting", "fainting or about to faint"): [
        rf"\b(?:about\s+to|going\s+to|gonna|might|nearly|almost|keep\w*|feel\w*|felt|so|v|very|"
        rf"really|think\s+i'?(?:ll|m\s+going\s+to)|just)\s+(?:\w+\s+)?{_FAINT}",
        r"\b(?:fainted|passed\s+out|blacked\s+out|collapsed|collapsing)\b",
        r"\bnearly\s+(?:went|go|going)\s+down\b",
        r"\b(?:going|gone|turning|turned|everything'?s\s+going)\s+(?:all\s+)?(?:grey|gray|black)\b",
    ],
    ("clot_signs", "a red, painful, swollen leg"): [
        rf"\b{_LEG}\b{_GAP % 30}\b{_LEG_SIGN}\b",
        rf"\b{_LEG_SIGN}\s+(?:(?:in|of)\s+)?(?:(?:my|her|his|the|both|one)\s+)?"
        rf"(?:(?:left|right|lower)\s+)?{_LEG}\b",
        r"\bcalf\s+(?:pain|ache)",
    ],
    ("clot_signs", "a possible blood clot"): [
        rf"\b{_I_HAVE}\s+(?:an?\s+)?(?:blood\s+)?(?:clot|dvt)\b"
    ],
    ("coughing_blood", "coughing up blood"): [
        r"\bcough\w*\s+(?:up\s+)?" + _GAP % 30 + r"\b(?:blood\w*|pink\s+froth\w*|frothy\s+pink)",
        r"\bblood[\s-]+(?:streaked|stained|tinged)\s+(?:phlegm|spit|mucus|sputum)",
        r"\bblood\s+(?:in|when)\s+(?:my\s+|his\s+|her\s+)?(?:phlegm|spit|sputum|i\s+cough)",
    ],
    ("slurred_speech", "slurred or garbled speech"): [
        r"\bslur+(?:r?ed|r?ing|r?y|s)?\b",
        rf"\b{_CANT}\s+(?:get\s+(?:his|her|my|the|their)\s+words\s+out|(?:talk|speak)\s+"
        r"(?:properly|proper|right|clearly|straight))",
        r"\b(?:talking|speaking|speech)\s+(?:is\s+)?(?:all\s+)?(?:really\s+)?"
        r"(?:strange\w*|funny|weird|gibberish|nonsense|jumbled|garbled)",
        r"\bwords\s+(?:are\s+)?(?:coming\s+out\s+)?(?:all\s+)?(?:jumbled|wrong|garbled|mixed\s+up)",
    ],
    ("face_droop", "a drooping face"): [
        r"\bface\b" + _GAP % 30 + r"\b(?:droop\w*|dropped|fallen|sagg\w*|lopsided)",
        r"\b(?:droop\w*|dropped|sagging)\s+(?:on\s+one\s+side|face|mouth|smile)",
        r"\bone\s+side\s+of\s+(?:his|her|my|their)\s+(?:face|mouth)",
    ],
    ("weakness", "arm or leg weakness"): [
        r"\b(?:arm|leg|hand)s?(?:'?s|\s+is|\s+are|\s+feels?|\s+felt|\s+went|\s+goes|\s+going|"
        r"\s+has\s+gone|\s+have\s+gone|\s+gone|\s+got|\s+getting|\s+keeps?|\s+just)?\s+"
        r"(?:(?:all|really|so|very|completely|suddenly|kinda|just)\s+)?"
        r"(?:weak|numb|limp|dead|heavy|floppy|hanging|giving\s+way|gave\s+way|buckl\w*|collaps\w*|"
        r"won'?t\s+(?:hold|work|move|grip)|wouldn'?t\s+(?:hold|work|move))\b",
        r"\b(?:arm|leg)\s+weakness\b|\bone[\s-]sided\s+(?:weakness|numbness)",
        r"\b(?:numb\w*|weak\w*|tingl\w*|paralys\w*)\s+(?:\w+\s+){0,2}(?:down|on|in|along)\s+"
        r"(?:one|the\s+(?:left|right))\s+side",
        rf"\b{_CANT}\s+feel\s+(?:the\s+|one\s+)?(?:left\s+|right\s+)?side\s+of\s+{_WHOSE}"
        r"(?:face|body)",
        r"\bweak(?:ness)?\s+(?:in|of|on)\s+(?:(?:my|her|his|the|one)\s+)?(?:left\s+|right\s+)?"
        r"(?:arm|leg|hand|side)",
        rf"\b{_CANT}\s+(?:lift|move|feel|grip\w*|squeeze|hold|raise)\s+(?:(?:my|his|her|their|"
        r"anything|the|a)\s+)?(?:left\s+|right\s+)?(?:arm|leg|hand|fork|cup|anything|it)",
    ],
    ("vision", "sudden loss of vision"): [
        rf"\b{_CANT}\s+see\s+(?:properly\s+|anything\s+)?(?:out\s+of|in|with)\s+(?:one|my|his|her)"
        r"\s+(?:left\s+|right\s+)?eye",
        r"\b(?:lost|losing)\s+(?:the\s+)?(?:vision|sight)\b",
        r"\bvision\s+(?:is\s+|has\s+|'?s\s+)?(?:going|gone|greying|graying|blacking|blurr\w*)",
        rf"\b{_CANT}\s+see\s+(?:properly|clearly|anything|straight)\b",
    ],
    # A headache alone is a nuisance side effect; with a stiff neck, fever or a fear of
    # light it may be meningitis.
    ("meningitis_signs", "a severe headache with a stiff neck or fever"): [
        rf"\b{_HEADACHE}{_GAP % 80}{_STIFF_NECK}|\b{_STIFF_NECK}{_GAP % 80}{_HEADACHE}",
        rf"\b{_STIFF_NECK}",
        r"\bworst\s+(?:headache|pain)\s+(?:of\s+my\s+life|ever|i'?ve\s+ever|i\s+have\s+ever)",
        r"\bthunderclap\b|\bworse\s+than\s+any\s+(?:headache|migraine|pain)",
        r"\b(?:head|headache|pain)\s+(?:is\s+)?(?:the\s+)?worst\s+(?:it'?s|i'?ve|she'?s|he'?s)\s+"
        r"(?:ever|been|had)",
        rf"\b{_CANT}\s+(?:bear|stand|handle|take|cope\s+with)\s+(?:the\s+)?(?:light|lights|"
        r"brightness)",
        rf"\b{_I_HAVE}\s+(?:aseptic\s+)?meningitis",
        r"\b(?:lights?|brightness)\s+(?:\w+\s+)?(?:hurts?|is\s+unbearable|is\s+killing|unbearable)",
        r"\bphotophob\w*|won'?t\s+let\s+me\s+turn\s+(?:the|a)\s+light",
        r"\brash\s+(?:that\s+)?(?:doesn'?t|does\s+not|won'?t|isn'?t)\s+fad\w*",
        rf"\b{_HEADACHE}{_GAP % 60}\b(?:fever|temp\w*\s+(?:is\s+)?(?:3[89]|4\d|10[1-5])|"
        r"burning\s+up|vomit\w*|been\s+sick|throwing\s+up)",
    ],
    ("seizure", "a seizure"): [
        r"\bseizures?\b|\bseizing\b|\bconvuls\w*",
        r"\b(?:having|had|has|having\s+a|started)\s+(?:a\s+)?fits?\b|\bfitting\b",
        r"\blooks?\s+like\s+(?:a\s+)?(?:fits?|seizures?)\b|\beyes\s+(?:roll\w*|rolled)\s+back",
    ],
    ("confusion", "confusion or not responding"): [
        r"\b(?:confused|muddled|disorient\w*|delirious|incoherent)\b(?!\s+(?:about|by|as|why|what|"
        r"whether|how|with|over))",
        r"\bnot\s+making\s+(?:any\s+)?sense",
        r"\b(?:doesn'?t|dont|don'?t|didn'?t|does\s+not)\s+(?:recogni[sz]e|know)\s+"
        r"(?:me|my\s+name|where|who|his\s+own|her\s+own)",
        r"\b(?:unresponsive|unrousable)\b|\b(?:not|isn'?t|wasn'?t|only\s+half|barely)\s+"
        r"(?:answering|responding|respond\w*|waking)",
        rf"\b{_CANT}\s+(?:seem\s+to\s+)?(?:stay\s+awake|wake\s+(?:him|her|them)|keep\s+"
        r"(?:him|her|them|my\s+eyes)\s+(?:awake|open))",
        r"\b(?:keeps?|keep)\s+(?:on\s+)?(?:falling\s+asleep|dozing\s+off|dropping\s+off|"
        r"nodding\s+off|passing\s+out)",
        r"\bbarely\s+keep\s+(?:him|her|them|me)\s+awake|\b(?:so|really|very|v)\s+drowsy",
    ],
    ("kidney_signs", "passing little or dark urine"): [
        rf"\b(?:hardly|barely|almost\s+no|not\s+much|very\s+little|tiny\s+(?:bit|amount)\s+of|"
        rf"hardly\s+any|barely\s+any|no)\s+(?:\w+\s+){{0,2}}{_WEE}\b",
        rf"\b(?:hardly|barely|not|haven'?t|hasn'?t|havent|hasnt|never|only)\s+(?:\w+\s+)?{_PEED}",
        r"\b(?:peeing|weeing|urinating)\s+(?:almost\s+|next\s+to\s+)?nothing|"
        r"\bonly\s+been\s+to\s+the\s+(?:loo|toilet|bathroom)\s+once",
        rf"\b{_WEE}\b{_GAP % 30}\b(?:cola|coke|dark|brown|tea[\s-]colou?red|like\s+tea)\b",
        rf"\b(?:dark\s+brown|brown|cola|coke)[\s-]*(?:colou?red\s+)?{_WEE}\b",
    ],
    ("turning_blue", "turning blue or grey"): [
        r"\b(?:lips?|face|mouth|skin|fingers?|fingertips)\b" + _GAP % 25 + r"\b(?:blue|bluish)\b",
        r"\b(?:gone|going|turning|turned|looks?|looking)\s+(?:\w+\s+)?(?:blue|bluish)\b",
        r"\b(?:gone|going|turned)\s+(?:all\s+)?(?:grey|gray)\s+and\s+floppy|\bfloppy\b",
    ],
}


def _near(part: str, state: str, gap: int = 35) -> str:
    """A body part and what is wrong with it, either way round, within one clause."""
    between = rf"[^.!?;,\n]{{0,{gap}}}?"
    return rf"\b(?:{part})\b{between}\b(?:{state})|\b(?:{state})\w*{between}\b(?:{part})\b"


# Frames: a part and a state near each other, in any wording the lexicon above misses
# ("my ribs are killing me", "pulse is 150", "lips gone a funny purple").
_FRAMES: dict[tuple[str, str], str] = {
    ("breathing", "trouble breathing"): _near(
        r"breath\w*|breathe|air|lungs?",
        r"can'?t|cant|hard|struggl\w*|short|difficult\w*|trouble|gasp\w*|laboured|labored|"
        r"shallow|rapid|wheez\w*|rattl\w*|not\s+enough",
    ),
    ("chest_pain", "chest pain"): _near(
        r"chest|ribs|ribcage|sternum|breastbone",
        r"pain\w*|hurt\w*|tight\w*|heavy|heaviness|pressure|ach\w*|squeez\w*|crush\w*|stab\w*|"
        r"sharp|agony|killing|burning|band|weight",
    ),
    ("allergic_reaction", "swelling of the face, lips, tongue or throat"): _near(
        r"throat|tongue|lips?|mouth|face|eyelids?|eyes",
        r"swell\w*|swollen|puff\w*|clos\w*|tight\w*|thick\w*|huge|massive|balloon\w*|fat",
    ),
    ("clot_signs", "a red, painful, swollen leg"): _near(
        r"legs?|calf|calves|thighs?|shin",
        r"swell\w*|swollen|red|hot|warm|pain\w*|tender|throb\w*|puff\w*|agony|blown\s+up|"
        r"twice\s+the\s+size|bigger",
    ),
    ("racing_heart", "a racing or pounding heart"): _near(
        r"heart|pulse|heartbeat|heart\s+rate|hr",
        r"rac\w*|pound\w*|hammer\w*|thump\w*|flutter\w*|skip\w*|bang\w*|irregular|"
        r"(?:1[3-9]|2[0-9])[0-9]\b",
        gap=25,
    ),
    ("slurred_speech", "slurred or garbled speech"): _near(
        r"speech|words|talk\w*|speak\w*|speaking",
        r"slur\w*|jumbl\w*|garbl\w*|gibberish|nonsense|muddl\w*|strange|weird",
        gap=25,
    ),
    ("face_droop", "a drooping face"): _near(
        r"face|mouth|smile", r"droop\w*|dropp\w*|sag\w*|lopsided|crooked|slipped", gap=25
    ),
    ("weakness", "arm or leg weakness"): _near(
        r"arms?|legs?|hands?|limbs?|side",
        r"weak\w*|numb\w*|dead|floppy|limp|paralys\w*|useless|gave\s+way|giving\s+way|buckl\w*",
        gap=25,
    ),
    ("kidney_signs", "passing little or dark urine"): _near(
        r"urine|pee|wee|piss|peeing|weeing",
        r"dark|brown|cola|coke|tea|hardly|barely|little|nothing|tiny|dribbl\w*",
        gap=25,
    ),
    ("coughing_blood", "coughing up blood"): _near(
        r"cough\w*|spit\w*|phlegm|sputum|mucus", r"blood\w*|pink\s+froth\w*", gap=30
    ),
    ("turning_blue", "turning blue or grey"): _near(
        r"lips?|face|skin|fingers?|fingertips|mouth", r"blue|bluish|purple|dusky", gap=20
    ),
}
for _key, _frame in _FRAMES.items():
    _SIGNS[_key].append(_frame)

_SYMPTOMS = [
    (kind, label, re.compile("(?i)" + "|".join(alts))) for (kind, label), alts in _SIGNS.items()
]

# NegEx-style: a negation counts in the few words before the sign in its own clause
# ("no chest pain, but my leg is swollen" keeps the leg), and inside a match that
# spans words ("headache but no stiff neck", "leg is not swollen").
_NEGATION = re.compile(
    r"(?i)\b(?:no|not|never|without|zero|none|nor|neither|didn'?t|don'?t|doesn'?t|haven'?t|"
    r"hasn'?t|wasn'?t|weren'?t|isn'?t|aren'?t|did\s+not|do\s+not|free\s+of|denies|denied)\b"
)
_NEGATION_WINDOW = 7  # words; NegEx uses 5, forum posts run longer ("no X or Y or Z")
# Negation words that negate nothing after them, and negations that are the sign
# itself ("can't breathe", "hasn't peed", "isn't answering", "rash that doesn't fade").
_PSEUDO_NEGATION = re.compile(
    r"(?i)\b(?:(?:don'?t|do\s+not|didn'?t)\s+know(?!\s+(?:me|my|who|where))|not\s+sure|no\s+idea|"
    r"not\s+just|not\s+only|no\s+matter|not\s+making\s+(?:any\s+)?sense|"
    r"(?:not|isn'?t|wasn'?t)\s+(?:answering|responding|waking)|"
    r"(?:not|never|haven'?t|hasn'?t|didn'?t|n'?t)\s+(?:\w+\s+)?" + _PEED + r"|"
    r"(?:doesn'?t|does\s+not|won'?t|isn'?t)\s+fad\w*|"
    r"(?:doesn'?t|dont|don'?t|didn'?t|does\s+not)\s+(?:recogni[sz]e|know\s+(?:me|my|who|where))|"
    r"no\s+(?:\w+\s+){0,2}" + _WEE + r")\b|" + _CANT
)
# Talk about the signs rather than having them, just before the sign in its clause:
# "call 911 if you can't breathe", "in case of chest pain", "anyone else get chest pain?".
_HYPOTHETICAL = re.compile(
    r"(?i)\b(?:if|in\s+case|whether|ever|signs?\s+of|symptoms?\s+of|watch\w*(?:\s+out)?\s+for|"
    r"look\w*\s+out\s+for|warn\w*|says\s+(?:to|you|if|that\s+(?:if|you))|said\s+to|any|"
    r"(?:anyone|anybody|people|those|someone|somebody)\s+with|some\s+people|dread\w*|"
    r"when\s+(?:you|your|u|ur|people|someone)|should\s+(?:you|your)|"
    r"tomorrow|next\s+(?:time|week|infusion|round|month|dose)|seek\w*|report\w*|risks?|side\s+effects?|"
    r"call\s+(?:911|999|112)|a&e|the\s+er|anyone\s+else|(?:has|does|did)\s+anyone|"
    r"how\s+(?:common|often|likely)|what\s+happens|check\w*\s+(?:\w+\s+){0,3}for|"
    r"tested\s+for|scanned\s+for|rule\w*\s+out|for\s+any|(?:scared|worried|afraid|terrified|"
    r"nervous|anxious|paranoid|frightened|fear\w*|convinced|thought|expect\w*)\b(?:\s+\w+){0,4}?\s+"
    r"(?:i'?d|i\s+would|i'?ll|i\s+will|i\s+might|it\s+would|it\s+might|of|about|that|"
    r"(?:he|she)'?d|(?:he|she)\s+(?:would|might)))\b"
)
_LOOK_BACK = 200  # characters before a sign searched for those cues: about a clause
# Instructions and quotations, anywhere in the sentence: "the leaflet lists a red,
# painful, swollen leg", "breathlessness or weakness are reasons to call 999".
_QUOTING = re.compile(
    r"(?i)\b(?:article|leaflet|pamphlet|letter|booklet|handout|card|lists|listed|listing|mentions|"
    r"rule|training|drilled|taught|(?:were|was|been|get|got)\s+told|i\s+read|read\s+(?:that|about)|"
    r"means?\s+(?:999|911|112|a&e|calling|call|ring\w*|an?\s+ambulance|hospital|going\s+in)|"
    r"if\s+you\s+(?:develop|get|have|notice|experience|feel|see|start)|"
    r"(?:need|needs|warrant\w*)\s+(?:a&e|999|911|an?\s+ambulance|urgent|immediate|emergency|"
    r"to\s+be\s+seen)|(?:is|are)\s+(?:an?\s+)?(?:emergenc\w*|red\s+flags?)|red\s+flags?|"
    r"don'?t\s+(?:wait|hesitate|delay|ignore)|never\s+ignore|do\s+not\s+(?:wait|ignore)|"
    r"always\s+(?:call|ring|go|report|tell|get)|make\s+sure\s+(?:you|to)|remember\s+(?:to|that)|"
    r"such\s+as|things\s+like|e\.g|including|symptoms\s+like|apparently|it\s+says|they\s+say|"
    r"the\s+(?:piece|page|author|website|site|guide|nurses?\s+(?:said|say))|"
    r"warning\s+(?:signs?|list)|the\s+list|keep\s+an\s+eye|according\s+to|excerpt|"
    r"reasons?\s+to|tell\s+(?:patients|people|you|us|everyone)|told\s+(?:us|me|patients|you)\s+to|"
    r"to\s+(?:look|watch)\s+(?:out\s+)?for|what\s+to\s+(?:look|watch)|go\s+through|went\s+through|"
    r"get\s+help\s+(?:straight\s+away|immediately|urgently|at\s+once)\s+(?:for|if)|"
    r"(?:seek|get)\s+(?:urgent\s+|medical\s+|emergency\s+)?(?:help|attention|care)\s+"
    r"(?:(?:immediately|straight\s+away|urgently|at\s+once|right\s+away)\s+)?(?:for|if))\b"
)
# Worry about a sign, told with a modal ("I was scared my throat would close"): a fear,
# not a report, unless the sign's clause says it is happening now.
_WORRY = re.compile(
    r"(?i)\b(?:worr\w*|scared|afraid|terrified|nervous|anxious|panic\w*|fear\w*|dread\w*|"
    r"paranoid|convinced|petrified|frightened|concerned|freak\w*|stress\w*)\b"
)
_MODAL = re.compile(r"(?i)\b(?:would|might|could|will|going\s+to|gonna|may)\b|\w'(?:d|ll)\b")
# A sentence that opens with an instruction: "Call 999 for ...", "Never ignore ...".
_INSTRUCTION = re.compile(
    r"(?i)\s*(?:and\s+|so\s+|but\s+|please\s+)?(?:call|ring|phone|dial|go|get|seek|tell|report|"
    r"watch|look|keep|make|remember|don'?t|do\s+not|never|always|stop|head)\b"
)
# A question that asks what to do about what is happening: "should I go in?".
_ASKS_FOR_HELP = re.compile(
    r"(?i)\b(?:should\s+(?:i|we)|do\s+(?:i|we)\s+need\s+to|what\s+(?:should|do|can)\s+(?:i|we)\s+do|"
    r"is\s+(?:this|it|that)\s+(?:serious|an\s+emergency|normal|ok|okay|bad|dangerous)|"
    r"(?:can|could)\s+(?:someone|anyone|somebody)\s+(?:help|tell)|a&e\s+or|er\s+or|or\s+wait)\b"
)
_FUTURE = re.compile(
    r"(?i)\b(?:ever|were\s+to|in\s+(?:the\s+)?future|next\s+time|tomorrow|upcoming|"
    r"if\s+(?:i|he|she|we|they|you)\s+(?:get|gets|develop\w*|start\w*)|first\s+(?:infusion|dose|round))\b"
)

# Over, or chronic and known: anywhere in the sentence, unless the sign's own clause
# says it is happening now.
_PAST = re.compile(
    r"(?i)\b(?:(?:years?|months?|weeks?|wks?)\s+(?:ago|back)|once|always|nothing\s+new|for\s+years|"
    r"as\s+usual|(?:the\s+)?one\s+time|last\s+(?:year|month|summer|winter|spring|autumn|fall|time|wk|week)|used\s+to|"
    r"back\s+in|in\s+(?:19|20)\d\d|when\s+i\s+was|when\s+i\s+(?:first\s+)?(?:started|began)|"
    r"at\s+first|as\s+a\s+(?:kid|child|baby|toddler|teen\w*)|(?<!nearly\s)(?<!almost\s)went\s+(?:away|down)|gone\s+(?:away|down)|"
    r"resolved|cleared\s+up|settled|subsided|passed(?!\s+out)|wore\s+off|eased|calmed\s+down|"
    r"fixed|sorted|(?:was|were|been|felt)\s+(?:fine|ok|okay|alright|nothing)|was\s+(?:just|only)|"
    r"turned\s+out|first\s+ever|improv\w*|(?:getting|much|lot|way|so\s+much)\s+better|"
    r"better\s+now|in\s+the\s+past|previously|ended\s+up|was\s+admitted|kept\s+(?:me|her|him)\s+in|"
    r"after\s+(?:my|her|his|the)\s+(?:first|second|third|fourth|last|previous|1st|2nd|3rd)|"
    r"when\s+(?:she|he|they)\s+was|on\s+(?:my\s+)?(?:round|infusion|dose|cycle)\s+"
    r"(?:one|1|two|2)|(?:my|the)\s+first\s+(?:round|infusion|dose|time)|without\s+(?:any\s+)?"
    r"(?:issue|problem)s?|no\s+(?:issues?|problems?)\s+since|had\s+(?:a|an|some)\s+(?:\w+\s+)?"
    r"(?:scare|episode|reaction|wobble))\b"
)
# Now, or so recent that it still counts: "an hour ago", "last night".
_PRESENT = re.compile(
    r"(?i)\b(?:now|rn|today|tonight|tonite|this\s+(?:morning|afternoon|evening|week)|since|"
    r"currently|still|at\s+the\s+moment|atm|again|keeps?\s+(?:on\s+|nearly\s+)?\w+ing|"
    r"last\s+night|right\s+now|this\s+(?:short|faint|dizzy|breathless|tight|swollen|bad|weak|"
    r"confused|sleepy|drowsy)|"
    r"(?:an?|\d+|few|couple\s+of|half\s+an?|ten|five|twenty|thirty|forty)\s+"
    r"(?:hours?|hrs?|mins?|minutes?)\s+(?:ago|now)|in\s+the\s+last\s+(?:\w+\s+)?(?:hour|minutes?)|"
    r"happening|going\s+in|on\s+the\s+way|won'?t\s+stop|is\s+getting\s+worse|"
    r"for\s+the\s+(?:last|past)\s+(?:\w+\s+)?(?:hour|hours|minutes?|half\s+hour)|like\s+this|"
    r"started\s+(?:yesterday|today|tonight|this|last|about|around|an?\s|\d|in\s+the)|"
    r"since\s+yesterday|(?:it|this|that)\s+came\s+on|(?:this|these)\s+(?:\w+\s+)?(?:rash|pain|"
    r"swelling|headache|reaction|feeling|symptoms?|hives|spots|tightness|breathlessness))\b"
)
# An all-clear later in the post takes back what came before it: "they scanned my leg
# ... it was a cyst", "everything came back normal".
_ALL_CLEAR = re.compile(
    r"(?i)\b(?:came\s+back\s+(?:normal|clear|fine|negative)|(?:was|were|are)\s+"
    r"(?:all\s+)?(?:clear|normal|negative|nothing|nothin)\b|no\s+(?:sign\s+of\s+(?:a|any)\s+)?clot|"
    r"turned\s+out|in\s+the\s+end|ruled\s+out|(?:was|were|he\s+was|she\s+was|i\s+was|i\s+feel|"
    r"i'?m|feel)\s+(?:completely\s+|totally\s+|absolutely\s+)?(?:fine|ok|okay|normal)\s+now|"
    r"(?:was|were)\s+(?:completely\s+|totally\s+)?fine|back\s+to\s+normal|glad\s+i\s+checked|"
    r"feel\s+(?:a\s+bit\s+)?silly|never\s+(?:came|happened|materiali[sz]ed|developed|showed\s+up)(?!\s+(?:before|until))|"
    r"nothing\s+(?:happened|came\s+of\s+it)|didn'?t\s+(?:happen|come|develop|materiali[sz]e)|"
    r"sailed\s+through|never\s+did|didn'?t\s+happen|(?:thankfully|luckily|fortunately)\s+(?:not|no|"
    r"nothing|never|it\s+didn'?t)|false\s+alarm|(?:was|it'?s|just)\s+(?:anxiety|panic|nerves|indigestion)|"
    r"all\s+(?:fine|good|clear|normal|ok)|(?:both|all|everything|"
    r"results?\s+(?:were|was))\s+normal)\b"
)
# Semicolons join the items of a list ("a swollen leg; shortness of breath; chest pain").
_SENTENCE_BREAK = re.compile(r"[.!?]+(?=\s|$)|[!?]+|\n+")

# Someone else's story told in the past ("my friend had anaphylaxis to it"); someone
# the writer cares for, now, still counts ("my son's lips are swollen").
_OTHER_PERSON = re.compile(
    r"(?i)\b(?:my\s+(?:friend|mum|mom|mother|dad|father|husband|wife|partner|sister|brother|son|"
    r"daughter|aunt|uncle|gran\w*|cousin|neighbou?r|colleague)s?|she|he|someone|a\s+friend)\b"
)
_PAST_VERB = re.compile(
    r"(?i)\b(?:(?<!'s\s)(?<!'ve\s)(?<!has\s)(?<!have\s)had|(?<!'s\s)(?<!'ve\s)(?<!has\s)(?<!have\s)got|was|were|went|did)\b"
)
_FIRST_PERSON = re.compile(r"(?i)\b(?:i|i'm|im|i've|ive|me|my|mine)\b")
_PERSON = re.compile(
    r"(?i)\b(?:i|i'm|im|i've|ive|me|my|mine|he|she|he's|she's|his|her|hes|shes|"
    r"mum|mom|dad|grandad|nan|son|daughter|husband|wife|partner|hubby|bf|gf)\b"
)


class _Story:
    """One comment cut into sentences and clauses, with its cues found in one pass."""

    def __init__(self, text: str) -> None:
        self.text, self.search = text, cached_search(text)
        self.sentences = Pieces(text, _SENTENCE_BREAK)
        self.clauses = Pieces(text, CLAUSE_BREAK)
        self.hypothetical = [m.span() for m in _HYPOTHETICAL.finditer(text)]
        self._hypothetical_starts = [s for s, _ in self.hypothetical]
        self.all_clear = [m.start() for m in _ALL_CLEAR.finditer(text)]

    def _hypothetical_before(self, start: int, sign_start: int, sign_end: int) -> bool:
        """A cue starting in text[start:sign_start] and ending before the sign does."""
        i = bisect.bisect_left(self._hypothetical_starts, start)
        j = bisect.bisect_left(self._hypothetical_starts, sign_start)
        return any(self.hypothetical[k][1] <= sign_end for k in range(i, j))

    def _next_sentence_says_now(self, s_end: int) -> bool:
        """ "Can IVIG do this? It started ten minutes ago." makes the question a report."""
        start, end, _ = self.sentences.at(s_end + 1)
        return start > s_end and bool(self.search(_PRESENT, start, end))

    def is_current(self, start: int, end: int) -> bool:
        """Is the sign at text[start:end] told as happening now to the writer or theirs?"""
        text, search = self.text, self.search
        c_start, c_end, _ = self.clauses.at(start)
        s_start, s_end, s_break = self.sentences.at(start)
        before = max(c_start, start - _LOOK_BACK)
        window = [*text[before:start].split()[-_NEGATION_WINDOW:], text[start:end]]
        if _NEGATION.search(_PSEUDO_NEGATION.sub(" ", " ".join(window))):
            return False
        if bisect.bisect_right(self.all_clear, s_start - 1) < len(self.all_clear):
            return False  # an all-clear in this sentence or after it
        now_in_clause = bool(search(_PRESENT, c_start, c_end))
        asks = "?" in s_break
        now_in_question = asks and bool(search(_PRESENT, s_start, s_end))
        talk = self._hypothetical_before(before, start, end) or (
            search(_QUOTING, s_start, s_end) and not now_in_clause
        )
        # A question about the signs ("has anyone's throat felt tight?") is not a report;
        # "is it normal that my chest is tight?" is, so the question must not be the writer's.
        general_question = asks and not search(_PERSON, c_start, c_end)
        if not talk and not now_in_clause:
            talk = _INSTRUCTION.match(text, s_start, s_end) is not None or (
                bool(search(_WORRY, s_start, start)) and bool(search(_MODAL, s_start, s_end))
            )
        if talk or general_question:
            if now_in_question or (asks and self._next_sentence_says_now(s_end)):
                return True
            return bool(
                asks
                and search(_ASKS_FOR_HELP, s_start, s_end)
                and search(_PERSON, s_start, s_end)
                and not search(_FUTURE, s_start, s_end)
            )
        if search(_PAST, s_start, s_end) and not now_in_clause:
            return False
        other = search(_OTHER_PERSON, s_start, s_end)
        told_past = other and other.start() < start and search(_PAST_VERB, other.start(), c_end)
        return not (told_past and not search(_PRESENT, s_start, s_end))


def find_urgent_symptoms(text: str) -> list[Finding]:
    """Warning signs the article says need help at once, described as happening now."""
    story = _Story(text.translate(QUOTES))
    found = [
        Finding(kind, label, m.start(), m.end())
        for kind, label, pattern in _SYMPTOMS
        for m in pattern.finditer(story.text)
        if story.is_current(m.start(), m.end())
    ]
    return dedupe(found)
