"""Run folders, the flat metric view, baseline comparison and CI floors.

A run folder (`home/eval-runs/<timestamp>` or `--out DIR`) holds `results.json` (every
per-item result), `report.md` and PNG charts. Everything here works on the results dict,
so a baseline is just an earlier folder's results.json.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

# Flat metrics where a lower value is a regression (counts and sizes are informational only).
HIGHER_IS_BETTER = ("hit@1", "hit@3", "mrr", "in_scope_answered", "oos_declined", "faithfulness",
                    "citation_precision", "citation_recall", "relevancy", "precision", "recall",
                    "item_precision", "item_recall", "ordering_accuracy", "ordering_accuracy_even", "ordering_accuracy_odd")


def new_run_dir(home: Path, out: str | None = None) -> Path:
    """`out` if given, else a fresh timestamped folder under home/eval-runs."""
    if out:
        path = Path(out)
    else:
        base = Path(home) / "eval-runs" / time.strftime("%Y%m%d-%H%M%S")
        path, n = base, 1
        while path.exists():
            n += 1
            path = base.with_name(f"{base.name}-{n}")
    path.mkdir(parents=True, exist_ok=True)
    return path


def resolve_run(ref: str, home: Path) -> Path:
    """A baseline run folder from a path or a run id; ValueError with a one-line message if absent."""
    for candidate in (Path(ref), Path(home) / "eval-runs" / ref):
        if (candidate / "results.json").is_file():
            return candidate
    raise ValueError(f"baseline run {ref!r} not found (no results.json there or in {Path(home) / 'eval-runs'})")


def load_results(folder: Path) -> dict:
    """A run folder's results.json."""
    return json.loads((Path(folder) / "results.json").read_text(encoding="utf-8"))


def save_results(folder: Path, results: dict) -> Path:
    """Write results.json (UTF-8, real Chinese characters)."""
    path = Path(folder) / "results.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return path


def flat_metrics(results: dict) -> dict[str, float]:
    """'set.metric' → number for every scalar summary metric (calibration: 'calibration.<judge>.<m>')."""
    out: dict[str, float] = {}
    sets = results.get("sets", {})
    for name in ("retrieval", "answers", "grading"):
        for key, value in sets.get(name, {}).get("metrics", {}).items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                out[f"{name}.{key}"] = value
    for judge, data in sets.get("calibration", {}).items():
        for key, value in data["metrics"]["overall"].items():
            out[f"calibration.{judge}.{key}"] = value
    return out


def _worse(name: str, now, before) -> bool:
    return (name.rsplit(".", 1)[-1] in HIGHER_IS_BETTER and isinstance(now, (int, float))
            and isinstance(before, (int, float)) and now < before - 1e-9)


def regressions(current: dict, baseline: dict) -> list[str]:
    """One line per metric that dropped and per item that got worse since the baseline."""
    lines = []
    now, before = flat_metrics(current), flat_metrics(baseline)
    for name in sorted(now.keys() & before.keys()):
        if _worse(name, now[name], before[name]):
            lines.append(f"{name}: {before[name]} → {now[name]}")
    cur, base = current.get("sets", {}), baseline.get("sets", {})
    lines += _item_regressions(cur.get("retrieval"), base.get("retrieval"), _retrieval_change)
    lines += _item_regressions(cur.get("answers"), base.get("answers"), _answer_change)
    lines += _item_regressions(cur.get("grading"), base.get("grading"), _grading_change)
    for judge in sorted(cur.get("calibration", {}).keys() & base.get("calibration", {}).keys()):
        lines += _item_regressions(cur["calibration"][judge], base["calibration"][judge], _calibration_change,
                                   f"calibration.{judge}")
    return lines


def _item_regressions(cur: dict | None, base: dict | None, change, prefix: str = "") -> list[str]:
    if not cur or not base:
        return []
    before = {row["id"]: row for row in base["items"]}
    out = []
    for row in cur["items"]:
        old = before.get(row["id"])
        why = change(row, old) if old else None
        if why:
            out.append(f"{prefix + ' ' if prefix else ''}{row['id']}: {why}")
    return out


def _retrieval_change(row: dict, old: dict) -> str | None:
    if row["gold"]:
        inf = 10**6
        if (row["rank"] or inf) > (old["rank"] or inf):
            return f"gold rank {old['rank']} → {row['rank']} ({row['query'][:40]})"
        if old["covered"] and not row["covered"]:
            return "in-scope query now declined"
    elif row["covered"] and not old["covered"]:
        return "out-of-scope query no longer declined"
    return None


def _answer_change(row: dict, old: dict) -> str | None:
    if old.get("covered") and not row.get("covered"):
        return "answer now declined"
    a, b = row.get("faithfulness"), old.get("faithfulness")
    if a is not None and b is not None and a < b:
        return f"faithfulness {b} → {a}"
    return None


def _grading_change(row: dict, old: dict) -> str | None:
    return "complete > partial > wrong ordering lost" if old["ordered"] and not row["ordered"] else None


def _calibration_change(row: dict, old: dict) -> str | None:
    from assistant.evals.metrics import is_bad

    def caught(r):
        return any(is_bad(s, r["bad_sentence"]) for s in r["flagged"])

    def false_flags(r):
        return sum(not is_bad(s, r["bad_sentence"]) for s in r["flagged"])

    if caught(old) and not caught(row):
        return f"bad sentence ({row['error_type']}) no longer caught"
    if false_flags(row) > false_flags(old):
        return f"false flags {false_flags(old)} → {false_flags(row)}"
    return None


def check_floors(results: dict, floors: dict[str, float]) -> list[str]:
    """One line per floor metric below its floor; floors of sets that were not run are skipped."""
    now = flat_metrics(results)
    ran = set(results.get("sets", {}))
    lines = []
    for name, floor in sorted(floors.items()):
        if name.startswith("_") or name.split(".", 1)[0] not in ran:  # "_comment" keys document the file
            continue
        value = now.get(name)
        if value is None:
            lines.append(f"floor: {name} was not measured (floor {floor})")
        elif value < floor:
            lines.append(f"floor: {name} = {value} is below its floor {floor}")
    return lines
