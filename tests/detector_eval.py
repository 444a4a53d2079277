"""Precision and recall of the text detectors on a labelled set, overall and by category.

    .venv/bin/python -m tests.detector_eval            # the held-out sets (never tuned on)
    .venv/bin/python -m tests.detector_eval --misses   # and every sentence it got wrong

The held-out sets under tests/data/heldout/ were written before any pattern was
changed for them, by someone who had not read the patterns; they are measured, never
tuned on. Tuning uses tests/data/*.tsv and tests/data/tuning/.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from forum.safety import find_private_details, find_urgent_symptoms

DATA = Path(__file__).parent / "data"
HELDOUT = DATA / "heldout"


@dataclass(frozen=True)
class Row:
    label: str
    category: str
    sentence: str


def load_rows(path: Path) -> list[Row]:
    """label<TAB>sentence or label<TAB>category<TAB>sentence, one a line."""
    rows = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        assert len(parts) in (2, 3) and parts[-1].strip(), f"{path.name}:{number}: bad row"
        label, category = parts[0], parts[1] if len(parts) == 3 else ""
        rows.append(Row(label.strip(), category.strip(), parts[-1]))
    return rows


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0

    def add(self, expected: bool, found: bool, note: str) -> None:
        if expected and found:
            self.tp += 1
        elif found:
            self.fp += 1
            self.misses.append(f"false alarm: {note}")
        elif expected:
            self.fn += 1
            self.misses.append(f"missed: {note}")
        else:
            self.tn += 1


def score_urgent(rows: list[Row]) -> dict[str, Score]:
    """'all' and one Score per category; a row is positive when labelled fire."""
    scores: dict[str, Score] = defaultdict(Score)
    for row in rows:
        found = bool(find_urgent_symptoms(row.sentence))
        for key in ("all", row.category or "-"):
            scores[key].add(row.label == "fire", found, row.sentence)
    return scores


def score_private(rows: list[Row]) -> dict[str, Score]:
    """A private row counts as found only if its own kind is among the findings."""
    scores: dict[str, Score] = defaultdict(Score)
    for row in rows:
        kinds = {f.kind for f in find_private_details(row.sentence)}
        expected = row.label != "none"
        found = row.label in kinds if expected else bool(kinds)
        for key in ("all", row.label):
            scores[key].add(expected, found, f"[{row.label}] {row.sentence}  -> {sorted(kinds)}")
    return scores


def _print(title: str, scores: dict[str, Score], misses: bool) -> None:
    print(f"\n{title}")
    print(f"  {'':14} {'n':>4} {'precision':>9} {'recall':>6} {'false alarms':>12}")
    for key in ["all", *sorted(k for k in scores if k != "all")]:
        s = scores[key]
        n = s.tp + s.fp + s.fn + s.tn
        print(
            f"  {key:14} {n:4} {s.precision:9.3f} {s.recall:6.3f} "
            f"{s.fp:5}/{s.fp + s.tn:<4} ({s.false_alarm_rate:.3f})"
        )
    if misses:
        for line in scores["all"].misses:
            print(f"    {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="print every wrong answer")
    parser.add_argument("--dir", type=Path, default=HELDOUT, help="a folder of urgent/private")
    args = parser.parse_args()
    for name, scorer in (("urgent", score_urgent), ("private", score_private)):
        for path in sorted(args.dir.glob(f"{name}*.tsv")):
            _print(str(path), scorer(load_rows(path)), args.misses)


if __name__ == "__main__":
    main()
