"""Do the notes cover a query at all? A calibrated score over dense-retrieval signals.

Raw cosines of small multilingual encoders sit in a narrow band for anything about deep
learning, so one threshold on the best cosine cannot separate "how do I fix exploding
gradients" from "how is self-attention computed" (measured: it declines ~25 % of
out-of-scope queries). What separates them better is the USE best cosine together with
how far the e5 best match stands out from the rest of the corpus (its z-score). The
features, their normalisation, weights and threshold are data in `coverage.json`,
produced by `bench/tune_coverage.py` on `eval/coverage_calibration.jsonl` (never on the
test set `eval/retrieval.jsonl`). Re-run it when the notes or models change a lot.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

CALIBRATION_FILE = Path(__file__).with_name("coverage.json")


def features(signals: dict[str, np.ndarray]) -> dict[str, float]:
    """Named features from each model's cosines over its candidate pool (best first)."""
    out: dict[str, float] = {}
    for model, cos in signals.items():
        if len(cos) == 0:
            continue
        out[f"{model}_max"] = float(cos.max())
        spread = float(cos.std())
        out[f"{model}_z"] = float((cos.max() - cos.mean()) / spread) if spread > 1e-9 else 0.0
    return out


@dataclass(frozen=True)
class Calibration:
    """A linear score over normalised features, and the threshold for 'covered'."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    std: tuple[float, ...]
    weights: tuple[float, ...]
    threshold: float

    def score(self, signals: dict[str, np.ndarray]) -> float:
        """The coverage score of one query (higher = better covered)."""
        f = features(signals)
        if not all(n in f for n in self.names):
            return float("-inf")
        return float(sum(w * (f[n] - m) / s for n, m, s, w in zip(self.names, self.mean, self.std, self.weights)))


@lru_cache(maxsize=1)
def _recipes() -> dict:
    return json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))["recipes"]


def load_calibration(models: list[str], override: float | None = None) -> Calibration:
    """The calibration for a recipe's dense models, else its primary model's, else an uncalibrated z-score rule."""
    recipes = _recipes()
    entry = recipes.get("+".join(models)) or recipes.get(models[0])
    if entry is None:  # e.g. an OpenAI embedder: no calibration shipped; a 2-sigma outlier counts as covered
        entry = {"features": [f"{models[0]}_z"], "mean": [0.0], "std": [1.0], "weights": [1.0], "threshold": 2.0}
    return Calibration(tuple(entry["features"]), tuple(entry["mean"]), tuple(entry["std"]), tuple(entry["weights"]),
                       entry["threshold"] if override is None else override)
