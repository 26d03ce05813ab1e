"""Calibrate the coverage decision (assistant/coverage.json) on eval/coverage_calibration.jsonl.

For each recipe it searches every calibration query, computes the features of
assistant.coverage.features(), z-normalises them, tries single features and weighted
pairs, and keeps the rule that declines the most out-of-scope queries while answering at
least 95 % of in-scope ones. It then reports that rule on the held-out test set
eval/retrieval.jsonl. Usage: python bench/tune_coverage.py [--write]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.config import Settings  # noqa: E402
from assistant.coverage import CALIBRATION_FILE, features  # noqa: E402
from assistant.evaluate import load_jsonl  # noqa: E402
from assistant.index import client, ingest  # noqa: E402
from assistant.retrieve import Retriever, condense_offline  # noqa: E402

MIN_ANSWERED = 0.95


def table(retriever, items) -> tuple[list[dict], np.ndarray]:
    rows, labels = [], []
    for item in items:
        _, signals = retriever.search_with_signals(condense_offline(item["query"], item.get("history", [])))
        rows.append(features(signals))
        labels.append(bool(item["gold"]))
    return rows, np.array(labels)


def best_rule(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    best = (float("-inf"), -1.0, 0.0)
    for t in np.unique(x):
        answered, declined = float(np.mean(x[y] >= t)), float(np.mean(x[~y] < t))
        if answered >= MIN_ANSWERED and declined > best[1]:
            best = (float(t), declined, answered)
    return best


def calibrate(models: list[str], cal_rows, y_cal, test_rows, y_test) -> dict:
    names = sorted({n for r in cal_rows for n in r if n.split("_")[0] in models})
    X = np.array([[r[n] for n in names] for r in cal_rows])
    T = np.array([[r[n] for n in names] for r in test_rows])
    mean, std = X.mean(0), X.std(0) + 1e-9
    Z, ZT = (X - mean) / std, (T - mean) / std
    candidates = [((i,), (1.0,)) for i in range(len(names))]
    candidates += [((i, j), (1.0, w)) for i, j in itertools.permutations(range(len(names)), 2) for w in (0.25, 0.5, 1.0)]
    scored = []
    for idx, w in candidates:
        t, declined, answered = best_rule(Z[:, idx] @ np.array(w), y_cal)
        scored.append((declined, -len(idx), idx, w, t, answered))
    declined, _, idx, w, t, answered = max(scored)
    xt = ZT[:, idx] @ np.array(w)
    return {
        "features": [names[i] for i in idx], "mean": [float(mean[i]) for i in idx], "std": [float(std[i]) for i in idx],
        "weights": list(w), "threshold": round(t, 4),
        "calibration": {"oos_declined": round(declined, 3), "in_scope_answered": round(answered, 3), "n": len(y_cal)},
        "test": {"oos_declined": round(float(np.mean(xt[~y_test] < t)), 3),
                 "in_scope_answered": round(float(np.mean(xt[y_test] >= t)), 3), "n": len(y_test)},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help=f"write {CALIBRATION_FILE.name}")
    args = parser.parse_args()
    cal = load_jsonl(ROOT / "eval" / "coverage_calibration.jsonl")
    test = load_jsonl(ROOT / "eval" / "retrieval.jsonl")
    base = Settings.from_env({}, home=Path(tempfile.mkdtemp(prefix="tune-coverage-")), recipe="e5+use")
    ingest(base, progress=False)
    retriever = Retriever(base, client(base))
    cal_rows, y_cal = table(retriever, cal)
    test_rows, y_test = table(retriever, test)
    recipes = {key: calibrate(key.split("+"), cal_rows, y_cal, test_rows, y_test) for key in ("e5+use", "e5", "use")}
    out = {"about": "Coverage calibration written by bench/tune_coverage.py; see assistant/coverage.py.",
           "min_in_scope_answered": MIN_ANSWERED, "recipes": recipes}
    print(json.dumps(out, indent=2, ensure_ascii=False))
    if args.write:
        CALIBRATION_FILE.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
