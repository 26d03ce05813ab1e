"""Scores over time, overall and by topic: the rows behind the web Interview tab's progress chart.

Answers are grouped per session, per day (local calendar day) or taken one by one; each group
gives one point per series: "all topics" (the mean of every answer in the group) and one per
topic answered in it. A line needs two points, so when the asked grouping gives fewer than two
overall points the next finer one is used (day → session → answer) and the result says which.
Each point is labelled ("#3 · 12-01", "2026-12-01", "answer 4"); the labels come back in time
order so a chart can keep that order on a category axis. Pure functions of
`Store.answer_history()` rows.
"""

from __future__ import annotations

from datetime import datetime, timezone

from assistant.interview.srs import out_of_10

ALL = "all topics"
GROUPINGS = ("session", "day", "answer")
FINER = {"day": "session", "session": "answer"}


def _when(iso: str) -> datetime:
    """A stored UTC timestamp as an aware datetime."""
    stamp = datetime.fromisoformat(iso)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)


def _group(history: list[dict], by: str) -> list[tuple[str, datetime, list[dict]]]:
    """(label, time, rows) per group, in time order."""
    groups: dict[object, tuple[str, datetime, list[dict]]] = {}
    for i, row in enumerate(history):
        at = _when(row["answered_at"])
        local = at.astimezone()
        if by == "session":
            key, label = row["session_id"], f"#{row['session_id']} · {local:%m-%d}"
        elif by == "day":
            key = local.date()
            label = key.isoformat()
        else:
            key, label = i, f"answer {i + 1}"
        if key not in groups:
            groups[key] = (label, at, [])
        groups[key][2].append(row)
    return sorted(groups.values(), key=lambda g: g[1])


def trend(history: list[dict], by: str = "session", names: dict[str, str] | None = None) -> tuple[str, list[dict]]:
    """(grouping used, rows {when, series, score, answers}) for a line chart of scores out of 10, in time order;
    `when` is the group's label. `names` maps topic ids to display names. Falls back to a finer grouping when
    `by` gives fewer than two points."""
    if by not in GROUPINGS:
        raise ValueError(f"grouping must be one of {', '.join(GROUPINGS)}, not {by!r}")
    groups = _group(history, by)
    while len(groups) < 2 and by in FINER:
        by = FINER[by]
        groups = _group(history, by)
    rows = []
    for label, _, members in groups:
        series: dict[str, list[float]] = {ALL: []}
        for r in members:
            score = out_of_10(r["score"], r["max_score"])
            series[ALL].append(score)
            series.setdefault((names or {}).get(r["topic"], r["topic"]), []).append(score)
        for name, scores in series.items():
            rows.append({"when": label, "series": name, "score": round(sum(scores) / len(scores), 2),
                         "answers": len(scores)})
    return by, rows
