"""Retrieval, follow-up and coverage figures on the tuning data cached by bench/tuning_data.py.

Prints hit@1 / MRR / answered / declined per tuning set, per kind and per language, each
rate with its n and 95 % Wilson interval, so a change is judged on tuning data before the
frozen test set is scored once. Usage: `python bench/tune_report.py CACHE.pkl [CACHE2.pkl]`
(two caches: before and after, side by side).
"""

from __future__ import annotations

import pickle
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.evals.metrics import wilson  # noqa: E402


def rows(cache: dict) -> list[dict]:
    out = []
    for index, items in cache.items():
        for item in items:
            res = item["result"]
            ranked = [h.question for h in res.hits]
            gold = item["gold"]
            rank = next((i for i, q in enumerate(ranked, start=1) if q in gold), None)
            out.append({"index": index, "id": item["id"], "kind": item.get("kind", ""), "lang": item.get("lang", ""),
                        "gold": gold, "rank": rank, "covered": res.covered})
    return out


def rates(rs: list[dict]) -> dict[str, tuple[int, int]]:
    """name → (successes, n)."""
    scoped = [r for r in rs if r["gold"]]
    oos = [r for r in rs if not r["gold"]]
    out = {"hit@1": (sum(r["rank"] == 1 for r in scoped), len(scoped)),
           "answered": (sum(r["covered"] for r in scoped), len(scoped)),
           "declined": (sum(not r["covered"] for r in oos), len(oos)),
           "resolved": (sum((r["rank"] == 1 and r["covered"]) if r["gold"] else not r["covered"] for r in rs), len(rs))}
    return out


def groups(rs: list[dict]) -> dict[str, list[dict]]:
    g: dict[str, list[dict]] = defaultdict(list)
    for r in rs:
        g["ALL"].append(r)
        g[f"index:{r['index']}"].append(r)
        g[f"kind:{r['kind']}"].append(r)
        if r["lang"]:
            g[f"lang:{r['lang']}"].append(r)
    return dict(sorted(g.items()))


def fmt(s: int, n: int) -> str:
    if not n:
        return "      -           "
    lo, hi = wilson(s, n)
    return f"{s / n:6.3f} [{lo:.2f},{hi:.2f}]"


def main() -> None:
    caches = [rows(pickle.loads(Path(p).read_bytes())) for p in sys.argv[1:]]
    all_groups = [groups(c) for c in caches]
    for name in all_groups[0]:
        for metric in ("hit@1", "answered", "declined", "resolved"):
            cells = [rates(g.get(name, []))[metric] for g in all_groups]
            if all(n == 0 for _, n in cells):
                continue
            print(f"{name:28} {metric:9} n={cells[0][1]:4}  " + "  ".join(fmt(s, n) for s, n in cells))


if __name__ == "__main__":
    main()
