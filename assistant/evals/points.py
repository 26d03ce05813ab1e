"""Pure scoring functions for the point-by-point measures of issue 11: numbers in, numbers out.

- key-point recall: the share of a question's hand-listed key points an answer mentions
  (a point is mentioned when any of its `match` alternatives occurs, case-insensitively);
- grading-adversarial rates: negated answers scored ≤ 3/10, a correct answer beating its
  negated twin by ≥ 3 points, a partial answer beating a wrong one on the same question;
- judge figures: faithfulness means of uncited faithful and of fabricated answers (the
  per-error-type precision/recall is `metrics.calibration`);
- a Wilson interval for every rate and a fixed-seed split of items by question, so the
  thresholds are fitted on one half and reported on the other.
No models and no I/O: `bench/tune_points.py` feeds them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from statistics import median
from typing import Callable, Iterable

from assistant.evals.metrics import wilson


@dataclass(frozen=True)
class Rate:
    """k successes out of n, with its 95 % Wilson interval."""

    k: int
    n: int

    @property
    def value(self) -> float | None:
        """k/n, None when n is 0."""
        return self.k / self.n if self.n else None

    @property
    def interval(self) -> tuple[float, float]:
        """The 95 % Wilson score interval of k/n."""
        return wilson(self.k, self.n)

    def __str__(self) -> str:
        if not self.n:
            return "n/a (n=0)"
        lo, hi = self.interval
        return f"{self.value:.3f} ({self.k}/{self.n}, 95% CI {lo:.2f}-{hi:.2f})"


def mentioned(answer: str, point: dict) -> bool:
    """True when any of the point's `match` alternatives occurs in the answer (case-insensitive)."""
    text = answer.lower()
    return any(alt.lower() in text for alt in point.get("match", []) if alt)


def keypoint_recall(answer: str, key_points: list[dict]) -> float:
    """Share of the key points the answer mentions (1.0 for a question without key points)."""
    if not key_points:
        return 1.0
    return sum(mentioned(answer, p) for p in key_points) / len(key_points)


def keypoint_summary(rows: list[dict]) -> dict:
    """Mean recall, points mentioned/listed (a Rate) and median answer length over {answer, key_points} rows.

    A declined answer (`covered` False) mentions no point, whatever its text: a decline can quote the sentence
    naming what was asked (retrieval/mentions.py) as a pointer, which is not an answer."""
    answered = [(r["answer"] if r.get("covered", True) else "", r["key_points"]) for r in rows]
    hits = sum(sum(mentioned(answer, p) for p in points) for answer, points in answered)
    total = sum(len(r["key_points"]) for r in rows)
    recalls = [keypoint_recall(answer, points) for answer, points in answered]
    return {"n": len(rows), "mean_recall": sum(recalls) / len(recalls) if recalls else None,
            "points": Rate(hits, total), "median_chars": median(len(r["answer"]) for r in rows) if rows else None}


def by_answer_language(rows: list[dict]) -> dict[str, list[dict]]:
    """Graded rows split by the language of their answer: "en" (English prose, `terms.mostly_latin`) and "zh" (the
    rest). A grader fair across languages gives a correct answer the same score in either."""
    from assistant.notes.terms import mostly_latin

    english = [mostly_latin(r["answer"]) for r in rows]
    return {"en": [r for r, e in zip(rows, english) if e], "zh": [r for r, e in zip(rows, english) if not e]}


def grading_rates(rows: list[dict], low: float = 3.0, margin: float = 3.0) -> dict:
    """Adversarial grading rates over {id, question, kind, label, twin_of, score} rows.

    negated_low: negated answers scoring ≤ `low` (vague_low: answers labelled vague); twin_margin: correct
    answers beating their negated twin by ≥ `margin`; partial_over_wrong: (partial, wrong) pairs of one question
    in which the partial answer scores higher; plus the ≤ `low` rate and mean score of every kind.
    """
    by_id = {r["id"]: r for r in rows}
    negated = [r for r in rows if r["kind"] == "negated"]
    twins = [(by_id[r["twin_of"]], r) for r in negated if r.get("twin_of") in by_id]
    pairs = [(p, w) for p in rows if p["label"] == "partial" for w in rows
             if w["label"] == "wrong" and w["question"] == p["question"]]
    out = {
        "negated_low": Rate(sum(r["score"] <= low for r in negated), len(negated)),
        "twin_margin": Rate(sum(c["score"] - n["score"] >= margin for c, n in twins), len(twins)),
        "partial_over_wrong": Rate(sum(p["score"] > w["score"] for p, w in pairs), len(pairs)),
        # Answers that sound on topic but state no point of the notes (restating, generic, topic words, don't know).
        "vague_low": Rate(sum(r["score"] <= low for r in rows if r["label"] == "vague"),
                          sum(r["label"] == "vague" for r in rows)),
    }
    for kind in sorted({r["kind"] for r in rows}):
        scores = [r["score"] for r in rows if r["kind"] == kind]
        out[f"mean:{kind}"] = round(sum(scores) / len(scores), 2)
        out[f"low:{kind}"] = Rate(sum(s <= low for s in scores), len(scores))
    return out


def judge_means(rows: list[dict]) -> dict:
    """Faithfulness means of uncited faithful answers and of fabricated answers, and error-type recall as Rates.

    Rows: {label, error_type, cited, faithfulness, caught} where `caught` says the judge flagged the
    labelled bad sentence (the whole answer when it has none).
    """
    def mean_of(subset: list[dict]) -> tuple[float | None, int]:
        values = [r["faithfulness"] for r in subset if r["faithfulness"] is not None]
        return (sum(values) / len(values) if values else None), len(values)

    out: dict = {
        "uncited_faithful": mean_of([r for r in rows if r["label"] == "faithful" and not r["cited"]]),
        "cited_faithful": mean_of([r for r in rows if r["label"] == "faithful" and r["cited"]]),
        "fabricated": mean_of([r for r in rows if r["error_type"] == "fabricated"]),
        "faithful_kept": Rate(sum(r["faithfulness"] == 1.0 for r in rows if r["label"] == "faithful"),
                              sum(r["label"] == "faithful" for r in rows)),
    }
    for kind in sorted({r["error_type"] for r in rows if r["error_type"]}):
        subset = [r for r in rows if r["error_type"] == kind]
        out[f"recall:{kind}"] = Rate(sum(bool(r["caught"]) for r in subset), len(subset))
    return out


def split_by_question(items: Iterable[dict], question_of: Callable[[dict], int], seed: int = 11) -> tuple[list[dict], list[dict]]:
    """(fit, held_out): the items' questions shuffled with a fixed seed, the first half's items fit."""
    items = list(items)
    questions = sorted({question_of(i) for i in items})
    random.Random(seed).shuffle(questions)
    fit_qs = set(questions[: len(questions) // 2])
    return [i for i in items if question_of(i) in fit_qs], [i for i in items if question_of(i) not in fit_qs]
