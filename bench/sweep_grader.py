"""Sweep one offline-grader parameter over every tuning grading set, with answers given to the neighbouring sections.

For each value of `GraderParams.NAME` it grades eval/dev/grading, grading2, grading3, grading4, grading5 (correct
answers only, close to the notes and free, half of them English), vague, the first
blind set's grading (eval/dev/test1) and the retired second and third blind sets' grading, grading2 and vague
(eval/dev/test2, test3), plus every correct answer of those sets given to the section just before and just after
its own (an answer to a sibling question: "what are exploding gradients" given for "how do you fix them"), and prints
each rate with n and a 95 % interval. One e5 memo (`tune_points.memo_embed`) serves every value, so a value after the first takes about 40 s
here. Reads only the files `tune_points.load` may open; never the frozen test set.
Usage: python bench/sweep_grader.py --sweep=NAME=V1,V2[;NAME2=W1,W2]   (every combination, as `tune_points.sweep_grid`;
without --sweep: the shipped parameters)
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/, whose bench.py would shadow the bench package

from assistant.answering.prompts import Prompts  # noqa: E402
from assistant.evals.point_runs import grading_rows  # noqa: E402
from assistant.evals.points import Rate, by_answer_language, grading_rates  # noqa: E402
from assistant.interview.grader import GraderParams, OfflineGrader  # noqa: E402
from assistant.runtime import e5_passages  # noqa: E402
from bench.tune_points import elsewhere_items, load, memo_embed, notebook, sweep_grid  # noqa: E402

SETS = {"grading": "dev", "grading2": "dev", "grading3": "dev", "grading4": "dev", "grading5": "dev", "vague": "dev",
        "test1_grading": "test1", "test2_grading": "test2", "test2_grading2": "test2", "test2_vague": "test2",
        "test3_grading": "test3", "test3_grading2": "test3", "test3_vague": "test3"}


def items(name: str) -> list[dict]:
    """A set's items; a vague set's are labelled (vague, or correct for its minimal correct answers)."""
    rows = load(name)
    if name.endswith("vague"):
        rows = [{**i, "label": "correct" if i["kind"] == "minimal_correct" else "vague", "twin_of": None} for i in rows]
    return rows


def main() -> None:
    embed = memo_embed(e5_passages)
    books = {"dev": notebook(), "test1": notebook(first_blind_set=True), "test2": notebook(second=True),
             "test3": notebook(third=True)}
    data = {name: items(name) for name in SETS}
    for value in sweep_grid():
        started = time.time()
        params = dataclasses.replace(GraderParams(), **value)
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
        print(f"{value or 'shipped parameters'} ({time.time() - started:.0f} s)\n  correct <= 3 {r['low:correct']}  "
              f"minimal correct <= 3 {r['low:minimal_correct']}  negated <= 3 {r['negated_low']}  twin margin "
              f"{r['twin_margin']}\n  partial > wrong {r['partial_over_wrong']}  off-topic <= 3 {r['low:off_topic']}  "
              f"antonym <= 3 {r['low:antonym']}  vague <= 3 {r['vague_low']}\n"
              f"  correct answers given to a neighbouring section <= 3 {Rate(sum(m['score'] <= 3 for m in moved), len(moved))}",
              flush=True)
        _by_language(rows)


def _by_language(rows: list[dict]) -> None:
    """The same rates for answers in English (en, to Chinese notes) and in Chinese (zh) apart, with the mean score of
    correct answers: a grader fair across languages gives a correct answer the same score in either."""
    for lang, subset in by_answer_language(rows).items():
        r = grading_rates(subset)
        print(f"  {lang} answers: correct mean {r.get('mean:correct')} (<= 3 {r.get('low:correct')})  partial mean "
              f"{r.get('mean:partial')}  negated <= 3 {r['negated_low']}  antonym <= 3 {r.get('low:antonym')}  twin margin "
              f"{r['twin_margin']}  partial > wrong {r['partial_over_wrong']}", flush=True)


if __name__ == "__main__":
    main()
