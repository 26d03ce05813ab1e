"""Which point of the outline each answer segment is about, when the answer says so by name.

e5 puts "对异常值非常敏感" next to the notes' "对异常值（outlier）非常敏感" whichever loss the answer said it of. In
"MAE 是绝对误差均值，对异常值非常敏感，最优解是条件均值" the clause is about MAE, whose point says "对异常值更鲁棒": the
answer swapped the two losses' properties, and aligned by meaning alone each clause matched the other loss's
sentence and contradicted nothing. A segment that opens with a point's name (`Point.names`: "MAE", "均方误差"),
or continues a sentence or clause that did, is about that point: the grader checks it against that point's
sentences only.
"""

from __future__ import annotations

import re

from assistant.notes.keypoints import Point

# What may stand before the name of a segment's subject: one connective word ("while MSE…", "而 LSTM…").
_OPENER = re.compile(r"^(?:[A-Za-z]+|[\u4e00-\u9fff]{1,2})?$")
# A sentence that goes on about the subject of the one before: cut at a semicolon (answer_text splits there) or
# opening with a pronoun.
_CONTINUES = re.compile(r"^(?:它|其|这|该|it\b|its\b|this\b)", re.IGNORECASE)


def _named(text: str, names: list[tuple[str, int]]) -> tuple[int | None, bool]:
    """(the point the text opens with, whether it names any point at all)."""
    low = text.lower()
    found = sorted((low.find(name), -len(name), i) for name, i in names if name in low)
    if not found:
        return None, False
    at, _, i = found[0]
    return (i if _OPENER.match(low[:at].strip(" ，,：:")) else None), True


def named_points(text: str, points: list[Point]) -> set[int]:
    """The points a text names anywhere (`Point.names`), wherever the name stands."""
    low = text.lower()
    return {i for i, point in enumerate(points) if any(name in low for name in point.names)}


def segment_subjects(segments: list[str], parent: list[int], points: list[Point]) -> list[int | None]:
    """For each segment (answer_text.answer_parts: sentences first, then their clauses), the index of the point
    it is about by name, or None. A segment naming a point anywhere but at its start ("大误差像 MSE 一样敏感"
    compares with it) has no subject; one naming none inherits its sentence's running subject."""
    names = [(name, i) for i, point in enumerate(points) for name in point.names]
    out: list[int | None] = [None] * len(segments)
    if not names:
        return out
    clauses_of: dict[int, list[int]] = {}
    for j, k in enumerate(parent):
        if j != k:
            clauses_of.setdefault(k, []).append(j)
    running: int | None = None
    for k in (j for j, k in enumerate(parent) if j == k):  # the sentences, in order
        if k and not (segments[k - 1].rstrip().endswith(("；", ";")) or _CONTINUES.match(segments[k].strip())):
            running = None
        clauses = clauses_of.get(k, [])
        for j in clauses or [k]:
            subject, any_named = _named(segments[j], names)
            if any_named:
                running = subject
            out[j] = running
        if clauses:  # the whole sentence: its subject when all its clauses share one
            said = {out[j] for j in clauses}
            out[k] = said.pop() if len(said) == 1 else None
    return out
