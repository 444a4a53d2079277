"""medspaCy's ConText against the forum's own context rules, on the same sign lexicon.

Not part of `make test` (medspaCy brings spaCy): run it in a virtualenv of its own,

    python3 -m venv /tmp/medspacy && /tmp/medspacy/bin/pip install medspacy flask \\
        flask-sqlalchemy && /tmp/medspacy/bin/python tests/bench/context_compare.py

Each sign the forum's lexicon finds becomes a medspaCy TargetRule; a text is urgent for
medspaCy when one of them is neither negated, hypothetical, historical nor uncertain
(family is allowed: someone else's emergency is urgent too).
"""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Beside the forum, tests/ itself: a dependency of medspaCy installs a package named "tests".
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import loguru  # noqa: E402
import medspacy  # noqa: E402
from detector_eval import DATA, HELDOUT, Score, load_rows  # noqa: E402
from medspacy.ner import TargetRule  # noqa: E402

from forum.safety import urgent  # noqa: E402
from forum.safety.signs import SYMPTOMS  # noqa: E402

loguru.logger.remove()  # PyRuSH logs every sentence at DEBUG


def main() -> None:
    started = time.perf_counter()
    nlp = medspacy.load()
    rules = [
        TargetRule(label, "SIGN", pattern=pattern.pattern.removeprefix("(?i)"))
        for _, label, pattern in SYMPTOMS
    ]
    nlp.get_pipe("medspacy_target_matcher").add(rules)
    print(f"medspaCy pipeline loaded in {time.perf_counter() - started:.2f} s")

    def context_says_urgent(text: str) -> bool:
        modifiers = ("is_negated", "is_hypothetical", "is_historical", "is_uncertain")
        return any(not any(getattr(e._, m) for m in modifiers) for e in nlp(text).ents)

    paths = [DATA / "urgent_symptoms.tsv", *sorted((DATA / "tuning").glob("urgent*.tsv"))]
    for path in [*paths, HELDOUT / "urgent.tsv"]:
        rows = load_rows(path)
        line = [path.name]
        for name, detect in (
            ("medspaCy ConText", context_says_urgent),
            ("forum", lambda t: bool(urgent.find_urgent_symptoms(t))),
        ):
            score, started = Score(), time.perf_counter()
            for row in rows:
                score.add(row.label == "fire", detect(row.sentence), row.sentence)
            ms = (time.perf_counter() - started) / len(rows) * 1000
            line.append(f"{name} P {score.precision:.3f} R {score.recall:.3f} ({ms:.2f} ms)")
        print(" | ".join(line))


if __name__ == "__main__":
    main()
