"""Frames for the warning signs: a body part near what is wrong with it, in either order.

They catch the wordings forum.safety.signs' fixed phrases miss ("my ribs are killing
me", "pulse is 150", "lips gone a funny purple"); signs.py adds each to its sign.
"""

from __future__ import annotations


def _near(part: str, state: str, gap: int = 35) -> str:
    """A body part and what is wrong with it, either way round, within one clause."""
    between = rf"[^.!?;,\n]{{0,{gap}}}?"
    return rf"\b(?:{part})\b{between}\b(?:{state})|\b(?:{state})\w*{between}\b(?:{part})\b"


# (kind, label) of the sign in forum.safety.signs: its frame.
FRAMES: dict[tuple[str, str], str] = {
    ("breathing", "trouble breathing"): _near(
        r"breath\w*|breathe|air|lungs?",
        r"can'?t|cant|hard|struggl\w*|short|difficult\w*|trouble|gasp\w*|laboured|labored|"
        r"shallow|rapid|wheez\w*|rattl\w*|whistl\w*|noisy|not\s+enough",
    ),
    ("chest_pain", "chest pain"): _near(
        r"chest|ribs|ribcage|sternum|breastbone",
        r"pain\w*|hurt\w*|tight\w*|heavy|heaviness|pressure|ach\w*|squeez\w*|crush\w*|stab\w*|"
        r"sharp|agony|killing|burning|band|weight",
    ),
    ("allergic_reaction", "swelling of the face, lips, tongue or throat"): _near(
        r"throat|tongue|lips?|mouth|face|eyelids?|eyes",
        r"swel+\w*|swol+e?n|puff\w*|clos\w*|tight\w*|thick\w*|huge|massive|balloon\w*|fat",
    ),
    ("clot_signs", "a red, painful, swollen leg"): _near(
        r"legs?|calf|calves|thighs?|shin",
        r"swel+\w*|swol+e?n|red|hot|warm|pain\w*|tender|throb\w*|puff\w*|agony|blown\s+up|"
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
        r"face|mouth|smile",
        r"droop\w*|dropp\w*|sag\w*|lopsided|crooked|slipped|bent|twisted|skew\w*|uneven",
        gap=25,
    ),
    ("weakness", "arm or leg weakness"): _near(
        r"arms?|legs?|hands?|limbs?|side",
        r"weak\w*|numb\w*|dead|floppy|limp|paralys\w*|useless|gave\s+way|giving\s+way|buckl\w*",
        gap=25,
    ),
    ("kidney_signs", "passing little or dark urine"): _near(
        r"urine|pee|wee|piss|peeing|weeing",
        r"dark(?!er)|brown|cola|coke|tea|hardly|barely|(?<!a\s)little|nothing|tiny|dribbl\w*",
        gap=25,
    ),
    ("coughing_blood", "coughing up blood"): _near(
        r"cough\w*|spit\w*|phlegm|sputum|mucus",
        r"blood\w*|pink\s+froth\w*|red\s+streak\w*|streak\w*\s+of\s+(?:red|blood)",
        gap=30,
    ),
    ("turning_blue", "turning blue or grey"): _near(
        r"lips?|face|skin|fingers?|fingertips|mouth", r"blue|bluish|purple|dusky", gap=20
    ),
}
