"""Sweep `retrieval.followup_margin` on the tuning conversations: follow-ups resolved per margin.

`answering/turn_search.py condensed_search` re-reads a follow-up in the conversation's context when it is covered by
less than the margin over the coverage threshold (and answers a continuing follow-up alone when alone it is
covered by at least that much). This searches every follow-up turn of the tuning conversations
(bench/tuning_data.py: eval/dev/conversations*.jsonl, eval/dev/test1/conversations.jsonl) once per margin and prints
how many are resolved: the right top section when covered, declined when out of scope, with a 95 % interval.
Never reads the frozen test set. Usage: `python bench/tune_followups.py [MARGIN ...]`
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/, whose bench.py would shadow the bench package

from assistant.answering.turn_search import condensed_search  # noqa: E402
from assistant.evals.metrics import wilson  # noqa: E402
from bench.tuning_data import NOTES, items, retriever_for  # noqa: E402


def resolved(retriever, item: dict) -> bool:
    _, result = condensed_search(retriever, item["query"], item["history"])
    if not item["gold"]:
        return not result.covered
    return result.covered and bool(result.hits) and result.hits[0].question in item["gold"]


def main(margins: list[float]) -> None:
    follow_ups = {name: [it for it in rows if it.get("kind") == "conversation"] for name, rows in items().items()}
    retrievers = {name: retriever_for(NOTES[name]) for name, rows in follow_ups.items() if rows}
    for margin in margins:
        ok = n = 0
        for name, retriever in retrievers.items():
            retriever.followup_margin = margin
            ok += sum(resolved(retriever, it) for it in follow_ups[name])
            n += len(follow_ups[name])
        low, high = wilson(ok, n)
        print(f"margin {margin:4.1f}: resolved {ok}/{n} = {ok / n:.3f} [{low:.3f}, {high:.3f}]", flush=True)


if __name__ == "__main__":
    main([float(a) for a in sys.argv[1:]] or [0.0, 1.0, 2.0, 3.0, 3.5, 4.0, 4.5, 5.0, 6.0])
