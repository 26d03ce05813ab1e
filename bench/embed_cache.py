"""Precomputed embeddings, so bench/scale.py can build a 10,000-section index in minutes instead of hours.

A fresh ingest of 10,000 generated sections (≈ 25,500 chunks) is ≈ 40 CPU-minutes of e5
and USE on this 2-core machine: over an hour of wall time while others work here. So the
10,000-section row is built in two steps, and the output says which figures come from which:

1. `precompute`: embeds every distinct chunk text of the corpus with the product's own
   embedding functions (`embeddings.embedder(...)`, the same batches ingest uses) and
   stores the vectors in shards keyed by sha1(text). Resumable: a finished shard is
   never redone, so it can run niced in the background and be killed and restarted.
   Its wall and CPU time per chunk are recorded (`timing-<model>.json`).
2. `ingest`: runs the real `assistant ingest` (parse, plan, Chroma upserts, stamps,
   snapshots, catalogue) in this process, with only the two embedding classes' `__call__`
   answered from the shards. A text missing from the cache is embedded live and counted;
   a few cached texts are re-embedded live and compared (max abs difference printed).

Usage: python bench/embed_cache.py precompute --notes DIR --cache DIR
       python bench/embed_cache.py ingest --cache DIR   (ASSISTANT_HOME / ASSISTANT_CORPUS from the environment)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/, whose bench.py would shadow the bench package

from assistant.runtime import configure  # noqa: E402

configure()  # before numpy loads: OpenBLAS sizes its (spinning) pool then, and USE ran 30x slower (115 vs 3.5 ms a chunk) on two spinning threads

import numpy as np  # noqa: E402

MODELS = ("e5", "use")
SHARD = 256  # texts per shard file: one lost shard (a kill mid-write) costs ≈ 20 s of e5


def key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()


def chunk_texts(notes: Path, distinct: bool = True) -> list[str]:
    """The embedded texts of a notes folder's chunks, in ingest's order (what `_add` passes to the embedder)."""
    from assistant.config import Settings
    from assistant.notes.chunks import chunk_question
    from assistant.notes.parse import find_notes, read_notes
    from assistant.notes.text import plain_text

    chunk_chars = Settings.from_env({}, home=Path(os.devnull)).chunk_chars
    texts = [plain_text(c.text) for f in find_notes([notes]) for q in read_notes(f) for c in chunk_question(q, chunk_chars)]
    return list(dict.fromkeys(texts)) if distinct else texts


def precompute(notes: Path, cache: Path) -> None:
    from assistant.config import Settings
    from assistant.retrieval.embeddings import embedder
    from assistant.retrieval.ingest import BATCH
    from assistant.retrieval.pipeline import EmbeddingPool

    texts = chunk_texts(notes)
    settings = Settings.from_env({}, home=cache / "home")
    for model in MODELS:
        folder = cache / model
        folder.mkdir(parents=True, exist_ok=True)
        ef = embedder(model, settings)
        done = 0
        clock, cpu = 0.0, 0.0
        for s in range(0, len(texts), SHARD):
            out = folder / f"{s // SHARD:05d}.npz"
            if out.exists():
                continue
            part = texts[s : s + SHARD]
            t, c = time.perf_counter(), time.process_time()
            with EmbeddingPool() as pool:  # the product's own pipeline: one native thread per core, as ingest runs
                vecs = np.concatenate([np.asarray(v, dtype=np.float32) for v in pool.batches(ef, part, BATCH)])
            clock, cpu, done = clock + time.perf_counter() - t, cpu + time.process_time() - c, done + len(part)
            tmp = out.with_name(out.stem + ".tmp.npz")
            np.savez(tmp, keys=np.array([key(x) for x in part], dtype="S20"), vecs=vecs)
            os.replace(tmp, out)
            print(f"{model} {min(s + SHARD, len(texts))}/{len(texts)}  {done / clock:.2f} chunks/s wall "
                  f"{cpu / done * 1000:.0f} ms CPU per chunk (this session, load {os.getloadavg()[0]:.1f})", flush=True)
        if done:
            timing = folder.with_name(f"timing-{model}.json")
            old = json.loads(timing.read_text()) if timing.exists() else {"chunks": 0, "wall_s": 0.0, "cpu_s": 0.0}
            timing.write_text(json.dumps({"chunks": old["chunks"] + done, "wall_s": old["wall_s"] + clock,
                                          "cpu_s": old["cpu_s"] + cpu}))
    (cache / "complete").write_text(str(len(texts)))


def load(cache: Path, model: str) -> dict[bytes, np.ndarray]:
    table: dict[bytes, np.ndarray] = {}
    for shard in sorted((cache / model).glob("[0-9]*.npz")):
        with np.load(shard) as z:  # numpy drops an S20 value's trailing NUL bytes (1 digest in 256): pad them back
            table.update(zip((k.ljust(20, b"\0") for k in z["keys"].tolist()), z["vecs"]))
    return table


def _cached_call(table: dict, live, st: dict, rng: random.Random):
    """An embedding function's `__call__` answered from `table`; Chroma insists on the (self, input) signature."""

    lock = threading.Lock()  # ingest calls this from its pipeline's worker threads: the counters are shared

    def __call__(self, input):
        texts = list(input)
        miss = [t for t in texts if key(t) not in table]
        if miss:
            table.update(zip(map(key, miss), np.asarray(live(self, miss), dtype=np.float32)))
        check = rng.random() < 0.05  # ≈ 1 call in 20: the cache must hold what the embedder returns now
        diff = 0.0
        if check:
            t = rng.choice(texts)
            diff = float(np.abs(np.asarray(live(self, [t])[0]) - table[key(t)]).max())
        with lock:
            st["live"] += len(miss)
            st["cached"] += len(texts) - len(miss)
            st["checked"] += check
            st["check_max_abs_diff"] = max(st["check_max_abs_diff"], diff)
        return [table[key(t)] for t in texts]

    return __call__


def cached_ingest(cache: Path, argv: list[str]) -> None:
    """`assistant ingest` with the offline embedders' outputs read from the cache (see the module docstring)."""
    from assistant.retrieval import embeddings

    rng = random.Random(0)
    stats = {m: {"cached": 0, "live": 0, "checked": 0, "check_max_abs_diff": 0.0} for m in MODELS}
    for model, cls in (("e5", embeddings.E5Embedding), ("use", embeddings.USEEmbedding)):
        cls.__call__ = _cached_call(load(cache, model), cls.__call__, stats[model], rng)  # type: ignore[method-assign]
    from assistant.cli import main

    sys.argv = ["assistant", "ingest", *argv]
    try:
        main()
    finally:
        print("embed-cache " + json.dumps(stats), file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["precompute", "ingest"])
    parser.add_argument("--notes", type=Path)
    parser.add_argument("--cache", type=Path, required=True)
    args, rest = parser.parse_known_args()
    if args.command == "precompute":
        precompute(args.notes, args.cache)
    else:
        cached_ingest(args.cache, rest)


if __name__ == "__main__":
    main()
