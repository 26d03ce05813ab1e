"""Do the notes cover a query at all? A calibrated score over dense and lexical signals.

Raw cosines of small multilingual encoders sit in a narrow band for anything about deep
learning, so one threshold on the best cosine cannot separate "how do I fix exploding
gradients" from "how is self-attention computed" (measured: it declines ~25 % of
out-of-scope queries). Two kinds of evidence separate them better:

- dense: the USE best cosine, and how far the e5 best match stands out from the rest of
  the notes (its z-score);
- lexical: whether the notes use the query's own words at all (lexical.py) — "Transformer",
  "自注意力" or "火锅" never occur in these notes, whatever the cosines say — and whether
  the best-ranked section does;
- the best section's fused score and its lead over the runner-up.

The score is a logistic model over z-normalised features; a feature with nothing to
measure (no Chinese words, say) sits at its mean. Features, normalisation, weights, bias
and threshold are data (the "coverage" entry of `tuned.json`), fitted by `bench/tune_coverage.py` on the tuning
queries (`bench/tuning_data.py`: the old sets and the dev sets under `eval/dev/`; never on the frozen
test set `eval/test/`). Re-run it when the notes or models change a lot.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.retrieval.lexical import Vocabulary


def features(signals: dict[str, np.ndarray], lexical: dict[str, float | None] | None = None) -> dict[str, float | None]:
    """Named features: each model's best cosine and its z-score over the candidate pool, plus lexical ones."""
    out: dict[str, float | None] = dict(lexical or {})
    for model, cos in signals.items():
        if len(cos) == 0:
            continue
        out[f"{model}_max"] = float(cos.max())
        spread = float(cos.std())
        out[f"{model}_z"] = float((cos.max() - cos.mean()) / spread) if spread > 1e-9 else 0.0
    return out


def top_features(query: str, hits: list, vocabulary: Vocabulary | None = None) -> dict[str, float | None]:
    """Features of the best-ranked section: its fused score, its lead over the next, and its use of the query's words.

    The sections are read as ranked and scored without the exact-term adjustments (`Hit.adjust`, adjust.py):
    the calibration was fitted on that ranking, and a rare shared term is no evidence that the notes answer.

    Whole-corpus vocabulary cannot tell "how do I choose the dropout rate?" from a covered
    question, since every word occurs somewhere in the notes; whether the best section
    itself uses the query's words is sharper evidence. An English question's words are joined by the Chinese terms
    the glossary gives for its phrases ("forward pass" → 前向传播), so Chinese notes can use them: the calibration was
    fitted without them, yet on the tuning queries English answered 0.949 → 0.958 (n=429) and declined 0.861 → 0.855
    (n=166); on eval/dev/retrieval4.jsonl, whose failures suggested it (an in-sample figure), English in-scope 35 → 38
    of 50, declined unchanged. The frozen test set did not move.
    """
    from assistant.retrieval.lexical import lexical_features, section_answers

    if not hits:
        return {}
    hits = sorted(hits, key=lambda h: -(h.score - h.adjust))
    top = hits[0]
    words = lexical_features(query, Vocabulary.of([top.title, top.section]))
    base = [h.score - h.adjust for h in hits[:2]]
    out = {
        "top_score": float(base[0]),
        "top_gap": float(base[0] - base[1]) if len(base) > 1 else None,
        "top_cjk_known": words["cjk_known"],
        "top_latin_known": words["latin_known"],
    }
    if vocabulary is not None:
        from assistant.notes.glossary import chinese_terms
        from assistant.notes.terms import has_cjk

        asked = query if has_cjk(query) else f"{query} {' '.join(chinese_terms(query))}"
        out["top_idf_known"] = section_answers(asked, f"{top.title}\n{top.section}", vocabulary)
    return out


@dataclass(frozen=True)
class Calibration:
    """A linear score (a logistic model's logit) over normalised features, and the threshold for 'covered'."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    std: tuple[float, ...]
    weights: tuple[float, ...]
    threshold: float
    bias: float = 0.0

    def score(self, f: dict[str, float | None]) -> float:
        """The coverage score of one query's features (higher = better covered); -inf when one is missing."""
        if any(n not in f for n in self.names):
            return float("-inf")
        # A lexical feature with nothing to measure (None) stays neutral: it sits at its mean.
        total = self.bias
        for n, m, s, w in zip(self.names, self.mean, self.std, self.weights):
            value = f[n]
            if value is not None:
                total += w * (value - m) / s
        return float(total)


def load_calibration(recipes: dict, recipe: list[str], override: float | None = None) -> Calibration:
    """The calibration fitted for this recipe, else for its primary model alone, else an uncalibrated z-score rule.

    `recipes` is the tuned "coverage" entry's "recipes" (see tuned.py)."""
    entry = recipes.get("+".join(recipe)) or recipes.get(recipe[0])
    if entry is None:  # e.g. an OpenAI embedder: no calibration shipped; a 2-sigma outlier counts as covered
        entry = {"features": [f"{recipe[0]}_z"], "mean": [0.0], "std": [1.0], "weights": [1.0], "threshold": 2.0}
    return Calibration(tuple(entry["features"]), tuple(entry["mean"]), tuple(entry["std"]), tuple(entry["weights"]),
                       entry["threshold"] if override is None else override, entry.get("bias", 0.0))
