"""Scale benchmark: how ingest, re-ingest, cold ask, warm search, memory and disk grow with the notes.

Generated, varied corpora (tests/support/gen_notes.py) of 20 / 200 / 1,000 / 10,000
sections, each in a fresh data directory. Everything a user runs is a process: `assistant
ingest`, `assistant ask`, and beside each cold ask a bare `python -c "import chromadb,
langchain_core.runnables"` (the floor of any LCEL + Chroma process, alternated with the
asks so both see the same load). Warm search runs in one process.

How the index is built, per size (the output and scale.json say which):
- up to --fresh-max sections (default 1,000): a fresh `assistant ingest`, timed;
- above it (10,000 sections ≈ 25,000 chunks, over an hour of embedding on 2 shared
  cores): the same `assistant ingest` code path with the embedders' outputs read from a
  cache precomputed by bench/embed_cache.py (resumable; it runs first if incomplete).
  That time is "index build without embedding", not a fresh-ingest figure; the fresh
  ingest there is the fitted per-chunk cost times the chunks (an estimate, labelled).
Every other figure is measured the same way at every size. Prints a table and least-squares
growth fits; writes docs/scale.png and docs/scale.json.
Usage: python bench/scale.py [--sizes 20,200,1000,10000] [--work DIR] [--cold-runs 5]
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
sys.path[0] = str(ROOT)  # not bench/, whose bench.py would shadow the bench package

from bench.procs import BARE, env_for, notes_for, spawn  # noqa: E402

EXE = str(Path(sys.executable).with_name("assistant"))
QUERIES = ["什么是梯度爆炸？", "批归一化和层归一化的区别", "Dropout 推理时怎么处理", "Adam 优化器的偏差修正",
           "如何缓解过拟合", "位置编码的作用", "知识蒸馏是什么", "混合精度训练为什么要损失缩放"]
# What each fit is over: fresh ingest grows with chunks, the rest is read per size in sections.
FITS = {"ingest_s": "chunks", "reingest_s": "sections", "cold_ask_s": "sections", "search_p50_ms": "sections",
        "search_p95_ms": "sections", "cold_ask_mb": "sections", "disk_mb": "sections"}

SEARCH = """
import json, sys, time
from assistant.runtime import configure
configure()  # as `assistant web` does; the libraries' default thread pools made a search 2 s here
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
    run = spawn(args, env)
    return run["wall"], run["rss_mb"]


def disk(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def load() -> float:
    return os.getloadavg()[0]


def build(sections: int, notes: Path, env: dict, fresh: bool, work: Path) -> dict:
    """The index: a timed fresh `assistant ingest`, or the same path with precomputed embeddings."""
    if fresh:
        t, mb = timed([EXE, "ingest"], env)
        return {"build": "fresh ingest", "ingest_s": t, "ingest_mb": mb}
    cache = work / f"embed-cache-{sections}"
    script = str(ROOT / "bench" / "embed_cache.py")
    if not (cache / "complete").exists():
        print(f"precomputing the embeddings of {sections} sections into {cache} (resumable) …", flush=True)
        subprocess.run([sys.executable, script, "precompute", "--notes", str(notes), "--cache", str(cache)], env=env, check=True)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, script, "ingest", "--cache", str(cache)], env=env, capture_output=True, text=True)
    t = time.perf_counter() - t0
    if out.returncode:
        raise SystemExit(f"cached ingest failed: {out.stderr[-2000:]}")
    stats = json.loads(out.stderr.split("embed-cache ", 1)[1].splitlines()[0])
    timing = {m: json.loads((cache / f"timing-{m}.json").read_text()) for m in ("e5", "use")}
    return {"build": "precomputed embeddings", "index_build_s": t, "embed_cache": stats, "precompute": timing}


def measure(sections: int, args, work: Path) -> dict:
    notes = notes_for(work, sections)
    home = work / f"home-{sections}-{os.getpid()}"
    env = env_for(notes, home)
    row: dict = {"sections": sections, "load_start": load()}
    row |= build(sections, notes, env, sections <= args.fresh_max, work)
    from bench.embed_cache import chunk_texts

    row["chunks"] = len(chunk_texts(notes, distinct=False))
    reingest = [timed([EXE, "ingest"], env)[0] for _ in range(3)]
    cold, bare = [], []
    for i in range(args.cold_runs):  # alternated, so both see the same load
        bare.append(timed(BARE, env)[0])
        cold.append(timed([EXE, "ask", QUERIES[i % len(QUERIES)]], env))
    out = subprocess.run([sys.executable, "-c", SEARCH, str(args.searches), json.dumps(QUERIES, ensure_ascii=False)],
                         env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    warm = json.loads(out.stdout.strip().splitlines()[-1])
    cold_s, bare_s = statistics.median(c[0] for c in cold), statistics.median(bare)
    return row | {"reingest_s": statistics.median(reingest), "reingest_runs": reingest,
                  "cold_ask_s": cold_s, "cold_ask_runs": [c[0] for c in cold], "cold_ask_mb": max(c[1] for c in cold),
                  "bare_import_s": bare_s, "bare_import_runs": bare, "cold_over_bare": cold_s / bare_s,
                  "search_p50_ms": warm["p50"], "search_p95_ms": warm["p95"], "disk_mb": disk(home), "load_end": load()}


def fits(rows: list[dict]) -> dict:
    """Least-squares lines y = a + b·x per figure (x: chunks for fresh ingest, sections otherwise), measured rows only."""
    import numpy as np

    out = {}
    for key, by in FITS.items():
        pts = [(r[by], r[key]) for r in rows if key in r]
        if len(pts) >= 2:
            b, a = np.polyfit([p[0] for p in pts], [p[1] for p in pts], 1)
            out[key] = {"per": by, "intercept": float(a), "slope": float(b), "points": len(pts)}
    return out


def chart(rows: list[dict], fit: dict, path: Path) -> None:
    import matplotlib
    import numpy as np

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = np.array([r["sections"] for r in rows], dtype=float)
    grid = np.geomspace(x.min(), x.max(), 50)
    per_section = np.mean([r["chunks"] / r["sections"] for r in rows])
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.2))
    panels = [(axes[0], (("ingest_s", "fresh ingest (s)"), ("reingest_s", "unchanged re-ingest (s)"),
                         ("cold_ask_s", "cold `assistant ask` (s)"), ("index_build_s", "index build, embeddings precomputed (s)"))),
              (axes[1], (("search_p50_ms", "warm search p50 (ms)"), ("search_p95_ms", "warm search p95 (ms)"))),
              (axes[2], (("cold_ask_mb", "peak RSS, cold ask (MB)"), ("disk_mb", "disk (MB)")))]
    for ax, series in panels:
        for key, label in series:
            pts = [(r["sections"], r[key]) for r in rows if key in r]
            if not pts:
                continue
            line = ax.plot(*zip(*pts), marker="o", linestyle="none", label=label)[0]
            if key in fit:
                f = fit[key]
                xs = grid * (per_section if f["per"] == "chunks" else 1)
                unit = "chunk" if f["per"] == "chunks" else "1k sections"
                slope = f["slope"] * (1 if f["per"] == "chunks" else 1000)
                ax.plot(grid, np.clip(f["intercept"] + f["slope"] * xs, 1e-3, None), linestyle="--",
                        color=line.get_color(), label=f"  fit: {f['intercept']:.3g} + {slope:.3g} per {unit}")
        if ax is axes[0]:
            est = [(r["sections"], r["ingest_s_estimate"]) for r in rows if "ingest_s_estimate" in r]
            if est:
                ax.plot(*zip(*est), marker="o", markerfacecolor="none", linestyle="none", color="C0",
                        label="fresh ingest, not run: the fit's estimate")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("sections (generated notes)")
        ax.legend(fontsize=7)
        ax.grid(alpha=0.3)
    fig.suptitle("dl-interview-assistant on a shared 2-core machine (bench/scale.py; dashed: least-squares lines; "
                 "10,000 sections built with precomputed embeddings)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,200,1000,10000")
    parser.add_argument("--fresh-max", type=int, default=1000, help="largest size built by a timed fresh ingest")
    parser.add_argument("--searches", type=int, default=40)
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--work", type=Path, help="notes, homes and embedding caches (default: a new temp dir)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="where scale.json and scale.png go")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="scale-"))
    work.mkdir(parents=True, exist_ok=True)
    rows: list[dict] = []
    print("sections  chunks  build                   ingest_s  reingest_s  cold_ask_s  bare_s  ratio  "
          "p50_ms  p95_ms  ask_MB  disk_MB  load")
    for n in (int(s) for s in args.sizes.split(",")):
        r = measure(n, args, work)
        rows.append(r)
        built = f"{r['ingest_s']:8.1f}" if "ingest_s" in r else f"({r['index_build_s']:.1f})".rjust(8)
        print(f"{n:8d}  {r['chunks']:6d}  {r['build']:22s}  {built}  {r['reingest_s']:10.2f}  {r['cold_ask_s']:10.2f}  "
              f"{r['bare_import_s']:6.2f}  {r['cold_over_bare']:5.2f}  {r['search_p50_ms']:6.1f}  {r['search_p95_ms']:6.1f}  "
              f"{r['cold_ask_mb']:6.0f}  {r['disk_mb']:7.1f}  {r['load_start']:.1f}-{r['load_end']:.1f}", flush=True)
    fit = fits(rows)
    for r in rows:
        if "ingest_s" not in r and "ingest_s" in fit:  # labelled estimate, never fitted on
            r["ingest_s_estimate"] = fit["ingest_s"]["intercept"] + fit["ingest_s"]["slope"] * r["chunks"]
            print(f"{r['sections']} sections: fresh ingest not run; fitted estimate {r['ingest_s_estimate'] / 60:.0f} min "
                  f"(precompute measured {sum(t['wall_s'] for t in r['precompute'].values()) / 60:.0f} min of embedding)")
    for key, f in fit.items():
        print(f"fit {key}: {f['intercept']:.4g} + {f['slope']:.4g} per {f['per'][:-1]}  ({f['points']} sizes)")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "scale.json").write_text(json.dumps({"rows": rows, "fits": fit}, indent=1), encoding="utf-8")
    if len(rows) > 1:
        chart(rows, fit, args.out / "scale.png")
    print(f"data in {work}; this process's own peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
