"""Before/after on one generated corpus: an older commit vs this tree, run back to back, with the vectors compared.

1. Fresh ingest: each round runs `python -m assistant ingest` of the same notes into a fresh
   data directory, first with the old code (`git archive <ref>` into a temp dir, first on
   PYTHONPATH), then with this tree, so both see the same load. Per run: wall seconds,
   chunks/s, CPU seconds per chunk (the child's user+sys: the part the machine's load does
   not change), peak RSS, load average. Then the max abs difference between the two
   indexes' vectors, chunk by chunk (both embedders), and whether ids, documents and
   metadata are identical.
2. Cold start (`--cold-runs`, on the indexes of round 1, each code on its own; run before the
   comparison loads the vectors, since a spawned child's peak RSS starts at ours): a bare
   `python -c "import chromadb, langchain_core.runnables"`, then per code a cold
   `assistant ask` and an unchanged `assistant ingest`, alternated; medians.
Usage: python bench/ingest_speed.py [--sections 1000] [--before HEAD] [--rounds 1] [--cold-runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/, whose bench.py would shadow the bench package

from bench.procs import BARE, assistant, code_at, env_for, notes_for, spawn  # noqa: E402


def rows(home: Path) -> dict:
    from assistant.config import Settings
    from assistant.retrieval.store import client, get_collection

    settings = Settings.from_env({}, home=home)
    chroma = client(settings)
    out = {}
    for model in settings.dense_models:
        got = get_collection(chroma, settings, model, create=False).get(include=["embeddings", "documents", "metadatas"])
        out[model] = {i: (e, d, m) for i, e, d, m in zip(got["ids"], got["embeddings"], got["documents"], got["metadatas"])}
    return out


def compare(a: Path, b: Path) -> None:
    import numpy as np

    old, new = rows(a), rows(b)
    for model in old:
        same_rows = old[model].keys() == new[model].keys() and all(old[model][i][1:] == new[model][i][1:] for i in old[model])
        diff = max((float(np.abs(np.asarray(old[model][i][0]) - np.asarray(new[model][i][0])).max())
                    for i in old[model] if i in new[model]), default=float("nan"))
        print(f"{model}: {len(old[model])} vs {len(new[model])} chunks; ids, documents, metadata identical: {same_rows}; "
              f"max abs vector difference {diff:.3g}")


def cold(codes: dict[str, Path], notes: Path, work: Path, runs: int) -> None:
    base = env_for(notes, work / "unused-home")
    envs = {name: env_for(notes, work / f"home-{name}-0", code) for name, code in codes.items()}
    bare: list[float] = []
    asks: dict[str, list[dict]] = {name: [] for name in codes}
    reingests: dict[str, list[float]] = {name: [] for name in codes}
    load = os.getloadavg()[0]
    for _ in range(runs):  # alternated, so every figure sees the same load
        bare.append(spawn(BARE, base)["wall"])
        for name, env in envs.items():
            asks[name].append(assistant(["ask", "什么是梯度爆炸？"], env))
            reingests[name].append(assistant(["ingest"], env)["wall"])
    floor = statistics.median(bare)
    print(f"cold start, {runs} rounds, load {load:.1f}-{os.getloadavg()[0]:.1f}: bare import median {floor:.2f} s")
    for name in codes:
        ask = statistics.median(a["wall"] for a in asks[name])
        print(f"  {name:6s}: cold ask {ask:.2f} s = {ask / floor:.2f}x bare (runs {[round(a['wall'], 2) for a in asks[name]]}), "
              f"peak RSS {max(a['rss_mb'] for a in asks[name]):.0f} MB; unchanged re-ingest {statistics.median(reingests[name]):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, default=1000)
    parser.add_argument("--before", default="HEAD", help="git ref of the old code")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--cold-runs", type=int, default=7)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    from bench.embed_cache import chunk_texts
    work = args.work or Path(tempfile.mkdtemp(prefix="ingest-speed-"))
    notes = notes_for(work, args.sections)  # the corpus bench/scale.py uses for this size
    chunks = len(chunk_texts(notes, distinct=False))
    old = code_at(args.before, work / "old-code")
    codes = {"before": old, "after": ROOT}
    print(f"{chunks} chunks from {args.sections} generated sections; old code: {args.before}")
    figures: dict[str, list[dict]] = {name: [] for name in codes}
    for r in range(args.rounds):
        for name, code in codes.items():
            load = os.getloadavg()[0]
            f = assistant(["ingest"], env_for(notes, work / f"home-{name}-{r}", code))
            figures[name].append(f)
            print(f"round {r + 1} {name:6s}: {f['wall']:7.1f} s  {chunks / f['wall']:5.2f} chunks/s  "
                  f"CPU {f['cpu'] / chunks * 1000:5.1f} ms/chunk ({f['cpu'] / f['wall']:.2f} cores)  "
                  f"peak RSS {f['rss_mb']:.0f} MB  load {load:.1f}-{os.getloadavg()[0]:.1f}", flush=True)
    for name, runs in figures.items():
        print(f"{name}: median {chunks / statistics.median(x['wall'] for x in runs):.2f} chunks/s, "
              f"{statistics.median(x['cpu'] for x in runs) / chunks * 1000:.1f} ms CPU per chunk")
    if args.cold_runs:  # before compare(): a spawned child's peak RSS starts at this process's (vfork)
        cold(codes, notes, work, args.cold_runs)
    compare(work / "home-before-0", work / "home-after-0")


if __name__ == "__main__":
    main()
