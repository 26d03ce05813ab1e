"""Sweep the grader's check for answers to another question (interview/topicality.py) on DEV files only.

Per combination of `--sweep=elsewhere_margin=0.01,0.02;elsewhere_share=0.4,0.5;elsewhere_rivals=3,5`
(default: the shipped values), with one shared embedding cache:
- eval/dev/grading4.jsonl (written blind on 2026-12-04 from the notes alone): fluent, correct answers
  to a neighbouring section graded ≤ 3 (caught), and its correct answers graded ≤ 3 (false alarms);
- the four older dev grading sets (n=390): correct ≤ 3, partial > wrong, off-topic ≤ 3;
- their correct answers each given to the section 7 places on (`tune_points.elsewhere_items`);
- the correct and partial answers of all of them and of eval/grading.jsonl named as about another section
  (false namings), the count a change must not raise.
Usage: python bench/tune_elsewhere.py [--sweep=...] [-v]
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/, whose bench.py would shadow the bench package

from assistant.evals.points import Rate, grading_rates  # noqa: E402
from bench.tune_points import elsewhere_items, load, memo_embed, notebook, sweep_grid  # noqa: E402


def main() -> None:
    from assistant.answering.prompts import Prompts
    from assistant.evals.point_runs import grading_rows
    from assistant.interview.grader import GraderParams, OfflineGrader
    from assistant.runtime import e5_passages

    nb, nb1 = notebook(), notebook(first_blind_set=True)
    embed = memo_embed(e5_passages)
    for value in sweep_grid():
        params = dataclasses.replace(GraderParams(), **value)
        grader, grader1 = (OfflineGrader(Prompts(ROOT / "prompts"), embed=embed, params=params, sections=book.references)
                           for book in (nb, nb1))
        older = (("grading", nb, grader), ("grading2", nb, grader), ("grading3", nb, grader),
                 ("test1_grading", nb1, grader1))
        fresh = grading_rows(grader, nb, load("grading4"))
        caught = [r for r in fresh if r["kind"] == "off_topic"]
        good = [r for r in fresh if r["kind"] == "correct"]
        every = [{**r, "question": f"{name}:{r['question']}"} for name, book, g in older
                 for r in grading_rows(g, book, load(name))]
        moved = [r for name, book, g in older for r in grading_rows(g, book, elsewhere_items(book, load(name)))]
        rates = grading_rates(every)
        old = grading_rows(grader, nb, load("old_grading"))
        # The decisive count: a right or partly right answer told it answers another question scores 0 and reads as
        # a rebuke, so a setting that catches more off-topic answers has to keep this at least as low.
        fair = [r for r in fresh + every + old if r["label"] in ("complete", "partial")]
        print(f"== {value or 'shipped parameters'}")
        print(f"   grading4: off-topic ≤ 3 {Rate(sum(r['score'] <= 3 for r in caught), len(caught))}  "
              f"correct ≤ 3 {Rate(sum(r['score'] <= 3 for r in good), len(good))}")
        print(f"   older four (n={len(every)}): correct ≤ 3 {rates['low:correct']}  partial > wrong "
              f"{rates['partial_over_wrong']}  off-topic ≤ 3 {rates['low:off_topic']}")
        print(f"   correct answers given to another question ≤ 3 {Rate(sum(r['score'] <= 3 for r in moved), len(moved))}")
        print(f"   correct and partial answers named as another question's (all dev sets and eval/grading.jsonl): "
              f"{Rate(sum(bool(r['elsewhere']) for r in fair), len(fair))}", flush=True)
        if "-v" in sys.argv:
            for r in fresh:
                print(f"    {r['id']} q{r['question']} {r['kind']:10} {r['score']:5}  {r['answer'][:50]}")


if __name__ == "__main__":
    main()
