"""The learned layer's training (forum.safety.train): the weights the app loads are what
training on the tuning sets gives, training reads no held-out file, and its pieces (the
cross-validation, the threshold, the report) do what they say. The blind rehearsal
(`--blind-check`) reads an old commit of the rules, which a shallow clone lacks: it is
run by hand."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

from forum.safety import learned, train


def test_training_reads_the_tuning_sets_and_never_the_held_out_ones() -> None:
    assert train.FILES and all(path.exists() for path in train.FILES)
    assert not any("heldout" in path.parts for path in train.FILES)


def test_the_saved_weights_are_what_training_on_the_tuning_sets_gives() -> None:
    """Deterministic, as the module promises: a tuning file changed without training again
    (or weights edited by hand) fails here."""
    saved = json.loads(learned.WEIGHTS.read_text("utf-8"))
    chars = tuple(saved["chars"])
    weights, bias = train.fit(train.examples(train.load_posts(), chars), saved["l2"])
    kept = {f: round(w, 3) for f, w in weights.items() if abs(w) >= 0.005}
    assert kept == saved["weights"]
    assert round(bias, 3) == saved["bias"]


def _results(calm: list[float], urgent: list[float]) -> list[train.Result]:
    return [train.Result(False, s, s) for s in calm] + [train.Result(True, s, s) for s in urgent]


def test_the_threshold_keeps_the_false_alarm_budget_and_the_precision(monkeypatch) -> None:
    monkeypatch.setattr(train, "MAX_ADDED_ALARMS", 0.0)
    results = _results([-3.0, -1.0, 0.5, -math.inf], [2.0, 1.0, 0.2])
    threshold = train.pick_threshold(results)
    assert threshold == pytest.approx(0.51)  # above the highest calm score: no false alarm
    assert train.counts(results, threshold, alone=True) == (2, 0, 1)
    numbers = train.summary(results, threshold)
    assert numbers["alone_precision"] == 1.0 and numbers["alone_recall"] == pytest.approx(0.667)
    assert train.precision(0, 0) == 1.0


def test_cross_validation_asks_the_layer_only_where_the_rules_found_nothing() -> None:
    posts = [p for p in train.load_posts() if p.group < train.FOLDS]
    sample = [p for n, p in enumerate(posts) if n % 12 == 0]
    results = train.cross_validate(sample, (0, 0), 1e-3)
    assert len(results) == len(sample)
    for post, result in zip(
        sorted(sample, key=lambda p: p.group % train.FOLDS), results, strict=True
    ):
        assert result.fire == post.fire
        if math.isinf(result.app) and result.app > 0:  # the rules fired on this post
            assert train.rule_findings(post.text)[1]


def test_training_writes_weights_the_app_can_load(monkeypatch, tmp_path: Path, capsys) -> None:
    small = []
    for n, path in enumerate(train.FILES[: train.FOLDS]):
        copy = tmp_path / f"part{n}.tsv"
        copy.write_text("\n".join(path.read_text("utf-8").splitlines()[:60]) + "\n", "utf-8")
        small.append(copy)
    monkeypatch.setattr(train, "FILES", small)
    monkeypatch.setattr(train, "SETTINGS", [((0, 0), 1e-3)])
    monkeypatch.setattr(learned, "WEIGHTS", tmp_path / "weights.json")
    monkeypatch.setattr(sys, "argv", ["train"])
    train.main()
    written = json.loads((tmp_path / "weights.json").read_text("utf-8"))
    assert written["chars"] == [0, 0] and written["weights"]
    assert set(written["cross_validation"]) >= {"threshold", "alone_precision", "with_rules_recall"}
    model = learned.load(tmp_path / "weights.json")
    assert model.weights == written["weights"] and model.threshold == written["threshold"]
    assert "wrote" in capsys.readouterr().out
