"""The context cues of urgent symptoms: the ConText-style modifier lexicon.

forum.safety.urgent asks these around each warning sign that forum.safety.signs found:
negation ("no chest pain"), talk about the signs rather than having them ("watch for",
"if", the article's list), worry, figures of speech, history ("years ago"), now
("an hour ago", "rn"), an all-clear ("the scan was clear") and whose story it is.
Each is one compiled pattern; nothing here decides anything on its own.
"""

from __future__ import annotations

import re

from forum.safety.signs import CANT, PEED, WEE

# NegEx-style: a negation counts in the few words before the sign in its own clause
# ("no chest pain, but my leg is swollen" keeps the leg), and inside a match that
# spans words ("headache but no stiff neck", "leg is not swollen").
NEGATION = re.compile(
    r"(?i)\b(?:no|not|never|without|zero|none|nor|neither|didn'?t|don'?t|doesn'?t|haven'?t|"
    r"hasn'?t|wasn'?t|weren'?t|isn'?t|aren'?t|did\s+not|do\s+not|free\s+of|denies|denied|"
    r"less(?!\s+than))\b"
)
# Negation words that negate nothing after them, and negations that are the sign
# itself ("can't breathe", "hasn't peed", "isn't answering", "rash that doesn't fade").
PSEUDO_NEGATION = re.compile(
    r"(?i)\b(?:(?:don'?t|do\s+not|didn'?t)\s+know(?!\s+(?:me|my|who|where))|not\s+sure|no\s+idea|"
    r"not\s+just|not\s+only|no\s+matter|never\s+before|side\s+(?:\w+\s+){0,4}(?:doesn'?t|does\s+not|won'?t|didn'?t)\s+(?:move|lift|go\s+up)|(?:doesn'?t|does\s+not|isn'?t|is\s+not)\s+"
    r"(?:feel\s+|look\s+|seem\s+)?like\s+(?:a|an|my|the|any|her|his)\b|without\s+(?:\w+\s+){0,4}(?:nearly|almost)\b|(?:is\s+)?not\s+clear|no\s+pued[eo]|(?<=n't\s)(?:even\s+)?\w+(?:\s+\w+){0,4}\s+without|"
    r"(?<=not\s)(?:even\s+)?\w+(?:\s+\w+){0,4}\s+without|not\s+(?:knowing|recogni[sz]ing)|"
    r"(?:doesn'?t|don'?t)\s+seem\s+to\s+(?:know|recogni[sz]e)|(?:aren'?t|isn'?t|are\s+not|is\s+not|wasn'?t|"
    r"weren'?t)\s+(?:really\s+)?there|(?:not|doesn'?t|don'?t|didn'?t|can'?t)\s+(?:to\s+)?"
    r"remember\w*\s+(?:the\s+last|anything|what\s+happened|where|who)|"
    r"(?:no|not|hasn'?t|haven'?t|without)\s+(?:had\s+)?"
    r"(?:a\s+|any\s+)?wet\s+(?:diapers?|nappy|nappies)|not\s+coming\s+(?:out\s+)?right|"
    r"not\s+(?:answer|respond)\w*|(?:not|doesn'?t|don'?t|dont)\s+(?:know|recogni[sz]e)\s+(?:me|us|who|"
    r"where|what|which|(?:she|he|i)'?s|(?:she|he)\s+is|i'?m)|not\s+(?:right|well|good|great|herself|himself|myself)|not\s+mak(?:ing|in'?)\s+(?:any\s+)?sense|"
    r"(?:not|isn'?t|wasn'?t)\s+(?:answering|responding|waking)|no\s+(?:strength|feeling|sensation|grip)|"
    r"(?:output|urine)\s+(?:is\s+)?(?:basically\s+|almost\s+|near\s+)?(?:zero|nil|none)|"
    r"(?:not|never|haven'?t|hasn'?t|didn'?t|n'?t)\s+(?:\w+\s+)?" + PEED + r"|"
    r"(?:doesn'?t|does\s+not|won'?t|isn'?t)\s+fad\w*|"
    r"(?:doesn'?t|dont|don'?t|didn'?t|does\s+not)\s+(?:recogni[sz]e|know\s+(?:me|my|who|where))|"
    r"no\s+(?:\w+\s+){0,2}" + WEE + r"|(?:isn'?t|isnt|not|won'?t)\s+(?:going\s+away|"
    r"go(?:ing)?\s+away|stopping|settling|improving|getting\s+better))\b|" + CANT
)
# Talk about the signs rather than having them, just before the sign in its clause:
# "call 911 if you can't breathe", "in case of chest pain", "anyone else get chest pain?".
HYPOTHETICAL = re.compile(
    r"(?i)\b(?:if(?!\s+(?:my|his|her)\s+(?:\w+\s+){0,2}(?:has|have|'s)\s+(?:just\s+|now\s+|already\s+)?"
    r"(?:turned|gone|become|got|started)\b)|in\s+case|in\s+the\s+event\s+of|suppos\w*|what\s+if|whether|ever\s+(?:get|gets|develop\w*|happen\w*)|signs?\s+of|symptoms?\s+of|watch\w*(?:\s+out)?\s+for|"
    r"look\w*\s+(?:out\s+)?for|warn\w*|says\s+(?:to|you|if|that\s+(?:if|you))|said\s+to|(?<!barely\s)(?<!hardly\s)(?<!making\s)(?<!passed\s)(?<!put\s)(?<!bear\s)any|"
    r"(?:anyone|anybody|people|those|someone|somebody|everyone|patients|kids|children)\s+(?:with|getting|"
    r"who(?!\s+(?:aren'?t|isn'?t|are\s+not|is\s+not|wasn'?t|weren'?t)\s+there)|having|that\s+gets?|"
    r"can|may|might)|some\s+people|dread(?!ful)\w*|"
    r"seen\s+(?:a|an|some|many|several|other|lots\s+of)\s+(?:\w+\s+)?(?:patients?|people|kids|cases)|"
    r"a\s+patient'?s|"
    r"when\s+(?:you|your|u|ur|people|someone)|should\s+(?:you|your)|"
    r"tomorrow|next\s+(?:time|week|infusion|round|month|dose)|seek\w*|report(?!ing|ed|s)|risks?|side\s+effects?|"
    r"call\s+(?:911|999|112)|a&e|the\s+er|anyone\s+else|(?:has|does|did)\s+anyone|"
    r"how\s+(?:common|often|likely)|what\s+happens|check\w*\s+(?:[\w']+\s+){0,3}for|"
    r"tested\s+for|scanned\s+for|sorry\s+(?:to\s+hear\s+)?(?:about\s+)?(?:the|your|that)|"
    r"(?:saw|seen|see|checked)\s+(?:me|him|her|us)\s+about|"
    r"(?:saw|seen)\s+(?:the|my|a|an)\s+(?:[\w-]+\s+){0,2}(?:doctor|gp|dr|nurse|consultant|team|"
    r"specialist)\s+about|rule\w*\s+out|for\s+any|(?:scared|worried|afraid|terrified|"
    r"nervous|anxious|paranoid|frightened|fear\w*|convinced|thought|expect\w*)\b(?:\s+\w+){0,4}?\s+"
    r"(?:i'?d|i\s+would|i'?ll|i\s+will|i\s+might|it\s+would|it\s+might|of|about|that|"
    r"(?:he|she)'?d|(?:he|she)\s+(?:would|might)))\b"
)
# Instructions and quotations, anywhere in the sentence: "the leaflet lists a red,
# painful, swollen leg", "breathlessness or weakness are reasons to call 999".
QUOTING = re.compile(
    r"(?i)\b(?:article|leaflet|pamphlet|letter|booklet|handout|card|lists|listed|listing|mentions|"
    r"emergency\s+signs?|signs\s+(?:are|include)|(?:ever\s+)?a\s+sign\s+of|or\s+is\s+that\s+just|"
    r"said\s+the\s+(?:nurse|doctor|gp|consultant)|(?:the|my|our|her|his)\s+(?:[\w-]+\s+)?(?:nurse|doctor|gp|dr|"
    r"consultant|rheumatologist|neurologist|specialist)\s+(?:said|says|told|explained|warned)|"
    r"spell\w*\s+out|what\s+(?!there\s+is)(?:an?\s+)?(?:\w+\s+){0,3}looks?\s+like|patients\s+to|list|consent\s+form|something\s+to\s+(?:report|worry|watch|"
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
    r"such\s+as|things\s+like|teaching|for\s+new\s+(?:starters|staff|nurses|patients)|what\s+counts\s+as|poster|(?:info\w*|ward|advice|fact|discharge|"
    r"paeds|leaflet)\s+sheet|"
    r"for\s+(?:my|your|future)\s+(?:notes|reference)|read\s+out|warned\s+(?:me|us|you)\s+about|"
    r"(?:would|'d)\s+be\s+(?:an?\s+)?(?:er|a&e|ed|emergency|hospital|ambulance|999|911)\b|they\s+(?:call|describe)|tends?\s+to\s+(?:happen|occur|come)|"
    r"usually\s+(?:happens|occurs|comes)|(?:is|are)\s+(?:very\s+|quite\s+|really\s+|extremely\s+)?"
    r"(?:rare|uncommon|unusual)\b|e\.g|including|symptoms\s+like|apparently|it\s+says|they\s+say|"
    r"the\s+(?:piece|page|author|website|site|guide|nurses?\s+(?:said|say))|"
    r"warning\s+(?:signs?|list)|the\s+list|keep\s+an\s+eye|according\s+to\s+(?:the|this|that|a|an|their|nhs|nice|cdc|nih|my\s+(?:doctor|gp|nurse|"
    r"consultant|rheum\w*|neuro\w*|specialist|dr))\b|excerpt|"
    r"reasons?\s+to|tell\s+(?:patients|people|you|us|everyone)|told\s+(?:us|me|patients|you)\s+to|"
    r"to\s+(?:look|watch)\s+(?:out\s+)?for|what\s+to\s+(?:look|watch)|go\s+through|went\s+through|"
    r"get\s+help\s+(?:straight\s+away|immediately|urgently|at\s+once)\s+(?:for|if)|"
    r"(?:seek|get)\s+(?:urgent\s+|medical\s+|emergency\s+)?(?:help|attention|care)\s+"
    r"(?:(?:immediately|straight\s+away|urgently|at\s+once|right\s+away)\s+)?(?:for|if))\b"
    # A list's heading or a rating in brackets: "Serious: anaphylaxis, ...", "clots (rare)".
    r"|\b(?<!is\s)(?<!be\s)(?<!as\s)(?<!how\s)(?<!so\s)(?<!too\s)(?:mild|serious|severe|common|rare|"
    r"uncommon)\s*(?:reactions?|side\s+effects?|ones)?\s*:"
    r"|\((?:very\s+)?(?:common|uncommon|rare)\)"
)
# Worry about a sign, told with a modal ("I was scared my throat would close"): a fear,
# not a report, unless the sign's clause says it is happening now.
WORRY = re.compile(
    r"(?i)\b(?:worr\w*|scared|afraid|terrified|nervous|anxious|panic\w*|fear\w*|dread\w*|"
    r"paranoid|convinced|petrified|frightened|concerned|freak\w*|stress\w*)\b"
)
# Fears that need no modal: "my biggest fear is...", "I imagine my chest tightening".
WORRY_STRONG = re.compile(
    r"(?i)\b(?:fears?\s+(?:is|was)|imagin\w*|the\s+(?:idea|thought)\s+of|worked\s+up\s+(?:about|over)|"
    r"(?:keep|kept|always)\s+waiting\s+for|obsess\w*|keep\s+thinking|thinks?\s+every|"
    r"convinc\w*\s+myself|(?:scared|afraid|terrified|paranoid|worried|anxious)\s+(?:of|about))\b"
)
# Figures of speech and harmless causes, anywhere in the sentence: "my heart was racing
# with excitement", "the bill nearly gave me a heart attack", "slurring at bedtime, lol".
FIGURATIVE = re.compile(
    r"(?i)\b(?:with\s+excitement|excited|stuffy|breathtaking|took\s+my\s+breath\s+away|concert|"
    r"when\s+i\s+saw\s+(?:the|how)|how\s+much\s+\w+\s+cost|the\s+(?:bill|price|parking(?!\s+(?:lot|garage|area|space|bay|deck)))|hangover|"
    r"(?:can'?t|cannot)\s+stand\s+(?:the|that|this|it|him|her|them|being|when)|ha(?:ha)+|lmao|laugh\w*|joking|lazy\s+thing|dead\s+to\s+the\s+world|"
    r"(?:from|after)\s+(?:sleeping|slept|exercise|the\s+gym|running|swimming|the\s+stairs|(?:that|the|a)\s+"
    r"(?:hike|walk|workout|run|match|dance|class))|jaw\s+(?:hit|dropped|drop)|"
    r"sleeping\s+funny|slept\s+funny|swimming|warmed\s+up|insurance|forms|dyed|"
    r"(?:that'?s|is|was)\s+(?:just|only)\s+because|because\s+(?:she|he)'?s\s+(?:two|one|a\s+baby|little)|"
    r"same\s+as\s+(?:every|each|always|last|usual)|(?:it'?s|its)\s+gone(?=\s*(?:now|away|[.,;!?]|$))|for\s+a\s+while)\b"
)
# A rule of thumb written as an equation or an order: "breathlessness = 999", ", go to A&E".
RULE_OF_THUMB = re.compile(
    r"(?i)(?:=|->|\u2192)\s*(?:999|911|112|111|a&e|the\s+er|er\b|hospital|an?\s+ambulance|call|stop)|"
    r"(?:^|[,;:]\s*)go\s+(?:straight\s+)?to\s+(?:a&e|the\s+er|er\b|hospital|emergency)"
)
MODAL = re.compile(r"(?i)\b(?:would|might|could|will|going\s+to|gonna|may)\b|\w'(?:d|ll)\b")
# A sentence that opens with an instruction: "Call 999 for ...", "Never ignore ...".
INSTRUCTION = re.compile(
    r"(?i)\s*(?:and\s+|so\s+|but\s+|please\s+)?(?:(?:call|ring|phone|dial)\s+(?:911|999|111|112|"
    r"an?\s+ambulance|your|the|for|if|straight|immediately)|go\s+(?:to|straight)|get\s+(?:help|seen|"
    r"checked|to\s+(?:a&e|the|an?))|seek|tell\s+(?:the|your|a)|report|watch\s+(?:out|for)|"
    r"look\s+(?:out|for)|keep\s+(?:an\s+eye|the|this|a|your)|make\s+sure|remember|"
    r"don'?t\s+(?:wait|ignore|hesitate|delay)|do\s+not|never\s+ignore|always|stop\s+(?:the|your)|"
    r"head\s+(?:to|straight))\b"
)
# A question that asks what to do about what is happening: "should I go in?".
ASKS_FOR_HELP = re.compile(
    r"(?i)\b(?:should\s+(?:i|we)|do\s+(?:i|we)\s+need\s+to|how\s+long\s+(?:do|should|can)\s+(?:i|we)\s+wait|what\s+(?:should|do|can)\s+(?:i|we)\s+do|"
    r"is\s+(?:this|it|that)\s+(?:serious|an\s+emergency|normal|ok|okay|bad|dangerous)|"
    r"(?:can|could)\s+(?:someone|anyone|somebody)\s+(?:help|tell)|a&e\s+or|er\s+or|or\s+wait|"
    r"what\s+does\s+(?:it|this|that)\s+mean|how\s+worried|why\s+(?:is|does|can'?t|won'?t|am|is)\s+"
    r"(?:my|i|he|she))\b"
)
# Who a question is about when it is about nobody in particular.
GENERIC = re.compile(
    r"(?i)\b(?:you|your|u|ur|people|someone|anyone|anybody|others|folks|one'?s|"
    r"(?<!what\s)(?:can|does|do|will|would|could)\s+(?:ivig|it|the\s+infusion)|is\s+it\s+(?:common|possible)|"
    r"how\s+(?:common|often|likely)|what'?s\s+the\s+difference|difference\s+between|common|"
    r"asking\s+(?:before|for|because)|would\s+an?|side\s+effects?|usually|normally|typically|"
    r"generally|in\s+general|would\s+(?:\w+\s+){1,5}mean)\b"
)
# Asking about a case that is only imagined: "supposing my mother became confused",
# "if my throat started closing ... not happening, just planning".
SUPPOSING = (
    r"suppos\w*|what\s+if|in\s+the\s+event|were\s+to|soon|planning|not\s+happening|"
    r"just\s+(?:curious|asking|wondering)|in\s+a\s+(?:fortnight|week|month)|"
    r"if\s+(?:my|his|her|i|he|she|the|your)\b(?:\s+\w+)?\s+(?:started|became|began|went)"
)
SUPPOSED = re.compile(rf"(?i)\b(?:{SUPPOSING})\b")
FUTURE = re.compile(
    r"(?i)\b(?:if\s+(?:my|his|her|i|he|she|the|your)\b(?:\s+\w+)?\s+(?!is\b|was\b|has\b|keeps\b)"
    r"(?:\w+s|get|start|develop)\b|ever|in\s+(?:the\s+)?future|next\s+time|tomorrow|upcoming|"
    r"if\s+(?:i|he|she|we|they|you)\s+(?:get|gets|develop\w*|start\w*)|first\s+(?:infusion|dose|round)|"
    rf"{SUPPOSING})\b"
)

# Over, or chronic and known: anywhere in the sentence, unless the sign's own clause
# says it is happening now.
PAST = re.compile(
    r"(?i)\b(?:(?:years?|months?|weeks?|wks?)\s+(?:ago|back)|once|all\s+the\s+time|wear(?:ing)?[\s-]?off|"
    r"(?:isn'?t|not)\s+going\s+anywhere|(?:the\s+)?(?:year|month|week|"
    r"winter|summer|spring|autumn|fall|christmas|easter)\s+before\s+last|(?:has|have|had)\s+(?:now\s+|all\s+)?"
    r"(?:cleared|disappeared|faded)|(?:is\s+|'s\s+)?already\s+(?:going|gone)\s+down|always(?!\s+been\s+(?:right|left)[\s-]?handed)|"
    r"nothing\s+new|for\s+years|"
    r"as\s+usual|(?:the\s+)?one\s+time|in\s+(?:my|his|her)\s+(?:teens|twenties|thirties|forties)|briefly|last\s+(?:year|month|summer|winter|spring|autumn|fall|time|wk|week)|used\s+to|"
    r"back\s+in|in\s+(?:19|20)\d\d|hx|h/o|history\s+of|was\s+(?:in\s+)?(?:19|20)\d\d\b|when\s+i\s+was|when\s+i\s+(?:first\s+)?(?:started|began)|"
    r"at\s+first|as\s+a\s+(?:kid|child|baby|toddler|teen\w*)|(?:swelling|it|pain|temperature|fever|temp|puffiness)\s+(?:went|has\s+gone|gone|"
    r"came)\s+down|went\s+away|gone\s+away|"
    r"(?<!n't\s)(?<!not\s)(?:resolved|cleared\s+up|settled|subsided|passed(?!\s+out)|wore\s+off|eased|"
    r"calmed\s+down)|(?:the\s+|my\s+)?first\s+time\s+(?:i|he|she|we)\s+(?:get|got|had|was|did)|"
    r"fixed|sorted|(?:was|were|been|felt)\s+(?:fine|ok|okay|alright|nothing)"
    r"(?!\s+(?:this|until|before|earlier|yesterday|last|an?\s|a\s+few|\d|one|two|when|at))|"
    r"was\s+(?:just|only)(?!\s+now)|"
    r"turned\s+out|first\s+ever\s+(?:infusion|dose|round|time|treatment)|improv\w*|(?:getting|much|lot|way|so\s+much)\s+better|"
    r"better\s+now|in\s+the\s+past|previously|ended\s+up|was\s+admitted|kept\s+(?:me|her|him)\s+in|"
    r"(?:(?<!started\s)(?<!since\s)(?<!began\s)after\s+(?:my|her|his|the)|during\s+(?:my|her|his))\s+(?:first|second|third|fourth|last|previous|1st|2nd|3rd)(?!\s+(?:hour|half|hr|minutes?|mins?|bag|bottle|vial|few))|"
    r"when\s+(?:she|he|they)\s+was|on\s+(?:my\s+)?(?:round|infusion|dose|cycle)\s+"
    r"(?:one|1|two|2)|(?:my|the|her|his)\s+first\s+(?:round|infusion|dose|time|cycle|course|session)|without\s+(?:any\s+)?"
    r"(?:issue|problem)s?|no\s+(?:issues?|problems?)\s+since|had\s+(?:a|an|some)\s+(?:\w+\s+)?"
    r"(?:scare|episode|reaction|wobble)|"
    # The same in Spanish and French, for posts written in them: "el año pasado", "l'an dernier".
    r"(?:el|la)\s+(?:año|semana|mes)\s+pasad[oa]|hace\s+\w+\s+(?:años|meses|semanas)|"
    r"l'an\s+dernier|l'ann[eé]e\s+derni[eè]re|(?:le\s+mois|la\s+semaine)\s+derni(?:er|[eè]re)|"
    r"il\s+y\s+a\s+\w+\s+(?:ans|mois|semaines)|c'est\s+r[eé]gl[eé]|ya\s+(?:se\s+)?(?:pas[oó]|resuelto))\b"
)
# Now, or so recent that it still counts: "an hour ago", "last night".
PRESENT = re.compile(
    r"(?i)\b(?:now|rn|today|2day|tonight|tonite|2nite|this\s+(?:morning|afternoon|evening|week)|"
    r"since(?!\s+(?:reading|i\s+(?:read|saw|heard|was)|then|childhood|birth|diagnosis|\d{4}))|"
    r"currently|still|at\s+the\s+moment|atm|again|keeps?\s+(?:on\s+|nearly\s+)?\w+ing|"
    r"last\s+night|right\s+now|this\s+(?:short|faint|dizzy|breathless|tight|swollen|bad|weak|"
    r"confused|sleepy|drowsy)|"
    r"(?:an?|\d+|few|couple\s+of|half\s+an?|ten|five|twenty|thirty|forty)\s+"
    r"(?:hours?|hrs?|mins?|minutes?)\s+(?:ago|now)|in\s+the\s+last\s+(?:\w+\s+)?(?:hour|minutes?)|"
    r"happening|going\s+in|on\s+the\s+way|won'?t\s+stop|is\s+getting\s+worse|"
    r"for\s+the\s+(?:last|past)\s+(?:\w+\s+)?(?:hour|hours|minutes?|half\s+hour)|like\s+this|"
    r"started\s+(?:yesterday|today|tonight|this|last|about|around|an?\s|\d|in\s+the)|"
    r"since\s+yesterday|(?:it|this|that)\s+came\s+on|overnight|just\s+(?:had|now|started|stopped|happened|collapsed|fainted|fell|went|tried|said|told|asked|woke|came)|"
    r"all\s+(?:day|evening|night|morning|afternoon)|been\s+going|"
    r"(?:over|in|for)\s+the\s+(?:last|past)\s+(?:\w+\s+)?(?:hours?|minutes?|mins?)|"
    r"(?:isn'?t|isnt|not|won'?t)\s+(?:going\s+away|go(?:ing)?\s+away|stopping|settling|improving|"
    r"getting\s+better)|(?:this|these)\s+(?:\w+\s+)?(?:rash|pain|"
    r"swelling|headache|reaction|feeling|symptoms?|hives|spots|tightness|breathlessness))\b"
)
# An all-clear later in the post takes back what came before it: "they scanned my leg
# ... it was a cyst", "everything came back normal".
ALL_CLEAR = re.compile(
    r"(?i)\b(?:came\s+back\s+(?:normal|clear|fine|negative)|(?:was|were|are)\s+"
    r"(?:all\s+)?(?:clear|normal|negative|nothing|nothin)\b|no\s+(?:sign\s+of\s+(?:a|any)\s+)?clot|"
    r"turned\s+out|in\s+the\s+end|ruled\s+out|(?:was|were|he\s+was|she\s+was|i\s+was|i\s+feel|"
    r"i'?m|feel)\s+(?:completely\s+|totally\s+|absolutely\s+)?(?:fine|ok|okay|normal)\s+now|"
    r"(?:was|were)\s+(?:completely\s+|totally\s+)?fine(?!\s+(?:last|before|until|earlier|this|yesterday|an?\s|a\s+few|\d|one|two|when|at))|back\s+to\s+normal|glad\s+i\s+checked|"
    r"feel\s+(?:a\s+bit\s+)?silly|never\s+(?:came|happened|materiali[sz]ed|developed|showed\s+up)(?!\s+(?:before|until))|"
    r"nothing\s+(?:like\s+(?:it|that|this)\s+)?(?:has\s+)?(?:ever\s+)?(?:happened|came\s+of\s+it)|"
    r"(?:it|that|which)\s+(?:passed|settled|went\s+away|wore\s+off|eased)|none\s+since|discharged\s+(?:\w+\s+)?(?:and|,)\s+(?:feeling|doing|all|fine|well|home\s+and)|classic\s+raynaud'?s|(?:cidp|mg|lupus)\s+(?:\w+\s+)?being\s+(?:cidp|mg|lupus)|(?:that'?s|thats|it'?s)\s+just\s+(?:my\s+|the\s+)?(?:mg|cidp|lupus|condition)\b|"
    r"(?:is|it'?s|that'?s)\s+(?:just\s+)?my\s+"
    r"(?:raynaud'?s|normal|usual|mg|cidp)\b|(?:is|it'?s|that'?s)\s+(?:just\s+)?raynaud'?s|(?:numbers|levels|results|bloods)\s+(?:are|were)\s+(?:all\s+)?"
    r"(?:perfect|great|good|fine|normal)|feeling\s+(?:human|myself|normal|fine|much\s+better)\s+(?:again|now)|"
    r"came\s+(?:right\s+)?back\s+up|nothing\s+to\s+do\s+with|(?:she'?s|he'?s|i'?m)\s+back\s+to\s+"
    r"(?!(?:the\s+)?(?:er|a&e|ed|hospital|emergency|ward))(?:the|her|his|my|normal)\b|(?:heart|lungs?|"
    r"kidneys?|brain|scan|ecg|ekg)\s+(?:is|are|was|were)\s+(?:all\s+)?(?:fine|ok|okay|normal|clear)|"
    r"(?:was|is|it'?s)\s+gone\s+(?:now|after|since|by)|"
    r"nothing\s+like\s+(?:it|that|this)\s+since|never\s+(?:comes|happens|arrives)|didn'?t\s+(?:happen|come|develop|materiali[sz]e)|"
    r"sailed\s+through|in\s+reality|(?:was|were)\s+(?:a\s+)?(?:boring|uneventful|non-event)|"
    r"(?:she|he|i|they)\s+recovered|recovered\s+(?:completely|fully)|(?:have\s+)?had\s+no\s+(?:issues|"
    r"problems)|nothing\s+(?:sinister|serious|to\s+worry|dangerous|worrying)|came\s+back\s+(?:in|after|within)|"
    r"slept\s+on\s+it(?!\s*\?)|never\s+did|didn'?t\s+happen|(?:thankfully|luckily|fortunately)\s+(?:not|no|"
    r"nothing|never|it\s+didn'?t)|false\s+alarm|(?:was|turned\s+out\s+to\s+be)\s+(?:just\s+)?(?:anxiety|panic|nerves|"
    r"indigestion)|(?:it'?s|its)\s+(?:running\s+)?clear|(?<!thought\s)(?<!thought\sit\s)(?<!thinks\s)(?<!think\s)(?<!says\s)(?<!said\s)(?<!hope\s)"
    r"(?<!hopes\s)(?:it'?s|its|was|it\s+was)\s+(?:just\s+(?:from|the|a|my|because|muscular|muscle|"
    r"anxiety|a\s+pulled|bruis\w*)|only\s+(?:from|because|muscular|muscle|anxiety|a\s+pulled|bruis\w*))|not\s+an?\s+(?:dvt|clot|"
    r"pe|stroke|heart\s+attack|allergic\s+reaction|allergy)|no\s+(?:dvt|pe|stroke|bleed)\b|"
    r"(?:labs?|bloods?|tests?|results?|scans?|creatinine|ultrasound|ct|mri|ecg|ekg|x-?ray|echo)\s+"
    r"(?:(?:was|were|are|is|came\s+back|all)\s+)?(?:normal|fine|clear|negative)(?!\s+(?:last|before|"
    r"until|earlier|a\s+few|\d))|"
    r"(?:oxygen|o2|sats?)\b[^.]{0,20}\b(?:9[5-9]|100)(?=\s?%)|"
    r"(?:that|this)\s+was\s+(?:about\s+|over\s+|nearly\s+)?(?:\d+|an?|two|three|four|five|six|"
    r"several|many)\s+(?:years?|months?)\s+ago|"
    r"all\s+(?:fine|good|clear|normal|ok)|(?:both|all|everything|"
    r"results?\s+(?:were|was))\s+normal)\b"
)
# Someone else's story told in the past ("my friend had anaphylaxis to it"); someone
# the writer cares for, now, still counts ("my son's lips are swollen").
OTHER_PERSON = re.compile(
    r"(?i)\b(?:my\s+(?:friend|mum|mom|mother|dad|father|husband|wife|partner|sister|brother|son|"
    r"daughter|aunt|uncle|gran\w*|cousin|neighbou?r|colleague)s?|she|he|someone|a\s+friend)\b"
    r"(?!\s+(?:said|says|told\s+me|thinks|thought|noticed)\s+(?:i|i'?m|i\s+was|my|me)\b)"
)
PAST_VERB = re.compile(
    r"(?i)\b(?:(?<!'s\s)(?<!'ve\s)(?<!has\s)(?<!have\s)had|(?<!'s\s)(?<!'ve\s)(?<!has\s)(?<!have\s)got|was|were|went|did)\b"
)
PRESENT_TENSE = re.compile(
    r"(?i)\b(?:is|are|am|keeps?|can'?t|cannot|won'?t|(?:he|she|it|i|they|we)'(?:s|re|m)|hes|shes|im|"
    r"(?:has|have)\s+(?:been|gone|started))\b"
)
PAST_TENSE = re.compile(r"(?i)\b(?:was|were|had|couldn'?t|wasn'?t|did)\b")
FREE_OF = re.compile(r"(?i)[\s-]?free\b")
PERSON = re.compile(
    r"(?i)\b(?:i|i'm|im|i've|ive|me|my|mine|myself|pt|patient|he|she|he's|she's|his|her|hes|shes|"
    r"mum|mom|dad|grandad|nan|son|daughter|husband|wife|partner|hubby|bf|gf)\b"
)
