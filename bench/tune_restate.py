"""How well `answering/restate.asked_language` reads "And in English?"-style follow-ups, on tuning data only.

eval/dev/language_requests.jsonl (60 items, written blind 2026-12-06: 30 requests for the previous answer in English
or Chinese, 30 near-misses) is the set the word lists were fitted on; language_requests2.jsonl (60, written blind by
another writer after that) was scored once before anything was read of it (eval/README.md gives both figures).
Also counts the tuning queries of eval/ and eval/dev/ read as requests (none of them is one).
Usage: python bench/tune_restate.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)

from assistant.answering.restate import asked_language  # noqa: E402
from assistant.evals.points import Rate  # noqa: E402
from assistant.evals.retrieval import load_jsonl as rows  # noqa: E402

DEV = ROOT / "eval" / "dev"
SETS = ("language_requests", "language_requests2")


def main() -> None:
    for name in SETS:
        items = rows(DEV / f"{name}.jsonl")
        asks = [i for i in items if i["request"]]
        others = [i for i in items if not i["request"]]
        print(f"{name}: requests read as such {Rate(sum(asked_language(i['query']) == i['request'] for i in asks), len(asks))}; "
              f"other messages read as requests {Rate(sum(asked_language(i['query']) is not None for i in others), len(others))}")
    queries = [q for path in [*ROOT.joinpath("eval").glob("*.jsonl"), *DEV.rglob("*.jsonl")] if path.stem not in SETS
               for item in rows(path) for q in [item.get("query"), item.get("q"), item.get("question"),
                                                 *(t.get("q") for t in item.get("turns") or [] if isinstance(t, dict))]
               if isinstance(q, str) and q]
    print(f"tuning queries read as requests: {Rate(sum(asked_language(q) is not None for q in queries), len(queries))}")


if __name__ == "__main__":
    main()
