"""Negation cues: which words deny (不/没有/无法/去掉 …, not/never/don't …), and how many a text carries.

Shared by the word rules of `notes/denials.py`, the contradiction rules of `notes/polarity.py` and the grader's
cue-density test. What a cue denies, and of whom, is `denials.py`'s concern.
"""

from __future__ import annotations

import re

_TAKES_AWAY = r"去掉|去除|移除|删除|删掉|取消|舍弃|抛弃"
_REMOVAL = _TAKES_AWAY + r"|(?:替换|代替|取代)(?![成为])"
# Lexicalised 不 that negate nothing: 不同 (different), 不断 (continually), 不仅 (not only) …; and 没有 of a comparison
# ("局部最优没有想象中那么可怕": less than, not "not"), which made a correct answer contradict "很难找到局部极值".
ZH_NEG = re.compile(r"不(?!同|断|仅|过|少|管|论|久|但|如|像|然|变|只|止|足|稳定|确定|可导|可微|连续|均|平|容易|敏感|相同|一样)"
                     r"|没有?(?![^，,。；;！？]{0,12}?(?:那么|这么))|无法|无需|并非|未(?!来)"
                     # Taking a thing away, or putting another in its place, denies it: "用sigmoid替换ReLU" got ✓ on "使用 ReLU
                     # 激活函数" (blind QA). 替换成/为 puts in what follows. Dev: the 390 grades and the judge sets unchanged
                     # but one wrong answer (0.6 → 0).
                     r"|" + _REMOVAL)
# and their English twins: "no matter how small" (不管), "not only" (不仅), "not as bad as" (没有…那么).
EN_NEG = re.compile(r"\b(?:not(?! only\b)(?! as \w+(?: \w+)? as\b)|no(?! matter\b)|never|cannot|can't|don't|doesn't|isn't|aren't|won't|wouldn't|"
                     r"shouldn't|didn't|hasn't|haven't|without|neither|nor|none)\b|n't\b", re.I)


# "A不A" / "A没A" ask a yes-no question (能不能, 是不是, 要不要, 有没有, 可不可以): no negation. A correct answer
# full of "层数能不能少一点" counted as a denial of its section (eval/dev/grading2.jsonl g2-013, 0/10). On the dev
# grading sets: correct ≤ 3 6 → 5 of 66, mean partial 5.05 → 5.16, no other rate moved; dev judge unchanged.
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")


# Hedges doubt a claim without denying it: "不是说 loss 变 NaN 就一定是梯度爆炸", "还不行就加 weight regularization",
# "It isn't guaranteed to beat ReLU", "lengths don't have to match". 不用 stays a negation ("不用 LSTM").
# Written from the correct answers of the dev grading sets that the rules marked contradicted (13 of 66 → 9):
# twin margin 27 → 29 of 34, no wrong answer lost a catch; dev judge faithful kept 30 → 31 of 34, recall unchanged.
_HEDGE = re.compile(r"不一定|未必|不见得|不是说|不必|不行就|不行的话|"
                    r"\b(?:not|isn't|aren't|is not|are not)\s+(?:necessarily|always|guaranteed)\b|"
                    r"\b(?:don't|doesn't|do not|does not)\s+(?:have|need)\s+to\b|\bneed(?:n't| not)\b", re.I)


def asked(text: str) -> str:
    """The text with its A不A questions reduced to A and its hedges taken out: what it claims or denies."""
    return _HEDGE.sub(" ", _A_NOT_A.sub(r"\1", text))


def negations(text: str) -> int:
    """How many negation cues a text carries (Chinese and English)."""
    text = asked(text)
    return len(ZH_NEG.findall(text)) + len(EN_NEG.findall(text))


def negation_density(text: str) -> float:
    """Negation cues per character: how much a text denies, comparable between an answer and its section."""
    return negations(text) / max(1, len(text))


def only_removes(text: str) -> bool:
    """True when every negation cue of a text takes something away ("GRU去掉了输出门"): taking the cue out does not
    give what the text denies ("GRU了输出门"), so neither the embedding flip test nor a count of cues can judge it;
    the word rules still do. (A replacing verb stays with them: "用sigmoid替换ReLU" without it rises to the notes.)"""
    cues = ZH_NEG.findall(asked(text))
    return bool(cues) and all(re.fullmatch(_TAKES_AWAY, c) for c in cues) and not EN_NEG.search(text)


