"""The frozen blind test set: checked against its checksums, scored on its own index, reported with intervals.

`eval/test/` was written by a writer who never saw the code, the tuning sets or any
output of the system, then frozen with `SHA256SUMS`. It is for measuring only: no tuning
script reads it and no unit test copies its items (a test enforces both). It covers the
shipped notes plus a second notes file written for it (`eval/test/notes/`), so it is
scored on a separate index that holds both, never on the user's own index.
Every rate is reported with its n and a 95 % Wilson interval.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from assistant.config import Settings, package_data_dir
from assistant.errors import UserError
from assistant.evals.metrics import wilson
from assistant.evals.points import Rate
from assistant.evals.retrieval import load_jsonl, retrieval_metrics, run_retrieval

TEST_FOLDER = "test"


def test_folder() -> Path:
    """Where the frozen test set is (source checkout or installed package)."""
    return package_data_dir("eval") / TEST_FOLDER


def verify(folder: Path) -> None:
    """Raise UserError unless every file listed in SHA256SUMS is present and unchanged."""
    sums = folder / "SHA256SUMS"
    if not sums.is_file():
        raise UserError(f"the frozen test set has no checksum file ({sums})")
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.strip().partition("  ")
        path = folder / name
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            raise UserError(f"the frozen test set was changed: {name} does not match SHA256SUMS; "
                            "write a new blind set instead of editing this one")


def listed(folder: Path) -> set[str]:
    """The files SHA256SUMS lists (the set's parts; `verify` has checked each)."""
    lines = (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    return {line.strip().partition("  ")[2] for line in lines if line.strip()}


def test_settings(settings: Settings, folder: Path) -> Settings:
    """Settings for the test index: the shipped notes plus the test's own notes, in a separate data directory."""
    return settings.replace(home=settings.home / "test-index", corpus=(package_data_dir("corpus"), folder / "notes"))


def rate(successes: int, n: int) -> dict:
    """A rate with its n and 95 % Wilson interval."""
    lo, hi = wilson(successes, n)
    return {"value": round(successes / n, 4) if n else None, "n": n, "lo": lo, "hi": hi}


def rate_of(r: Rate) -> dict:
    """A points.Rate in the report's shape."""
    return rate(r.k, r.n)


def retrieval_report(retriever, items: list[dict], k: int = 5) -> dict:
    """hit@1, hit@3, MRR, answered and declined on the test queries, overall and per kind and language."""
    rows = run_retrieval(retriever, items, k)
    scoped = [r for r in rows if r.gold]
    oos = [r for r in rows if not r.gold]
    langs = {i["id"]: i.get("lang", "") for i in items}

    def hit1(subset):
        return rate(sum(r.rank == 1 for r in subset), len(subset))

    rates = {
        "hit@1": rate(sum(r.rank == 1 for r in scoped), len(scoped)),
        "hit@3": rate(sum(bool(r.rank and r.rank <= 3) for r in scoped), len(scoped)),
        "in_scope_answered": rate(sum(r.covered for r in scoped), len(scoped)),
        "oos_declined": rate(sum(not r.covered for r in oos), len(oos)),
        "answered_and_top1": rate(sum(r.rank == 1 and r.covered for r in scoped), len(scoped)),
    }
    # The weak-match line (retrieval.weak_margin): how many of the answers that are not right it is on (out of scope, or
    # another section first), and how many of the right ones it needlessly hedges.
    answered = [r for r in rows if r.covered]
    right = [r for r in answered if r.rank == 1]
    not_right = [r for r in answered if r.rank != 1]
    rates["weak_on_not_right"] = rate(sum(r.weak for r in not_right), len(not_right))
    rates["weak_on_right"] = rate(sum(r.weak for r in right), len(right))
    for lang in sorted({langs[r.id] for r in scoped}):
        rates[f"hit@1.{lang}"] = rate(sum(r.rank == 1 for r in scoped if langs[r.id] == lang),
                                      sum(langs[r.id] == lang for r in scoped))
    for kind in sorted({r.kind for r in rows}):
        subset = [r for r in rows if r.kind == kind]
        # in-scope kinds: hit@1; out-of-scope kinds: declined
        rates[f"kind.{kind}"] = hit1(subset) if subset[0].gold else rate(sum(not r.covered for r in subset), len(subset))
    return {"metrics": {"mrr": retrieval_metrics(rows)["mrr"]}, "rates": rates,
            "items": [{"id": r.id, "kind": r.kind, "gold": r.gold, "ranked": r.ranked, "covered": r.covered, "weak": r.weak}
                      for r in rows]}


def conversations_report(retriever, conversations: list[dict]) -> dict:
    """Follow-up resolution: each turn after the first is resolved when its gold section ranks first
    (or, for an out-of-scope turn, when it is declined), with the earlier turns as history."""
    from assistant.answering.turn_search import condensed_search

    later: list[bool] = []
    first: list[bool] = []
    items: list[dict] = []
    for conv in conversations:
        asked: list[str] = []
        for i, turn in enumerate(conv["turns"]):
            _, result = condensed_search(retriever, turn["q"], asked)
            top = result.hits[0].question if result.hits else None
            ok = (not result.covered) if not turn["gold"] else (result.covered and top in turn["gold"])
            (later if i else first).append(ok)
            items.append({"id": f"{conv['id']}.{i + 1}", "gold": turn["gold"], "top": top, "covered": result.covered, "ok": ok})
            asked.append(turn["q"])
    return {"rates": {"followups_resolved": rate(sum(later), len(later)), "first_turns_resolved": rate(sum(first), len(first))},
            "items": items}


def load(folder: Path, name: str) -> list[dict]:
    """One file of the frozen set (after `verify`)."""
    return load_jsonl(folder / name)


def run(assistant: Any, settings: Settings, folder: Path, k: int = 5) -> dict:
    """Every part of the frozen set on `assistant` (opened on the test index): rates with n and intervals."""
    from assistant.evals.judges import Embeddings, OfflineJudge
    from assistant.evals.point_runs import grading_rows, judge_rows, keypoint_rows
    from assistant.evals.points import by_answer_language, grading_rates, judge_means, keypoint_summary
    from assistant.interview.kit import InterviewKit

    out: dict[str, Any] = {
        "retrieval": retrieval_report(assistant.retriever, load(folder, "retrieval.jsonl"), k),
        "conversations": conversations_report(assistant.retriever, load(folder, "conversations.jsonl")),
    }
    judge = OfflineJudge.from_settings(settings, Embeddings())
    rows = keypoint_rows(assistant, load(folder, "keypoints.jsonl"), judge)
    summary = keypoint_summary(rows)
    judged = [r for r in rows if r["faithfulness"] is not None]
    by_kind = {f"point_recall.{key}.{value}": rate_of(keypoint_summary([r for r in rows if r[key] == value])["points"])
               for key in ("lang", "qtype") for value in sorted({r[key] for r in rows})}
    out["keypoints"] = {
        "rates": {"point_recall": rate_of(summary["points"]),
                  "answers_fully_faithful": rate(sum(r["faithfulness"] == 1.0 for r in judged), len(judged)),
                  "answered": rate(len(judged), len(rows)), **by_kind},
        "metrics": {"mean_recall": summary["mean_recall"], "median_chars": summary["median_chars"],
                    "citation_precision": _mean([r["citation_precision"] for r in judged])},
        "items": [{k: r[k] for k in ("id", "qtype", "lang", "answer", "covered")} for r in rows],
    }
    kit = InterviewKit.build(settings, assistant)
    # Later parts, written blind like the rest and reported apart so that their answers do not join grading.jsonl's
    # partial > wrong pairs: grading2.jsonl (2026-12-04), answers to another question beside correct ones;
    # vague.jsonl (2026-12-04), answers that sound on topic but state no point beside short correct ones.
    present = listed(folder)
    grading = ["grading", *(part for part in ("grading2", "vague") if f"{part}.jsonl" in present)]
    parts = ["retrieval", "conversations", "keypoints", *grading, "judge"]
    for part in grading:
        graded = grading_rows(kit.grader, kit.notebook, load(folder, f"{part}.jsonl"))
        g = grading_rates(graded)
        for lang, subset in by_answer_language(graded).items():  # a correct answer's mean score per language
            if (mean := grading_rates(subset).get("mean:correct")) is not None:
                g[f"mean:correct.{lang}"] = mean
        # A rate over no items (grading2 has no negated twins or partial answers) is left out, not printed as "-".
        out[part] = {"rates": {key: rate_of(v) for key, v in g.items() if isinstance(v, Rate) and v.n},
                     "metrics": {key: v for key, v in g.items() if not isinstance(v, Rate)},
                     "items": [{"id": r["id"], "kind": r["kind"], "score": r["score"]} for r in graded]}
    texts = {n.number: kit.notebook.body_of(n.file_key, n.uid) for n in kit.notebook.notes}
    judged_rows = judge_rows(judge, texts, load(folder, "answers.jsonl"))
    means = judge_means(judged_rows)
    out["judge"] = {"rates": {key: rate_of(v) for key, v in means.items() if isinstance(v, Rate)},
                    "metrics": {key: {"mean": v[0], "n": v[1]} for key, v in means.items() if not isinstance(v, Rate)},
                    "items": [{"id": r["id"], "error_type": r["error_type"], "faithfulness": r["faithfulness"],
                               "caught": r["caught"]} for r in judged_rows]}
    out["rates"] = {f"{part}.{name}": value for part in parts for name, value in out[part]["rates"].items()}
    out["metrics"] = {f"{part}.{name}": value for part in parts
                      for name, value in out[part].get("metrics", {}).items()}
    return out


def _mean(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 4) if values else None
