"""Tune the retrieval weights on the tuning queries; report the chosen setting once on the test set.

Builds the index once, then for every combination of USE weight, BM25 weight (0 = the
e5+use recipe), question-type bonus and clash malus it prints hit@1 / hit@3 / MRR on the tuning
sets (eval/coverage_calibration.jsonl and eval/dev.jsonl, never the test set). The
setting with the best tuning MRR (ties: hit@1, then the simpler setting) is then scored
on eval/retrieval.jsonl (the README lists the tuning figures of each step, from the former RRF on).
Query embeddings are memoised, so the grid costs Chroma lookups only.
Usage: python bench/tune_retrieval.py [--chunk-chars 150]
"""

from __future__ import annotations

import argparse
import functools
import itertools
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import assistant.retrieval.embeddings as embeddings  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.evals.retrieval import TUNING_SETS, load_sets, retrieval_metrics, run_retrieval  # noqa: E402
from assistant.retrieval.ingest import ingest  # noqa: E402
from assistant.retrieval.retriever import Retriever, Weights  # noqa: E402
from assistant.retrieval.store import client  # noqa: E402

GRID = {"use": (0.6, 0.8), "bm25": (0.0, 0.1, 0.2), "intent": (0.0, 0.1, 0.2, 0.3, 0.4), "clash": (0.0, 0.5, 1.0)}


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
    parser.add_argument("--chunk-chars", type=int, default=150)
    args = parser.parse_args()
    tuning = load_sets(ROOT / "eval", TUNING_SETS)
    memoise_query_embeddings()
    base = Settings.from_env({}, home=Path(tempfile.mkdtemp(prefix="tune-")), recipe="e5+use+bm25",
                             chunk_chars=args.chunk_chars)
    ingest(base, progress=False)
    chroma = client(base)
    results = []
    print(f"{'use':>4} {'bm25':>4} {'intent':>6} {'clash':>5}   tuning: {'hit@1':>6} {'hit@3':>6} {'mrr':>6}")
    for use, bm25, intent, clash in itertools.product(*GRID.values()):
        if clash and not intent:
            continue
        settings = base.replace(recipe="e5+use+bm25" if bm25 else "e5+use")
        retriever = Retriever(settings, chroma, Weights(use=use, bm25=bm25, intent=intent, clash=clash))
        m = retrieval_metrics(run_retrieval(retriever, tuning))
        results.append(((m["mrr"], m["hit@1"], -bm25, -intent, -clash), (use, bm25, intent, clash), retriever))
        print(f"{use:>4} {bm25:>4} {intent:>6} {clash:>5}   tuning: {m['hit@1']:>6.3f} {m['hit@3']:>6.3f} {m['mrr']:>6.3f}",
              flush=True)
    _, chosen, _ = max(results, key=lambda r: r[0])
    print("chosen " + " ".join(f"{k}={v}" for k, v in zip(GRID, chosen)) + f" (n tuning={sum(1 for i in tuning if i['gold'])})")
    print("the frozen test set is scored only by `assistant eval --set test`, once per change shipped")


if __name__ == "__main__":
    main()
