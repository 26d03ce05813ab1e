"""Cold `assistant ask` of an older commit against this tree, on copies of one existing data directory.

Where building an index once per code is too slow (10,000 sections: bench/scale.py builds one
from precomputed embeddings), both codes answer from copies of the same data directory, each
copy used by one code only. Pass a directory the old code built: a newer code converts what it
reads in another format (snapshots) during its warm-up ask. One warm-up ask per code first; then rounds of a bare
`python -c "import chromadb, langchain_core.runnables"` and one cold ask per code, the order of
the two codes alternating. Prints each code's median and its ratio to the bare import's median.
When the change is in what ingest writes, give `--after-home`: a data directory this tree built
from the same notes (then each code answers from a copy of the directory its own ingest built).
Usage: python bench/ab_cold.py --home DIR --notes DIR [--after-home DIR] [--before HEAD] [--rounds 20] [--work DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/, whose bench.py would shadow the bench package

from bench.procs import BARE, assistant, code_at, env_for, spawn  # noqa: E402
from bench.scale import QUERIES  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True, help="a data directory with a built index (copied, not changed)")
    parser.add_argument("--notes", type=Path, required=True, help="the notes that index was built from")
    parser.add_argument("--after-home", type=Path, help="a data directory this tree built from the same notes "
                        "(default: --home for both codes)")
    parser.add_argument("--before", default="HEAD", help="git ref of the old code")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ab-cold-"))
    codes = {"before": code_at(args.before, work / "old-code"), "after": ROOT}
    envs = {}
    built = {"before": args.home, "after": args.after_home or args.home}
    for name, code in codes.items():
        home = work / f"home-{name}"
        if not home.exists():
            shutil.copytree(built[name], home)
        envs[name] = env_for(args.notes, home, code)
        assistant(["ask", QUERIES[0]], envs[name], quiet=True)  # warm-up: page cache, and a snapshot in its format
    bare: list[float] = []
    walls: dict[str, list[float]] = {name: [] for name in codes}
    for i in range(args.rounds):
        bare.append(spawn(BARE, envs["after"])["wall"])
        for name in (list(codes) if i % 2 == 0 else list(reversed(codes))):
            walls[name].append(assistant(["ask", QUERIES[i % len(QUERIES)]], envs[name], quiet=True)["wall"])
    floor = statistics.median(bare)
    print(f"{args.rounds} rounds, old code {args.before}, load {os.getloadavg()[0]:.1f}; bare import median {floor:.3f} s")
    for name, runs in walls.items():
        median = statistics.median(runs)
        print(f"{name:6s}: cold ask median {median:.3f} s = {median / floor:.2f}x the bare import "
              f"(range {min(runs):.2f}-{max(runs):.2f} s)")


if __name__ == "__main__":
    main()
