"""One-fact questions: a question about one fact of a section is answered with the sentence that states it, first.

"clipnorm 默认值是多少", "GRU 有几个门？", "RNN的参数在不同时间步之间是共享的吗", "CNN里BN层是干嘛的",
"What is Adam's default epsilon?" ask for one value, one yes or no, one purpose. The central-sentence answer
(`extractive._central_quotes`) quotes the section's most central sentences in reading order, so the fact came
last of seven (a question on YOLO's mAP: the 63.4 % sentence after the author's "业余级新手" remark), and a list
question's path quoted every point ("clipnorm 默认值是多少": the five remedies' headings too). A candidate answers
such a question out loud with the fact, then stops soon after (blind QA). So this module
- tells such questions apart (`asks_one_fact`): a cue for a value, a count, a default, a yes/no or a purpose,
  and none for a list, a reason, a definition or a second question: those keep their answers;
- ranks every sentence of the section by how it states what is asked (`fact_quotes`): the question's terms,
  each weighted by how few of the section's sentences use it (the named point, "YOLO", "beta2", picks the sentence;
  "VOC2007", in six of them, does not), a number when the question asks how many or how much, and e5;
- quotes the best sentence first, then at most `fact_support` sentences (what the fact needs to be read: its
  point's lead, the sentence it points back to; else the next best), and the answer points to the rest of the
  section ("more in [n]", `pointed`).
Apart from `extractive.py`, which decides what a question's answer quotes for every other kind of question.
"""

from __future__ import annotations

import math
import re

from assistant.answering.focus import named_points, plain_terms
from assistant.answering.params import AnswerParams
from assistant.answering.quotes import INTRODUCES, REFERS_BACK, Quote
from assistant.answering.relevance import Relevance, semantic_z
from assistant.answering.shapes import DEFINITION_CUES, question_parts
from assistant.notes.glossary import chinese_terms
from assistant.notes.keypoints import Outline, outline
from assistant.notes.terms import CJK_RE, FUNCTION_CHARS, STOP_WORDS, mostly_latin, tokenize
from assistant.notes.text import LIST_NUMBER_RE, plain_text
from assistant.retrieval.answerable import asks_formula
from assistant.retrieval.results import Hit

_LABEL_OR_SENTENCE = re.compile(r"[：:。！？!?；;]")

# A value, a count or a default: "默认值是多少", "几个门", "取值", "how many", "what value of …". "几乎" and "几何" are not
# counts; "几种/几类" ask for kinds, a list.
_ASKS_NUMBER = re.compile(
    r"默认|多少|几(?!乎|何|种|类)|取值|取什么|设为多|设成多|多大|多长|多高|什么范围|哪个值|(?:形状|范围|大小|维度|比例)(?:是|为)|\bdefaults?\b|\bhow (?:many|much|large|big|long)\b|"
    r"\bwhat(?: is| are|'s)? (?:the |its |a )?(?:[\w-]+ )?(?:value|number|range|size|ratio|rate|percentage|shape)s?\b|"
    r"\bwhich (?:value|delta|number)\b", re.I)
# A purpose ("是干嘛的", "做什么的", "What is X for?") or a name ("叫什么"). "有什么用/作用" are not here: they ask for the
# uses of a thing, often several ("1x1 卷积有什么用？" wants five points of a dev key-point item).
_ASKS_PURPOSE = re.compile(r"干嘛|干啥|做什么的|干什么的|干什么用|叫什么|\bwhat(?: is| are|'s)\b[^?？]*\bfor\b\s*(?:in\b[^?？]*)?[?？]?\s*$",
                           re.I)
# A yes/no question: "…是共享的吗", "是否…", "Does GRU …?", "Is … ?". Not when it asks for a definition or an
# explanation ("你知道什么是 RNN 吗", "能说说…吗").
_ASKS_YES_NO = re.compile(r"是否|吗\s*[？?！!。]*\s*$|^\s*(?:is|are|does|do|did|can|could|should|will|would|has|have)\b",
                          re.I)
# A list asked for: `shapes.LIST_CUES` but the words that also say something else in a one-fact question: "不同" of
# "在不同时间步之间", "比较" of "几次比较", "which" of "with which delta".
_ASKS_LIST = re.compile(
    r"哪些|哪几|如何|怎么|怎样|方法|办法|措施|步骤|手段|技巧|优缺点|优点|缺点|区别|异同|对比|作用|属性|性质|特点|什么不同|不同之处|"
    r"\bwhat are\b|\bwhich (?:are|ones)\b|\bhow (?:to|do|does|can|should|is|are)\b|\bways?\b|\bmethods?\b|\bsteps?\b|"
    r"\bpros\b|\bcons\b|advantages|disadvantages|differen|\bcompare|\bvs\.?\b|\blist\b|properties|\bfixes\b|\btips\b", re.I)
# What makes a question more than one fact: a reason, an explanation asked for, a second question joined by "and",
# values asked for two cases ("分别是多少", "at stride 1 and at stride 2": a dev key-point item wanted both and the
# formula behind them).
_ASKS_MORE = re.compile(r"为什么|为何|为啥|原理|说说|讲讲|介绍|解释|详细|分别|各自|各是|各为|\bwhy\b|\bexplain\b|"
                        r"\bdescribe\b|\brespectively\b|\beach\b|\bboth\b|以及|"
                        r"\band (?:what|why|how|when|where|which|is|are|does|do|at|for|with|in)\b", re.I)
# A sentence that states a value or a count: a digit, or a Chinese numeral before a measure word ("两个门", "三个门");
# not the number of a list item ("**1. 更新公式：**", LIST_NUMBER_RE), nor "一种/一类" ("a kind of": "GRU 是…循环神经网络的
# 一种" outranked "GRU 只有两个门" for "How many gates does a GRU have?", blind web QA 2026-12-06).
_STATES_NUMBER = re.compile(r"\d|[两二三四五六七八九十百千万][个层门步倍次维份折位种类]|一[个层门步倍次维份折位]")


def _states_number(sentence: str) -> bool:
    return bool(_STATES_NUMBER.search(LIST_NUMBER_RE.sub("", plain_text(sentence))))


def asks_one_fact(question: str) -> bool:
    """Whether the question asks for one fact of a section: a value, a count, a default, a purpose or a yes/no, and
    not a list, a reason, a computation, a definition alone, values for two cases or a second question."""
    if _ASKS_LIST.search(question) or _ASKS_MORE.search(question) or len(question_parts(question)) > 1:
        return False
    if asks_formula(question):  # "输出尺寸的计算公式是什么": the equation and its terms are the answer
        return False
    if _ASKS_NUMBER.search(question) or _ASKS_PURPOSE.search(question):
        return True
    return bool(_ASKS_YES_NO.search(question)) and not DEFINITION_CUES.search(question)


def asks_number(question: str) -> bool:
    """Whether the question asks for a value or a count ("多少", "几个", "默认", "how many")."""
    return bool(_ASKS_NUMBER.search(question))


# Leading clauses about the asker, not the fact: "我在准备面试，面试官之前问过我关于梯度爆炸的问题，我想知道…持续超过多少…",
# "想确认一下：…". Their words (确认, 梯度爆炸问题) picked the section's lead-in sentences over the fact (blind CLI QA).
_PREAMBLE = re.compile(r"^(?:[^，,：:；;。？?！!]*(?:我|面试|请问|想问|问一下|确认一下|想确认)[^，,：:；;。？?！!]*[，,：:；;]\s*)+")


def _without_preamble(question: str) -> str:
    """The question without its leading clauses about the asker (`_PREAMBLE`), when something is left."""
    rest = _PREAMBLE.sub("", question)
    return rest if _terms(rest) else question


def _terms(text: str) -> set[str]:
    """The terms of a text as BM25 reads it (`tokenize`: Latin words and numbers, every Chinese bigram) but stop words
    and bigrams of function characters alone: "个门" of "几个门" is what "两个门" shares with it, "k" and "0.9" name
    what is asked as much as words do."""
    return {t for t in tokenize(plain_text(text)) if t not in STOP_WORDS and not set(t) <= FUNCTION_CHARS}


def fact_scores(question: str, sentences: list[str], p: AnswerParams, rel: Relevance, title: str = "",
                leads: frozenset[str] = frozenset(), names: str = "") -> list[float]:
    """How well each sentence states what the question asks: the share of the question's terms it holds, each term
    weighted by its inverse sentence frequency in the section, plus fact_number_bonus for a number when the
    question asks how many or how much, fact_lead_bonus for the lead of a point, and fact_e5_weight times its e5
    z-score among the section's sentences. The terms of the section's title and of the points the question names
    (`focus.named_points`) are left out when others remain: they found the section and the point ("adam" of "adam
    默认学习率是多少" is in its lead-in line alone, which says no value; "bagging" is in the lead of its point, not in
    "主要作用是降低方差")."""
    asked = _terms(_without_preamble(question))
    singles: set[str] = set()
    if mostly_latin(question) and sentences and not mostly_latin(" ".join(sentences)):
        gloss = chinese_terms(question)  # an English question on Chinese notes shares their terms through the glossary
        # A one-character term ("gates" → 门) is no bigram: it is held by a sentence that writes it ("How many gates does
        # a GRU have?" quoted "GRU 是…循环神经网络的一种" and not "GRU 只有两个门", blind web QA 2026-12-06).
        singles = {t for t in gloss if len(t) == 1 and CJK_RE.match(t)}
        asked |= plain_terms(" ".join(gloss)) | singles
    asked = (asked - _terms(title)) or asked
    asked = (asked - _terms(names)) or asked
    held = [_terms(s) | {c for c in singles if c in s} for s in sentences]
    df = {t: sum(t in h for h in held) for t in asked}
    weight = {t: math.log(1 + len(sentences) / df[t]) for t in asked if df[t]}
    total = sum(weight.values()) or 1.0
    number = p.fact_number_bonus if asks_number(question) else 0.0
    sem = semantic_z(question, sentences, rel)
    return [sum(weight.get(t, 0.0) for t in h) / total + number * _states_number(s)
            + p.fact_lead_bonus * (s in leads) + p.fact_e5_weight * z for s, h, z in zip(sentences, held, sem)]


def fact_quotes(question: str, n: int, o: Outline, p: AnswerParams, rel: Relevance, title: str = "") -> list[Quote]:
    """The answer to a one-fact question from section [n]: the best sentence first (rank -1, never cut), then at most
    fact_support supporting sentences in reading order."""
    titles = {pt.lead for pt in o.points if pt.kind == "heading"}  # a `### N.M` title states nothing
    sentences = [s for s in o.sentences() if s not in titles]
    if not sentences:
        return []
    names = " ".join(name for pt in named_points(question, o, title) for name in pt.names)
    scores = fact_scores(question, sentences, p, rel, title, frozenset(pt.lead for pt in o.points), names)
    ranked = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    best = ranked[0]
    # What the best sentence needs to be read comes before any other support: the lead of the point it supports
    # ("**1. 更新公式：**…" for "其中…β 是动量系数，最常用的取值是 0.9"), the sentence it points back to ("其中…", "这…"),
    # the one it introduces ("公式为：").
    # Not a bare title ("使用梯度截断（Gradient Clipping）"): quoted after the fact, it read as a stray heading between facts
    # ("clipnorm 默认值是多少", blind web QA). A label ("**2. ReLU：** 表达式为 `max(0, x)`。") says whose fact it is.
    lead_of = {s: pt.lead for pt in o.points if pt.kind in ("item", "bold", "bullet") and not _title_only(pt.lead)
               for s in pt.support}
    index = {s: i for i, s in enumerate(sentences)}
    needed = [index.get(lead_of.get(sentences[best], ""), -1)]
    if best > 0 and REFERS_BACK.search(plain_text(sentences[best])):
        needed.append(best - 1)
    if best + 1 < len(sentences) and INTRODUCES.search(plain_text(sentences[best])):
        needed.append(best + 1)
    floor = p.support_share * scores[best]
    others = [i for i in ranked[1:] if scores[i] >= floor]
    support: list[int] = []
    for i in [j for j in needed if j >= 0] + others:
        if i != best and i not in support and len(support) < p.fact_support:
            support.append(i)
    # What the fact needs to be read is kept or cut with it (rank -1, as `quotes.led` ranks a lead with its support).
    context = {j for j in needed if j >= 0}
    return [Quote(n, sentences[best], rank=-1, one_fact=True)] + [
        Quote(n, sentences[i], rank=-1 if i in context else r, one_fact=True) for r, i in enumerate(sorted(support))]


def _title_only(lead: str) -> bool:
    """A lead that only names its point: no colon, no sentence punctuation, no bold label."""
    return "**" not in lead and not _LABEL_OR_SENTENCE.search(LIST_NUMBER_RE.sub("", plain_text(lead), count=1))


def pointed(quotes: list[Quote], hits: list[Hit]) -> list[int]:
    """The sources of a one-fact answer whose section says more than it quotes: the answer points to them."""
    quoted = {q.text for q in quotes}
    out = []
    for n in dict.fromkeys(q.n for q in quotes if q.one_fact):
        if 0 < n <= len(hits):
            o = outline(hits[n - 1].section)
            titles = {pt.lead for pt in o.points if pt.kind == "heading"}
            if any(s not in quoted and s not in titles for s in o.sentences()):
                out.append(n)
    return out
