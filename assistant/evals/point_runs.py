"""Running the point-by-point measures: answers, grades and judgements for eval items, as rows.

The scoring itself is pure (`points.py`); these runners produce the rows it scores, one way
for every caller: `bench/tune_points.py` on the dev files and `assistant eval --set test`
on the frozen blind set, so the tuning figures and the test figures are computed alike.
"""

from __future__ import annotations

from typing import Any

from assistant.evals.metrics import is_bad
from assistant.evals.suites import judge_answer


def keypoint_rows(assistant: Any, items: list[dict], judge: Any) -> list[dict]:
    """Extractive answers to key-point items: answer text, key points, faithfulness and citation precision."""
    rows = []
    for item in items:
        result = assistant.ask(item["query"], mode="extractive")
        row = {"id": item["id"], "qtype": item.get("qtype", ""), "lang": item.get("lang", ""), "answer": result.answer,
               "key_points": item["key_points"], "covered": result.covered, "faithfulness": None,
               "citation_precision": None}
        if result.covered:
            contexts = {n: h.section for n, h in enumerate(result.hits, start=1)}
            j = judge_answer(judge, result.standalone or item["query"], result.answer, contexts, extractive=True)
            row["faithfulness"], row["citation_precision"] = j["faithfulness"], j["citation_precision"]
        rows.append(row)
    return rows


def grading_rows(grader: Any, notebook: Any, items: list[dict]) -> list[dict]:
    """Each graded answer with its score and the section it was found to answer instead, if any (items name
    their section by number)."""

    rows = []
    for item in items:
        note = notebook.by_number(int(item["question"]))
        if note is None:
            raise ValueError(f"grading item {item['id']}: question {item['question']} is not in the notes")
        grade = grader.grade(notebook.reference(note), item["answer"])
        rows.append({**item, "score": grade.score, "elsewhere": grade.elsewhere})
    return rows


def judge_rows(judge: Any, texts: dict[int, str], items: list[dict]) -> list[dict]:
    """The judge on answers with known errors: faithfulness and whether the bad sentence was caught."""
    rows = []
    for item in items:
        # Items name sections by number, as an int or a numeric string (the second blind set writes "28").
        contexts = {n: texts.get(int(q), "") for n, q in enumerate(item["sources"], start=1)}
        j = judge_answer(judge, item["query"], item["answer"], contexts)
        bad = item["bad_sentence"]
        caught = any(is_bad(s, bad) for s in j["flagged"]) if bad else bool(j["flagged"])
        rows.append({"id": item["id"], "label": item["label"], "error_type": item["error_type"],
                     "cited": item.get("cited", True), "faithfulness": j["faithfulness"], "caught": caught,
                     "bad_sentence": bad, "flagged": j["flagged"]})
    return rows
