"""Denials of bare list items: a grading rule for points that are only a name.

A list item with no sentence of its own (第38题's "BatchNormalization" under "缓解过拟合：") says only that it is one
of the answers to its section's question. The grader's other negation tests miss a denial of it: the cue count
(`OfflineGrader.grade`'s `denies`) needs two cues in a denying answer, and the flip test compares embeddings, which
one item name barely moves. So a clause that names such an item and carries a negation cue contradicts it.
Found on a dev grading answer that scored 10/10 while saying the items "do not help mitigate overfitting at all"
(eval/README.md, 2026-12-04).
"""

from __future__ import annotations

import re

from assistant.notes.glossary import chinese_terms
from assistant.notes.keypoints import Point, key_terms
from assistant.notes.polarity import negations

_CLAUSE_ZH = re.compile(r"[，,；;。！？!?]")
_CLAUSE_EN = re.compile(r"[；;。！？!?]|(?<=\.)\s")
_NAMED_SHARE = 0.6  # of a bare item's own terms a clause must use to name it ("L1/L2 正则化" for "加L1/L2正则化": 4 of 5)


def denied_items(points: list[Point], own: list[frozenset[str]], segments: list[str], english: bool) -> list[tuple[int, str]]:
    """Bare list items (a lead with no sentence of its own, like 第38题's "BatchNormalization" under "缓解过拟合：")
    that a negated clause of the answer names: (point index, clause).

    Such an item says only that it is one of the answers to the section's question, so "BatchNormalization 和网络
    bagging 都不能缓解过拟合" denies it with one negation cue, which `denies` (two cues at least) and the flip test
    (the item's one word barely moves an embedding) both let through. A clause is cut at Chinese commas and at
    sentence ends, not at 、 or an English comma, so a list that one verb denies stays whole."""
    clauses = [piece.strip() for segment in segments for piece in (_CLAUSE_EN if english else _CLAUSE_ZH).split(segment)]
    negated = [(c, key_terms(c) | (key_terms(" ".join(chinese_terms(c))) if english else set()))
               for c in clauses if negations(c)]
    out = []
    for i, point in enumerate(points):
        named = own[i] or key_terms(point.lead)
        if point.support or not named or negations(point.lead):
            continue
        need = max(1, round(_NAMED_SHARE * len(named)))
        if denial := next((c for c, terms in negated if len(named & terms) >= need), None):
            out.append((i, denial))
    return out
