"""The warning signs of urgent symptoms: the lexicon that forum.safety.urgent puts in context.

Each sign has a kind, a label people read, and its wordings: fixed phrases for the
ways people put it ("can't catch my breath", "my throat is closing"), and frames, a
body part near what is wrong with it in either order ("ribs are killing me"), for
the wordings the phrases miss. Nothing here decides whether a sign is happening now.
"""

from __future__ import annotations

import re

from forum.safety.frames import FRAMES
from forum.safety.text import Lexicon

_GAP = r"[^.!?;\n]{0,%d}?"  # a short stretch inside one sentence
_BREATHE = r"br(?:ea|e|ee)th?(?:e|ing|in|in')?\b"  # breath, breathe, breathing, brethe...
_CANT = (
    r"(?:can'?t|cannot|can\s+not|couldn'?t|could\s+not|unable\s+to|cnt|carn'?t|can'?t\s+seem\s+to|"
    r"won'?t|wouldn'?t|(?:haven'?t|hasn'?t|have\s+not|has\s+not|isn'?t|not)\s+(?:been\s+|be\s+)?able\s+to)"
)
_WHOSE = r"(?:(?:my|his|her|their|the|our|your|a)\s+)?"
# Not the knee: swollen red knees are lupus arthritis.
_LEG = r"(?:legs?|calf|calves|thighs?|ankle\s+to\s+knee)"
_LEG_SIGN = (
    r"(?:swol+e?n|swel+\w*|red(?:dish)?|hot|warm|painful|tender|throbbing|puff\w*|purple|mottled|"
    r"balloon\w*|double\s+the\s+size|fat|shiny|"
    r"erythem\w*|o?edem\w*|"
    r"twice\s+the\s+size|bigger\s+than\s+the\s+other|agony)"
)
_AIRWAY = r"(?:(?:throat|tongue|tounge|tonge|face|mouth|airway)(?:'?s)?|lips?|eyelids?)"
_AIRWAY_SIGN = (
    r"(?:clos\w*|swel+\w*|swol+e?n|tight\w*|thick\w*|puff\w*|huge|massive|blow\w*\s+up|bigger|"
    r"funny|weird|shutting|narrow\w*|small(?:er)?|blocked)"
)
_HEADACHE = (
    r"(?:headache|head\s*ache|head\s+pain|migraine|head\s+(?:is\s+|'?s\s+)?(?:pounding|splitting|exploding|"
    r"killing|hurts|throbbing|ha\s+(?:[89]|10)\s*/\s*10|(?:going\s+to|gonna|about\s+to)\s+(?:explode|burst))|(?:screaming|crying|complaining)\s+about\s+(?:her|his|my)\s+head)"
)
_STIFF_NECK = (
    r"(?:stiff\s+neck|neck(?:'?s|\s+is|\s+feels|\s+has\s+gone)?\s+(?:\w+\s+)?(?:stiff|rigid|hard)|"
    rf"{_CANT}\s+(?:bend|move)\s+{_WHOSE}(?:neck|head\s+(?:down|forward))|chin\s+(?:on|to)\s+{_WHOSE}chest|"
    r"neck\s+(?:won'?t|wouldn'?t|can'?t|doesn'?t|does\s+not|will\s+not)\s+(?:bend|move))"
)
_I_HAVE = r"(?:i(?:\s+think\s+i)?(?:'?ve\s+got|\s+have|\s+might\s+have)|(?:worried|think)\s+it'?s)"
_WEE = r"(?:pee|wee|urine|piss|water)"
_PEED = (
    r"(?:peed|pee'?d|weed|wee'?d|pissed|urinated|had\s+a\s+(?:wee|pee)|"
    r"pass(?:ed|ing)\s+(?:any\s+|much\s+)?(?:urine|water)|(?:done|did)\s+a\s+(?:wee|pee))"
)
_FAINT = r"(?:faint\w*|pass(?:ed|ing)?\s+out|black(?:ed|ing)?\s+out|keel\w*\s+over)"

_EMERGENCY = (
    r"(?:pe|dvt|(?:blood\s+)?clot|stroke|tia|heart\s+attack|anaphyla\w*|pulmonary\s+embol\w*|"
    r"meningitis|seizure|kidney\s+failure|aki|sepsis)"
)
# (kind, label): the wordings of one warning sign.
_SIGNS: dict[tuple[str, str], list[str]] = {
    # The writer names the emergency: "pretty sure this is a PE", "DVT??".
    ("named", "what the writer fears is an emergency"): [
        r"\b(?:pretty\s+sure|i'?m\s+sure|i\s+think|worried|scared|afraid|feels\s+like|could\s+"
        r"(?:this|it)\s+be|is\s+this|might\s+be|probably)\s+(?:this\s+is\s+|it'?s\s+|i'?m\s+having\s+|"
        rf"(?:i|he|she)\s+(?:has|have|got)\s+|having\s+)?(?:an?\s+)?{_EMERGENCY}\b",
        rf"\b{_EMERGENCY}\s*\?{{2,}}",
    ],
    ("breathing", "trouble breathing"): [
        rf"\b{_CANT}\s+(?:\w+\s+){{0,2}}{_BREATHE}",
        rf"\b{_CANT}\s+(?:catch|get|take|draw)\s+(?:(?:my|his|her|their|a|any)\s+)?"
        r"(?:proper\s+|full\s+|deep\s+|decent\s+|enough\s+)?(?:breath|air)",
        rf"\b(?:struggl\w*|hard|trouble|difficult\w*|problems?|issues?|fighting|labou?r\w*)\s+"
        rf"(?:to\s+|for\s+|with\s+(?:(?:his|her|my)\s+)?)?(?:\w+\s+)?{_BREATHE}",
        r"\bshort(?:ness)?\s+of\s+breath|\bbreathless\w*|\bsob\b|\bdyspn\w*|\bwinded\b",
        r"\b(?:stop|stopped|stopping|pause\w*)\s+(?:\w+\s+){0,8}(?:to\s+)?(?:get|catch)\s+(?:my\s+|his\s+|her\s+)?"
        r"(?:air|breath)",
        r"\b(?:very\s+|really\s+|so\s+)?(?:fast|rapid|laboured|labored|noisy)\s+breathing|\bno\s+pued[eo]\s+"
        r"respirar|\b(?:two|three|four|few|couple\s+of|\d)\s+(?:or\s+(?:two|three|four|five|\d)\s+)?words\s+"
        r"(?:at\s+a\s+time|before\s+(?:i|he|she)\s+(?:need|has|have|gasp)|between\s+breaths)",
        r"\b(?:o2|sats?|oxygen|spo2|pulse\s*ox\w*|oximeter|saturation|finger\s+(?:clip|monitor|thing))\b[^.!?;\n\d]{0,30}?(?:from\s+\d{2,3}"
        r"\s*%?\s+(?:to|down\s+to)\s+)?(?<![\d.])(?:[5-8][0-9]|9[0-2])(?:\s*-\s*(?:[5-8][0-9]|9[0-2]))?"
        r"(?!\.\d|\d)(?!\s*(?:bpm|beats|years|yrs|kg|lbs?|mins?|minutes|seconds|ml|mg))",
        r"(?<![\d.])(?:[5-8][0-9]|9[0-2])\s*%?\s+(?:\w+\s+)?on\s+(?:the|my|his|her)\s+(?:oximeter|pulse\s*ox\w*|sats|"
        r"clip|finger\s+(?:clip|thing))",
        r"\bbreathing\s+through\s+a\s+straw|\bstridor\b|\bgrunt\w*\s+(?:with|on|when)\s+(?:every\s+|each\s+)?"
        r"(?:breath|breathing)|\blike\s+(?:i'?m|im|i\s+am|(?:he|she)'?s)\s+drowning",
        r"\b(?:gasping|struggling|fighting|gulping)\s+(?:for\s+)?(?:air|breath)|\bpanting\b|\bgasping\b",
        r"\bevery\s+breath\s+(?:feels|is|hurts)|\b(?:sucking|breathing)\s+(?:air\s+)?through\s+a\s+"
        r"(?:straw|wet|sponge|pillow)|\bthroat'?s\s+like\s+a\s+straw",
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
        r"\blump[\s-]+in[\s-]+(?:the|my|her|his)[\s-]+throat|\btoo\s+big\s+for\s+(?:my|her|his)\s+mouth",
        rf"\b(?:{_CANT}|barely|hardly)\s+(?:really\s+|properly\s+)?swallow",
        r"\bstuck\s+in\s+(?:my|his|her|the)\s+throat",
        r"\b(?:trouble|difficulty|hard|struggl\w*|problems?)\s+(?:\w+\s+)?swallow\w*",
        r"\bvoice\s+(?:\w+\s+){0,2}(?:muffled|hoarse|strangled|changed|croaky)",
    ],
    ("allergic_reaction", "a severe allergic reaction"): [
        r"\banaphyla\w*",
        r"\b(?:severe|serious|bad|having|going\s+into)\s+(?:an\s+)?allergic\s+reaction",
        r"\b(?:hives|urticaria|welts)\b"
        + _GAP % 40
        + r"\b(?:spread\w*|all\s+over|creeping|everywhere)",
        r"\b(?:diffuse|widespread|generali[sz]ed)\s+(?:urticaria|hives)",
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
        r"\bchest(?:'?s|\s+is)\s+going\b|\b(?:spread\w*|radiat\w*|going|shoot\w*)\s+(?:in)?to\s+"
        r"(?:my|his|her)\s+(?:jaw|(?:left\s+)?arm|neck)\b",
    ],
    ("racing_heart", "a racing or pounding heart"): [
        r"\b(?:heart|pulse|heartbeat)(?:'?s|\s+is|\s+keeps?|\s+was|\s+going|\s+has\s+been|\s+feels?\s+like\s+it'?s)?\s+"
        r"(?:\w+\s+){0,2}(?:racing|race[sd]?|raci\w*|all\s+over\s+the\s+place|pounding|poundin|hammering|thumping|thudding|"
        r"banging|skipping|fluttering|beating\s+out\s+of|flip\w*|flop\w*|jump\w*|gallop\w*|going\s+(?:crazy|nuts|mad|wild)|going\s+like|going\s+(?:so|really|this)\s+fast|"
        r"beating\s+(?:so\s+|really\s+|very\s+)?(?:fast|hard))",
        r"\bpalpitations?\b|\btachycardi?\w*|\ba-?fib\b|\batrial\s+fibrillation",
        r"\b(?:fitbit|apple\s+watch|smart\s*watch|watch|garmin|kardia\w*|heart\s+rate|hr|rate|resting)\b"
        r"[^.!?;\n\d]{0,30}?(?:in\s+the\s+)?(?<![\d./])(?:1[3-9][0-9]|2[0-4][0-9])s?\b(?!\s*/)"
        r"(?!\s*(?:ml|mg|kg|lbs?|mmhg|over))",
    ],
    ("fainting", "fainting or about to faint"): [
        rf"\b(?:about\s+to|going\s+to|gonna|might|nearly|almost|keep\w*|feel\w*|felt|so|v|very|"
        rf"really|think\s+i'?(?:ll|m\s+going\s+to)|just)\s+(?:\w+\s+)?{_FAINT}",
        r"\b(?:fainted|passed\s+out|blacked\s+out|collapsed|collapsing)\b",
        r"\b(?:things|everything)\s+went\s+(?:black|dark|grey|gray)|\bwoke\s+up\s+on\s+the\s+floor|"
        r"\bhit\s+the\s+(?:deck|floor)|\b(?:came|coming|come)\s+(?:round|around|to)\s+on\s+the\s+(?:\w+\s+)?"
        r"(?:floor|pavement|ground|sidewalk|tiles|street|road|grass)|\blegs?\s+went\s+to\s+jelly|"
        r"\bgoing\s+to\s+(?:drop|collapse|go\s+down|keel\s+over)|\bwent\s+(?:all\s+)?(?:grey|gray)\b|"
        r"\bwent\s+down\s+(?:in|on|like)\b|\bgoing\s+to\s+go\s+again|\b(?:just\s+)?coming\s+round\b|"
        r"\bnearly\s+(?:went|go|going)\s+down\b|\bhypotensi\w*|\bbp\s+(?:is\s+)?(?:tanking|crashing|"
        r"dropping|plummeting|very\s+low)|\b(?:sweaty|clammy),?\s+(?:and\s+)?(?:gr[ae]y|pale|white)\b|"
        r"\b(?:gr[ae]y|pale|white)\s+and\s+(?:sweaty|clammy)\b",
        r"\b(?:going|gone|turning|turned|everything'?s\s+going)\s+(?:all\s+)?(?:grey|gray|black)\b",
    ],
    ("clot_signs", "a red, painful, swollen leg"): [
        rf"\b{_LEG}\b{_GAP % 30}\b{_LEG_SIGN}\b",
        rf"\b{_LEG_SIGN}\s+(?:(?:in|of)\s+)?(?:(?:my|her|his|the|both|one)\s+)?"
        rf"(?:(?:left|right|lower)\s+)?{_LEG}\b",
        r"\bcalf\s+(?:pain|ache)",
        r"\b(?:cold|pale|white|mottled)\s*,?\s+(?:(?:and|really|very)\s+)*(?:cold|pale|white|painful|numb)"
        r"\s*,?\s+(?:(?:and|really|very)\s+)*(?:(?:painful|numb|cold|pale)\s+)?(?:foot|feet|toes|hand|leg)\b",
        rf"\b{_LEG}\s+(?:is|are|looks?|has\s+gone)\s+(?:all\s+)?(?:fat|huge|massive|enormous)\b",
        rf"\b{_CANT}\s+(?:bear|put)\s+(?:any\s+)?weight",
        r"\bwhole\s+arm\b" + _GAP % 30 + r"\bswollen",
    ],
    ("clot_signs", "a possible blood clot"): [
        rf"\b{_I_HAVE}\s+(?:an?\s+)?(?:blood\s+)?(?:clot|dvt)\b"
    ],
    ("coughing_blood", "coughing up blood"): [
        r"\b(?:cough|hack)\w*\s+(?:up\s+)?"
        + _GAP % 30
        + r"\b(?:blood\w*|(?:pink|red)\w*\s+(?:froth|foam)\w*|frothy\s+(?:pink|red))",
        r"\bblood[\s-]+(?:streaked|stained|tinged)\s+(?:phlegm|spit|mucus|sputum)",
        r"\bblood\s+(?:in|when)\s+(?:my\s+|his\s+|her\s+)?(?:phlegm|spit|sputum|i\s+cough)",
    ],
    ("slurred_speech", "slurred or garbled speech"): [
        r"\bslur+(?:r?ed|r?ing|r?y|s)?\b",
        rf"\b{_CANT}\s+(?:get\s+(?:his|her|my|the|their)\s+words\s+out|(?:talk|speak)\s+"
        r"(?:properly|proper|right|clearly|straight))",
        r"\b(?:talking|speaking|speech)\s+(?:is\s+)?(?:all\s+)?(?:really\s+)?"
        r"(?:strange\w*|funny|weird|gibberish|nonsense|jumbled|garbled)",
        r"\bwords\s+(?:are\s+)?(?:getting\s+|coming\s+out\s+)?(?:all\s+)?(?:jumbled|wrong|garbled|mixed\s+up)",
        r"\bspeech\s+(?:is\s+|went\s+|has\s+gone\s+)?(?:coming\s+out\s+)?(?:all\s+)?"
        r"(?:wrong|funny|weird|strange|odd|garbled|mush\w*|thick\w*)",
        r"\bspeech\s+(?:is\s+)?(?:not|isn'?t)\s+clear|\bnot\s+coming\s+out\s+(?:as|in)\s+words|\bword\s+salad|\bwrong\s+words\s+come\s+out|\bgarbled\b|\bmush(?:ed|y)\s+(?:up|words)|"
        r"\bwords\s+(?:are\s+)?(?:coming\s+out\s+)?(?:all\s+)?mush\w*|\bmouthful\s+of\s+marbles|"
        r"\b(?:sentences|words)\s+(?:aren'?t|are\s+not|not)\s+making\s+(?:any\s+)?sense",
        r"\b(?:speak|talk)\w*\s+(?:all\s+)?(?:really\s+|very\s+)?(?:funny|strange\w*|weird|odd|wrong)\b",
        r"\bwords\s+(?:are\s+)?not\s+coming\s+(?:out\s+)?right",
        r"\b(?:came|coming|comes)\s+out\s+(?:as\s+|all\s+)?(?:nonsense|gibberish|garbled|jumbled|wrong)",
        r"\bsound\w*\s+(?:\w+\s+)?drunk|\blosing\s+(?:my|his|her)\s+(?:thread|words)|"
        rf"\b{_CANT}\s+(?:find|get)\s+(?:the|my|his|her)\s+words|\b{_CANT}\s+(?:find|remember|think\s+of)"
        r"\s+(?:the\s+)?words?\s+for\b|"
        r"\baphasi\w*|\b(?:losing|lost|can'?t\s+find)\s+(?:my|his|her)\s+words",
    ],
    ("face_droop", "a drooping face"): [
        r"\bmelting\s+on\s+one\s+side|\beye\s+won'?t\s+close|"
        r"\b(?:face|facial)\b" + _GAP % 30 + r"\b(?:droop\w*|dropped|fallen|sagg\w*|lopsided)",
        r"\b(?:droop\w*|dropped|sagging)\s+(?:on\s+one\s+side|face|mouth|smile)",
        r"\bone\s+side\s+of\s+(?:his|her|my|their)\s+(?:face|mouth)",
        r"\bone\s+side\s+(?:of\s+(?:his|her|my|their)\s+(?:face|mouth|smile)\s+)?(?:doesn'?t|does\s+not|won'?t|"
        r"didn'?t)\s+(?:move|lift|go\s+up)",
        r"\bface\s+one\s+side\s+(?:down|dropp\w*|droop\w*)",
    ],
    ("weakness", "arm or leg weakness"): [
        r"\b(?:arm|leg|hand)s?(?:'?s|\s+is|\s+are|\s+feels?|\s+felt|\s+went|\s+goes|\s+going|"
        r"\s+has\s+gone|\s+have\s+gone|\s+gone|\s+got|\s+getting|\s+keeps?|\s+just)?\s+"
        r"(?:(?:all|really|so|very|completely|suddenly|kinda|just)\s+)?"
        r"(?:weak|numb|limp|dead|heavy|floppy|hanging|giving\s+way|gave\s+way|buckl\w*|collaps\w*|"
        r"(?:won'?t|will\s+not|wouldn'?t)\s+(?:hold|work|move|grip|co-?operate|obey|do\s+what)|dragging|"
        r"(?:just\s+)?fold\w*)\b",
        rf"\b{_CANT}\s+(?:keep\s+)?(?:hold|grip)\w*\s+(?:on\s+to\s+|of\s+)?(?:her|his|my|a|the)\s+(?:spoon|cup|"
        r"fork|pen|mug|glass|phone|toothbrush|keys|knife)|\bkeeps?\s+dropping\s+(?:her|his|my|the|things|"
        r"everything|cups?)",
        r"\b(?:arm|leg)\s+weakness\b|\bone[\s-]sided\s+(?:weakness|numbness)|\bhemipar\w*",
        r"\b(?:hand|arm|leg)\s+(?:is\s+|feels\s+)?(?:really\s+|so\s+)?clumsy",
        rf"\b{_CANT}\s+(?:stand\s+up|walk\s+(?:properly|straight|in\s+a\s+straight\s+line)|stand\s+"
        r"(?:properly|straight))|\b(?:drifting|veering|leaning|falling)\s+(?:to\s+(?:the\s+)?)?(?:left|right)\b",
        rf"\b{_CANT}\s+(?:even\s+)?stand(?=\s*(?:[.,;!?]|$|and\b|or\b|without\b|on\s+(?:her|his|my)\s+own))",
        r"\blegs?\s+(?:went|gone|going)\s+from\s+under|\blegs\s+have\s+gone\b",
        rf"\b{_CANT}\s+get\s+(?:my|his|her)\s+(?:left|right)\s+(?:side|arm|leg|hand)\s+to\s+(?:work|move)",
        r"\b(?:barely|can'?t|cannot)\s+lift\s+(?:her|his|my)\s+head",
        r"\bno\s+strength\s+(?:in|down|on)\b|\bbelongs\s+to\s+someone\s+else|"
        rf"\b{_CANT}\s+move\s+(?:my|his|her)\s+fingers",
        r"\b(?:numb\w*|weak\w*|tingl\w*|paralys\w*)\s+(?:\w+\s+){0,2}(?:down|on|in|along)\s+"
        r"(?:one|the\s+(?:left|right))\s+side",
        rf"\b{_CANT}\s+feel\s+(?:the\s+|one\s+)?(?:left\s+|right\s+)?side\s+of\s+{_WHOSE}"
        r"(?:face|body)",
        r"\bweak(?:ness)?\s+(?:in|of|on)\s+(?:(?:my|her|his|the|one)\s+)?(?:left\s+|right\s+)?"
        r"(?:arm|leg|hand|side)",
        rf"\b{_CANT}\s+(?:i\s+|he\s+|she\s+)?(?:really\s+|properly\s+)?(?:lift|move|feel|grip\w*|squeeze|hold|raise)\s+(?:(?:my|his|her|their|"
        r"anything|the|a)\s+)?(?:left\s+|right\s+)?(?:arm|leg|hand|fork|cup|anything|it)",
    ],
    ("vision", "sudden loss of vision"): [
        rf"\b{_CANT}\s+see\s+(?:properly\s+|anything\s+)?(?:out\s+of|in|with)\s+(?:one|my|his|her)"
        r"\s+(?:left\s+|right\s+)?eye",
        r"\b(?:lost|losing)\s+(?:the\s+)?(?:vision|sight)\b",
        r"\bvision\s+(?:is\s+|has\s+|'?s\s+)?(?:going|gone|greying|graying|blacking|blurr\w*)",
        rf"\b{_CANT}\s+see\s+(?:properly|clearly|anything|straight)\b",
        rf"\beyes?\b{_GAP % 40}\b{_CANT}\s+see\b",
        rf"\b{_CANT}\s+see\s+(?:out\s+of|through|with)\s+(?:it|that|this)\b",
        r"\b(?:sight|vision)\s+(?:went|has\s+gone|is\s+going|gone)\s+(?:all\s+)?(?:grey|gray|blurr\w*|"
        r"black|dark)|\b(?:vision|sight|eyes?)\s+(?:is\s+|are\s+|went\s+|has\s+gone\s+|gone\s+|going\s+)"
        r"(?:all\s+)?(?:double|blurr\w*)|\bseeing\s+double|\bdouble\s+vision|\bwent\s+blind|\bblind\s+in\s+(?:my|one|his|"
        r"her)|\bcurtain\s+(?:came|coming)\s+down|\blost\s+(?:half\s+)?(?:my\s+|his\s+|her\s+)?"
        r"(?:vision|sight)",
    ],
    # A headache alone is a nuisance side effect; with a stiff neck, fever or a fear of
    # light it may be meningitis.
    ("meningitis_signs", "a severe headache with a stiff neck or fever"): [
        rf"\b{_HEADACHE}{_GAP % 80}{_STIFF_NECK}|\b{_STIFF_NECK}{_GAP % 80}{_HEADACHE}",
        rf"\b{_STIFF_NECK}",
        rf"\b{_HEADACHE}{_GAP % 80}\bworst\s+(?:\w+\s+)?"
        r"(?:of\s+my\s+(?:whole\s+)?life|i'?ve\s+ever\s+had)",
        r"\b(?:worst|most\s+\w+)\s+(?:headache|pain)\s+(?:of\s+my\s+(?:whole\s+|entire\s+)?life|ever|"
        r"i'?ve\s+ever|i\s+have\s+ever)",
        r"\b(?:headache|head|pain)\s+(?:is\s+)?(?:the\s+)?worst\s+(?:ever|of\s+my\s+life)",
        r"\bneck\s+(?:is\s+|feels\s+)?(?:like\s+)?(?:concrete|a\s+board|a\s+rock|locked|solid)\b",
        rf"\b(?:vomit\w*|throwing\s+up|thrown\s+up|been\s+sick){_GAP % 60}{_HEADACHE}",
        rf"\b{_HEADACHE}{_GAP % 60}\b(?:thrown\s+up|threw\s+up)",
        r"\b(?:won'?t|can'?t)\s+open\s+(?:his|her|my|their)\s+eyes\s+in\s+the\s+light",
        r"\bthunderclap\b|\bworse\s+than\s+any\s+(?:headache|migraine|pain)|\bkernig|\bbrudzinski",
        rf"\b{_HEADACHE}{_GAP % 80}\bcame\s+on\s+(?:in|within)\s+"
        r"(?:seconds|a\s+(?:few\s+)?seconds?|an\s+instant)",
        r"\barch\w*\s+(?:her|his|my|their)\s+(?:neck|head|back)\s+back|\b(?:neck|head)\s+(?:is\s+)?"
        r"(?:arched|arching|thrown)\s+back|\bhead\s+(?:is\s+|'?s\s+)?(?:going\s+to|gonna|about\s+to)\s+"
        r"(?:explode|burst|split)|\b(?:scream|cr(?:y|ies|ied|ying)|winc|flinch|squint|hid)\w*\s+"
        r"(?:\w+\s+){0,3}(?:the\s+)?(?:light|lights|brightness|curtains|blinds)\b",
        r"\b(?:head|headache|pain)\s+(?:is\s+)?(?:the\s+)?worst\s+(?:it'?s|i'?ve|she'?s|he'?s)\s+"
        r"(?:ever|been|had)",
        rf"\b{_CANT}\s+(?:bear|stand|handle|take|cope\s+with)\s+(?:the\s+|any\s+)?(?:light|lights|"
        r"brightness|lamp|sun|sunlight|screen)",
        rf"\b{_I_HAVE}\s+(?:aseptic\s+)?meningitis",
        r"\b(?:lights?|brightness)\s+(?:\w+\s+){0,2}(?:hurts?|is\s+unbearable|is\s+killing|unbearable|"
        r"(?:like\s+)?knives|stab\w*)",
        r"\bphotophob\w*|won'?t\s+let\s+me\s+turn\s+(?:the|a)\s+light",
        r"\brash\s+(?:that\s+)?(?:doesn'?t|does\s+not|won'?t|isn'?t)\s+fad\w*",
        rf"\b{_HEADACHE}{_GAP % 60}\b(?:fever|temp\w*\s+(?:is\s+)?(?:3[89]|4\d|10[1-5])|"
        r"burning\s+up|vomit\w*|been\s+sick|throwing\s+up)",
    ],
    ("seizure", "a seizure"): [
        r"\bseizures?\b|\bseizing\b|\bconvuls\w*",
        r"\b(?:having|had|has|started)\s+(?:a\s+|another\s+|one\s+)?fits?\b|\bfitting\b",
        r"\bshaking\s+all\s+over|\b(?:fell|fall\w*)\s+down\s+and\s+shak\w*",
        r"\blooks?\s+like\s+(?:a\s+)?(?:fits?|seizures?)\b|\beyes\s+(?:roll\w*|rolled)\s+back",
        r"\bseized\b|\bjerking\b|\btwitching\b|\bwent\s+(?:all\s+)?(?:stiff|rigid)\b",
        r"\bhad\s+(?:two|three|four|several|\d+|a\s+couple\s+of)\s+(?:fits|seizures)",
    ],
    ("confusion", "confusion or not responding"): [
        r"\b(?:confused|muddled|disorient\w*|delirious|incoherent)\b(?!\s+(?:about|by|as|why|what|"
        r"whether|how|with|over))",
        r"\bnot\s+mak(?:ing|in'?)\s+(?:any\s+)?sense",
        r"\b(?:doesn'?t|doesnt|dont|don'?t|didn'?t|does\s+not)\s+(?:seem\s+to\s+)?(?:recogni[sz]e|know)\s+"
        r"(?:me|my\s+name|where|who|what\s+(?:year|day|month)|his\s+own|her\s+own)|\bnot\s+(?:knowing|"
        r"recogni[sz]ing)\s+(?:me|us|who|where)",
        r"\b(?:really|totally|completely|so|super|very)\s+out\s+of\s+it\b|\bseems?\s+(?:lost|dazed)\b",
        r"\bforgetting\s+where\s+(?:i|he|she)\s+(?:am|is)|\brepeating\s+the\s+same\s+(?:question|thing)",
        r"\b(?:keeps?|kept|keeping)\s+repeating\s+(?:myself|himself|herself|themselves)|\b(?:don'?t|doesn'?t|"
        r"didn'?t)\s+know\s+(?:what|which)\s+(?:town|city|day|year|month|place|room)|\b(?:don'?t|doesn'?t)"
        r"\s+know\s+(?:she'?s|he'?s|i'?m|she\s+is|he\s+is)\s+(?:at\s+)?home|\b(?:not|can'?t|don'?t)\s+"
        r"(?:to\s+)?remember(?:ing)?\s+the\s+last\s+(?:\w+\s+)?(?:hours?|minutes?)",
        r"\b(?:talking|speaking|chatting)\s+to\s+(?:people|someone|somebody|things|nobody)\s+(?:who|that)"
        r"\s+(?:aren'?t|isn'?t|are\s+not|is\s+not|wasn'?t|weren'?t)\s+there|\bsee(?:ing|in'?)\s+things\b|"
        r"\bhallucinat\w*",
        r"\b(?:getting|gets|got|i'?m|is|am)\s+(?:so\s+|really\s+|very\s+)?(?:confused|muddled|mixed\s+up)\s+"
        r"(?:about|by|with)\s+(?:simple|easy|basic|everyday|the\s+simplest)|\blos(?:e|es|ing|t)\s+(?:my|his|"
        r"her)\s+place\s+(?:\w+\s+){0,3}(?:sentences?|talking|speaking|conversations?)|\b(?:got|getting|"
        r"gets)\s+lost\b"
        + _GAP
        % 50
        + r"\b(?:route|road|way|drive|walk)\s+(?:i|he|she|we)(?:'ve|\s+have|'s|"
        r"\s+has)?\s+(?:done|driven|taken|walked|known)",
        r"\bsomnolen\w*|\b(?:difficult|hard|impossible)\s+to\s+(?:a?rouse|wake)|\bslump\w*|"
        r"\bmumbl\w*|\bfalls?\s+back\s+asleep|\bbarely\s+keep\s+(?:my|his|her)\s+eyes\s+open",
        r"\b(?:very|so|really|is|he'?s|she'?s)\s+confuse\b|\b(?:not|doesn'?t|don'?t|dont)\s+(?:know|recogni[sz]e)\s+"
        r"(?:me|us|who|where)\b|"
        r"\b(?:unresponsive|unrousable)\b|\b(?:not|isn'?t|wasn'?t|only\s+half|barely)\s+"
        r"(?:answering|responding|respond\w*|waking)",
        r"\bspark\s+out\b|\bout\s+cold\b|\bwon'?t\s+(?:rouse|wake)\b|\bstay\s+conscious|"
        r"\bfalling\s+asleep\s+(?:standing|mid|while)|\bbrain\s+(?:is\s+|feels\s+)?scrambled|"
        r"\blosing\s+track\s+of\s+where|"
        rf"\b{_CANT}\s+wake\s+(?:my\s+\w+|him|her|them)\s+up|\b(?:won'?t|doesn'?t|not)\s+(?:respond\w*|answer\w*)\b",
        r"\b(?:won'?t|wouldn'?t)\s+wake\s+up\b|"
        rf"\b{_CANT}\s+(?:seem\s+to\s+)?(?:stay\s+awake|(?:wake|a?rouse)\s+(?:him|her|them|me)|keep\s+"
        r"(?:him|her|them|my\s+eyes|my\s+\w+)\s+(?:awake|open))",
        r"\b(?:keeps?|keep)\s+(?:on\s+)?(?:falling\s+asleep|dozing\s+off|dropping\s+off|"
        r"nodding\s+off|passing\s+out)",
        r"\bbarely\s+keep\s+(?:him|her|them|me)\s+awake|\b(?:so|really|very|v)\s+drowsy",
    ],
    ("kidney_signs", "passing little or dark urine"): [
        rf"\b(?:hardly|barely|almost\s+no|not\s+much|very\s+little|tiny\s+(?:bit|amount)\s+of|"
        rf"hardly\s+any|barely\s+any|no)\s+(?:\w+\s+){{0,2}}{_WEE}\b",
        rf"\b(?:hardly|barely|not|haven'?t|hasn'?t|havent|hasnt|ain'?t|never|only)\s+(?:\w+\s+)?{_PEED}",
        r"\b(?:peeing|weeing|urinating)\s+(?:almost\s+|next\s+to\s+)?nothing|\btiny\s+amounts?\b|"
        r"\b(?:hardly|barely|not)\s+(?:weeing|peeing|urinating)|\bcatheter\s+bag\b"
        + _GAP
        % 30
        + r"\b(?:nothing|empty|dark)|"
        r"\b(?:thimbleful|drop|dribble|trickle|few\s+drops)\s+of\s+(?:wee|pee|urine)|\bbarely\s+a\s+dribble|"
        r"\b(?:loo|toilet)\b" + _GAP % 40 + r"\b(?:hardly|barely)\s+(?:anything|any)|"
        r"\b(?:peed|weed)\s+(?:like\s+|only\s+)?(?:once|twice)\b|"
        r"\b(?:anuri\w*|oliguri\w*)|\bhindi\s+maka(?:ka)?\s*ihi|\bno\s+(?:puede|puedo|ha)\s+orin\w*|\buo\s+(?:of\s+|is\s+)?\d{1,2}\s*(?:ml|mls)\b|"
        r"\burine\s+output\s+(?:is\s+|has\s+)?(?:\w+\s+)?(?:low|down|dropp\w*|tiny|nothing|zero|minimal)|"
        rf"\b{_CANT}\s+(?:pee|wee|urinate)|\boutput\s+(?:is\s+)?(?:basically\s+)?(?:zero|nothing)|"
        r"\bkidneys?\s+(?:hurt|pain|ache|are\s+killing)|"
        r"\bonly\s+been\s+to\s+the\s+(?:loo|toilet|bathroom)\s+once|"
        r"\b(?:no|not|hasn'?t|haven'?t|without)\s+(?:had\s+)?(?:a\s+|any\s+)?wet\s+(?:diapers?|nappy|nappies)",
        rf"\b{_WEE}\b{_GAP % 30}\b(?:cola|coke|dark|brown|black|red|bloody|"
        r"tea[\s-]colou?red|like\s+(?:strong\s+)?(?:tea|coffee)|coffee)\b",
        r"\b(?:nappy|nappies|diapers?)\b"
        + _GAP % 30
        + r"\b(?:bone[\s-])?dry\b|\b(?:made|passed|produced|"
        r"peed|weed|urinated)\s+(?:about\s+|only\s+|just\s+|maybe\s+)?\d{1,3}\s*(?:ml|mls|millilit\w*)\b|"
        r"\bonly\s+(?:about\s+)?\d{1,3}\s*(?:ml|mls)\b"
        + _GAP % 30
        + r"\b(?:bag|jug|potty|pot|wee|pee|urine)",
        rf"\b(?:dark\s+brown|brown|cola|coke)[\s-]*(?:colou?red\s+)?{_WEE}\b",
    ],
    # Not in the article's list, but the blind writers call them emergencies and so do
    # the NHS and NIH pages: a fever of 40C/104F, yellow eyes (IVIG can break down red
    # cells), and a blood pressure of 180/110 or more.
    ("high_fever", "a very high fever"): [
        r"\b(?:temp\w*|fever|thermometer)\b"
        + _GAP % 20
        + r"(?<![\d.])(?:4[0-2]|10[4-7])(?:\.\d)?\b(?!\s?%)",
        r"(?<![\d.])(?:4[0-2]|10[4-7])(?:\.\d)?\s?(?:°\s?[cf]?|degrees?|c|f)?\s+(?:degree\s+)?fever",
        r"\brigou?rs\b",
    ],
    ("jaundice", "yellow skin or eyes"): [
        r"\b(?:eyes|skin|whites)\b"
        + _GAP % 25
        + r"\byellow\w*|\byellow\w*\s+(?:eyes|skin)\b|\bjaundic\w*",
    ],
    ("high_blood_pressure", "very high blood pressure"): [
        r"\b(?:bp|blood\s+pressure)\b" + _GAP % 25 + r"\b(?:1[89][0-9]|2[0-9][0-9])"
        r"(?:\s*/\s*[0-9]{2,3}|\s+over\s+(?:[0-9]{2,3}|\w+))",
        r"\b(?:1[89][0-9]|2[0-4][0-9])\s*/\s*(?:1[1-4][0-9])\b",
    ],
    ("turning_blue", "turning blue or grey"): [
        r"\b(?:lips?|face|skin|fingers?|fingertips)\b"
        + _GAP % 25
        + r"\b(?:blue|bluish|gr[ae]y|morad[oa]s?)\b",
        r"\b(?:blue|bluish|gr[ae]y)\b" + _GAP % 25 + r"\b(?:lips?|mouth)\b",
        r"\b(?:gone|going|turning|turned|looks?|looking)\s+(?:\w+\s+)?(?:blue|bluish)\b",
        r"\b(?:gone|going|turned)\s+(?:all\s+)?(?:grey|gray)\s+and\s+floppy|\bfloppy\b",
    ],
}


for (_kind, _label), _alternatives in _SIGNS.items():
    if _kind in FRAMES:
        _alternatives.append(FRAMES[_kind])

SYMPTOMS = [
    (kind, label, re.compile("(?i)" + "|".join(alts))) for (kind, label), alts in _SIGNS.items()
]
# The same, each searched only in a text that holds one of its words (most hold none).
LEXICON = Lexicon(SYMPTOMS)

# For forum.safety.urgent's negation rules: the signs whose words are negations.
CANT, PEED, WEE = _CANT, _PEED, _WEE
