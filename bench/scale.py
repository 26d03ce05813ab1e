"""Scale benchmark: how ingest, re-ingest, cold ask, warm search, memory and disk grow with the notes.

Generated, varied corpora (tests/support/gen_notes.py) of 20 / 200 / 1,000 (/ 10,000)
sections. Each size gets a fresh data directory; the ingest and the cold ask run as
`assistant` processes (so their thread profiles and imports are what a user gets), warm
search runs in one process. Prints a table, writes docs/scale.png and docs/scale.json.
Usage: python bench/scale.py [--sizes 20,200,1000] [--searches 40]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).with_name("assistant"))
QUERIES = ["什么是梯度爆炸？", "批归一化和层归一化的区别", "Dropout 推理时怎么处理", "Adam 优化器的偏差修正",
           "如何缓解过拟合", "位置编码的作用", "知识蒸馏是什么", "混合精度训练为什么要损失缩放"]

SEARCH = """
import json, sys, time
from assistant.config import Settings
from assistant.service import Assistant
a = Assistant(Settings.from_env(), progress=False)
qs = json.loads(sys.argv[2])
a.search(qs[0])
lat = []
for i in range(int(sys.argv[1])):
    t = time.perf_counter(); a.search(qs[i % len(qs)]); lat.append((time.perf_counter() - t) * 1000)
lat.sort()
print(json.dumps({"p50": lat[len(lat) // 2], "p95": lat[int(0.95 * (len(lat) - 1))]}))
"""


def timed(args: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds and the peak RSS (MB) of one child process."""
    t = time.perf_counter()
    pid = os.posix_spawn(args[0], args, env, file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                                                          (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)])
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args[1:3])} failed")
    return time.perf_counter() - t, usage.ru_maxrss / 1024


def disk(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def measure(sections: int, searches: int, work: Path) -> dict:
    from tests.support.gen_notes import write_notes

    notes = write_notes(work / f"notes-{sections}", files=max(1, sections // 20), per_file=min(20, sections), seed=sections)
    home = work / f"home-{sections}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "CHROMA_", "ASSISTANT_", "OMP_", "OPENBLAS_"))}
    env |= {"ASSISTANT_HOME": str(home), "ASSISTANT_CORPUS": str(notes), "PYTHONPATH": str(ROOT)}
    ingest_s, ingest_mb = timed([EXE, "ingest"], env)
    reingest_s, _ = timed([EXE, "ingest"], env)
    cold = [timed([EXE, "ask", QUERIES[i]], env) for i in range(3)]
    out = subprocess.run([sys.executable, "-c", SEARCH, str(searches), json.dumps(QUERIES, ensure_ascii=False)],
                         env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    warm = json.loads(out.stdout.strip().splitlines()[-1])
    return {"sections": sections, "ingest_s": ingest_s, "ingest_mb": ingest_mb, "reingest_s": reingest_s,
            "cold_ask_s": statistics.median(c[0] for c in cold), "cold_ask_mb": max(c[1] for c in cold),
            "search_p50_ms": warm["p50"], "search_p95_ms": warm["p95"], "disk_mb": disk(home)}


def chart(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = [r["sections"] for r in rows]
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    for key, label in (("ingest_s", "fresh ingest (s)"), ("reingest_s", "unchanged re-ingest (s)"), ("cold_ask_s", "cold ask (s)")):
        axes[0].plot(x, [r[key] for r in rows], marker="o", label=label)
    for key, label in (("search_p50_ms", "warm search p50 (ms)"), ("search_p95_ms", "warm search p95 (ms)")):
        axes[1].plot(x, [r[key] for r in rows], marker="o", label=label)
    for key, label in (("cold_ask_mb", "peak RSS, cold ask (MB)"), ("ingest_mb", "peak RSS, ingest (MB)"), ("disk_mb", "disk (MB)")):
        axes[2].plot(x, [r[key] for r in rows], marker="o", label=label)
    for ax in axes:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("sections (generated notes)")
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    fig.suptitle("dl-interview-assistant on a shared 2-core machine (bench/scale.py)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,200,1000")
    parser.add_argument("--searches", type=int, default=40)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    work = Path(tempfile.mkdtemp(prefix="scale-"))
    rows = []
    print("sections  ingest_s  reingest_s  cold_ask_s  search_p50_ms  search_p95_ms  cold_ask_MB  ingest_MB  disk_MB")
    for n in (int(s) for s in args.sizes.split(",")):
        r = measure(n, args.searches, work)
        rows.append(r)
        print(f"{n:8d}  {r['ingest_s']:8.1f}  {r['reingest_s']:10.2f}  {r['cold_ask_s']:10.2f}  {r['search_p50_ms']:13.1f}  "
              f"{r['search_p95_ms']:13.1f}  {r['cold_ask_mb']:11.0f}  {r['ingest_mb']:9.0f}  {r['disk_mb']:7.1f}", flush=True)
        (ROOT / "docs" / "scale.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
        if len(rows) > 1:
            chart(rows, ROOT / "docs" / "scale.png")
    print(f"own peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; data in {work}")


if __name__ == "__main__":
    main()
