"""Spine benchmark: index build, re-ingest, warm/cold ask latency, memory, retrieval quality.

Prints figures; asserts nothing (targets are judged by a person reading the output).
Usage: .venv/bin/python bench/bench.py [--runs 60] [--cold-runs 3]
Targets (issue 2, 2-core machine): warm ask p50 <= 150 ms (extractive), cold `assistant ask`
<= 3 s once the index exists, unchanged re-ingest <= 2 s, hit@1 >= 0.90, MRR >= 0.93,
out-of-scope declined >= 90 % with in-scope answered >= 95 %.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.runtime import POOLS, configure  # noqa: E402

configure()  # this process serves asks, as `assistant web` does; the index is built by `assistant ingest`

from assistant.config import Settings  # noqa: E402
from assistant.evals.retrieval import load_jsonl, retrieval_metrics, run_retrieval  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60, help="warm ask repetitions")
    parser.add_argument("--cold-runs", type=int, default=3)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="bench-home-"))
    settings = Settings.from_env({}, home=home)
    print(f"recipe={settings.recipe} chunk_chars={settings.chunk_chars} home={home}")

    def ingest_process() -> str:
        # A separate `assistant ingest` process: it sets the thread pools for ingest (all cores) itself.
        env = {k: v for k, v in os.environ.items() if k not in POOLS}
        env.update({"ASSISTANT_HOME": str(home), "PYTHONPATH": str(ROOT)})
        done = subprocess.run([sys.executable, "-m", "assistant", "ingest"], env=env, capture_output=True, text=True, check=True)
        return done.stdout.strip().splitlines()[-1]

    t = time.perf_counter()
    summary = ingest_process()
    print(f"index build (fresh, process):   {time.perf_counter() - t:7.2f} s   ({summary})")
    t = time.perf_counter()
    summary = ingest_process()
    print(f"re-ingest, nothing changed (process): {time.perf_counter() - t:7.2f} s   ({summary})")

    from assistant.service import Assistant

    assistant = Assistant(settings, progress=False)
    items = load_jsonl(ROOT / "eval" / "retrieval.jsonl")
    questions = [it["query"] for it in items if not it.get("history")]
    assistant.ask(questions[0])  # warm-up: model loads
    latencies = []
    for i in range(args.runs):
        t = time.perf_counter()
        assistant.ask(questions[i % len(questions)])
        latencies.append((time.perf_counter() - t) * 1000)
    print(f"warm ask (extractive), n={args.runs}:  p50 {statistics.median(latencies):6.1f} ms   "
          f"p95 {percentile(latencies, 0.95):6.1f} ms")

    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "CHROMA_", "ASSISTANT_"))}
    env["ASSISTANT_HOME"] = str(home)
    cold, child_rss = [], 0
    exe = str(Path(sys.executable).with_name("assistant"))
    for _ in range(args.cold_runs):
        t = time.perf_counter()
        subprocess.run([exe, "ask", "如何修复梯度爆炸问题？"], env=env, capture_output=True, check=True)
        cold.append(time.perf_counter() - t)
        child_rss = max(child_rss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(f"cold `assistant ask` (process): median {statistics.median(cold):5.2f} s   runs {[round(c, 2) for c in cold]}")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak memory: this process {own / 1024:6.0f} MB, cold ask process {child_rss / 1024:6.0f} MB")

    metrics = retrieval_metrics(run_retrieval(assistant.retriever, items))
    print("retrieval on eval/retrieval.jsonl: " + "  ".join(f"{k}={v}" for k, v in metrics.items()))


if __name__ == "__main__":
    main()
