"""Choose `retrieval.weak_margin`: how far over the coverage threshold an answer still counts as a weak match.

A weak match is answered with a line saying the notes may not answer it exactly (answering/chain.py). For each
margin this prints, over the answered tuning searches (bench/tuning_data.py: every tuning query as the chat
searches it, never the frozen test set), how many answers it flags, what share of the flagged ones are not right
(out of scope, or another section first), how many of all the answers that are not right it catches, and what
share of the right answers it flags, each with a 95 % Wilson interval. The shipped margin is the widest one before
the flagged answers' share of wrong ones falls (tuned.json "retrieval.weak_margin" gives the figures).
Usage: python bench/tune_weak.py [--cache CACHE.pkl] [MARGIN ...]
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/, whose bench.py would shadow the bench package

from assistant.evals.points import Rate  # noqa: E402
from assistant.tuned import SHIPPED  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", help="tuning searches from bench/tuning_data.py (default: run it now)")
    parser.add_argument("margins", nargs="*", type=float, default=[0.5, 1.0, 1.5, 2.0, 2.5])
    args = parser.parse_args()
    if args.cache:
        cache = pickle.loads(Path(args.cache).read_bytes())
    else:
        from bench import tuning_data

        cache = tuning_data.build()
    threshold = json.loads(SHIPPED.read_text(encoding="utf-8"))["coverage"]["value"]["recipes"]["e5+use+bm25"]["threshold"]
    answered = []  # (margin over the threshold, right)
    for items in cache.values():
        for item in items:
            result = item["result"]
            if result.covered:
                right = bool(item["gold"]) and result.hits[0].question in item["gold"]
                answered.append((result.coverage - threshold, right))
    wrong = sum(not right for _, right in answered)
    print(f"{len(answered)} answered tuning searches, {wrong} not right")
    for margin in args.margins:
        flagged = [right for over, right in answered if over < margin]
        caught = sum(not right for right in flagged)
        print(f"margin {margin:>4}: flags {len(flagged):>4}; not right among them {Rate(caught, len(flagged))}; "
              f"caught {Rate(caught, wrong)}; right ones flagged {Rate(sum(flagged), len(answered) - wrong)}")


if __name__ == "__main__":
    main()
