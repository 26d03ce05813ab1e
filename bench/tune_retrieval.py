"""Recipe and threshold experiment behind the retrieval defaults (re-run when the corpus or models change).

For each chunk size and recipe it prints hit@1 / hit@3 / MRR on eval/retrieval.jsonl, then,
for the chosen recipe, the in-scope/out-of-scope trade-off of several coverage thresholds.
Usage: python bench/tune_retrieval.py [--chunks 200,300,500]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.config import Settings  # noqa: E402
from assistant.evaluate import load_jsonl, retrieval_metrics, run_retrieval  # noqa: E402
from assistant.index import client, ingest  # noqa: E402
from assistant.retrieve import Retriever  # noqa: E402

RECIPES = ["e5", "use", "e5+use", "e5+bm25", "use+bm25", "e5+use+bm25"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", default="200,300,500")
    parser.add_argument("--recipes", default=",".join(RECIPES))
    args = parser.parse_args()
    items = load_jsonl(ROOT / "eval" / "retrieval.jsonl")
    print(f"{'chunk':>5} {'recipe':<12} {'hit@1':>6} {'hit@3':>6} {'mrr':>6}")
    for size in [int(s) for s in args.chunks.split(",")]:
        home = Path(tempfile.mkdtemp(prefix=f"tune{size}-"))
        base = Settings.from_env(home=home, recipe="e5+use+bm25", chunk_chars=size)
        ingest(base, progress=False)
        chroma = client(base)
        for recipe in args.recipes.split(","):
            s = base.replace(recipe=recipe, min_score=0.0)
            m = retrieval_metrics(run_retrieval(Retriever(s, chroma), items))
            print(f"{size:>5} {recipe:<12} {m['hit@1']:>6.3f} {m['hit@3']:>6.3f} {m['mrr']:>6.3f}", flush=True)


if __name__ == "__main__":
    main()
