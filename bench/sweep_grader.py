"""Sweep one offline-grader parameter over every tuning grading set, with answers given to the neighbouring sections.

For each value of `GraderParams.NAME` it grades eval/dev/grading, grading2, grading3, grading4, vague, the first
blind set's grading (eval/dev/test1) and the retired second blind set's grading, grading2 and vague (eval/dev/test2),
plus every correct answer of those sets given to the section just before and just after its own (an answer to a
sibling question: "what are exploding gradients" given for "how do you fix them"), and prints each rate with n and a
95 % interval. One e5 memo serves every value, so a value after the first takes about 40 s here. Reads only the files
`tune_points.load` may open; never the frozen test set.
Usage: python bench/sweep_grader.py NAME=V1,V2,... [NAME2=V ...]   (later pairs are fixed for the whole sweep)
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/, whose bench.py would shadow the bench package

from assistant.answering.prompts import Prompts  # noqa: E402
from assistant.evals.point_runs import grading_rows  # noqa: E402
from assistant.evals.points import Rate, grading_rates  # noqa: E402
from assistant.interview.grader import GraderParams, OfflineGrader  # noqa: E402
from assistant.runtime import e5_passages  # noqa: E402
from bench.tune_points import elsewhere_items, load, notebook  # noqa: E402

SETS = {"grading": "dev", "grading2": "dev", "grading3": "dev", "grading4": "dev", "vague": "dev",
        "test1_grading": "test1", "test2_grading": "test2", "test2_grading2": "test2", "test2_vague": "test2"}


def items(name: str) -> list[dict]:
    """A set's items; a vague set's are labelled (vague, or correct for its minimal correct answers)."""
    rows = load(name)
    if name.endswith("vague"):
        rows = [{**i, "label": "correct" if i["kind"] == "minimal_correct" else "vague", "twin_of": None} for i in rows]
    return rows


def value_of(text: str, default):
    return text == "True" if isinstance(default, bool) else type(default)(float(text))


def main(args: list[str]) -> None:
    memo: dict[str, np.ndarray] = {}

    def embed(texts: list[str]) -> np.ndarray:
        if missing := [t for t in dict.fromkeys(texts) if t not in memo]:
            memo.update(zip(missing, e5_passages(missing)))
        return np.stack([memo[t] for t in texts])

    books = {"dev": notebook(), "test1": notebook(first_blind_set=True), "test2": notebook(second=True)}
    data = {name: items(name) for name in SETS}
    fixed = {k: value_of(v, getattr(GraderParams(), k)) for k, v in (a.split("=") for a in args[1:])}
    name, values = args[0].split("=")
    for text in values.split(","):
        started = time.time()
        params = dataclasses.replace(GraderParams(), **fixed, **{name: value_of(text, getattr(GraderParams(), name))})
        graders = {k: OfflineGrader(Prompts(ROOT / "prompts"), embed=embed, params=params, sections=b.references)
                   for k, b in books.items()}
        rows: list[dict] = []
        moved: list[dict] = []
        for set_name, book_name in SETS.items():
            book, grader = books[book_name], graders[book_name]
            rows += [{**r, "question": f"{set_name}:{r['question']}"} for r in grading_rows(grader, book, data[set_name])]
            for step in (1, -1):
                moved += grading_rows(grader, book, elsewhere_items(book, data[set_name], step))
        r = grading_rates(rows)
        print(f"{name}={text} ({time.time() - started:.0f} s)\n  correct <= 3 {r['low:correct']}  minimal correct <= 3 "
              f"{r['low:minimal_correct']}  negated <= 3 {r['negated_low']}  twin margin {r['twin_margin']}\n"
              f"  partial > wrong {r['partial_over_wrong']}  off-topic <= 3 {r['low:off_topic']}  antonym <= 3 "
              f"{r['low:antonym']}  vague <= 3 {r['vague_low']}\n"
              f"  correct answers given to a neighbouring section <= 3 {Rate(sum(m['score'] <= 3 for m in moved), len(moved))}",
              flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or ["own_distinct_from=0,5"])
