"""Retrieval evaluation: hit@k, MRR and out-of-scope decline rate on `eval/retrieval.jsonl`.

Scoring is a pure function of (gold, ranked, covered) rows so it can be unit-tested and
reused by the benchmark, the eval command and CI floors. Follow-up items are condensed
with the same offline heuristic the chat uses, so the eval measures what users get.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


def load_jsonl(path: Path) -> list[dict]:
    """Read a JSON Lines file; blank lines are skipped, a bad line names its number. Gold section numbers (an item's
    `gold`, a conversation turn's) are read as integers, as the search reports them: written "gold": ["21"], an item
    never found its section (the second retired blind set's 85 key-point questions counted as misses in every tuning
    report)."""
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: invalid JSON ({exc.msg})") from None
            for item in [row, *row.get("turns", [])] if isinstance(row, dict) else []:
                if "gold" in item:
                    item["gold"] = _numbers(item["gold"], f"{path}:{n}")
            rows.append(row)
    return rows


def _numbers(gold, where: str) -> list[int]:
    """Gold section numbers as integers; anything else is a one-line error naming the line."""
    try:
        return [int(g) for g in gold]
    except (TypeError, ValueError):
        raise ValueError(f"{where}: gold must be a list of section numbers, not {gold!r}") from None


# Queries every tuned weight and threshold is fitted on. eval/retrieval.jsonl was the test set until
# it was found to have shaped the design (issue 12); it is tuning data now, and the held-out set is
# the frozen blind one in eval/test/ (evals/frozen.py), which no tuning script reads.
TUNING_SETS = ("coverage_calibration.jsonl", "dev.jsonl", "retrieval.jsonl")


def load_sets(folder: Path, names) -> list[dict]:
    """The items of several eval files of a folder, in order."""
    return [item for name in names for item in load_jsonl(Path(folder) / name)]


@dataclass
class RetrievalRow:
    """One scored query: gold question numbers (empty = out of scope), ranked results, coverage."""

    id: str
    gold: list[int]
    ranked: list[int]
    covered: bool
    kind: str = ""
    weak: bool = False  # answered as a weak match (SearchResult.weak)

    @property
    def rank(self) -> int | None:
        """1-based rank of the first gold question, None if absent."""
        for i, q in enumerate(self.ranked, start=1):
            if q in self.gold:
                return i
        return None


def retrieval_metrics(rows: list[RetrievalRow]) -> dict:
    """hit@1, hit@3, MRR over in-scope rows; decline rate over out-of-scope rows; answered rate in scope."""
    scoped = [r for r in rows if r.gold]
    oos = [r for r in rows if not r.gold]

    def mean(values) -> float:
        values = list(values)
        return round(sum(values) / len(values), 4) if values else 0.0

    return {
        "n_in_scope": len(scoped),
        "n_out_of_scope": len(oos),
        "hit@1": mean(r.rank == 1 for r in scoped),
        "hit@3": mean(r.rank is not None and r.rank <= 3 for r in scoped),
        "mrr": mean(1.0 / r.rank if r.rank else 0.0 for r in scoped),
        "in_scope_answered": mean(r.covered for r in scoped),
        "oos_declined": mean(not r.covered for r in oos),
    }


def run_retrieval(retriever, items: list[dict], k: int = 5) -> list[RetrievalRow]:
    """Search every eval item (follow-ups condensed with their history) and collect scored rows."""
    from assistant.answering.turn_search import condensed_search

    rows = []
    for item in items:
        _, result = condensed_search(retriever, item["query"], item.get("history", []), k)
        rows.append(RetrievalRow(item["id"], list(item.get("gold", [])), [h.question for h in result.hits],
                                 result.covered, item.get("kind", ""), result.weak))
    return rows
