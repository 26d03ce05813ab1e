"""Tune the retrieval weights (the "retrieval.weights" entry of tuned.json) on the tuning queries.

Builds the two tuning indexes of bench/tuning_data.py once, then for every combination of
USE weight, BM25 weight (0 = the e5+use recipe), question-type bonus, clash malus and the exact-term
adjustments (rare-term bonus, the sections it counts as rare, absent-name malus; retrieval/adjust.py) it
prints hit@1 / hit@3 / MRR over all tuning queries (never the frozen test set). The setting
with the best tuning MRR (ties: hit@1, then the simpler setting) wins; `--ship` stores it.
Query embeddings are memoised, so the grid costs Chroma lookups only.
Usage: python bench/tune_retrieval.py [--ship]
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import itertools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import assistant.retrieval.embeddings as embeddings  # noqa: E402
from assistant.evals.retrieval import retrieval_metrics, run_retrieval  # noqa: E402
from assistant.retrieval.retriever import Retriever  # noqa: E402
from assistant.retrieval.weights import Weights  # noqa: E402
from assistant.tuned import SHIPPED  # noqa: E402

GRID = {"use": (0.6, 0.8, 1.0), "bm25": (0.0, 0.1, 0.2), "intent": (0.0, 0.3, 0.5, 0.7, 1.0), "clash": (0.0, 0.5, 1.0),
        "rare": (0.0, 1.0), "rare_sections": (1,), "absent": (0.0, 1.0)}


def memoise_query_embeddings() -> None:
    """Embed each (model, query) once across the whole grid."""
    original = embeddings.embed_query
    cache: dict = {}

    @functools.wraps(original)
    def cached(ef, text):
        key = (ef.name(), text)
        if key not in cache:
            cache[key] = original(ef, text)
        return cache[key]

    embeddings.embed_query = cached


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ship", action="store_true", help="store the chosen weights in the package's tuned.json")
    for name, values in GRID.items():
        parser.add_argument(f"--{name}", default=",".join(map(str, values)), help=f"grid of {name} weights (comma-separated)")
    args = parser.parse_args()
    grid = {name: tuple(float(v) for v in getattr(args, name).split(",")) for name in GRID}
    import tuning_data

    memoise_query_embeddings()
    sets = tuning_data.items()
    indexes = {name: tuning_data.retriever_for(notes) for name, notes in tuning_data.NOTES.items()}
    results = []
    print(f"{'use':>4} {'bm25':>4} {'intent':>6} {'clash':>5} {'rare':>4} {'rs':>2} {'abs':>4}   tuning: {'hit@1':>6} {'hit@3':>6} {'mrr':>6}")
    for use, bm25, intent, clash, rare, rare_sections, absent in itertools.product(*grid.values()):
        if clash and not intent:
            continue
        weights = Weights(use=use, bm25=bm25, intent=intent, clash=clash, rare=rare, rare_sections=int(rare_sections), absent=absent)
        rows = []
        for name, base in indexes.items():
            settings = base.settings.replace(recipe="e5+use+bm25" if bm25 else "e5+use")
            rows += run_retrieval(Retriever(settings, base.chroma, weights), sets[name])
        m = retrieval_metrics(rows)
        results.append(((m["mrr"], m["hit@1"], -bm25, -intent, -clash, -rare, -absent), weights))
        print(f"{use:>4} {bm25:>4} {intent:>6} {clash:>5} {rare:>4} {int(rare_sections):>2} {absent:>4}   tuning: {m['hit@1']:>6.3f} {m['hit@3']:>6.3f} {m['mrr']:>6.3f}",
              flush=True)
    key, chosen = max(results, key=lambda r: r[0])
    n = sum(1 for rows in sets.values() for i in rows if i["gold"])
    print(f"chosen {chosen} (tuning MRR {key[0]:.3f}, hit@1 {key[1]:.3f}, n in scope={n})")
    print("the frozen test set is scored only by `assistant eval --set test`, once per change shipped")
    if args.ship:
        shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
        shipped["retrieval.weights"] = {
            "value": dataclasses.asdict(chosen),
            "source": f"bench/tune_retrieval.py grid on {n} in-scope tuning queries (shipped notes + eval/dev/notes): "
                      f"MRR {key[0]:.3f}, hit@1 {key[1]:.3f}",
        }
        SHIPPED.write_text(json.dumps(shipped, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
