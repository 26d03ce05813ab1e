"""What a negation denies, and of whom: the word rules behind the negation contradiction.

"不要使用ReLU" denies ReLU; the note "使用 ReLU 激活函数" affirms it, so the two disagree (`negated_claim`). A denial is
said of the name its clause (or the clause before it) names: "LayerNorm不依赖batch大小" is about LayerNorm, and the
note "BatchNorm 依赖 batch 统计量，…；LayerNorm 与 batch 大小无关" affirms 依赖 only of BatchNorm, so they agree
(`_same_subject`, `about_another`, `said_of_other`; blind QA run 7 had three correct answers at 0-4/10 this way).
"""

from __future__ import annotations

import re

from assistant.notes.cues import ZH_NEG, asked
from assistant.notes.terms import technical_names

_CUE_OBJECT = re.compile(r"(?:" + ZH_NEG.pattern + r")([^，,。；;：:！？!?]{1,12})")
# 很难/难以 before a word do not affirm it ("很难找到局部极值"); the noun 困难 negates nothing. On the three dev grading
# sets (eval/dev/grading*.jsonl and the first blind set's, n=310): correct ≤ 3 5 → 4 of 85, twin margin 43 → 44 of
# 53, partial > wrong 141 → 142 of 178, nothing lost; the judge's dev figures unchanged. (Treating 而不是 as no
# negation instead lost a negated answer and two judge contradictions.)
_NEG_BEFORE = re.compile(r"(?:" + ZH_NEG.pattern + r"|[无非]|(?<!困)难)[^，,。；;：:]{0,4}$")
_FILLER_VERBS = re.compile(r"^(?:要|能|会|应该?|需要?|用|使用|是|在|再|可以|必须|一定|太|很|了|让|使|令|导致|造成|引起|出现|来)+")


def _negated_words(statement: str, whole: bool = False) -> list[str]:
    """The first words after each negation cue of a Chinese text ("不要使用ReLU" → "ReLU"); `whole`: every word of
    the negated phrase, past a 的 too ("没有单独的memory cell" → 单独, memory, cell)."""
    out = []
    for match in _CUE_OBJECT.finditer(asked(statement)):
        obj = _FILLER_VERBS.sub("", match.group(match.lastindex or 1).strip())
        # A negated relative clause ends at 的: in "无法再更新的 NaN 权重值" the weights exist; only 更新 is denied
        # (a correct answer "权重变成 NaN 无法再更新" read as denying NaN, 0/10, blind QA).
        words = re.findall(r"[A-Za-z][A-Za-z0-9-]+|[\u4e00-\u9fff]{2}", obj if whole else obj.split("的")[0])
        out.extend(words if whole else words[:2])
    return out


# A word put before its negated verb with 都/也 is negated too: "连局部最优都从未找到过", "梯度也不会消失" (a faithful answer of
# the blind dev set eval/dev/answers3.jsonl read as affirming the 局部最优 its note denies).
_NEG_AFTER = re.compile(r"^[^，,。；;：:！？!?]{0,6}?[都也](?:从来|从|再|还)?(?:" + ZH_NEG.pattern + ")"
                        # "与 batch 大小无关": what a thing is unrelated to is not affirmed of it.
                        r"|^[^，,。；;：:！？!?]{0,8}?(?:无关|不相关|没有?关系)")


def _negated_in(word: str, note: str) -> bool | None:
    """None when the note does not use the word; True when some use of it is negated (不/没/无/非… just before,
    or 都/也 and a negation just after)."""
    spots = [m.start() for m in re.finditer(re.escape(word), note)]
    return any(_NEG_BEFORE.search(note[:at]) or _NEG_AFTER.search(note[at + len(word):]) for at in spots) if spots else None


# A note clause that sets up a condition ("如果把所有权重都初始化为 0，…") affirms nothing: "权重不能全初始化成 0" agrees with
# it (a correct dev answer 4.1 → 9.9/10; no other dev grade or judge figure moved).
_CONDITIONAL = re.compile(r"^\s*(?:如果|假如|假设|若|倘若|一旦|只要|要是)")


def negated_claim(statement: str, note: str, subject: frozenset[str] = frozenset()) -> bool:
    """True when a Chinese statement negates something the note affirms: the words after one of its
    negation cues ("不要使用ReLU" → "ReLU") occur in the note, never with a negation (不/没/无/非…) just
    before them. A negation the note shares ("不会饱和" / "非饱和") is no contradiction, nor is a note
    clause that only sets up a condition."""
    if _CONDITIONAL.search(note):
        return False
    return any(_negated_in(word, _same_subject(note, said_of)) is False for word, said_of in _negated_subjects(statement, subject))


# Clauses of a Chinese text, and the names that open a comparison ("相比LSTM，GRU去掉了输出门": GRU is the subject).
_CLAUSE_SPLIT = re.compile(r"[，,；;。！？!?]")
_REPLACES = re.compile(r"替换|代替|取代")
_COMPARED = re.compile(r"^\s*(?:相比|相比于|相较于?|和|与|跟|比起|对比)")


def _negated_subjects(statement: str, subject: frozenset[str] = frozenset()) -> list[tuple[str, frozenset[str]]]:
    """Each negated word of a statement with the names of what it is said of: the names of its clause before
    the cue, else of the nearest earlier clause that names something (a comparison's "相比X" does not), else
    `subject` (what the sentence a clause was cut from named before it: `subject_at`)."""
    return [(word, said_of) for clause, said_of in _denials(statement, subject) for word in _negated_words(clause)]


def _denials(statement: str, subject: frozenset[str] = frozenset()) -> list[tuple[str, frozenset[str]]]:
    """The clauses of a statement that carry a negation cue, each with the names of what it is said of."""
    out: list[tuple[str, frozenset[str]]] = []
    for clause in _CLAUSE_SPLIT.split(asked(statement)):
        cue = ZH_NEG.search(clause)
        # "用sigmoid替换ReLU": what stands before a replacing verb is the replacement, not what the clause is about.
        named = frozenset() if cue and _REPLACES.match(cue.group()) else frozenset(
            technical_names(clause[: cue.start()] if cue else clause))
        if named and not _COMPARED.match(clause):
            subject = named
        if cue:
            out.append((clause, subject))
    return out


def _same_subject(note: str, subject: frozenset[str]) -> str:
    """The note without its clauses about something else: those naming a name but none of the subject's. "LayerNorm
    不依赖batch大小" agrees with "BatchNorm 依赖 batch 统计量，…；LayerNorm 与 batch 大小无关", which it was said to deny (0/10,
    blind QA run 7), and "GRU…没有单独的memory cell" with "而 LSTM 用 memory cell 把 hidden state 包装起来"."""
    if not subject:
        return note
    kept: list[str] = []
    said_of: frozenset[str] = frozenset()
    for clause in _CLAUSE_SPLIT.split(note):
        # A clause naming nothing is about what the clause before it named ("BatchNorm 依赖 batch 统计量，batch 小时不稳定").
        said_of = frozenset(technical_names(clause)) or said_of
        if not said_of or said_of & subject:
            kept.append(clause)
    return "，".join(kept)


def subject_at(sentence: str, clause: str) -> frozenset[str]:
    """The names a sentence has made its subject by the time `clause` (a part of it) begins: "相比LSTM，GRU去掉了输出门，
    并且没有单独的memory cell" → GRU for its last clause, which the grader also checks alone."""
    at = sentence.find(clause)
    denied = _denials(sentence[:at] + "不") if at > 0 else []  # a cue at the cut: the subject in force there
    return denied[-1][1] if denied else frozenset()


def said_of_other(statement: str, note: str, subject: frozenset[str] = frozenset()) -> bool:
    """True when a Chinese statement denies something of a name and the note unit speaks only of other names
    ("BatchNorm不依赖batch大小" against "LayerNorm 与 batch 大小无关"): the unit cannot confirm or refute it."""
    subjects = [s for _, s in _negated_subjects(statement, subject) if s]
    return bool(subjects) and all(not _same_subject(note, s).strip(" ，") for s in subjects)


def about_another(statement: str, note: str, subject: frozenset[str] = frozenset()) -> bool:
    """True when what a Chinese statement denies is affirmed in the note only of something else (the embedding flip
    test, which cannot tell whose claim it is, is then not asked)."""
    # Every word of what is denied counts here: "没有单独的memory cell" is about the memory cell.
    pairs = [(w, s) for clause, s in _denials(statement, subject) for w in _negated_words(clause, whole=True)]
    return any(_negated_in(w, note) is False for w, _ in pairs) and not any(
        _negated_in(w, _same_subject(note, s)) is False for w, s in pairs)


def shares_negation(statement: str, note: str) -> bool:
    return any(_negated_in(word, note) for word in _negated_words(statement))


