"""The interviewer's one follow-up after a graded answer, aimed at a point the answer missed or got wrong.

Offline the follow-up comes from the notes' own outline, so it is always answerable from them:
- a contradicted point: ask the user to reconsider it (`interview_probe_check`), naming it by its label
  (`point_cues.label_cue`);
- a missed item of a list-like question (fixes, signs, effects, lists) when others were named:
  "还有别的办法吗？" (`interview_probe_more`), aimed at every missed item;
- a missed point whose notes give a reason: "为什么使用 ReLU 激活函数能缓解梯度爆炸问题？" (`interview_probe_why`);
- any other missed point: ask about it by its label (`interview_probe_explain`);
- nothing missed, but a covered point has a reason the answer did not give: the why question again;
- an answer that covers nothing (and contradicts nothing): a hint, the cue of the first point, and the question
  again (`interview_probe_hint`), aimed at every point;
- before all these, an answer mostly about another question (`Grade.elsewhere`), covering nothing: its feedback says
  which question it answered, and the follow-up asks this one again (`interview_probe_again`), aimed at every point;
  a probe about one point of a question the user did not answer ("能再展开说说「误差梯度」这一点吗？") followed
  nothing they said.
With a model configured the wording of the others is generated (`interview_probe_*.md` system/user prompts) for the
same target point, and kept only if it is one short question sharing a term with the point or title.
The probe's answer is graded by the same grader; only its target points' verdicts count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answering.prompts import Prompts
from assistant.interview.point_cues import label_cue
from assistant.interview.srs import indexes_of, point_id
from assistant.interview.variants import subject_of
from assistant.notes.keypoints import Point, key_terms
from assistant.notes.terms import has_cjk
from assistant.notes.text import clauses, plain_text, split_sentences
from assistant.retrieval.intent import intents

_CAUSAL = re.compile(r"因为|由于|所以|因此|原因|从而|导致|使得|\bbecause\b|\bsince\b|\btherefore\b|\bso that\b", re.I)
_BOLD = re.compile(r"\*\*([^*]{2,24})\*\*")
_MORE_NOUNS = {"zh": {"fix": "办法", "detect": "信号", "effect": "影响", "list": "要点"},
               "en": {"fix": "ways", "detect": "signs", "effect": "effects", "list": "points"}}


@dataclass(frozen=True)
class Probe:
    """A follow-up question and the point ids whose verdicts it decides; `was_missed` for the rating."""

    prompt: str
    points: tuple[str, ...]
    labels: tuple[str, ...]
    kind: str  # 'again' | 'hint' | 'check' | 'more' | 'why' | 'explain' | 'llm'
    was_missed: bool = True

    def to_row(self, note_key: str) -> dict:
        """The `probes` row fields."""
        return {"note_key": note_key, "point": ",".join(self.points), "label": "、".join(self.labels),
                "prompt": self.prompt, "kind": self.kind, "was_missed": self.was_missed}


def choose(points: list[Point], rows: list[dict], title: str, answer: str, lang: str,
           prompts: Prompts, elsewhere: str = "") -> Probe | None:
    """The offline follow-up for a graded answer (None when the grade has no per-point verdicts); `elsewhere`: the
    label of the question the answer was mostly about instead."""
    if not points or len(points) != len(rows):
        return None
    status = [r["status"] for r in rows]
    if elsewhere and "covered" not in status:
        return _probe(prompts.render("interview_probe_again", lang, title=title), points,
                      list(range(len(points))), "again")
    kinds = intents(title)
    wrong = [i for i, s in enumerate(status) if s == "contradicted"]
    missed = [i for i, s in enumerate(status) if s == "missed"]
    if wrong:
        i = wrong[0]
        return _probe(prompts.render("interview_probe_check", lang, cue=label_cue(points[i])), points, [i], "check")
    if "covered" not in status:
        # Nothing said yet: "Why does 使用 ReLU 激活函数 help?" after "ok" gave away a point and presumed the rest (blind
        # QA). An interviewer gives a hint (the first point's cue) and asks the question again, for every point.
        hint = prompts.render("interview_probe_hint", lang, cue=cue(points[0], title), title=title)
        return _probe(hint, points, list(range(len(points))), "hint")
    listy = [k for k in ("fix", "detect", "effect", "list") if k in kinds]
    items = [i for i in missed if points[i].kind != "central"]
    if listy and items and "covered" in status:
        noun = _MORE_NOUNS[lang][listy[0]]
        return _probe(prompts.render("interview_probe_more", lang, noun=noun), points, items, "more")
    for i in missed:
        if _reason(points[i]) and points[i].names:
            return _probe(_why(prompts, points[i], title, lang), points, [i], "why")
    if missed:
        i = missed[0]
        return _probe(prompts.render("interview_probe_explain", lang, cue=label_cue(points[i])), points, [i], "explain")
    for i, point in enumerate(points):
        if _reason(point) and point.names and not _CAUSAL.search(answer):
            return _probe(_why(prompts, point, title, lang), points, [i], "why", was_missed=False)
    return None


def target(probe: Probe, points: list[Point]) -> list[int]:
    """Indexes of the probe's points in the current outline (points removed since are dropped)."""
    return indexes_of(points, probe.points)


def llm_wording(llm, prompts: Prompts, probe: Probe, points: list[Point], title: str, answer: str) -> str | None:
    """A model-written follow-up for the same target points, or None (then the offline wording stays). Asking the
    question again (kinds 'again' and 'hint') is never reworded: the question itself is the follow-up."""
    idx = target(probe, points)
    if llm is None or not idx or probe.kind in ("again", "hint"):
        return None
    focus = "\n".join(f"- {plain_text(' '.join(points[i].sentences))}" for i in idx)
    outline_text = "\n".join(f"{n}. {p.label}" for n, p in enumerate(points, start=1))
    try:
        reply = llm.invoke([("system", prompts.render("interview_probe_system")),
                            ("human", prompts.render("interview_probe_user", title=title, outline=outline_text,
                                                     focus=focus, answer=answer or "-"))])
        text = str(getattr(reply, "content", reply)).strip().splitlines()[0].strip().strip('"“”')
    except Exception:  # a dead endpoint keeps the offline follow-up
        return None
    anchor = key_terms(focus + " " + title)
    if 4 <= len(text) <= 120 and text[-1] in "？?" and key_terms(text) & anchor:
        return text
    return None


def followed_hint(rows: list[dict], points: list[Point], title: str, answer: str) -> list[dict]:
    """A hint probe's verdict rows with the hinted point (the first one) covered when the answer takes the hint: it
    uses the cue and says something with it ("可以从「NaN」说起" → "会导致NaN"). Blind QA: following the hint scored
    0/10, "missed", below a confidently wrong first answer. The point is then rated as recalled after a nudge."""
    hinted = cue(points[0], title) if points and rows else ""
    said = plain_text(answer).strip()
    if not hinted or rows[0]["status"] != "missed" or hinted.lower() not in said.lower() or len(said) <= len(hinted) + 1:
        return rows
    return [{**rows[0], "status": "covered"}, *rows[1:]]


def cue(point: Point, title: str) -> str:
    """A hint that points at a point without stating it: a bold phrase, else a technical name not in the title
    (LSTM, ReLU, BatchNormalization), else a phrase of the lead. Plain English words in the notes are mostly
    glosses ("previous", "samples", "update"), worse cues than the Chinese they gloss."""
    for sentence in point.sentences:
        bold = _BOLD.search(sentence)
        if bold and plain_text(bold.group(1)) not in title:
            return plain_text(bold.group(1)).strip(" ：:")
    title_terms = key_terms(title)
    latin = [t for t in re.findall(r"[A-Za-z][A-Za-z0-9\-]{1,}", plain_text(point.text)) if t.lower() not in title_terms]
    names = [t for t in latin if sum(c.isupper() for c in t) >= 2]
    if names:
        return max(names, key=len)
    lead = plain_text(point.lead)
    if has_cjk(lead) or not latin:
        return _lead_phrase(lead, title)
    return max(latin, key=len)


# A clause that only sets the scene ("在深层网络或循环神经网络中", "对于 SGD 算法来说") or links ("实际上") names no point.
_FRAME = re.compile(r"(?:在|对于|对|当).{1,18}(?:中|时|上|下|里|来说|之后|以后)|.{1,10}中"
                    r"|实际上|事实上|例如|比如|如|此外|另外|其中|总之|因此|所以|同时|首先|其次|最后|也就是说|换言之")
_SUBJECT = re.compile(r"([^很也就都还才只又这那它其].{1,9}?)(?:是指|指的是|是|指)")
_NOT_A_SUBJECT = re.compile(r"[不也就都还很才只又再总]$|可能$")
_OPEN_BRACKET = re.compile(r"[（(][^）)]*$")


def _lead_phrase(lead: str, title: str) -> str:
    """A whole phrase of the lead, not six characters cut mid-word ("误差梯度是神…"): the subject of a
    "X 是 …" clause, else a short clause, else the start of one with an ellipsis."""
    # Clauses without end punctuation or a bracket the cut left open ("避免同一对象（如同一个用户、…").
    parts = [_OPEN_BRACKET.sub("", c.rstrip("。！？!?.")).strip() for s in split_sentences(lead) for c in clauses(s, 2)]
    parts = [c for c in parts if len(c) >= 2]
    parts = [c for c in parts if not _FRAME.fullmatch(c)] or parts or [lead]
    for clause in parts:
        subject = _SUBJECT.match(clause)
        if subject and subject.group(1) not in title and not _NOT_A_SUBJECT.search(subject.group(1)):
            return subject.group(1).strip()
        if len(clause) <= 14:
            return clause
    return _cut(parts[0], 12)


def _cut(text: str, n: int) -> str:
    """The first n characters and an ellipsis, never ending inside a Latin word or an open bracket."""
    head = text[:n]
    if text[n:n + 1].isascii() and text[n:n + 1].isalnum():
        head = re.sub(r"[A-Za-z0-9]+$", "", head)
    for opening, closing in (("（", "）"), ("(", ")")):  # "网络层之间的梯度（值大于…" reads cut off: end before the bracket
        if head.count(opening) > head.count(closing) and head.rfind(opening) >= 2:
            head = head[: head.rfind(opening)]
    return head.rstrip(" （(") + "…"


def _reason(point: Point) -> bool:
    return any(_CAUSAL.search(s) for s in point.support)


def _why(prompts: Prompts, point: Point, title: str, lang: str) -> str:
    if "fix" in intents(title):
        return prompts.render("interview_probe_why_fix", lang, label=point.label, subject=subject_of(title, "fix"))
    return prompts.render("interview_probe_why", lang, label=point.label)


def _probe(prompt: str, points: list[Point], idx: list[int], kind: str, was_missed: bool = True) -> Probe:
    return Probe(prompt, tuple(point_id(points[i].lead) for i in idx), tuple(points[i].label for i in idx), kind,
                 was_missed)
