"""How a question's follow-up reads after the fact: beside each point it asked about, and as one result.

The session report, the Markdown export (`report_md.py`), the web cards (`cards.py`, `web/interview_view.py`) and
the terminal's end-of-session summary all word the follow-up here, so they say the same thing. A point keeps the
main answer's verdict (its mark) and says what the follow-up made of it ("! … — then covered in the follow-up"):
blind QA found a contradicted point shown "✓ … (in the follow-up)", the mistake gone from the report, and a
follow-up that scored 5/10 with a "!" reported "→ covered". The verdicts are `practice.with_follow_up`'s rows.
"""

from __future__ import annotations

from assistant.interview.grades import MAX_SCORE

# What the follow-up's verdict on a point adds to the main answer's: keyed by (answer covered it, follow-up verdict).
_AFTER = {(False, "covered"): "then covered in the follow-up",
          (False, "contradicted"): "then contradicted the notes in the follow-up",
          (False, "missed"): "not covered in the follow-up either",
          (True, "contradicted"): "but contradicted the notes in the follow-up",
          (True, "missed"): "not explained in the follow-up"}
_WORDS = {"covered": "covered", "partly covered": "partly covered", "missed": "missed",
          "contradicted": "contradicts the notes", "skipped": "skipped"}


def after(row: dict) -> str:
    """What the follow-up made of this point, '' when it did not ask about it, skipped it or only confirmed it."""
    return _AFTER.get((row.get("status") == "covered", row.get("follow_up", "")), "")


def recalled(rows: list[dict]) -> int:
    """Points the answer did not cover and its follow-up did: they count in the question's score."""
    return sum(r.get("status") != "covered" and r.get("follow_up") == "covered" for r in rows)


def result(probe: dict | None, rows: list[dict]) -> str:
    """The follow-up's own result: its verdict for one point ("contradicts the notes"), its score and counts for
    several ("5/10: 1 of 2 points covered, 1 contradicts the notes"), "pending" before it is answered."""
    status = (probe or {}).get("status")
    if not status:
        return "pending"
    asked = [r["follow_up"] for r in rows if r.get("follow_up")]
    if status == "skipped" or len(asked) < 2:  # one point, or a follow-up stored before per-point verdicts were kept
        return _WORDS.get(status, status)
    covered, wrong = asked.count("covered"), asked.count("contradicted")
    text = f"{MAX_SCORE * covered / len(asked):.2g}/{MAX_SCORE}: {covered} of {len(asked)} points covered"
    return text + (f", {wrong} contradict{'s' if wrong == 1 else ''} the notes" if wrong else "")


def score_text(row: dict) -> str:
    """A report row's score, with the answer's own when its follow-up changed it: "10/10 (9 before the follow-up)".
    The report shows the score that counts (the follow-up's points included); without the first one, 9/10 in the
    interview and 10/10 in the report read as a contradiction (blind CLI QA, 2026-12-06)."""
    shown = f"{row['score']:g}/{row['max_score']}"
    first = row.get("first_score")
    return shown if first is None or first == row["score"] else f"{shown} ({first:g} before the follow-up)"

