"""The point-by-point measures of issue 11 on the DEV (tuning) files only, each rate with n and a 95 % Wilson interval.

1. Key-point recall of the offline (extractive) answers to eval/dev/keypoints.jsonl, keypoints2.jsonl, keypoints3.jsonl and
   keypoints4.jsonl and the retired blind sets' eval/dev/test1 and test3 key points, with their
   faithfulness and citation precision (offline judge) and median length in characters.
2. The offline grader on eval/dev/grading.jsonl: negated ≤ 3/10, correct beats its negated
   twin by ≥ 3, partial > wrong; the same over all four dev grading sets (with grading2, grading3 (short
   English answers) and the first blind set's); plus ordering accuracy on the old tuning set eval/grading.jsonl.
3. The offline judge on eval/dev/answers.jsonl (and the old tuning set eval/answers.jsonl):
   recall per error type, faithfulness of uncited faithful and of fabricated answers; and on
   eval/dev/answers2.jsonl (round 5) and answers3.jsonl (blind, 2026-12-05), contradiction recall per kind.
Grader and judge figures are given for the held-out half (questions split with a fixed seed,
`points.split_by_question`) and for all items. Reading is restricted to DEV_FILES: the script
cannot open the test sets under eval/ or anything outside the repository.
4. Vague answers (eval/dev/vague.jsonl) against short correct ones, optionally over a sweep of the
   grader's parameters (`vague --sweep=partial_credit=1,0.5`), with both dev grading sets' rates.
Usage: python bench/tune_points.py [keypoints|grading|judge|vague ...]   (builds a throw-away index;
judge takes --opposite-min=off,0.01,…, --no-new-names and --no-references)
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.evals.metrics import calibration  # noqa: E402
from assistant.evals.points import Rate, grading_rates, judge_means, keypoint_summary, split_by_question  # noqa: E402

DEV = ROOT / "eval" / "dev"
DEV_NOTES = DEV / "notes"
TEST1 = DEV / "test1"  # the first blind test set, tuning data since its successor was frozen
TEST2 = DEV / "test2"  # the second, retired 2026-12-05
TEST3 = DEV / "test3"  # the third, retired 2026-12-07
# The only files this script reads: the dev sets and the three old sets that became tuning data.
DEV_FILES = {"keypoints": DEV / "keypoints.jsonl", "keypoints2": DEV / "keypoints2.jsonl",
             "keypoints3": DEV / "keypoints3.jsonl", "keypoints4": DEV / "keypoints4.jsonl", "grading": DEV / "grading.jsonl", "answers": DEV / "answers.jsonl",
             "grading2": DEV / "grading2.jsonl", "vague": DEV / "vague.jsonl", "answers2": DEV / "answers2.jsonl",
             "answers3": DEV / "answers3.jsonl",
             "old_grading": ROOT / "eval" / "grading.jsonl", "old_answers": ROOT / "eval" / "answers.jsonl",
             "grading3": DEV / "grading3.jsonl", "grading4": DEV / "grading4.jsonl", "grading5": DEV / "grading5.jsonl", "test1_keypoints": TEST1 / "keypoints.jsonl",
             "test3_keypoints": TEST3 / "keypoints.jsonl",
             "test1_grading": TEST1 / "grading.jsonl", "test1_answers": TEST1 / "answers.jsonl",
             "test2_grading": TEST2 / "grading.jsonl", "test2_grading2": TEST2 / "grading2.jsonl",
             "test2_vague": TEST2 / "vague.jsonl", "test3_grading": TEST3 / "grading.jsonl",
             "test3_grading2": TEST3 / "grading2.jsonl", "test3_vague": TEST3 / "vague.jsonl"}
SEED = 11


def load(name: str) -> list[dict]:
    """The items of one dev file, by name; nothing else can be opened."""
    path = DEV_FILES[name].resolve()
    assert path.parent in (DEV.resolve(), (ROOT / "eval").resolve(), TEST1.resolve(), TEST2.resolve(), TEST3.resolve()) \
        and path.name != "retrieval.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def notebook(first_blind_set: bool = False, second: bool = False, third: bool = False):
    """The shipped notes with the dev notes (201–214), or with the first (101–116), second or third (501–512) blind set's
    notes."""
    from assistant.interview.notebook import Notebook

    return Notebook.from_files([ROOT / "corpus", TEST1 / "notes" if first_blind_set else TEST2 / "notes" if second
                                else TEST3 / "notes" if third else DEV_NOTES])


def sections(nb) -> dict[int, str]:
    return {n.number: nb.body_of(n.file_key, n.uid) for n in nb.notes}


def keypoints() -> None:
    from assistant.config import Settings
    from assistant.evals.judges import OfflineJudge
    from assistant.evals.point_runs import keypoint_rows
    from assistant.service import Assistant

    home = Path(tempfile.mkdtemp(prefix="tune-points-"))
    settings = Settings.from_env({}, home=home, corpus=(ROOT / "corpus", DEV_NOTES), mode="extractive")
    assistant = Assistant(settings, progress=False)
    # keypoints2 (46 questions, written later from the notes alone by a writer who saw no system output) is the
    # fresher check: choices made on keypoints.jsonl alone should hold on it too; keypoints3 (60, blind, 2026-12-03)
    # is the freshest; keypoints4 (72, blind, 2026-12-07) asks what the others seldom do: one named item's pros or
    # cons, one fact, "X 是怎么回事" (qtypes aspect, onefact, whathappens, list).
    for name in ("keypoints", "keypoints2", "keypoints3", "keypoints4"):
        _print_keypoints(name, keypoint_rows(assistant, load(name), OfflineJudge()))
    # test1's key points cover the shipped notes and its own notes file (101–116), so they need that index.
    settings = settings.replace(home=home / "test1", corpus=(ROOT / "corpus", TEST1 / "notes"))
    _print_keypoints("test1/keypoints", keypoint_rows(Assistant(settings, progress=False), load("test1_keypoints"), OfflineJudge()))
    settings = settings.replace(home=home / "test3", corpus=(ROOT / "corpus", TEST3 / "notes"))
    _print_keypoints("test3/keypoints", keypoint_rows(Assistant(settings, progress=False), load("test3_keypoints"), OfflineJudge()))


def _print_keypoints(name: str, rows: list[dict]) -> None:
    """Key-point recall by question type and language, faithfulness and citation precision of one dev set's answers."""
    print(f"== key-point recall of extractive answers (eval/dev/{name}.jsonl)")
    for label, subset in [("all", rows), ("list", [r for r in rows if r["qtype"] == "list"]),
                          ("other", [r for r in rows if r["qtype"] != "list"]),
                          *((q, [r for r in rows if r["qtype"] == q]) for q in ("aspect", "onefact", "whathappens")
                            if any(r["qtype"] == q for r in rows)),
                          ("zh", [r for r in rows if r["lang"] == "zh"]), ("en", [r for r in rows if r["lang"] == "en"])]:
        s = keypoint_summary(subset)
        print(f"  {label:6} n={s['n']:3}  mean recall {s['mean_recall']:.3f}  points {s['points']}  "
              f"median chars {s['median_chars']}")
    judged = [r["faithfulness"] for r in rows if r["covered"] and r["faithfulness"] is not None]
    precision = [r["citation_precision"] for r in rows if r["covered"] and r["citation_precision"] is not None]
    print(f"  faithfulness {Rate(sum(f == 1.0 for f in judged), len(judged))} answers fully faithful; "
          f"citation precision mean {sum(precision) / max(1, len(judged)):.3f}")
    if "-v" in sys.argv:
        for r in rows:
            print(f"--- {r['id']} {r['answer']}")


def grading() -> None:
    from assistant.answering.prompts import Prompts
    from assistant.evals.point_runs import grading_rows
    from assistant.interview.calibrate import grading_report
    from assistant.interview.grader import OfflineGrader

    nb, nb1 = notebook(), notebook(first_blind_set=True)
    grader, grader1 = (OfflineGrader(Prompts(ROOT / "prompts"), sections=book.references) for book in (nb, nb1))
    items = grading_rows(grader, nb, load("grading"))
    fit, held = split_by_question(items, lambda i: int(i["question"]), SEED)
    print("== offline grader (eval/dev/grading.jsonl)")
    for name, subset in (("held-out", held), ("fit", fit), ("all", items)):
        print(f"  [{name}] {len(subset)} answers")
        for key, value in grading_rates(subset).items():
            print(f"    {key:22} {value}")
    # All four dev grading sets together (the first blind set's graded answers need its own notes).
    sets = (("grading", nb, grader), ("grading2", nb, grader), ("grading3", nb, grader), ("test1_grading", nb1, grader1))
    every = [{**r, "question": f"{name}:{r['question']}"} for name, book, g in sets
             for r in grading_rows(g, book, load(name))]
    rates = grading_rates(every)
    print(f"  [grading + grading2 + grading3 + test1/grading] {len(every)} answers: correct ≤ 3 {rates['low:correct']}  "
          f"negated ≤ 3 {rates['negated_low']}  twin margin {rates['twin_margin']}  partial > wrong {rates['partial_over_wrong']}  "
          f"off-topic ≤ 3 {rates['low:off_topic']}")
    # Every correct answer of those sets given to another question (7 sections on in the notebook's order):
    # an answer to the wrong question must score low, however much vocabulary the two sections share.
    moved = [r for name, book, g in sets for r in grading_rows(g, book, elsewhere_items(book, load(name)))]
    print(f"  correct answers given to another question ≤ 3: {Rate(sum(r['score'] <= 3 for r in moved), len(moved))}")
    old = grading_report(load("old_grading"), grader, nb)
    print(f"  old tuning set eval/grading.jsonl: ordering accuracy {old['ordering_accuracy']} "
          f"(n={old['n_questions']} questions)")
    if "-v" in sys.argv:
        for i in items:
            print(f"    {i['id']} q{i['question']} {i['kind']:12} {i['score']:5}  {i['answer'][:60]}")


def elsewhere_items(book, items: list[dict], step: int = 7) -> list[dict]:
    """The correct answers of `items`, each given to the section `step` places on among the askable ones."""
    numbers = sorted(n.number for n in book.askable())
    return [{**i, "id": f"{i['id']}-elsewhere", "label": "wrong", "kind": "elsewhere",
             "question": numbers[(numbers.index(int(i["question"])) + step) % len(numbers)]}
            for i in items if i["label"] == "complete"]


def vague() -> None:
    """Vague answers (eval/dev/vague.jsonl: don't know, restating the question, generic talk, topic words
    without a point) should score ≤ 3; a short correct answer ≥ 4 and above every vague one of its question.
    With `--sweep=partial_credit=1,0.5;raw_floor=0.15,0.2` the grader is run for each combination (one
    shared embedding cache), and the adversarial rates of both dev grading sets are printed beside,
    so a choice is made on the trade-off between the two."""
    import dataclasses

    from assistant.answering.prompts import Prompts
    from assistant.evals.point_runs import grading_rows
    from assistant.interview.grader import GraderParams, OfflineGrader
    from assistant.runtime import e5_passages

    nb = notebook()
    askable = {n.number for n in nb.askable()}  # 23 and 33–36 are a figure or links: nothing to grade against
    items = [i for i in load("vague") if int(i["question"]) in askable]
    adversarial = [i for i in load("grading") + load("grading2") if int(i["question"]) in askable]
    embed = memo_embed(e5_passages)
    for value in sweep_grid():
        grader = OfflineGrader(Prompts(ROOT / "prompts"), embed=embed, params=dataclasses.replace(GraderParams(), **value),
                               sections=nb.references)
        rows = grading_rows(grader, nb, items)
        weak = [r for r in rows if r["kind"] != "minimal_correct"]
        good = [r for r in rows if r["kind"] == "minimal_correct"]
        pairs = [(g, w) for g in good for w in weak if w["question"] == g["question"]]
        print(f"== {value or 'shipped parameters'}: vague answers (eval/dev/vague.jsonl, {len(rows)} on askable questions)")
        print(f"    vague ≤ 3               {Rate(sum(r['score'] <= 3 for r in weak), len(weak))}")
        for kind in sorted({r["kind"] for r in weak}):
            scores = [r["score"] for r in weak if r["kind"] == kind]
            print(f"      {kind:20} ≤ 3 {Rate(sum(s <= 3 for s in scores), len(scores))}  mean {sum(scores) / len(scores):.2f}")
        print(f"    minimal correct ≥ 4     {Rate(sum(r['score'] >= 4 for r in good), len(good))}")
        print(f"    minimal correct > vague {Rate(sum(g['score'] > w['score'] for g, w in pairs), len(pairs))}")
        graded = grading_rows(grader, nb, adversarial)
        rates = grading_rates(graded)
        print(f"    dev grading + grading2 ({len(graded)}): correct ≤ 3 {rates['low:correct']}  "
              f"negated ≤ 3 {rates['negated_low']}  twin margin {rates['twin_margin']}  "
              f"partial > wrong {rates['partial_over_wrong']}  mean partial {rates['mean:partial']}")
        if "-v" in sys.argv:
            for r in rows:
                print(f"    {r['id']} q{r['question']} {r['kind']:16} {r['score']:5}  {r['answer'][:60]}")


def memo_embed(embed):
    """The embedder with a per-process cache: a sweep embeds each answer segment once, not once per combination."""
    import numpy as np

    cache: dict[str, object] = {}

    def embedded(texts: list[str]):
        todo = [t for t in dict.fromkeys(texts) if t not in cache]
        if todo:
            cache.update(zip(todo, embed(todo)))
        return np.stack([cache[t] for t in texts])

    return embedded


def sweep_grid() -> list[dict]:
    """`--sweep=name=v1,v2;name2=w1,w2`: every combination of GraderParams values ([{}]: the shipped ones)."""
    grid: list[dict] = [{}]
    for arg in (a for a in sys.argv if a.startswith("--sweep=")):
        for part in arg[len("--sweep="):].split(";"):
            name, _, vals = part.partition("=")
            grid = [{**g, name: float(v) if "." in v else int(v)} for g in grid for v in vals.split(",")]
    return grid


def judge() -> None:
    from assistant.evals.judges import OfflineJudge
    from assistant.evals.point_runs import judge_rows

    texts = sections(notebook())
    first = sections(notebook(first_blind_set=True))
    # --opposite-min=off,0.01,…: the judge with each value of its opposite-edit threshold (default: as shipped)
    opposite = [None if v == "off" else float(v) for a in sys.argv if a.startswith("--opposite-min=")
                for v in a.split("=", 1)[1].split(",")]
    names = "--no-new-names" not in sys.argv  # --no-new-names: the judge without its new-names rule
    refs = "--no-references" not in sys.argv  # --no-references: link- and figure-only sections judged by e5 too
    judges = [OfflineJudge(opposite_min=value, new_names=names, references=refs) for value in opposite]
    for judge in judges or [OfflineJudge(new_names=names, references=refs)]:
        print(f"=== opposite_min {judge.opposite_min}")
        _judge_figures(texts, judge)
        print("== offline judge (eval/dev/test1/answers.jsonl, the first blind set's)")
        _print_means(judge_rows(judge, first, load("test1_answers")))


def _judge_figures(texts: dict[int, str], offline) -> None:
    from assistant.evals.point_runs import judge_rows

    def run(items: list[dict]) -> list[dict]:  # one judge and one notes text for every subset
        return judge_rows(offline, texts, items)

    items = load("answers")
    fit, held = split_by_question(items, lambda i: int(i["sources"][0]), SEED)
    print("== offline judge (eval/dev/answers.jsonl)")
    for name, subset in (("held-out", held), ("fit", fit), ("all", items)):
        rows = run(subset)
        print(f"  [{name}] {len(rows)} answers")
        _print_means(rows)
        cal = calibration(rows)
        print(f"    sentence precision/recall overall {cal['overall']['precision']}/{cal['overall']['recall']}")
        if "-v" in sys.argv and name == "all":
            for r in rows:
                print(f"    {r['id']} {r['error_type']} f={r['faithfulness']} caught={r['caught']} {r['flagged']}")
    old = run(load("old_answers"))
    print("  old tuning set eval/answers.jsonl (all cited):")
    for key, value in judge_means(old).items():
        if isinstance(value, Rate):
            print(f"    {key:26} {value}")
    # answers2 (round 5, 2026-12-02) and answers3 (blind, 2026-12-05): contradictions by kind, and faithful answers
    # that negate and compare. Rules written after reading answers2's misses are checked on answers3 first.
    for name in ("answers2", "answers3"):
        items = load(name)
        rows = run(items)
        print(f"== offline judge (eval/dev/{name}.jsonl)")
        _print_means(rows)
        kinds = {i["id"]: i.get("contradiction_kind") for i in items}
        for kind in sorted({k for k in kinds.values() if k}):
            subset = [r for r in rows if kinds[r["id"]] == kind]
            print(f"    contradiction:{kind:16} {Rate(sum(bool(r['caught']) for r in subset), len(subset))}")
        if "-v" in sys.argv:
            for r in rows:
                if r["error_type"] == "contradiction" or (r["label"] == "faithful" and r["faithfulness"] != 1.0):
                    print(f"    {r['id']} {kinds[r['id']] or 'faithful'} caught={r['caught']} f={r['faithfulness']} {r['flagged']}")


def _print_means(rows: list[dict]) -> None:
    for key, value in judge_means(rows).items():
        shown = value if isinstance(value, Rate) else (f"{value[0]:.3f} (n={value[1]})" if value[0] is not None else "n/a")
        print(f"    {key:26} {shown}")


def main() -> None:
    parts = [a for a in sys.argv[1:] if not a.startswith("-")] or ["keypoints", "grading", "judge"]
    for part in parts:
        {"keypoints": keypoints, "grading": grading, "judge": judge, "vague": vague}[part]()


if __name__ == "__main__":
    main()
