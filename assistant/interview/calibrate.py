"""The grading-set report: does the grader rank complete > partial > wrong, and how far apart are the scores?

`grading_report(items, grader)` is pure apart from the grader calls: for every question it
compares the three labelled answers pairwise (3 ordered pairs; a tie counts as wrong) and
summarises the scores per label. The offline grader's constants were tuned on the
even-numbered questions only, so the report also gives the even/odd split.
"""

from __future__ import annotations

from itertools import combinations

from assistant.interview.notebook import Notebook

LABEL_ORDER = ("complete", "partial", "wrong")


def grading_report(items: list[dict], grader, notebook: Notebook | None = None) -> dict:
    """Ordering accuracy (overall, even and odd question numbers) and score spread per label."""
    notebook = notebook or _shipped_notebook()
    scores: dict[int, dict[str, float]] = {}
    for item in items:
        note = notebook.by_number(int(item["question"]))
        if note is None or note.kind != "text":
            raise ValueError(f"{item.get('id')}: question {item['question']} has no text section to grade against")
        ref = notebook.reference(note)
        scores.setdefault(note.number, {})[item["label"]] = grader.grade(ref, item["answer"]).score
    spread = {}
    for label in LABEL_ORDER:
        values = [s[label] for s in scores.values() if label in s]
        if values:
            spread[label] = {"n": len(values), "mean": round(sum(values) / len(values), 2),
                             "min": min(values), "max": max(values)}
    return {
        "n_items": len(items),
        "n_questions": len(scores),
        "ordering_accuracy": _ordering(scores.values()),
        "ordering_accuracy_even": _ordering(s for q, s in scores.items() if q % 2 == 0),
        "ordering_accuracy_odd": _ordering(s for q, s in scores.items() if q % 2 == 1),
        "ties": sum(1 for s in scores.values() for a, b in _pairs(s) if s[a] == s[b]),
        "spread": spread,
        "per_question": {q: {k: s[k] for k in LABEL_ORDER if k in s} for q, s in sorted(scores.items())},
    }


def _pairs(scores: dict[str, float]):
    present = [label for label in LABEL_ORDER if label in scores]
    return combinations(present, 2)  # (better, worse) because LABEL_ORDER is best first


def _ordering(groups) -> float:
    right = total = 0
    for s in groups:
        for better, worse in _pairs(s):
            total += 1
            right += s[better] > s[worse]
    return round(right / total, 4) if total else 0.0


def _shipped_notebook() -> Notebook:
    from assistant.config import package_data_dir

    return Notebook.from_files([package_data_dir("corpus")])
