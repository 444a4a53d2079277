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
from functools import cached_property

from forum.safety import learned
from forum.safety.signs import CANT as _CANT
from forum.safety.signs import LEXICON
from forum.safety.signs import PEED as _PEED
from forum.safety.signs import WEE as _WEE
from forum.safety.text import (
    CLAUSE_BREAK,
    QUOTES,
    Finding,
    Pieces,
    cached_search,
    dedupe,
)

# NegEx-style: a negation counts in the few words before the sign in its own clause
# ("no chest pain, but my leg is swollen" keeps the leg), and inside a match that
# spans words ("headache but no stiff neck", "leg is not swollen").
_NEGATION = re.compile(
    r"(?i)\b(?:no|not|never|without|zero|none|nor|neither|didn'?t|don'?t|doesn'?t|haven'?t|"
    r"hasn'?t|wasn'?t|weren'?t|isn'?t|aren'?t|did\s+not|do\s+not|free\s+of|denies|denied)\b"
)
# A list item: nothing before the sign in its clause, or a few words and "or".
_LIST_LEAD = re.compile(r"(?i)\s*(?:(?:[\w'-]+\s+){1,3}(?:or|nor)\s+)?")
_LIST_JOIN = re.compile(r"(?i)\b(?:or|nor)\b")
_NEGATION_WINDOW = 7  # words; NegEx uses 5, forum posts run longer ("no X or Y or Z")
# Negation words that negate nothing after them, and negations that are the sign
# itself ("can't breathe", "hasn't peed", "isn't answering", "rash that doesn't fade").
_PSEUDO_NEGATION = re.compile(
    r"(?i)\b(?:(?:don'?t|do\s+not|didn'?t)\s+know(?!\s+(?:me|my|who|where))|not\s+sure|no\s+idea|"
    r"not\s+just|not\s+only|no\s+matter|never\s+before|(?:no|not|hasn'?t|haven'?t|without)\s+(?:had\s+)?"
    r"(?:a\s+|any\s+)?wet\s+(?:diapers?|nappy|nappies)|not\s+coming\s+(?:out\s+)?right|"
    r"not\s+(?:answer|respond)\w*|(?:not|doesn'?t|don'?t|dont)\s+(?:know|recogni[sz]e)\s+(?:me|us|who|"
    r"where|what)|not\s+(?:right|well|good|great|herself|himself|myself)|not\s+making\s+(?:any\s+)?sense|"
    r"(?:not|isn'?t|wasn'?t)\s+(?:answering|responding|waking)|no\s+(?:strength|feeling|sensation|grip)|"
    r"(?:output|urine)\s+(?:is\s+)?(?:basically\s+|almost\s+|near\s+)?(?:zero|nil|none)|"
    r"(?:not|never|haven'?t|hasn'?t|didn'?t|n'?t)\s+(?:\w+\s+)?" + _PEED + r"|"
    r"(?:doesn'?t|does\s+not|won'?t|isn'?t)\s+fad\w*|"
    r"(?:doesn'?t|dont|don'?t|didn'?t|does\s+not)\s+(?:recogni[sz]e|know\s+(?:me|my|who|where))|"
    r"no\s+(?:\w+\s+){0,2}" + _WEE + r"|(?:isn'?t|isnt|not|won'?t)\s+(?:going\s+away|"
    r"go(?:ing)?\s+away|stopping|settling|improving|getting\s+better))\b|" + _CANT
)
# Talk about the signs rather than having them, just before the sign in its clause:
# "call 911 if you can't breathe", "in case of chest pain", "anyone else get chest pain?".
_HYPOTHETICAL = re.compile(
    r"(?i)\b(?:if|in\s+case|in\s+the\s+event\s+of|suppos\w*|what\s+if|whether|ever\s+(?:get|gets|develop\w*|happen\w*)|signs?\s+of|symptoms?\s+of|watch\w*(?:\s+out)?\s+for|"
    r"look\w*\s+(?:out\s+)?for|warn\w*|says\s+(?:to|you|if|that\s+(?:if|you))|said\s+to|(?<!barely\s)(?<!hardly\s)(?<!making\s)(?<!passed\s)any|"
    r"(?:anyone|anybody|people|those|someone|somebody|everyone|patients|kids|children)\s+(?:with|getting|"
    r"who|having|that\s+gets?|can|may|might)|some\s+people|dread\w*|"
    r"seen\s+(?:a|an|some|many|several|other|lots\s+of)\s+(?:\w+\s+)?(?:patients?|people|kids|cases)|"
    r"a\s+patient'?s|"
    r"when\s+(?:you|your|u|ur|people|someone)|should\s+(?:you|your)|"
    r"tomorrow|next\s+(?:time|week|infusion|round|month|dose)|seek\w*|report(?!ing|ed|s)|risks?|side\s+effects?|"
    r"call\s+(?:911|999|112)|a&e|the\s+er|anyone\s+else|(?:has|does|did)\s+anyone|"
    r"how\s+(?:common|often|likely)|what\s+happens|check\w*\s+(?:[\w']+\s+){0,3}for|"
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
    r"emergency\s+signs?|signs\s+(?:are|include)|(?:ever\s+)?a\s+sign\s+of|or\s+is\s+that\s+just|"
    r"said\s+the\s+(?:nurse|doctor|gp|consultant)|(?:the|my|our|her|his)\s+(?:nurse|doctor|gp|dr|"
    r"consultant|rheumatologist|neurologist|specialist)\s+(?:said|says|told|explained|warned)|"
    r"spell\w*\s+out|what\s+(?:an?\s+)?(?:\w+\s+){0,3}looks?\s+like|patients\s+to|list|consent\s+form|something\s+to\s+(?:report|worry|watch|"
    r"mention)|i'?ve\s+read|read\s+others|stories\s+about|heard\s+(?:\w+\s+){0,3}about|advice|advised|stroke\s+sign|is\s+an?\s+(?:\w+\s+)?sign|"
    r"explain\w*|new\s+patients|i\s+(?:always\s+)?(?:say|tell)|should\s+be\s+seen|"
    r"needs?\s+to\s+be\s+seen|never\s+something|something\s+(?:to|you)\s+(?:wait|ignore|sit)|"
    r"tips?|log\s+of|keep\s+(?:a\s+)?(?:log|diary|track)|counsel\w*|advis\w*\s+(?:patients|you|people)|instruct\w*|"
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
# Fears that need no modal: "my biggest fear is...", "I imagine my chest tightening".
_WORRY_STRONG = re.compile(
    r"(?i)\b(?:fears?\s+(?:is|was)|imagin\w*|obsess\w*|keep\s+thinking|thinks?\s+every|"
    r"convinc\w*\s+myself|(?:scared|afraid|terrified|paranoid|worried|anxious)\s+(?:of|about))\b"
)
# Figures of speech and harmless causes, anywhere in the sentence: "my heart was racing
# with excitement", "the bill nearly gave me a heart attack", "slurring at bedtime, lol".
_FIGURATIVE = re.compile(
    r"(?i)\b(?:with\s+excitement|excited|stuffy|breathtaking|took\s+my\s+breath\s+away|concert|"
    r"when\s+i\s+saw\s+(?:the|how)|how\s+much\s+\w+\s+cost|the\s+(?:bill|price|parking)|hangover|"
    r"ha(?:ha)+|lmao|laugh\w*|joking|lazy\s+thing|dead\s+to\s+the\s+world|"
    r"(?:from|after)\s+(?:sleeping|slept|exercise|the\s+gym|running|swimming|the\s+stairs)|"
    r"sleeping\s+funny|slept\s+funny|swimming|warmed\s+up|insurance|forms|dyed|"
    r"(?:that'?s|is|was)\s+(?:just|only)\s+because|because\s+(?:she|he)'?s\s+(?:two|one|a\s+baby|little)|"
    r"same\s+as\s+(?:every|each|always|last|usual)|(?:it'?s|its)\s+gone(?:\s+now)?|for\s+a\s+while)\b"
)
# A rule of thumb written as an equation or an order: "breathlessness = 999", ", go to A&E".
_RULE_OF_THUMB = re.compile(
    r"(?i)(?:=|->|\u2192)\s*(?:999|911|112|111|a&e|the\s+er|er\b|hospital|an?\s+ambulance|call)|"
    r"(?:^|[,;:]\s*)go\s+(?:straight\s+)?to\s+(?:a&e|the\s+er|er\b|hospital|emergency)"
)
_MODAL = re.compile(r"(?i)\b(?:would|might|could|will|going\s+to|gonna|may)\b|\w'(?:d|ll)\b")
# A sentence that opens with an instruction: "Call 999 for ...", "Never ignore ...".
_INSTRUCTION = re.compile(
    r"(?i)\s*(?:and\s+|so\s+|but\s+|please\s+)?(?:(?:call|ring|phone|dial)\s+(?:911|999|111|112|"
    r"an?\s+ambulance|your|the|for|if|straight|immediately)|go\s+(?:to|straight)|get\s+(?:help|seen|"
    r"checked|to\s+(?:a&e|the|an?))|seek|tell\s+(?:the|your|a)|report|watch\s+(?:out|for)|"
    r"look\s+(?:out|for)|keep\s+(?:an\s+eye|the|this|a|your)|make\s+sure|remember|"
    r"don'?t\s+(?:wait|ignore|hesitate|delay)|do\s+not|never\s+ignore|always|stop\s+(?:the|your)|"
    r"head\s+(?:to|straight))\b"
)
# A question that asks what to do about what is happening: "should I go in?".
_ASKS_FOR_HELP = re.compile(
    r"(?i)\b(?:should\s+(?:i|we)|do\s+(?:i|we)\s+need\s+to|what\s+(?:should|do|can)\s+(?:i|we)\s+do|"
    r"is\s+(?:this|it|that)\s+(?:serious|an\s+emergency|normal|ok|okay|bad|dangerous)|"
    r"(?:can|could)\s+(?:someone|anyone|somebody)\s+(?:help|tell)|a&e\s+or|er\s+or|or\s+wait|"
    r"what\s+does\s+(?:it|this|that)\s+mean|how\s+worried|why\s+(?:is|does|can'?t|won'?t|am|is)\s+"
    r"(?:my|i|he|she))\b"
)
# Who a question is about when it is about nobody in particular.
_GENERIC = re.compile(
    r"(?i)\b(?:you|your|u|ur|people|someone|anyone|anybody|others|folks|one'?s|"
    r"(?<!what\s)(?:can|does|do|will|would|could)\s+(?:ivig|it|the\s+infusion)|is\s+it\s+(?:common|possible)|"
    r"how\s+(?:common|often|likely)|what'?s\s+the\s+difference|difference\s+between|common|"
    r"asking\s+(?:before|for|because)|would\s+an?|side\s+effects?|usually|normally|typically|"
    r"generally|in\s+general|would\s+(?:\w+\s+){1,5}mean)\b"
)
# Asking about a case that is only imagined: "supposing my mother became confused",
# "if my throat started closing ... not happening, just planning".
_SUPPOSING = (
    r"suppos\w*|what\s+if|in\s+the\s+event|were\s+to|soon|planning|not\s+happening|"
    r"just\s+(?:curious|asking|wondering)|in\s+a\s+(?:fortnight|week|month)|"
    r"if\s+(?:my|his|her|i|he|she|the|your)\b(?:\s+\w+)?\s+(?:started|became|began|went)"
)
_SUPPOSED = re.compile(rf"(?i)\b(?:{_SUPPOSING})\b")
_FUTURE = re.compile(
    r"(?i)\b(?:if\s+(?:my|his|her|i|he|she|the|your)\b(?:\s+\w+)?\s+(?!is\b|was\b|has\b|keeps\b)"
    r"(?:\w+s|get|start|develop)\b|ever|in\s+(?:the\s+)?future|next\s+time|tomorrow|upcoming|"
    r"if\s+(?:i|he|she|we|they|you)\s+(?:get|gets|develop\w*|start\w*)|first\s+(?:infusion|dose|round)|"
    rf"{_SUPPOSING})\b"
)

# Over, or chronic and known: anywhere in the sentence, unless the sign's own clause
# says it is happening now.
_PAST = re.compile(
    r"(?i)\b(?:(?:years?|months?|weeks?|wks?)\s+(?:ago|back)|once|always|nothing\s+new|for\s+years|"
    r"as\s+usual|(?:the\s+)?one\s+time|in\s+(?:my|his|her)\s+(?:teens|twenties|thirties|forties)|briefly|last\s+(?:year|month|summer|winter|spring|autumn|fall|time|wk|week)|used\s+to|"
    r"back\s+in|in\s+(?:19|20)\d\d|when\s+i\s+was|when\s+i\s+(?:first\s+)?(?:started|began)|"
    r"at\s+first|as\s+a\s+(?:kid|child|baby|toddler|teen\w*)|(?:swelling|it|pain|temperature|fever|temp|puffiness)\s+(?:went|has\s+gone|gone|"
    r"came)\s+down|went\s+away|gone\s+away|"
    r"(?<!n't\s)(?<!not\s)(?:resolved|cleared\s+up|settled|subsided|passed(?!\s+out)|wore\s+off|eased|"
    r"calmed\s+down)|(?:the\s+|my\s+)?first\s+time\s+(?:i|he|she|we)\s+(?:get|got|had|was|did)|"
    r"fixed|sorted|(?:was|were|been|felt)\s+(?:fine|ok|okay|alright|nothing)"
    r"(?!\s+(?:this|until|before|earlier|yesterday|last|an?\s|a\s+few|\d|one|two|when|at))|"
    r"was\s+(?:just|only)(?!\s+now)|"
    r"turned\s+out|first\s+ever|improv\w*|(?:getting|much|lot|way|so\s+much)\s+better|"
    r"better\s+now|in\s+the\s+past|previously|ended\s+up|was\s+admitted|kept\s+(?:me|her|him)\s+in|"
    r"(?:(?<!started\s)(?<!since\s)(?<!began\s)after\s+(?:my|her|his|the)|during\s+(?:my|her|his))\s+(?:first|second|third|fourth|last|previous|1st|2nd|3rd)|"
    r"when\s+(?:she|he|they)\s+was|on\s+(?:my\s+)?(?:round|infusion|dose|cycle)\s+"
    r"(?:one|1|two|2)|(?:my|the)\s+first\s+(?:round|infusion|dose|time)|without\s+(?:any\s+)?"
    r"(?:issue|problem)s?|no\s+(?:issues?|problems?)\s+since|had\s+(?:a|an|some)\s+(?:\w+\s+)?"
    r"(?:scare|episode|reaction|wobble))\b"
)
# Now, or so recent that it still counts: "an hour ago", "last night".
_PRESENT = re.compile(
    r"(?i)\b(?:now|rn|today|tonight|tonite|this\s+(?:morning|afternoon|evening|week)|"
    r"since(?!\s+(?:reading|i\s+(?:read|saw|heard|was)|then|childhood|birth|diagnosis|\d{4}))|"
    r"currently|still|at\s+the\s+moment|atm|again|keeps?\s+(?:on\s+|nearly\s+)?\w+ing|"
    r"last\s+night|right\s+now|this\s+(?:short|faint|dizzy|breathless|tight|swollen|bad|weak|"
    r"confused|sleepy|drowsy)|"
    r"(?:an?|\d+|few|couple\s+of|half\s+an?|ten|five|twenty|thirty|forty)\s+"
    r"(?:hours?|hrs?|mins?|minutes?)\s+(?:ago|now)|in\s+the\s+last\s+(?:\w+\s+)?(?:hour|minutes?)|"
    r"happening|going\s+in|on\s+the\s+way|won'?t\s+stop|is\s+getting\s+worse|"
    r"for\s+the\s+(?:last|past)\s+(?:\w+\s+)?(?:hour|hours|minutes?|half\s+hour)|like\s+this|"
    r"started\s+(?:yesterday|today|tonight|this|last|about|around|an?\s|\d|in\s+the)|"
    r"since\s+yesterday|(?:it|this|that)\s+came\s+on|overnight|just\s+(?:had|now|started|stopped|happened|collapsed|fainted|fell|went)|"
    r"all\s+(?:day|evening|night|morning|afternoon)|been\s+going|"
    r"(?:over|in|for)\s+the\s+(?:last|past)\s+(?:\w+\s+)?(?:hours?|minutes?|mins?)|"
    r"(?:isn'?t|isnt|not|won'?t)\s+(?:going\s+away|go(?:ing)?\s+away|stopping|settling|improving|"
    r"getting\s+better)|(?:this|these)\s+(?:\w+\s+)?(?:rash|pain|"
    r"swelling|headache|reaction|feeling|symptoms?|hives|spots|tightness|breathlessness))\b"
)
# An all-clear later in the post takes back what came before it: "they scanned my leg
# ... it was a cyst", "everything came back normal".
_ALL_CLEAR = re.compile(
    r"(?i)\b(?:came\s+back\s+(?:normal|clear|fine|negative)|(?:was|were|are)\s+"
    r"(?:all\s+)?(?:clear|normal|negative|nothing|nothin)\b|no\s+(?:sign\s+of\s+(?:a|any)\s+)?clot|"
    r"turned\s+out|in\s+the\s+end|ruled\s+out|(?:was|were|he\s+was|she\s+was|i\s+was|i\s+feel|"
    r"i'?m|feel)\s+(?:completely\s+|totally\s+|absolutely\s+)?(?:fine|ok|okay|normal)\s+now|"
    r"(?:was|were)\s+(?:completely\s+|totally\s+)?fine(?!\s+(?:last|before|until|earlier|this|yesterday|an?\s|a\s+few|\d|one|two|when|at))|back\s+to\s+normal|glad\s+i\s+checked|"
    r"feel\s+(?:a\s+bit\s+)?silly|never\s+(?:came|happened|materiali[sz]ed|developed|showed\s+up)(?!\s+(?:before|until))|"
    r"nothing\s+(?:happened|came\s+of\s+it)|didn'?t\s+(?:happen|come|develop|materiali[sz]e)|"
    r"sailed\s+through|in\s+reality|(?:was|were)\s+(?:a\s+)?(?:boring|uneventful|non-event)|"
    r"(?:she|he|i|they)\s+recovered|recovered\s+(?:completely|fully)|(?:have\s+)?had\s+no\s+(?:issues|"
    r"problems)|nothing\s+(?:sinister|serious|to\s+worry)|came\s+back\s+(?:in|after|within)|"
    r"slept\s+on\s+it|never\s+did|didn'?t\s+happen|(?:thankfully|luckily|fortunately)\s+(?:not|no|"
    r"nothing|never|it\s+didn'?t)|false\s+alarm|(?:was|turned\s+out\s+to\s+be)\s+(?:just\s+)?(?:anxiety|panic|nerves|"
    r"indigestion)|(?:it'?s|its)\s+(?:running\s+)?clear|(?<!thought\s)(?<!thought\sit\s)(?:it'?s|its|was|it\s+was)\s+(?:just|only)\s+"
    r"(?:from|the|a|my|because|muscular|muscle|anxiety|a\s+pulled|bruis\w*)|not\s+a\s+(?:dvt|clot|"
    r"pe|stroke|heart\s+attack)|no\s+(?:dvt|pe|stroke|bleed)\b|"
    r"(?:labs?|bloods?|tests?|results?|scans?|creatinine|ultrasound|ct|mri|ecg|ekg|x-?ray|echo)\s+"
    r"(?:(?:was|were|are|is|came\s+back|all)\s+)?(?:normal|fine|clear|negative)(?!\s+(?:last|before|"
    r"until|earlier|a\s+few|\d))|"
    r"(?:oxygen|o2|sats?)\b[^.]{0,20}\b(?:9[5-9]|100)(?=\s?%)|"
    r"(?:that|this)\s+was\s+(?:about\s+|over\s+|nearly\s+)?(?:\d+|an?|two|three|four|five|six|"
    r"several|many)\s+(?:years?|months?)\s+ago|"
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
_PRESENT_TENSE = re.compile(
    r"(?i)\b(?:is|are|am|keeps?|can'?t|cannot|won'?t|(?:he|she|it|i|they|we)'(?:s|re|m)|hes|shes|im|"
    r"(?:has|have)\s+(?:been|gone|started))\b"
)
_PAST_TENSE = re.compile(r"(?i)\b(?:was|were|had|couldn'?t|wasn'?t|did)\b")
_FREE_OF = re.compile(r"(?i)[\s-]?free\b")
_PERSON = re.compile(
    r"(?i)\b(?:i|i'm|im|i've|ive|me|my|mine|myself|pt|patient|he|she|he's|she's|his|her|hes|shes|"
    r"mum|mom|dad|grandad|nan|son|daughter|husband|wife|partner|hubby|bf|gf)\b"
)


class _Story:
    """One comment cut into sentences and clauses, with its cues found in one pass."""

    def __init__(self, text: str) -> None:
        self.text, self.search = text, cached_search(text)
        self.sentences = Pieces(text, _SENTENCE_BREAK)

    # The rest is needed only about a sign found: most comments have none.
    clauses = cached_property(lambda s: Pieces(s.text, CLAUSE_BREAK))
    hypothetical = cached_property(lambda s: [m.span() for m in _HYPOTHETICAL.finditer(s.text)])
    all_clear = cached_property(lambda s: [m.start() for m in _ALL_CLEAR.finditer(s.text)])

    def _hypothetical_before(self, start: int, sign_start: int, sign_end: int) -> bool:
        """A cue in text[start:sign_end]: before the sign, or between a frame's two words."""
        spans = self.hypothetical  # in order of their starts: (s,) sorts just before (s, e)
        i, j = bisect.bisect_left(spans, (start,)), bisect.bisect_left(spans, (sign_end,))
        return any(spans[k][1] <= sign_end for k in range(i, j))

    def _story_told_before(self, s_start: int) -> bool:
        """The sentence before this one set the story in the past, and this one says nothing
        of now but is in the past tense itself."""
        p_start, p_end, _ = self.sentences.at(s_start - 2) if s_start > 1 else (0, 0, "")
        if p_end <= p_start or p_end > s_start:
            return False
        s_end = self.sentences.at(s_start)[1]
        told_past = self.search(_PAST, p_start, p_end) and not self.search(_PRESENT, p_start, p_end)
        return bool(told_past and self.search(_PAST_TENSE, s_start, s_end))

    def _next_sentence_says_now(self, s_end: int) -> bool:
        """ "Can IVIG do this? It started ten minutes ago." makes the question a report."""
        start, end, _ = self.sentences.at(s_end + 1)
        says_now = start > s_end and self.search(_PRESENT, start, end)
        return bool(says_now and not self.search(_SUPPOSED, start, end))

    def _list_start(self, c_start: int, start: int) -> int:
        """Where a negation's reach begins: the sign's clause, or, for an item of a list
        ("not any palpitations, breathlessness or chest pain"), the clause before it."""
        p_start, _, p_break = self.clauses.at(c_start - 1) if c_start else (0, 0, "")
        c_end = self.clauses.at(c_start)[1]
        if (
            p_break.strip() == ","
            and _LIST_LEAD.fullmatch(self.text, c_start, start)
            and _LIST_JOIN.search(self.text, c_start, c_end)
        ):
            return p_start
        return c_start

    def is_current(self, start: int, end: int) -> bool:
        """Is the sign at text[start:end] told as happening now to the writer or theirs?"""
        text, search = self.text, self.search
        c_start, c_end, _ = self.clauses.at(start)
        s_start, s_end, s_break = self.sentences.at(start)
        before = max(self._list_start(c_start, start), start - _LOOK_BACK)
        window = [*text[before:start].split()[-_NEGATION_WINDOW:], text[start:end]]
        if _NEGATION.search(_PSEUDO_NEGATION.sub(" ", " ".join(window))):
            return False
        if _FREE_OF.match(text, end):
            return False  # "seizure-free for eighteen months"
        if bisect.bisect_right(self.all_clear, s_start - 1) < len(self.all_clear):
            return False  # an all-clear in this sentence or after it
        now_in_clause = bool(search(_PRESENT, c_start, c_end))
        asks = "?" in s_break
        now_in_question = asks and bool(search(_PRESENT, s_start, s_end))
        now_in_question = now_in_question and not search(_SUPPOSED, s_start, s_end)
        talk = self._hypothetical_before(before, start, end) or (
            search(_QUOTING, s_start, s_end) and not now_in_clause
        )
        # A question about the signs ("has anyone's throat felt tight?") is not a report;
        # "is it normal that my chest is tight?" is, so the question must not be the writer's.
        general_question = (
            asks and not search(_PERSON, s_start, s_end) and bool(search(_GENERIC, s_start, s_end))
        )
        if not talk and not now_in_clause:
            talk = (
                _INSTRUCTION.match(text, s_start, s_end) is not None
                or bool(search(_WORRY_STRONG, s_start, start))
                or bool(search(_RULE_OF_THUMB, s_start, s_end))
                or bool(search(_FIGURATIVE, s_start, s_end))
                or (bool(search(_WORRY, s_start, start)) and bool(search(_MODAL, s_start, s_end)))
            )
        if talk or general_question:
            if now_in_question or (asks and self._next_sentence_says_now(s_end)):
                return True
            return bool(
                asks
                and search(_ASKS_FOR_HELP, s_start, s_end)
                and not search(_GENERIC, s_start, s_end)
                and not search(_FUTURE, s_start, s_end)
            )
        past = search(_PAST, s_start, start) or search(_PAST, end, s_end)
        if past and not now_in_clause:
            return False
        if self._story_told_before(s_start) and not search(_PRESENT, s_start, s_end):
            return False  # "Back in my twenties I had a PE. I was coughing blood..."
        other = search(_OTHER_PERSON, s_start, s_end)
        told_past = other and other.start() < start and search(_PAST_VERB, other.start(), c_end)
        # "My husband just got home and he's slurring": the sign's own clause is in the present.
        told_past = told_past and not search(_PRESENT_TENSE, c_start, end)
        now = search(_PRESENT, s_start, s_end) or search(_ASKS_FOR_HELP, s_start, s_end)
        return not (told_past and not now)


def rule_findings(text: str) -> tuple[_Story, list[Finding], list[tuple[int, int]]]:
    """The lexicon in context: the story, the signs happening now, and every span the
    lexicon matched, current or not (the learned layer keeps out of those)."""
    story = _Story(text.translate(QUOTES))
    matched = LEXICON.matches(story.text)
    found = [
        Finding(kind, label, *span) for kind, label, span in matched if story.is_current(*span)
    ]
    return story, found, [span for _, _, span in matched]


def untouched_sentences(story: _Story, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentences where the lexicon matched nothing: the learned layer's to judge."""
    touched = {story.sentences.at(pos)[0] for start, end in taken for pos in (start, end - 1)}
    return [(s, e) for s, e, _ in story.sentences.spans if s not in touched]


def learned_findings(
    story: _Story, taken: list[tuple[int, int]], model: learned.Model | None = None
) -> list[Finding]:
    """The learned layer, asked only where the lexicon matched nothing."""
    sentences = untouched_sentences(story, taken)
    return learned.find(story.text, sentences, story.is_current, model)


def find_urgent_symptoms(text: str) -> list[Finding]:
    """Warning signs the article says need help at once, described as happening now."""
    story, found, taken = rule_findings(text)
    if not found:
        found = learned_findings(story, taken)
    return dedupe(found)
