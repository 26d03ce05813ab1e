"""Embedding throughput of ingest (92 % of its time) on a generated corpus: unbatched with library threads vs as ingest runs now.

Each configuration runs in its own process (thread pools are fixed when the libraries
load), in the same run. "before": one chunk per call, the libraries' default thread
pools; "after": `runtime.configure(INGEST)` and ingest's batches with its text cache
(`ingest.embed_unique`). Prints chunks/s per embedder and the max abs difference of the vectors.
Usage: python bench/ingest_speed.py [--sections 40]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
POOLS = ("OMP_WAIT_POLICY", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")

CHILD = """
import json, sys, time
import numpy as np
from assistant.config import Settings
from assistant.notes.parse import chunk_question, find_notes, read_notes
from assistant.notes.text import plain_text
from assistant.retrieval.embeddings import embedder
from assistant.retrieval.ingest import BATCH, embed_unique
notes, out, batched = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
settings = Settings.from_env({}, home=out + ".home")
texts = [plain_text(c.text) for f in find_notes([notes]) for q in read_notes(f) for c in chunk_question(q, settings.chunk_chars)]
result = {"chunks": len(texts)}
for model in ("e5", "use"):
    ef = embedder(model, settings)
    ef(["warm-up"])
    t = time.perf_counter()
    if batched:
        cache = {}
        vecs = [v for i in range(0, len(texts), BATCH) for v in embed_unique(ef, texts[i:i + BATCH], cache)]
    else:
        vecs = [ef([t])[0] for t in texts]
    result[model] = len(texts) / (time.perf_counter() - t)
    np.save(f"{out}.{model}.npy", np.asarray(vecs, dtype=np.float32))
print(json.dumps(result))
"""


def run(notes: Path, out: Path, after: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in POOLS and not k.startswith(("OPENAI_", "CHROMA_", "ASSISTANT_"))}
    env["PYTHONPATH"] = str(ROOT)
    if after:
        sys.path.insert(0, str(ROOT))
        from assistant.runtime import INGEST, configure

        configure(INGEST, env)
    proc = subprocess.run([sys.executable, "-c", CHILD, str(notes), str(out), "1" if after else "0"], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, default=40)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.support.gen_notes import write_notes

    work = Path(tempfile.mkdtemp(prefix="ingest-speed-"))
    notes = write_notes(work / "notes", files=max(1, args.sections // 10), per_file=min(10, args.sections))
    before, after = run(notes, work / "before", False), run(notes, work / "after", True)
    print(f"{before['chunks']} chunks from {args.sections} generated sections")
    for model in ("e5", "use"):
        diff = float(np.abs(np.load(work / f"before.{model}.npy") - np.load(work / f"after.{model}.npy")).max())
        print(f"{model}: before {before[model]:6.2f} chunks/s   after {after[model]:6.2f} chunks/s   "
              f"max |vector diff| {diff:.2e}")


if __name__ == "__main__":
    main()
