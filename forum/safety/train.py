"""Train the learned layer of the urgent-symptom check (issue 12, "Generalise").

Decision rule, written before the held-out set was measured: the layer is adopted
only if, on tests/data/heldout/urgent.tsv, recall rises above the rules' 0.945 and
precision stays >= 0.95. Otherwise it is left out of the app.
"""
