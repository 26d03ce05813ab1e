"""Contradiction rules shared by the grader and the judge: negation, antonym swaps, numbers and crossed roles
(what counts as a number or a count is in `notes/quantities.py`).

Embeddings and term overlap see "不能用梯度截断" and "使用梯度截断" as the same statement. These
rules compare a statement with the one note sentence it is about (the caller aligns them) and
name the contradiction:
- negation: between Chinese texts, one negates words the other affirms (`negated_claim`, both ways:
  "不要用 ReLU" against "使用 ReLU", "应该打乱" against "不能打乱"), or the statement carries more
  negation cues than the note and the note does not negate the same words ("不要饱和" / "不会饱和");
  across languages, the statement carries more negation cues than the note sentence
  (不/不能/不要/不会/并不/没有/无法/未/never/not/don't/cannot/without …). Only an added negation
  counts: a paraphrase that drops one ("学不到" for "无法学习") is too common to call wrong;
- antonym: the statement uses one side of a pair (增大↔减小, 提高↔降低, 更深↔更浅, 大于↔小于,
  越大↔越小, 串行↔并行, 方差↔偏差, larger↔smaller, increase↔decrease …) where the note sentence
  uses the other side and not this one; an English verb of growth (grows, shrinks) counts as a Chinese
  degree side (大, 小) against Chinese notes;
- number: a count with the same classifier differs (两个门 vs 三个门, two gates vs three), two names are given
  each other's values (clipnorm=0.5、clipvalue=1.0 for clipnorm=1.0、clipvalue=0.5), a number is compared with the
  other way (大于 1 for 等于 1, "smaller than 1.0" for 值大于 1.0), or the statement states a number the section
  never does while its note sentence states one;
- roles: the note pairs A with X in one clause and B with Y in another, and the statement pairs A
  with Y and B with X ("sigmoid 常见于全连接层，relu 常见于卷积层" → "sigmoid 常见于卷积层，而 relu
  多见于全连接层"; `roles.crossed_roles`), or what stands before a directed verb (转换成, 导致 …) in
  the note stands after it in the statement (`roles.reversed_direction`);
- rejected claim: the note quotes a claim to reject it ("“容易收敛到局部最优”，很可能是一种想象") and the statement
  asserts it (`disbelief.asserts_rejected`);
- cause: the statement gives an effect the notes explain a cause they do not give ("梯度爆炸主要是因为网络层数太少"
  where the notes blame the activation function; `causes.wrong_cause`).
The edits that embedding callers test against the notes (a statement without its negation, its
opposites) are in `notes/edits.py`; they share this module's word lists (`sides`, `ANTONYMS`, `DEGREE`). The negation
cues are in `notes/cues.py`, what a negation denies and of whom in `notes/denials.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.notes.causes import wrong_cause
from assistant.notes.cues import EN_NEG, negation_density, negations, only_removes
from assistant.notes.denials import about_another, negated_claim, shares_negation
from assistant.notes.disbelief import asserts_rejected, reported_view
from assistant.notes.quantities import number_mismatch
from assistant.notes.roles import crossed_roles, exchanged_members, misattributed, reversed_direction

# Re-exported: callers ask polarity for the rules as a whole (the grader's cue density, the judge's word rule).
__all__ = ["ANTONYMS", "DEGREE", "Conflict", "antonym_swap", "conflict", "negated_claim", "negation_density", "negations",
           "object_swap", "sides", "swapped_sides"]
_CJK = re.compile(r"[\u4e00-\u9fff]")

DEGREE = "(?:[越更过较变偏太很最]|相当|非常|十分|特别)"  # a degree word before 大/小, 多/少 …
_DIMENSIONS = (("大", "小"), ("多", "少"), ("高", "低"), ("深", "浅"), ("长", "短"), ("快", "慢"), ("强", "弱"),
               ("敏感", "鲁棒"))
# The degree words before 大/小 and the last pairs of both lists (提升↔下降/降低, 增强↔削弱, 之前↔之后, grow↔shrink,
# rise↔fall, before↔after, earlier↔later) were added after reading the antonym misses of the blind dev set
# eval/dev/answers2.jsonl (2026-12-02): judge contradiction recall there 11 → 12 of 42, faithful answers kept
# unchanged (26/34), dev grading figures unchanged (bench/tune_points.py judge / grading).
_ZH_PAIRS = (("增大", "减小"), ("增加", "减少"), ("提高", "降低"), ("升高", "降低"), ("上升", "下降"), ("放大", "缩小"),
             ("扩大", "缩小"), ("加快", "减慢"), ("加速", "减速"), ("增长", "衰减"), ("增长", "减小"), ("大于", "小于"),
             ("多于", "少于"), ("高于", "低于"), ("串行", "并行"), ("方差", "偏差"), ("过拟合", "欠拟合"), ("稀疏", "稠密"),
             ("上采样", "下采样"), ("最大", "最小"), ("正区间", "负区间"), ("正半轴", "负半轴"), ("消失", "爆炸"),
             ("可导", "不可导"), ("稳定", "不稳定"), ("可微", "不可微"), ("敏感", "鲁棒"), ("准确", "不准确"),
             ("敏感", "不敏感"), ("简单", "复杂"), ("正比", "反比"), ("抵消", "叠加"), ("抑制", "放大"), ("收敛", "发散"),
             ("减弱", "增强"), ("减半", "加倍"), ("有界", "无界"), ("以0为中心", "不以0为中心"), ("提升", "下降"),
             # 缓解/减轻/减少 ↔ 加重/加剧 and 改善 ↔ 恶化: a blind CLI QA answer "权重正则化会加重梯度爆炸" was ✓ (2026-12-07);
             # on the dev grading sets two wrong answers more are caught ("BN 层会加重梯度弥散"), no rate moved.
             ("提升", "降低"), ("增强", "削弱"), ("之前", "之后"), ("缓解", "加重"), ("缓解", "加剧"), ("减轻", "加重"),
             ("减轻", "加剧"), ("减少", "加剧"), ("减少", "加重"), ("改善", "恶化"),
             # Two more wordings of more ↔ less (dev judge answers: "全连接层…降低模型的非线性" against "增加模型非线性").
             ("增加", "降低"), ("提高", "下降"))
_EN_PAIRS = (("larger", "smaller"), ("bigger", "smaller"), ("increase", "decrease"), ("increases", "decreases"),
             ("increasing", "decreasing"), ("higher", "lower"), ("more", "less"), ("more", "fewer"), ("faster", "slower"),
             ("deeper", "shallower"), ("greater", "less"), ("above", "below"), ("longer", "shorter"),
             ("parallel", "sequential"), ("parallel", "serial"), ("variance", "bias"), ("overfitting", "underfitting"),
             ("sparse", "dense"), ("robust", "sensitive"), ("positive", "negative"), ("maximum", "minimum"),
             ("vanishing", "exploding"), ("upsample", "downsample"), ("upsamples", "downsamples"), ("grows", "shrinks"),
             ("doubles", "halves"), ("simple", "complex"), ("cheap", "expensive"), ("quickly", "slowly"),
             ("noisier", "smoother"), ("stable", "unstable"), ("accurate", "inaccurate"), ("efficient", "inefficient"),
             ("grow", "shrink"), ("growing", "shrinking"), ("grew", "shrank"), ("rise", "fall"), ("rises", "falls"),
             ("before", "after"), ("earlier", "later"))


@dataclass(frozen=True)
class Conflict:
    """A statement that contradicts a note sentence: which rule fired and on what."""

    rule: str  # 'negation' | 'antonym' | 'number' | 'roles' | 'cause'
    statement: str
    note: str
    detail: str



def sides(text: str) -> set[str]:
    """The antonym-pair sides a text uses: 'zh:大', 'zh:增大', 'en:larger' …"""
    low = text.lower()
    found = set()
    for a, b in _DIMENSIONS:
        for word in (a, b):
            if re.search(f"{DEGREE}{word}", text):
                found.add(f"dim:{word}")
    rest = text
    for word in sorted({w for pair in _ZH_PAIRS for w in pair}, key=len, reverse=True):
        if word in rest:  # longest first: the 可导 inside 不可导 is not the other side
            found.add(f"zh:{word}")
            rest = rest.replace(word, " ")
    words = set(re.findall(r"[a-z]+", low))
    for a, b in _EN_PAIRS:
        for word in (a, b):
            if word in words:
                found.add(f"en:{word}")
    return found


def _antonyms() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for prefix, pairs in (("dim", _DIMENSIONS), ("zh", _ZH_PAIRS), ("en", _EN_PAIRS)):
        for a, b in pairs:
            out.setdefault(f"{prefix}:{a}", set()).add(f"{prefix}:{b}")
            out.setdefault(f"{prefix}:{b}", set()).add(f"{prefix}:{a}")
    return out


ANTONYMS = _antonyms()


# English verbs of growth that name one side of a Chinese degree dimension, so an English statement about Chinese
# notes can be compared side by side ("the gradients shrink" against "梯度快速变大"). Comparatives ("a larger batch",
# "more stable") are left out: in a comparison of two options they name the option, and flagged a correct answer
# of the dev grading set (eval/dev/grading.jsonl gd046) when they were in. With the verbs: dev judge contradictions
# in eval/dev/answers2.jsonl 15 → 16 of 42, dev grading negated ≤ 3 25 → 26 of 34; no faithful or correct
# answer of the dev sets scored differently.
_EN_TO_DIM = {"grow": "大", "grows": "大", "growing": "大", "grew": "大", "shrink": "小", "shrinks": "小",
              "shrinking": "小", "shrank": "小"}


def antonym_swap(statement: str, note: str) -> str:
    """'增大↔减小' when the statement uses one side of a pair where the note uses the other and not it, else ''.
    An English statement against a Chinese note also counts its verbs of growth as degree sides (`_EN_TO_DIM`)."""
    swapped = swapped_sides(statement, note)
    return f"{swapped[0].split(':', 1)[1]}↔{swapped[1].split(':', 1)[1]}" if swapped else ""


def swapped_sides(statement: str, note: str) -> tuple[str, str] | None:
    """(the statement's side, the note's side) of the first antonym pair `antonym_swap` finds ('zh:可微', 'zh:不可微')."""
    said, noted = sides(statement), sides(note)
    if not _CJK.search(statement) and _CJK.search(note):
        said |= {f"dim:{_EN_TO_DIM[s[3:]]}" for s in said if s[3:] in _EN_TO_DIM}
    for side in sorted(said - noted):
        other = sorted((ANTONYMS.get(side, set()) & noted) - said)
        if other:
            return side, other[0]
    return None


def _object(text: str, at: int) -> str:
    """The two characters a verb at `at` acts on ("梯度" of "加重梯度爆炸"), past spaces and 了/着/的."""
    rest = text[at:].lstrip(" \t\n了着的")
    return rest[:2] if len(rest) >= 2 and _CJK.match(rest[0]) and _CJK.match(rest[1]) else ""


def object_swap(statement: str, note: str) -> str:
    """'加重↔缓解' when a Chinese statement says one side of a pair of the same object the note says the other side of
    ("权重正则化会加重梯度爆炸" / "…惩罚项有助于缓解梯度爆炸"), and the note never says the statement's side, else ''.

    `antonym_swap` compares a statement with its closest note sentence only (a comparison's clause about one option
    lies close to the other option's sentence); a shared object is alignment enough for a caller that already knows
    whose sentences these are (the grader, for a segment that names its point)."""
    for a, b in ((a, b) for x, y in _ZH_PAIRS for a, b in ((x, y), (y, x)) if x not in y and y not in x):
        if a not in statement or a in note or b not in note:
            continue
        said = {_object(statement, m.end()) for m in re.finditer(re.escape(a), statement)} - {""}
        if said & {_object(note, m.end()) for m in re.finditer(re.escape(b), note)}:
            return f"{a}↔{b}"
    return ""


def conflict(statement: str, note: str, section: str | None = None, added_negation: bool = True,
             subject: frozenset[str] = frozenset()) -> Conflict | None:
    """The first rule by which the statement contradicts the note sentence it is about, or None.

    Negation: between two Chinese texts the negated words must be affirmed by the note
    (`negated_claim`); otherwise (another language) a statement with more negation cues than the note.
    `subject`: the names a statement cut from a longer sentence is said of (`denials.subject_at`).
    `added_negation=False` drops the cue-count criterion (both directions): the grader, which has
    embeddings, asks instead whether the statement without its negation matches the note better
    (`without_negation`); counting cues flagged about half of the correct answers of a blind dev set."""
    both_zh = bool(_CJK.search(statement)) and bool(_CJK.search(note)) and not EN_NEG.search(statement)
    if reported_view(note):  # a view the notes report people holding, to refute it: only asserting it contradicts them
        return Conflict("negation", statement, note, "rejected claim") \
            if both_zh and asserts_rejected(statement, note, section) else None
    # Between Chinese texts the rule runs both ways: the note's "时间序列不能随机打乱" against a plain
    # "应该随机打乱" is as much a contradiction as an added negation.
    added = added_negation and negations(statement) > negations(note)
    if both_zh and (negated_claim(statement, note, subject) or negated_claim(note, statement)
                    or added and not shares_negation(statement, note) and not about_another(statement, section or note, subject)
                    and not only_removes(statement)) \
            or not both_zh and added:
        return Conflict("negation", statement, note, "negation")
    if both_zh and asserts_rejected(statement, note, section):  # "确实很容易收敛到局部最优" against "“容易收敛到局部最优”…是一种想象"
        return Conflict("negation", statement, note, "rejected claim")
    swap = antonym_swap(statement, note)
    if swap:
        return Conflict("antonym", statement, note, swap)
    mismatch = number_mismatch(statement, note, section)
    if mismatch:
        return Conflict("number", statement, note, mismatch)
    crossed = crossed_roles(statement, note) or reversed_direction(statement, note) or exchanged_members(statement, note) or (
        misattributed(statement, section) if section else "")
    if crossed:
        return Conflict("roles", statement, note, crossed)
    cause, noted = wrong_cause(statement, section) if section else ("", "")
    if cause:  # the note sentence that gives the cause is the evidence, not the one the caller aligned
        return Conflict("cause", statement, noted, cause)
    return None
