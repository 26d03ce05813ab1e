"""Running the eval sets: each suite turns data items into per-item results plus summary metrics.

- retrieval: every query of eval/retrieval.jsonl through `run_retrieval` (the benchmark's path).
- answers: `Assistant.ask()` on every in-scope query of eval/retrieval.jsonl (97 answers,
  follow-ups with their history), claims judged against the sections each answer cites.
  Declined answers (coverage said no) have no claims and are counted, not scored.
- calibration: the judge(s) on eval/answers.jsonl, whose bad sentences are known.
- grading: the mock-interview grader's ordering accuracy (assistant.interview).
"""

from __future__ import annotations

from assistant.evals.claims import split_claims
from assistant.evals.metrics import answer_scores, calibration, flagged_sentences, mean
from assistant.evals.retrieval import retrieval_metrics, run_retrieval


class SuiteUnavailable(RuntimeError):
    """A suite cannot run in this installation; the message is one line for the user."""


def retrieval_suite(assistant, items: list[dict], k: int = 5) -> dict:
    """hit@k/MRR/decline metrics, per-kind hit@1 and one row per query."""
    rows = run_retrieval(assistant.retriever, items, k)
    by_kind = {}
    for kind in sorted({r.kind for r in rows}):
        by_kind[kind] = retrieval_metrics([r for r in rows if r.kind == kind])
    queries = {i["id"]: i["query"] for i in items}
    return {
        "metrics": retrieval_metrics(rows),
        "by_kind": by_kind,
        "items": [{"id": r.id, "kind": r.kind, "query": queries[r.id], "gold": r.gold, "ranked": r.ranked,
                   "rank": r.rank, "covered": r.covered} for r in rows],
    }


def judge_answer(judge, question: str, answer: str, contexts: dict[int, str], embeddings=None,
                 extractive: bool | None = None) -> dict:
    """Claims, verdicts and scores of one answer; `contexts` maps citation numbers to section text."""
    claims = split_claims(answer, extractive)
    verdicts = judge.judge(question, claims, contexts)
    scores = answer_scores(verdicts)
    if embeddings is not None:
        scores["relevancy"] = embeddings.relevancy(question, [c.text for c in claims])
    return {**scores, "verdicts": [v.to_json() for v in verdicts], "flagged": flagged_sentences(verdicts)}


def answers_suite(assistant, items: list[dict], judge, embeddings) -> dict:
    """Faithfulness and citation metrics of the assistant's own answers to the in-scope queries."""
    rows = []
    for item in (i for i in items if i.get("gold")):
        history = [{"role": "user", "content": h} for h in item.get("history", [])]
        result = assistant.ask(item["query"], history=history)
        row = {"id": item["id"], "query": item["query"], "covered": result.covered, "mode": result.mode}
        if result.covered:
            contexts = {n: h.section for n, h in enumerate(result.hits, start=1)}
            # The answer's mode is known: a quote-less extractive answer has no claims, not a header claim.
            row.update(judge_answer(judge, result.standalone or item["query"], result.answer, contexts, embeddings,
                                    extractive=result.mode.startswith("extractive")))
        rows.append(row)
    scored = [r for r in rows if r.get("claims")]
    metrics = {
        "n_queries": len(rows),
        "n_answered": len(scored),
        "n_declined": sum(not r["covered"] for r in rows),
        "n_without_quotes": sum(r["covered"] and not r.get("claims") for r in rows),
        "claims": sum(r["claims"] for r in scored),
        "unsupported_claims": sum(len(r["flagged"]) for r in scored),
        "unparseable_claims": sum(r["unparseable"] for r in scored),
    }
    for name in ("faithfulness", "citation_precision", "citation_recall", "relevancy"):
        metrics[name] = mean(r.get(name) for r in scored)
    return {"metrics": metrics, "items": rows}


def calibration_suite(items: list[dict], judges: list, sections: dict[int, str], embeddings=None) -> dict:
    """Each judge's precision/recall at flagging the known bad sentences of eval/answers.jsonl."""
    out = {}
    for judge in judges:
        rows = []
        for item in items:
            contexts = {n: sections.get(q, "") for n, q in enumerate(item["sources"], start=1)}
            judged = judge_answer(judge, item["query"], item["answer"], contexts)
            rows.append({"id": item["id"], "label": item["label"], "error_type": item["error_type"],
                         "lang": item["lang"], "bad_sentence": item["bad_sentence"], "flagged": judged["flagged"],
                         "faithfulness": judged["faithfulness"], "unparseable": judged["unparseable"]})
        out[judge.name] = {"metrics": calibration(rows), "items": rows, "stats": dict(judge.stats)}
    return out


def grading_suite(items: list[dict], settings) -> dict:
    """The offline mock-interview grader's ordering accuracy on eval/grading.jsonl."""
    try:
        from assistant.interview.calibrate import grading_report
        from assistant.interview.grader import OfflineGrader
    except ImportError:
        raise SuiteUnavailable("grading set needs assistant.interview") from None
    from assistant.answering.prompts import Prompts

    report = grading_report(items, OfflineGrader(Prompts(settings.prompts_path)))
    per_question = report.pop("per_question")
    rows = []
    for q, scores in per_question.items():
        labels = [lbl for lbl in ("complete", "partial", "wrong") if lbl in scores]
        ordered = all(scores[a] > scores[b] for i, a in enumerate(labels) for b in labels[i + 1:])
        rows.append({"id": f"q{q}", "question": q, "scores": scores, "ordered": ordered})
    return {"metrics": report, "items": rows}


def section_texts(assistant) -> dict[int, str]:
    """Question number → section body, for the calibration set's `sources`."""
    out: dict[int, str] = {}
    for note in assistant.notes():
        out.setdefault(int(note["question"]), assistant.section(note["file_key"], note["uid"]))
    return out
