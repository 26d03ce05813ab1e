"""A stored interview session as its report: per-question scores (the follow-up's points counted, the answer's own
kept beside), the overall mean, weak topics and the sections to reread.

Apart from `session.py`, which runs a session: exports and the web tab read the report of any stored session, also
one whose notes are not loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.interview.grades import MAX_SCORE
from assistant.interview.store import Store
from assistant.notes.parse import question_label

WEAK_BELOW = 6.0


@dataclass
class Report:
    """End-of-session summary: per-question scores, overall, weak topics, sections to reread."""

    session_id: int
    rows: list[dict] = field(default_factory=list)
    overall: float = 0.0
    max_score: int = MAX_SCORE
    weak_topics: list[str] = field(default_factory=list)
    reread: list[str] = field(default_factory=list)
    finished: bool = False
    time_limit: float | None = None


def session_report(store: Store, session_id: int, topics=None) -> Report:
    """The report of a stored session (also for sessions whose notes are not loaded, e.g. exports)."""
    from assistant.interview.topics import load_topics

    row = store.session(session_id) or {}
    limit = row.get("time_limit")
    probes = store.probes(session_id)
    rows = [{"position": a["position"], "question": a["question"], "label": question_label(a["question"], a["title"]),
             "topic": a["topic"], "score": a["score"], "first_score": a.get("first_score"), "max_score": a["max_score"],
             "prompt": a["prompt"],
             "answer": a["answer"], "points": a.get("points", []), "targets": a.get("targets", []),
             "elapsed": a.get("elapsed"), "over_time": bool(limit and (a.get("elapsed") or 0) > limit),
             "probe": probes.get(a["position"]),
             # what the web cards show beside the score (cards.py), so one read of the answers serves both
             "note_key": a["note_key"], "feedback": a.get("feedback") or "", "follow_up": a.get("follow_up") or "",
             "contradictions": list(a.get("contradictions") or []), "elsewhere": a.get("elsewhere") or ""}
            for a in store.answers(session_id)]
    report = Report(session_id, rows, finished=row.get("finished_at") is not None, time_limit=limit)
    if not rows:
        return report
    names = {t.id: t.display for t in (topics or load_topics())}
    report.overall = round(sum(r["score"] for r in rows) / len(rows), 1)
    by_topic: dict[str, list[float]] = {}
    for r in rows:
        by_topic.setdefault(r["topic"], []).append(r["score"])
    report.weak_topics = [names.get(t, t) for t, s in by_topic.items() if sum(s) / len(s) < WEAK_BELOW]
    weak = sorted((r for r in rows if r["score"] < WEAK_BELOW), key=lambda r: r["score"])
    report.reread = [f"[{i}] {r['label']}" for i, r in enumerate(weak, start=1)]
    return report
