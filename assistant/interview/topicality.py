"""Is an answer about the question asked, or about another section of the notes?

e5 cosines between texts of one field sit close together, so an answer to another question
still lands near every point of the asked one: "梯度截断…ReLU…LSTM…L2正则" (how to fix exploding
gradients) given for 第21题 (activation functions) scored 5.5/10 with 4 of 9 points ticked,
since a segment that names 激活函数 is at 0.91–0.93 from each of them. What decides is where
the answer sits *relative to the other sections*: each sentence is compared with the asked
section's units and with those of the few sections whose questions (titles) are nearest to it;
a sentence is "elsewhere" when another section's closest unit beats the asked one's by
`elsewhere_margin`. When at least `elsewhere_share` of the answer (its sentences weighed by length)
is elsewhere, the answer is graded as covering nothing and the feedback names the section it answers; so is an
answer partly elsewhere (`elsewhere_low_share`) that, taken whole, is nearer that section's question than the asked
one by `elsewhere_title_margin` (an answer to a neighbouring section shares many sentences with the asked one's).

Comparing against every section was measured too: it flags more correct answers to sibling
sections (correct ≤ 3 5 → 7 of 105 on dev); the nearest titles first keep the check to a bounded amount of work at
any notes size, their vectors written at ingest (tuning figures: eval/README.md, 2026-12-03 twelfth session).
"""

from __future__ import annotations

from collections import Counter
from typing import Callable

import numpy as np

from assistant.interview.answer_text import graded_language
from assistant.interview.grader_params import GraderParams
from assistant.interview.grades import Reference
from assistant.interview.units import Units
from assistant.notes.glossary import chinese_terms
from assistant.notes.terms import english_share, language_of
from assistant.retrieval.vector_cache import VectorCache, embedded, unit


class Titles:
    """The question (title) of every section as an e5 vector: memory, then the notes' vector cache, then e5.

    Ingest writes every title's vector to that cache (`retrieval/ingest.py`), so finding the sections nearest
    to an answer reads them and embeds nothing, at any size of the notes. A title missing there (notes parsed
    from files, the cache switched off, a title edited since) is embedded during the grade, at most `limit` of
    them: e5 embeds about 74 titles a second here, so a grade never waits for thousands.
    """

    def __init__(self, sections: Callable[[], list[Reference]], embed: Callable[[list[str]], np.ndarray],
                 cache: VectorCache | None = None) -> None:
        self.sections = sections
        self.embed = embed
        self.cache = cache
        self._known: dict[str, np.ndarray] = {}

    def vectors(self, refs: list[Reference], limit: int) -> np.ndarray | None:
        """The title vectors of these sections, one row each; None when more than `limit` would be embedded."""
        missing = [t for t in dict.fromkeys(r.title for r in refs) if t not in self._known]
        if missing:
            if self.cache is not None:
                found = self.cache.fill(missing, self.embed, limit)
            else:
                found = embedded(missing, self.embed) if len(missing) <= limit else None
            if found is None:
                return None
            self._known.update(found)
        return np.stack([self._known[r.title] for r in refs])

    def closer(self, ref: Reference, other: Reference, vectors: np.ndarray, margin: float, limit: int) -> bool:
        """Are these sentence vectors, taken together, nearer `other`'s question than `ref`'s by `margin`?"""
        titles = self.vectors([ref, other], limit)
        if titles is None or not len(vectors):
            return False
        whole = unit(vectors.mean(axis=0))
        return float((titles[1] - titles[0]) @ whole) >= margin

    def rivals(self, ref: Reference, answer: str, vectors: np.ndarray, k: int, limit: int) -> list[Reference]:
        """The k sections whose questions are nearest to the answer's sentence `vectors`, and for an English answer
        the one nearest to the Chinese terms of its glossary phrases as well (blind QA: "Gradient clipping: … Also use
        ReLU and LSTM." was named an answer to "什么是Batch Normalization？", a title with English words in it, since
        第28题's Chinese "如何修复梯度爆炸问题？" was not among the nearest; searched with the terms instead of beside them,
        the dev answers given to another question were caught less often, 101 → 98 of 105)."""
        found = self.nearest(ref, vectors, k, limit)
        terms = chinese_terms(answer) if language_of(answer) == "en" else []
        if terms and len(vectors):
            found += [r for r in self.nearest(ref, self.embed([" ".join(terms)]), 1, limit) if r not in found]
        return found

    def nearest(self, ref: Reference, vectors: np.ndarray, k: int, limit: int) -> list[Reference]:
        """The k sections other than `ref` whose questions are nearest to any of the sentence vectors
        (none when more than `limit` titles would have to be embedded first)."""
        refs = self.sections()
        titles = self.vectors(refs, limit) if refs and len(vectors) else None
        if titles is None:
            return []
        closeness = (titles @ vectors.T).max(axis=1)
        return [refs[i] for i in np.argsort(-closeness) if refs[i] != ref][:k]  # numbers may repeat across files


def language_lifts(english: bool, shift: float, ref: Reference, texts: list[str]) -> np.ndarray:
    """What each unit of `ref` (`texts`: its units, or its title) gains in cosine with an answer for being written in
    the other language (`shift`, the grader's cross_lingual_shift), so units in the answer's language do not win for
    their language alone.
    - An English answer: each unit by the share of it that is not English prose (`terms.english_share`). Per unit, not
      per section: 第29题 is Chinese notes quoting English ("所以你可能更愿意理解为一串向量 a sequence of vectors"), and
      a correct English answer to 第25题 was graded as an answer to 第29题 for those quotes (blind CLI QA, 2026-12-06).
      Names are no English prose: a unit "Dropout" is lifted like a Chinese one.
    - A Chinese answer: every unit of a section in English, as before. Lifting the English quotes of Chinese sections
      too ("Deep Neural Networks for Object Detection" in 第37题) took a Chinese answer to an English section on Adam
      to 第37题 (tests/test_interview_grader.py).
    Notes in the answer's language (every tuning answer but the English ones to Chinese notes) gain nothing."""
    if english:
        return np.array([shift * (1.0 - english_share(t)) for t in texts], dtype=np.float32)
    return np.full(len(texts), shift if language_of(ref.body) != "zh" else 0.0, dtype=np.float32)


def lifted(vectors: np.ndarray, sentences: np.ndarray, english: bool, shift: float, ref: Reference,
           texts: list[str]) -> np.ndarray:
    """Units × sentences cosines of `ref`'s unit vectors (texts `texts`), each unit lifted for its language
    (`language_lifts`)."""
    return vectors @ sentences.T + language_lifts(english, shift, ref, texts)[:, None]


def elsewhere(mine: np.ndarray, rivals: list[tuple[Reference, np.ndarray]], margin: float, share: float,
              weight: np.ndarray | None = None, low_share: float | None = None,
              confirm: Callable[[Reference], bool] | None = None) -> tuple[Reference | None, np.ndarray]:
    """(the section the answer is about instead, or None; which sentences are elsewhere).

    `mine` is each sentence's best cosine with the asked section's units; each rival comes with its
    units × sentences cosines. A sentence is elsewhere when some rival beats `mine` by more than
    `margin`; the answer is, when at least `share` of its sentences (by `weight`, e.g. length) are, and it is then about the
    rival most of those sentences are closest to. With `low_share` and `confirm`, an answer only that much elsewhere is
    about that rival when `confirm(rival)` says so (the grader: the whole answer is nearer the rival's question)."""
    if not rivals or not len(mine):
        return None, np.zeros(len(mine), dtype=bool)
    best = np.stack([sims.max(axis=0) for _, sims in rivals])  # rivals × sentences
    away = best.max(axis=0) - mine > margin
    where = [int(best[:, j].argmax()) for j in np.flatnonzero(away)]
    weight = np.ones(len(mine)) if weight is None else weight
    found = float(weight[away].sum()) / float(weight.sum())
    rival = rivals[Counter(where).most_common(1)[0][0]][0] if where else None
    if rival is None or found < share and not (low_share is not None and confirm is not None
                                               and found >= low_share and confirm(rival)):
        return None, away
    return rival, away


def about_elsewhere(titles: Titles | None, units: Callable[[Reference], Units], p: GraderParams, ref: Reference,
                    segments: list[str], sims: np.ndarray, vectors: np.ndarray,
                    parent: list[int]) -> tuple[Reference | None, np.ndarray]:
    """The section an answer is about instead of `ref` (or None), and which of its segments are about the asked one.

    `units(section)`: a section's embedded units (the grader's cache); `sims`: the asked section's units against the
    answer's segments; `vectors`: the segments' vectors, its sentences first (`answer_text.answer_parts`). Without
    `titles` (a grader given no sections) every answer is about the asked section."""
    keep = np.ones(len(parent), dtype=bool)
    if titles is None:
        return None, keep
    n = max(parent) + 1
    sentences = vectors[:n]
    # Cosines across languages run lower: a Chinese answer to English notes sat nearer Chinese sections (blind QA).
    english, shift = graded_language(" ".join(segments), ref.body) != "zh", p.cross_lingual_shift
    rivals = [(r, lifted(units(r).vectors, sentences, english, shift, r, units(r).texts))
              for r in titles.rivals(ref, " ".join(segments), sentences, p.elsewhere_rivals, p.elsewhere_max_embedded)]
    # "Most of the answer" by length: a short generic sentence ("I think the main change is…") finds a closer
    # unit somewhere by chance and must not outweigh a long one about the question asked.
    weight = np.array([len(segments[j]) for j in range(n)], dtype=float)

    def nearer_its_question(rival: Reference) -> bool:
        # Partly elsewhere is enough when the whole answer is nearer the rival's question: an answer to a
        # neighbouring section (eval/dev/grading4.jsonl) shares many sentences with the asked one.
        return titles.closer(ref, rival, sentences, p.elsewhere_title_margin, p.elsewhere_max_embedded)

    # The asked question counts as one of its section's units: "防止过拟合可以用Dropout" restates 第38题's question, whose
    # units are four one-word list items, and was named an answer to 第28题 (blind QA run 7).
    asked = units(ref)
    mine = np.maximum(sims[:, :n] + language_lifts(english, shift, ref, asked.texts)[:, None],
                      lifted(asked.question[None, :], sentences, english, shift, ref, [ref.title])).max(axis=0)
    about, away = elsewhere(mine, rivals, p.elsewhere_margin, p.elsewhere_share, weight,
                            p.elsewhere_low_share, nearer_its_question)
    return about, keep if about is None else ~away[np.array(parent)]
