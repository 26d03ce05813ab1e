"""Is an answer about the question asked, or about another section of the notes?

e5 cosines between texts of one field sit close together, so an answer to another question
still lands near every point of the asked one: "梯度截断…ReLU…LSTM…L2正则" (how to fix exploding
gradients) given for 第21题 (activation functions) scored 5.5/10 with 4 of 9 points ticked,
since a segment that names 激活函数 is at 0.91–0.93 from each of them. What decides is where
the answer sits *relative to the other sections*: each sentence is compared with the asked
section's units and with those of the few sections whose questions (titles) are nearest to it;
a sentence is "elsewhere" when another section's closest unit beats the asked one's by
`elsewhere_margin`. When at least `elsewhere_share` of the answer (its sentences weighed by length)
is elsewhere, the answer is graded as covering nothing and the feedback names the section it answers.

Comparing against every section was measured too: it flags more correct answers to sibling
sections (correct ≤ 3 5 → 7 of 105 on dev); the nearest titles first keep the check to a bounded amount of work at
any notes size (tuning figures: eval/README.md, 2026-12-03 twelfth session).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Callable

import numpy as np

from assistant.interview.grades import Reference


class Titles:
    """The questions of every section, embedded once per set of sections (memory, then the caller's cache)."""

    def __init__(self, sections: Callable[[], list[Reference]], embed: Callable[[list[str]], np.ndarray],
                 load: Callable[[str, Callable[[], np.ndarray]], np.ndarray]) -> None:
        self.sections = sections
        self.embed = embed
        self.load = load  # (digest, compute) → vectors: the grader's disk cache
        self._cached: tuple[str, np.ndarray] | None = None

    def vectors(self, refs: list[Reference]) -> np.ndarray:
        """The title vectors of these sections (re-embedded when the notes' sections change)."""
        digest = "titles1-" + hashlib.sha1("\n".join(f"{r.number}\t{r.title}" for r in refs).encode()).hexdigest()[:20]
        if self._cached is None or self._cached[0] != digest:
            vectors = self.load(digest, lambda: self.embed([r.title for r in refs]))
            self._cached = (digest, vectors)
        return self._cached[1]

    def nearest(self, ref: Reference, vectors: np.ndarray, k: int, limit: int) -> list[Reference]:
        """The k sections other than `ref` whose questions are nearest to any of the sentence vectors
        (none when there are more than `limit` sections: embedding all their titles would hold up a grade)."""
        refs = self.sections()
        if not refs or len(refs) > limit or not len(vectors):
            return []
        closeness = (self.vectors(refs) @ vectors.T).max(axis=1)
        return [refs[i] for i in np.argsort(-closeness) if refs[i] != ref][:k]  # numbers may repeat across files


def elsewhere(mine: np.ndarray, rivals: list[tuple[Reference, np.ndarray]], margin: float, share: float,
              weight: np.ndarray | None = None) -> tuple[Reference | None, np.ndarray]:
    """(the section the answer is about instead, or None; which sentences are elsewhere).

    `mine` is each sentence's best cosine with the asked section's units; each rival comes with its
    units × sentences cosines. A sentence is elsewhere when some rival beats `mine` by more than
    `margin`; the answer is, when at least `share` of its sentences (by `weight`, e.g. length) are, and it is then about the
    rival most of those sentences are closest to."""
    if not rivals or not len(mine):
        return None, np.zeros(len(mine), dtype=bool)
    best = np.stack([sims.max(axis=0) for _, sims in rivals])  # rivals × sentences
    away = best.max(axis=0) - mine > margin
    where = [int(best[:, j].argmax()) for j in np.flatnonzero(away)]
    weight = np.ones(len(mine)) if weight is None else weight
    if not where or float(weight[away].sum()) < share * float(weight.sum()):
        return None, away
    return rivals[Counter(where).most_common(1)[0][0]][0], away
