"""Choose how far below the best section a second section may still be quoted (AnswerParams.second_source_gap).

For each gap it runs the extractive quote picker on the tuning queries (calibration and dev
sets) and reports the share of quotes taken from a gold section (precision) and the share
of answers with at least one gold quote (the frozen test set is never read here). The gold labels
say which sections answer a query, so a quote from another section is off-target.
Usage: python bench/tune_quotes.py   (builds a throw-away index)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.answering.extractive import select_quotes  # noqa: E402
from assistant.answering.params import AnswerParams  # noqa: E402
from assistant.answering.turn_search import condensed_search  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.evals.retrieval import TUNING_SETS, load_sets  # noqa: E402
from assistant.retrieval.ingest import ingest  # noqa: E402
from assistant.retrieval.retriever import Retriever  # noqa: E402
from assistant.retrieval.store import client  # noqa: E402

SETS = {"tuning": TUNING_SETS}
GAPS = (float("inf"), 4.0, 3.0, 2.5, 2.0, 1.5, 1.0, 0.0)


def main() -> None:
    settings = Settings.from_env({}, home=Path(tempfile.mkdtemp(prefix="tune-quotes-")))
    ingest(settings, progress=False)
    retriever = Retriever(settings, client(settings))
    searched = {}
    for name, files in SETS.items():
        items = [i for i in load_sets(ROOT / "eval", files) if i["gold"]]
        searched[name] = []
        for item in items:
            query, result = condensed_search(retriever, item["query"], item.get("history", []))
            searched[name].append((query, result.hits, set(item["gold"])))
    print(f"{'gap':>5}  " + "  ".join(f"{name}: precision  any-gold" for name in SETS))
    for gap in GAPS:
        params = AnswerParams(second_source_gap=gap)  # passed in, never patched into the module
        cells = []
        for name in SETS:
            good = total = any_gold = 0
            for query, hits, gold in searched[name]:
                quotes = select_quotes(query, hits, params)
                hits_gold = sum(hits[q.n - 1].question in gold for q in quotes)
                good, total, any_gold = good + hits_gold, total + len(quotes), any_gold + (hits_gold > 0)
            cells.append(f"{name}: {good / total:9.3f}  {any_gold / len(searched[name]):8.3f}")
        print(f"{gap:>5}  " + "  ".join(cells))


if __name__ == "__main__":
    main()
