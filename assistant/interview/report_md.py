"""A session report as Markdown: scores, time taken against the limit, each answer's point checklist and
its follow-up (each point keeps the answer's mark and says what the follow-up made of it, "— then covered in the
follow-up", which the score counts; `follow_up_view`), weak topics and sections to reread. Shown in the web tab and
written by `assistant export markdown`."""

from __future__ import annotations

from assistant.interview.follow_up_view import after, result, score_text
from assistant.interview.grades import MARKS


def render(report, details: bool = False) -> str:
    """The report; with `details`, every question's wording, answer, checklist and probe."""
    limit = f" (limit {report.time_limit:g} s)" if report.time_limit else ""
    lines = [f"### Report — session #{report.session_id}", "",
             f"| score | question | time{limit} | follow-up |", "|---|---|---|---|"]
    for r in report.rows:
        elapsed = r.get("elapsed")
        timing = "-" if elapsed is None else f"{elapsed:g} s" + (" ⚠ over" if r.get("over_time") else "")
        probe = r.get("probe") or {}
        follow = f"{probe['prompt']} → {result(probe, r.get('points', []))}" if probe else "-"
        lines.append(f"| {score_text(r)} | {r['label']} | {timing} | {_cell(follow)} |")
    lines += ["", f"**Overall:** {report.overall:g}/{report.max_score}",
              f"**Weak topics:** {', '.join(report.weak_topics) or 'none'}"]
    if report.reread:
        lines += ["", "**Reread:**", *[f"- {c}" for c in report.reread]]
    if details:
        for r in report.rows:
            lines += ["", f"#### {r['label']} — {r['score']:g}/{r['max_score']}", "", f"> {r.get('prompt', '')}", "",
                      f"Answer: {r.get('answer') or '(skipped)'}", ""]
            lines += [f"- {MARKS.get(p['status'], '?')} {p['point']}" + (f" — {after(p)}" if after(p) else "")
                      for p in r.get("points", [])]
            probe = r.get("probe")
            if probe:
                answered = probe.get("answer")
                status = result(probe, r.get("points", []))
                # A skipped follow-up has no answer: "Answer: - → skipped" read as an answer of "-" (blind QA).
                lines += ["", f"Follow-up: {probe['prompt']}",
                          f"Answer: {answered} → {status}" if answered else f"Not answered ({status})"]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
