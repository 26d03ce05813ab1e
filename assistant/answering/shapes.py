"""What shape of answer a question asks for: a list of points, the central sentences, or several parts.

The extractive answerer (`extractive.py`) reads these cues to decide what to quote; they are kept
apart from it because they are about the question alone, not about the notes.
"""

from __future__ import annotations

import re

from assistant.answering.condense import continues
from assistant.notes.text import word_chars
from assistant.retrieval.intent import intents

LIST_CUES = re.compile(
    r"哪些|哪几|如何|怎么(?!回事)|怎样|方法|办法|措施|步骤|手段|技巧|优缺点|优点|缺点|区别|不同|异同|对比|比较|作用|属性|性质|特点|"
    r"\bwhat are\b|\bwhich\b|\bhow (?:to|do|does|can|should|is|are)\b|\bways?\b|\bmethods?\b|\bsteps?\b|\bpros\b|"
    r"\bcons\b|advantages|disadvantages|differen|\bcompare|\bvs\.?\b|\blist\b|properties|\bfixes\b|\btips\b", re.I)
DEFINITION_CUES = re.compile(r"什么是|是什么|是啥|含义|定义|\bwhat is\b|\bwhat's\b|\bdefine\b|\bmeaning\b", re.I)


# An aspect a question asks of its subject, and the words a sentence that states it uses: "sigmoid 有什么缺点？" is
# answered by "不足之处是 sigmod 函数…". Ordinary words for each aspect, not words of any eval item.
ASPECTS = {
    "drawback": (re.compile(r"缺点|利弊|好坏|不足|缺陷|弊端|劣势|局限|短板|坏处|\b(?:drawbacks?|disadvantages?|downsides?|"
                            r"weakness(?:es)?|limitations?|shortcomings?|cons)\b|\bproblems? (?:with|of)\b", re.I),
                 re.compile(r"缺点|不足|缺陷|弊端|劣势|局限|坏处|drawback|disadvantage|downside|weakness|limitation|"
                            r"shortcoming", re.I)),
    "advantage": (re.compile(r"优点|优缺点|利弊|好坏|好处|优势|长处|益处|\b(?:advantages?|benefits?|upsides?|strengths?|"
                             r"pros)\b", re.I),
                  re.compile(r"优点|好处|优势|长处|益处|优于|advantage|benefit|upside|strength", re.I)),
}
# What else a question may ask beside an aspect: "sigmoid 有什么特点和缺点？", "Compare tanh, ReLU and Leaky ReLU: what are
# the pros and cons of each?" want more than the sentences that name a drawback (two dev key-point items lost points).
_OTHER_ASKS = re.compile(r"特点|特性|性质|区别|不同|异同|对比|比较|作用|原理|是什么|什么是|为什么|如何|怎么|怎样|"
                         r"compar|differen|\bvs\b|versus|\bwhat is\b|\bwhy\b|\bhow\b", re.I)


def aspects(question: str) -> list[str]:
    """The aspects a question asks about ("优缺点", "pros and cons": both)."""
    return [name for name, (asked, _) in ASPECTS.items() if asked.search(question)]


def only_aspects(question: str) -> list[str]:
    """`aspects`, when the question asks nothing else (a second part, a comparison, a definition, a reason)."""
    return [] if _OTHER_ASKS.search(question) or len(question_parts(question)) > 1 else aspects(question)


def question_kind(question: str) -> str:
    """'list' for questions asking for several things (ways, properties, differences), else 'central'."""
    return "list" if LIST_CUES.search(question) else "central"


# After a question mark or semicolon, or before an English ", and what/why/how …" that asks a second question;
# "…, and also list …", "…, and explain …" ask a second thing as a request, not a question.
_PART_END = re.compile(r"(?<=[？?；;])\s*|,\s*(?=and\s+(?:also\s+)?(?:what|why|how|which|when|where|is|are|does|do|can|should|"
                       r"list|explain|describe|give|tell|name|compare)\b)", re.I)

# "What is dropout and how does it work?": an English question that goes on, without a comma, to a second one opened by a
# question word (`_en_joints`). Only after a piece that is itself a question (`_EN_ASKS`): a condensed follow-up
# ("recurrent neural network And how would you build one …") is one question; "Explain when and why …" is one too.
_EN_AND = re.compile(r"(?<!\bwhat)(?<!\bwhy)(?<!\bhow)(?<!\bwhich)(?<!\bwhen)(?<!\bwhere)\s+(?=and\s+(?:also\s+)?"
                     r"(?:what|why|how|which|when|where)\b)", re.I)
_EN_ASKS = re.compile(r"^\s*(?:what|what's|why|how|which|when|where|who|is|are|does|do|can|could|should|explain|describe"
                      r"|tell)\b", re.I)
_LEADING_AND = re.compile(r"^and\s+(?:also\s+)?", re.I)  # the joint of "…, and also list …", not part of what is asked
# The Chinese joint of a second question after a comma: "如何防止过拟合，以及Adam和SGD有什么区别？", "…的区别，另外 …",
# "…，顺便讲下 …". Only after a clause that asks something itself (a question word or type): "sigmoid，tanh，以及ReLU有什么
# 区别？" lists what one question compares. Not "另外的…" ("the other …"), which goes on with the same question.
_ZH_JOINT = re.compile(r"[，,]\s*(?=(?:以及|另外|此外|顺便)(?!的))")
_ZH_JOINT_WORD = re.compile(r"^(?:以及|另外(?!的)|此外|顺便(?:问(?:一?下)?|说(?:一?下)?)?)[，,：:\s]*")
# The English joint of a later part ("What is X? Also, how do I …"): how the part is asked, not what (`shown_part`).
_EN_JOINT = re.compile(r"^(?:also|additionally|plus|and)\b[,:\s]*", re.I)
_ASKS = re.compile(r"什么|哪|怎么|怎样|如何|为什么|为啥|为何|吗|呢|是啥|多少|几")


def question_parts(question: str, continuations: bool = False) -> list[str]:
    """The sub-questions of a multi-part question ("卷积的输出尺寸怎么计算？stride 和 padding 有什么作用？"),
    split after a question mark or semicolon; a piece too short to ask anything on its own ("Why?") joins
    its neighbour. `continuations`: an English question going on without a comma to a part that only continues it is
    split too ("What is dropout and how does it work?", `_en_joints`): the search reads such parts (parts.py), while
    the answer's shape treats the question as one ("What is gradient clipping and when should I use it?" still quotes
    the clipping point alone)."""
    parts: list[str] = []
    carry = ""
    pieces = [_LEADING_AND.sub("", x.strip()) for piece in _PART_END.split(question)
              for sentence in (_en_joints(piece) if continuations else [piece]) for x in _zh_joints(sentence)]
    for piece in [pieces[0], *map(without_joint, pieces[1:])]:  # a later piece's joint is no part of what it asks
        if not piece:
            continue
        if word_chars(piece) < 4:
            if parts:
                parts[-1] += piece
            else:
                carry += piece + " "
        else:
            parts.append(carry + piece)
            carry = ""
    return parts or [question]


def shown_part(part: str) -> str:
    """A part as its answer's heading shows it: without an English joint, capitalised as a question of its own ("Also
    how do I detect …" → "How do I detect …"; blind CLI QA). Searched without the joint, the tuning parts lost one gold
    section and one complete answer (bench/tune_parts.py), so only the heading drops it."""
    rest = _EN_JOINT.sub("", part)
    return rest[:1].upper() + rest[1:]


def without_joint(question: str) -> str:
    """The question without the joint that opens it ("另外", "此外，", "顺便问下"): how it is asked, not what ('' when it
    is nothing else). Searched with it, "另外sigmoid有什么缺点？" (the second part of "Adam是什么？另外sigmoid有什么缺点？")
    was covered at 2.3 against 5.5 without it, under the level a part must reach, and the question was declined whole."""
    return _ZH_JOINT_WORD.sub("", question)


def _en_joints(piece: str) -> list[str]:
    """A piece split where an English question goes on without a comma to a second one that only continues it
    (`_EN_AND`, `condense.continues`): "What is dropout and how does it work?". "What is the GELU activation and why do
    Transformers use it?" stays one question: split, its second part was answered from a Transformer section."""
    if not _EN_ASKS.search(piece):
        return [piece]
    head, *rest = re.split(_EN_AND, piece)
    return [head, *rest] if rest and all(continues(_LEADING_AND.sub("", r)) for r in rest) else [piece]


def _zh_joints(piece: str) -> list[str]:
    """A piece split where a Chinese joint starts a second question after a clause that asks one (`_ZH_JOINT`); the
    second keeps its joint, which `question_parts` drops from every later piece."""
    out = [piece]
    for joint in reversed([m.start() for m in _ZH_JOINT.finditer(piece)]):
        head, tail = out[0][:joint], out[0][joint:].lstrip("，, ")
        if _ASKS.search(head) or intents(head):
            out[:1] = [head, tail]
    return out
