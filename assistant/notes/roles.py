"""Role rules of the contradiction check (polarity.conflict): the same terms, paired the other way round.

Negation, antonym and number rules (polarity.py) look at words; these look at which words go
together. A statement can use every word of its note sentence and still say the opposite by
exchanging what goes with what: "sigmoid 常见于全连接层，relu 常见于卷积层" → "sigmoid 常见于卷积层，
relu 常见于全连接层" (`crossed_roles`), or "把循环网络转换成多层感知机" → "把多层感知机转换成了循环网络"
(`reversed_direction`), or "Boosting 是有放回地抽样" when the notes say that of Bagging (`misattributed`).
Terms are `terms.term_set` (Chinese bigrams, Latin words).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from assistant.notes.families import mentions
from assistant.notes.keypoints import outline
from assistant.notes.terms import CJK_RE, LATIN_RE, content_terms, is_latin_word, term_set, to_simplified
from assistant.notes.text import clauses, plain_text

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


_ENUMERATION = re.compile(r"(?<=[A-Za-z0-9])\s*、\s*(?=[A-Za-z0-9])")  # "Sigmoid、Tanh": Latin names listed


def crossed_roles(statement: str, note: str, cover: float = 0.5) -> str:
    """Two clauses of the statement that each begin with the terms of one note clause and end with those of
    another, crosswise: the note's "sigmoid/tanh 常见于全连接层，relu 常见于卷积层" and the statement's
    "sigmoid/tanh 常见于卷积层，而 relu 多见于全连接层". Terms are content terms (Chinese bigrams, Latin
    words) that only one of the two note clauses uses, and the two statement clauses must restate at least
    `cover` of them, and each note clause must have three of its own: a term or two shared by chance
    (梯度, 网络) cross nothing. A statement that merges both note clauses into one clause has at most one
    such clause. Empty when nothing is crossed."""
    # An enumeration ("Sigmoid、Tanh 这类激活函数") names members of one role: cut there, its two halves looked crossed
    # (blind web QA, 2026-12-06: a near-verbatim answer to 第28题's follow-up was marked as contradicting the notes).
    said_clauses = clauses(_ENUMERATION.sub("/", statement))
    notes, said = [term_set(c) for c in clauses(note)], [(c.lower(), term_set(c)) for c in _with_subjects(said_clauses)]
    if len(notes) < 2 or len(said) < 2:
        return ""
    once = {t for t, n in Counter(t for terms in notes for t in terms).items() if n == 1}
    for i, first in enumerate(notes):
        for second in notes[i + 1:]:
            own = (first - second, second - first)
            if min(len(own[0]), len(own[1])) < 3:  # "推力越小": too little of its own to carry a role
                continue
            ends = [_ends(text, terms, own) if _carries(terms, own, once) else None for text, terms in said]
            ab = [terms for (_, terms), e in zip(said, ends) if e == ("first", "second")]
            ba = [terms for (_, terms), e in zip(said, ends) if e == ("second", "first")]
            distinct = own[0] | own[1]
            if any(len((x | y) & distinct) >= cover * len(distinct) for x in ab for y in ba):
                return "roles swapped between two clauses of the note sentence"
    return ""


def _with_subjects(said: list[str]) -> list[str]:
    """The statement's clauses, and each clause without a Latin word joined to the one before it when that one has
    one: the clause goes on saying something of that name ("sigmoid 把实数压缩到 0 到 1 之间，常用于卷积层，relu 常用于
    全连接层": the second clause is sigmoid's; blind CLI QA, 2026-12-06)."""
    out = list(said)
    for before, clause in zip(said, said[1:]):
        if LATIN_RE.search(before) and not LATIN_RE.search(clause):
            out.append(f"{before}，{clause}")
    return out


def _carries(terms: set[str], own: tuple[set[str], set[str]], once: set[str]) -> bool:
    """Whether a statement clause says enough of each of the two note clauses to stand for it: two of its terms, a
    Latin word (a name: "sigmoid 常见于卷积层"), or a term no other clause of the note uses ("…，比中心差分更精确": 精确).
    One term that other clauses use too is chance: "网络层之间大于1.0的梯度…" began with 网络 (of "在深层网络…中", also in
    two more clauses) and ended with 梯度 (of "变成非常大的梯度", also in "误差梯度…"), and a near-verbatim answer to
    第25题 was marked as contradicting the notes (blind CLI QA, 2026-12-07)."""
    def enough(side: set[str]) -> bool:
        hit = terms & side
        return len(hit) >= 2 or any(is_latin_word(t) or t in once for t in hit)

    return all(enough(side) for side in own)


def _ends(text: str, terms: set[str], own: tuple[set[str], set[str]]) -> tuple[str, str] | None:
    """Which note clause the statement clause's first and last distinctive terms come from (None: not both)."""
    found = sorted((text.find(t), side) for side, pool in zip(("first", "second"), own) for t in terms & pool)
    if not found or {side for _, side in found} != {"first", "second"}:
        return None
    return found[0][1], found[-1][1]


# exchanged_members was written after the blind QA run of 2026-12-05 ("GRU has three gates (forget, input, output) and
# LSTM has only two (update and reset)" scored 5.6/10 beside 0 for its Chinese twin): the clause rules need each side
# in a clause of its own and the same language. Dev figures in eval/README.md (2026-12-05, sixth session).
def exchanged_members(statement: str, note: str, least: int = 2) -> str:
    """Two members of one family (families.tsv: GRU and LSTM, sigmoid and ReLU) that the note and the statement both
    name, with what the note says after one said after the other: each shared term (Latin word, Chinese bigram) belongs
    to the member named last before it. At least `least` terms must change owner, more than keep theirs. Works across
    languages on the Latin words the notes quote ("GRU 只有两个门（update 和 reset），LSTM 有三个门（forget …）").
    Empty when nothing is exchanged."""
    said, noted = _owners(statement), _owners(note)
    members = {m for owners in said.values() for m in owners} & {m for owners in noted.values() for m in owners}
    if len(members) < 2:
        return ""
    moved = kept = 0
    for term in said.keys() & noted.keys():
        a, b = said[term] & members, noted[term] & members
        if a and b:
            kept, moved = (kept + 1, moved) if a & b else (kept, moved + 1)
    return "what the notes say of one name said of another" if moved >= least and moved > kept else ""


def _owners(text: str) -> dict[str, set[int]]:
    """Each content term of the text with the family members named last before its uses."""
    text = to_simplified(text)
    named = mentions(text)
    if len(named) < 2:
        return {}
    low = text.lower()
    latin, cjk = (set(terms) for terms in content_terms(text))
    spots = [(m.start(), m.group()) for m in LATIN_RE.finditer(low) if m.group() in latin]
    spots += [(run.start() + i, run.group()[i: i + 2]) for run in CJK_RE.finditer(low)
              for i in range(len(run.group()) - 1) if run.group()[i: i + 2] in cjk]
    out: dict[str, set[int]] = {}
    for at, term in spots:
        before = [i for a, b, i in named if b <= at]
        inside = any(a <= at < b for a, b, _ in named)  # a word of a name is the name, not what is said of it
        if before and not inside:
            out.setdefault(term, set()).add(before[-1])
    return out


# misattributed was written after reading the "swapped" answers of eval/dev/grading2.jsonl that scored > 3
# (L1 ↔ L2, Bagging ↔ Boosting, MSE ↔ MAE) and tightened on the correct answers it first flagged there (the
# subject must open the clause; a note sentence naming both points speaks of both; only Latin-named points).
# Dev grading (205): partial > wrong 134 → 137 of 178, correct answers ≤ 3 unchanged (5 of 66), no correct or
# partial answer newly contradicted; dev judge figures unchanged.
# What may stand before the subject of a clause: a conjunction ("而 Boosting …", "while MAE …").
_LEAD_IN = re.compile(r"^(?:[而但且和与及或]|而且|但是|其中|相反|反之|and|but|while|whereas)?\s*", re.I)


@dataclass(frozen=True)
class _NamedPoints:
    """The Latin-named points of a section's outline, as `misattributed` reads them."""

    labels: tuple[str, ...]
    keys: tuple[frozenset[str], ...]  # what names each point in a statement
    own: tuple[frozenset[str], ...]  # the terms of each point's sentences
    only: dict[tuple[int, int], frozenset[str]]  # (b, a): terms b's sentences say without naming a, and a's lack
    name_terms: frozenset[str]


@lru_cache(maxsize=256)
def _named_points(section: str) -> _NamedPoints | None:
    """Built once per section: the grader and the judge ask about every answer segment and aligned note unit."""
    every = outline(section).points
    points = [pt for pt in every if any(re.search(r"[a-z]", name) for name in pt.names)]
    if len(points) < 2:
        return None
    # A point is named by its names and their Latin words, minus any key that names two points
    # ("l1" in both "MAE，L1 损失" and "Smooth L1").
    words = [{w for name in pt.names for w in re.findall(r"[a-z][a-z0-9]+", name)} for pt in points]
    keys = [set(pt.names) | ws for pt, ws in zip(points, words)]
    shared = {k for i, ks in enumerate(keys) for k in ks if any(k in other for j, other in enumerate(keys) if j != i)}
    # Nor a Latin word of a name that the sentences of two other points of the outline use, when the point keeps a name
    # without it: the word is the section's topic and the rest names the point ("RNN" of "经典的RNN结构（N vs N）" in the
    # section on building an RNN made "RNN 引入隐状态 h…参数共享" a claim about N vs N that took N vs M's words; blind web QA,
    # 2026-12-06). "L1" of "L1 正则化" stays: nothing else names that point.
    spoken = [" ".join(plain_text(s) for s in pt.sentences).lower() for pt in every]
    for i, (pt, ws) in enumerate(zip(points, words)):
        topic = {w for w in ws - shared if sum(w in text for other, text in zip(every, spoken) if other is not pt) >= 2}
        if topic and any(not any(w in k for w in topic) for k in keys[i] - shared):
            keys[i] = {k for k in keys[i] if not any(w in k for w in topic)}
    keys = [ks - shared for ks in keys]
    texts = [[plain_text(s) for s in pt.sentences] for pt in points]
    own = [frozenset(term_set(" ".join(t))) for t in texts]
    # A sentence of b that names a too speaks of both, so it says nothing of b alone.
    only = {(b, a): frozenset(term_set(" ".join(t for t in texts[b] if not any(k in t.lower() for k in keys[a]))) - own[a])
            for b in range(len(points)) for a in range(len(points)) if a != b}
    return _NamedPoints(tuple(pt.label for pt in points), tuple(frozenset(k) for k in keys), tuple(own), only,
                        frozenset(t for ks in keys for k in ks for t in term_set(k)))


def misattributed(statement: str, section: str, min_terms: int = 2) -> str:
    """A clause whose subject is one named point of the section's outline (Bagging) and that says what the
    notes say only of another named point (串行, 偏差: Boosting's): at least `min_terms` of its terms belong
    to the other point's sentences and not to its own, more than to its own and not the other's. Points are named
    when their names hold a Latin word (MSE, Bagging, L1 正则化); the name must open the clause, since "收敛比
    tanh 快" is not about tanh. Empty when no clause is misattributed."""
    named_points = _named_points(section)
    if named_points is None:
        return ""
    keys, own = named_points.keys, named_points.own
    for clause in clauses(statement):
        low = _LEAD_IN.sub("", clause.strip().lower(), count=1)
        named = [i for i, ks in enumerate(keys) if any(k in low for k in ks)]
        if len(named) != 1 or not any(low.startswith(k) for k in keys[named[0]]):
            continue
        a = named[0]
        terms = term_set(clause) - named_points.name_terms
        for b in range(len(keys)):
            theirs = terms & named_points.only[b, a] if b != a else set()
            if len(theirs) >= min_terms and len(theirs) > len(terms & (own[a] - own[b])):
                return f"said of {named_points.labels[a]} what the notes say of {named_points.labels[b]}"
    return ""
