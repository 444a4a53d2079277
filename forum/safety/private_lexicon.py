"""Words the private-details patterns look for: mail providers, months, record names, streets.

Regular-expression fragments, not compiled: forum.safety.private builds its patterns from them.
"""

# Mail providers everyone knows: "jane at gmail" needs no ".com" to be an address.
PROVIDER = (
    r"(?:gmail|googlemail|hotmail|yahoo|ymail|rocketmail|outlook|icloud|aol|btinternet|live|"
    r"protonmail|msn|rediffmail|gmx|yandex|zoho|bigpond|comcast|sbcglobal|virginmedia)"
)

STATE = (
    r"(?:A[KLRZ]|C[AOT]|D[CE]|FL|GA|HI|I[ADLN]|K[SY]|LA|M[ADEINOST]|N[CDEHJMVY]|O[HKR]|PA|RI|S[CD]|"
    r"T[NX]|UT|V[AT]|W[AIVY])"
)

MONTH = (
    r"(?:jan(?:uary|urary)?|feb(?:ruary|uary|urary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
# As forms abroad print them, after their own words for a birth date: "n\u00e9 le 12 mai
# 1976", "fecha de nacimiento: 12 de mayo de 1976", "geboren am 12. M\u00e4rz 1976".
FOREIGN_MONTH = (
    r"(?:janvier|f[e\u00e9]vrier|mars|avril|mai|juin|juillet|ao[u\u00fb]t|septembre|octobre|novembre|"
    r"d[e\u00e9]cembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|"
    r"noviembre|diciembre|januar|februar|m[a\u00e4]rz|juni|juli|dezember|gennaio|febbraio|aprile|"
    r"maggio|giugno|luglio|settembre|ottobre|dicembre|janeiro|fevereiro|mar[c\u00e7]o|maio|junho|"
    r"julho|setembro|outubro|novembro|dezembro)"
)

ORDINAL = (
    r"(?:(?:twenty|thirty)[\s-])?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|"
    r"tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|"
    r"nineteenth|twentieth|thirtieth)"
)

DAY = rf"(?:[0-9]{{1,2}}(?:st|nd|rd|th|\.(?=\s))?|{ORDINAL})"

YEAR_WORDS = r"(?:nineteen|two\s+thousand(?:\s+and)?|twenty)(?:[\s-][a-z]+){1,2}"

WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)"

# Health insurers whose member IDs people post: "Aetna ID W123456789".
INSURER = (
    r"(?:aetna|cigna|humana|anthem|bcbs|blue\s+cross(?:\s+blue\s+shield)?|blue\s+shield|"
    r"united\s*healthcare|uhc|kaiser|tricare|bupa|axa|medibank|optum|molina|highmark|vitality)"
)

# A cue, then a number-ish token. Letters may lead; later groups joined by a space
# must start with a digit, so "MRN 00482915 if they ask" stops at the number.
RECORD_CUE = (
    r"(?:mrn|hn|ssn|nss|curp|mbi|(?:my|his|her|your)\s+social\b(?!\s+(?:worker|media|life|services))|social\s+security(?:\s+(?:number|no|#))?|(?:quote\s+)?ref(?:erence)?"
    r"(?:\s+(?:number|no|#))?|medical\s+record(?:\s+(?:number|no|num|#))?|record\s+(?:number|no|#)|"
    r"(?:nhs|chi|medicare|medicaid|phn|ihi|ohip|nhi|urn|health\s+card|(?:wrist)?band|id)(?:\s+card)?(?:\s+(?:id|number|no|num|#))?|"
    rf"{INSURER}(?:\s+[\w-]+){{0,2}}?\s+(?:id|number|no|#)|"
    r"(?:hospital|hosp|patient|insurance|membership|member|policy|subscriber|claim|group|prescription|rx|"
    r"trial|participant|subject|study|accession|specimen|lab|beneficiary|appeal|nhs\s+login|"
    r"chart|unit|case|clinic|file|benefits|health|health\s+insurance|national\s+insurance|ni|"
    r"social\s+insurance|pps|ur|urn|account|billing|authori[sz]ation|registration|reg|booking)(?:\s+(?:member|card|participant|subject|beneficiary|"
    r"accession))?(?:\s+id)?\s?(?:id|identifier|number|no|num|#|ref(?:erence)?)|"
    r"(?:specimen|accession|rx|prescription|trial|policy)\b|"
    # Identity numbers clinics and insurers ask for: "passport number", "Aadhaar", "my SIN".
    r"(?:passport|a?adh?aa?r|abha|uhid|personnummer|(?-i:PAN|SIN|TFN|ITIN|IRD|BSN|UID)|"
    r"carte\s+vitale|care\s?card|ramq|codice\s+fiscale|versicherten-?nummer|versicherungsnummer|(?-i:DNI|NIE|CPR|AMKA|PESEL|AHV)|"
    r"driv(?:ing|er'?s)\s+licen[cs]e|national\s+(?:id(?:entity)?|insurance)|voter\s+id|"
    r"tax\s+(?:file|id|identification)|ration\s+card|prior\s+auth(?:ori[sz]ation)?|"
    # Identity and health-insurance numbers across Asia, Africa and the Americas.
    r"philhealth|pag-?ibig|bpjs|(?-i:NRIC|FIN|SSS|GSIS|UMID|HKID|CNIC|NIK|KTP|CURP|CPF|RUT|NIN|BVN|TIN)|"
    r"mykad|(?-i:IC)(?=\s+(?:number|no)))"
    r"(?:\s+card)?(?:\s+(?:number|no|num|#))?)"
)

_STREET_ANY_CASE = (
    "street|st|road|rd|avenue|ave|lane|ln|boulevard|blvd|terrace|crescent|cres|highway|hwy|"
    "parkway|pkwy"
)
# Street types that are also common words ("either way", "the drive", "a nice view") count
# only when capitalised.
_STREET_CAPITALISED = (
    "Drive|Dr|Way|Court|Ct|Close|Place|Pl|Gardens|Square|Row|Mews|Grove|Hill|Walk|Circle|Cir|"
    "Trail|Plaza|Parade|Rise|View|Heights|Villas|Cottages|Manor|Meadows|Lawns?|Quay|Park"
)
STREET_TYPE = rf"(?:(?i:{_STREET_ANY_CASE})|(?-i:{_STREET_CAPITALISED}))\b\.?"
# Only capitalised: after a number in words ("forty-four Kowhai Road") nothing else is safe.
STREET_TYPE_CAPITALISED = rf"(?-i:{_STREET_ANY_CASE.title()}|{_STREET_CAPITALISED})\b\.?"

# Words that cannot be part of a street name: "3 rounds at St Luke's" and "room 12 on
# the 4th floor" are not addresses.
NOT_STREET_WORD = (
    r"(?:at|in|on|to|and|or|of|my|your|our|the|a|an|for|from|with|per|by|is|was|are|were|"
    r"x|mg|ml|hours?|mins?|days?|weeks?|months?|years?|rounds?|infusions?|times?)\b"
)

# Not the first word of a place: "sent to 4 North, Ward B" is a ward, "went to 2 Doctors,
# Both useless" a count.
NOT_PLACE_WORD = (
    r"(?i:north|south|east|west|ward|wing|floor|level|bay|bed|room|suite|unit|clinic|theatre|"
    r"doctors?|nurses?|specialists?|consultants?|hospitals?|arena|stadium|times|rounds|infusions|"
    r"bags|vials|mg|ml|units?|am|pm|hours|days|weeks|months|years)\b"
)

# Whose line a free number is: an organisation's, or a place's switchboard.
ORGANISATION = (
    r"(?:foundation|society|association|alliance|charity|trust|federation|institute|group|network|"
    r"council|helpline|hotline|freephone|toll[\s-]?free|(?:help|advice|support|nurse|"
    r"information|info|educator|crisis)\s+line)"
)
PUBLIC_LINE = (
    r"(?:switchboard|reception|front\s+desk|main\s+(?:line|number|desk)|"
    r"(?:appointments?|booking)\s+line)"
)

# What a website holds: "good info on immunodeficiency at ipopi.org".
TOPIC = (
    r"(?:info(?:rmation)?|more|reading|stuff|resources?|material|advice|details|facts|"
    r"guidance|articles?|videos?|support)\s+(?:on|about|for|regarding)"
)
# Words that turn a topic back to a person: "more on this from dave at lupusmail.org".
NOT_TOPIC_WORD = r"(?:from|by|to|me|us|mail|e-?mail|write|contact|message|ask)\b"
