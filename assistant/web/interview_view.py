"""HTML of the Interview tab that teaches: answer cards, per-topic mastery bars, the mastery table rows and the
timed mode's countdown.

Pure functions over the interview layer's data (interview/cards.py, interview/mastery.py), no
Gradio: every string from the notes, the user or a model is escaped here. A card puts the
question and the user's answer beside the graded points (stacked on a phone, CSS in app.py);
each point says its status in words as well as a mark, so colour is never the only cue.
"""

from __future__ import annotations

from assistant.interview.follow_up_view import result
from assistant.interview.srs import GOOD_AT, HARD_AT, out_of_10
from assistant.web.html import escape

STATUS_WORDS = {"covered": "covered", "missed": "missed", "contradicted": "contradicts the notes"}
EMPTY_CARDS = ""


def score_band(score: float, max_score: int = 10) -> str:
    """'good' (≥ 7/10), 'fair' (≥ 5) or 'poor': the score badge's colour class, at the cut-offs where a
    grade earns Good or Hard in the review schedule (srs), so the colour and what comes back agree."""
    s = out_of_10(score, max_score)
    return "good" if s >= GOOD_AT else "fair" if s >= HARD_AT else "poor"


def _point(p) -> str:
    words = STATUS_WORDS.get(p.status, p.status)
    body = f'<span class="qa-pt-text">{escape(p.point)}</span>'
    if p.after:
        body += f' <span class="qa-later">— {escape(p.after)}</span>'
    if p.status == "contradicted" and (p.said or p.note):
        body += (f'<div class="qa-why">you said “{escape(p.said)}”; the notes: “{escape(p.note)}”</div>')
    elif p.support:
        body += f'<div class="qa-why">the notes: {escape(p.support)}</div>'
    return (f'<li class="qa-pt qa-{escape(p.status)}"><span class="qa-mark" aria-hidden="true">{escape(p.mark)}</span>'
            f'<span class="sr-only">{escape(words)}: </span>{body}</li>')


def _probe(probe: dict, points: list) -> str:
    rows = [{"status": p.status, "follow_up": p.follow_up} for p in points]
    verdict = result(probe, rows) if probe.get("status") else "not answered yet"
    answer = probe.get("answer")
    return ('<div class="qa-probe"><div class="qa-h">Follow-up</div>'
            f'<p class="qa-prompt">{escape(probe.get("prompt", ""))}</p>'
            + (f'<div class="qa-answer">{escape(answer)}</div>' if answer else "")
            + f'<div class="qa-verdict">→ {escape(verdict)}</div></div>')


def timer_html(limit: float, used: float) -> str:
    """The timed mode's countdown beside the question: the seconds left when shown; the page's script counts it
    down each second and, past zero, says the answer is over the limit (still graded, rated at most Hard).
    The seconds travel as a <time> duration: Gradio's Markdown sanitiser drops data-* attributes."""
    left = round(limit - used)
    shown = max(left, 0)
    return (f'<time class="iv-timer" datetime="PT{left}S" title="Time limit per question: {limit:g} s">'
            f"{shown // 60}:{shown % 60:02d} left</time>")


def card_html(card) -> str:
    """One answered question: question and answer on the left, score and graded points on the right."""
    band = score_band(card.score, card.max_score)
    head = (f'<div class="qa-head"><span class="qa-num">[{card.position + 1}/{card.total}]</span> '
            f'<span class="qa-label">{escape(card.label)}</span>'
            f'<span class="qa-score qa-{band}">{card.score:g}/{card.max_score}</span></div>')
    timing = ""
    if card.elapsed is not None:
        timing = f'<div class="qa-time">Time taken: {card.elapsed:g} s{" — over the time limit" if card.over_time else ""}</div>'
    answer = (f'<div class="qa-answer">{escape(card.answer)}</div>' if not card.skipped
              else '<div class="qa-answer qa-skipped">(skipped)</div>')
    left = (f'<section class="qa-side qa-you"><div class="qa-h">{"Recall" if card.kind == "recall" else "Question"}</div>'
            f'<p class="qa-prompt">{escape(card.prompt)}</p><div class="qa-h">Your answer</div>{answer}{timing}</section>')
    covered = sum(p.status == "covered" for p in card.points)
    if card.points:
        later = sum(p.later for p in card.points)
        wrong = sum(p.status == "contradicted" for p in card.points)
        summary = f"{covered} of {len(card.points)} key points covered" + (f", {later} more in the follow-up" if later else "") + (
            f", {wrong} contradicting the notes (each costs points)" if wrong else "")
        points = f'<ul class="qa-points">{"".join(_point(p) for p in card.points)}</ul>'
    else:
        summary = "Feedback"
        points = f'<div class="qa-text">{escape(card.feedback)}</div>'
    if card.elsewhere:  # said before the checklist: it is why nothing is ticked
        points = f'<div class="qa-why qa-elsewhere">this answer is about {escape(card.elsewhere)}</div>' + points
    extra = "".join(f'<div class="qa-why qa-contra">contradicts the notes: {escape(c)}</div>' for c in card.contradictions)
    if card.follow_up:
        extra += f'<div class="qa-why">to think about: {escape(card.follow_up)}</div>'
    cite = f'<div class="qa-cite">Source: {escape(card.citation)}'
    if card.note_key:
        cite += f' <button type="button" class="src-open" data-note="{escape(card.note_key)}">Open in Notes</button>'
    cite += "</div>"
    right = (f'<section class="qa-side qa-feedback"><div class="qa-h">{escape(summary)}</div>{points}{extra}{cite}'
             "</section>")
    probe = _probe(card.probe, card.points) if card.probe else ""
    return (f'<article class="qa-card" id="qa-card-{card.position}" aria-label="{escape(card.label)}">'
            f'{head}<div class="qa-grid">{left}{right}</div>{probe}</article>')


def cards_html(cards: list) -> str:
    """Every card of the session in the order asked (the newest last, just above the next question)."""
    if not cards:
        return EMPTY_CARDS
    return f'<div class="qa-cards">{"".join(card_html(c) for c in cards)}</div>'


def topic_mastery_html(rows: list, names: dict[str, str]) -> str:
    """Per-topic mastery as labelled bars, weakest first."""
    if not any(t.practised for t in rows):
        return '<div class="m-empty">Answer a question and your mastery per topic appears here.</div>'
    items = []
    for t in rows:
        pct = round(100 * t.mastery)
        last = "" if t.mean_last is None else f" · mean last score {t.mean_last:.1f}/10"
        name = names.get(t.topic, t.topic)
        # The level is the practised questions' (mastery.TopicMastery.level); the rest are "not yet practised", not weak.
        if not t.practised:
            state = "not yet practised"
        elif t.unpractised:
            state = f"{t.level} on the {t.practised} practised · {t.unpractised} not yet practised"
        else:
            state = f"{t.level} · {t.practised}/{t.questions} practised"
        items.append(
            f'<li class="m-row"><span class="m-topic">{escape(name)}</span>'
            f'<span class="m-bar" role="meter" aria-valuenow="{pct}" aria-valuemin="0" aria-valuemax="100" '
            f'aria-label="{escape(name)} mastery"><span class="m-fill m-{t.level}" style="width: {pct}%"></span></span>'
            f'<span class="m-pct">{pct}% · {escape(state)}{escape(last)}</span></li>')
    return f'<ul class="m-list" aria-label="Mastery per topic">{"".join(items)}</ul>'


def question_mastery_html(rows: list, names: dict[str, str]) -> str:
    """Per-question mastery, weakest first: label, bar, and a line of details (wraps on a phone)."""
    if not rows:
        return ""
    items = []
    for m in rows:
        pct = round(100 * m.mastery)
        details = [f"{pct}% · {m.level}", names.get(m.topic, m.topic)]
        if m.points:
            details.append(f"{m.points_known}/{m.points} key points known")
        if m.last_score is not None:
            details.append(f"last score {m.last_score:g}/10")
        details += [f"{m.attempts} answer{'s' if m.attempts != 1 else ''}", f"review {m.due}"]
        items.append(
            f'<li class="mq-row"><span class="mq-label">{escape(m.label)}</span>'
            f'<span class="m-bar" role="meter" aria-valuenow="{pct}" aria-valuemin="0" aria-valuemax="100" '
            f'aria-label="mastery"><span class="m-fill m-{m.level}" style="width: {pct}%"></span></span>'
            f'<span class="mq-meta">{escape(" · ".join(details))}</span></li>')
    return (f'<div class="mq"><div class="qa-h">Mastery per question (weakest first)</div>'
            f'<ul class="mq-list">{"".join(items)}</ul></div>')
