"""The search of one chat turn offline: the question condensed (`condense.py`), then searched, re-read in context.

`condense.py` rewrites text; this module decides which reading of a turn is searched and answered: ordinals
("第二种方法") resolved against the previous answer (`ordinals.py`), a weakly covered or declined follow-up re-read
with the conversation's topic, and a multi-part question's parts searched on their own (`with_parts`, parts.py).
The chain (chain.build_offline_retrieval), the evals and the tuning scripts all search through `condensed_search`,
so what is measured is what users get. Every rule was chosen on the tuning conversations, never on the frozen test
set; each one's before → after figures are in eval/README.md ("The offline follow-up rules").
"""

from __future__ import annotations

from dataclasses import replace

from assistant.answering.condense import SWITCH, condense_offline, has_own_topic, leaves_out_object, needs_history, own_topic
from assistant.answering.ordinals import listed_points, resolve_ordinals
from assistant.answering.parts import read_parts, split_search
from assistant.answering.shapes import question_parts, without_joint
from assistant.notes.glossary import chinese_tokens
from assistant.notes.terms import term_set, to_simplified, tokenize


def condensed_search(retriever, question: str, history: list[str], k: int | None = None):
    """(standalone query, SearchResult) of one chat turn offline: the question condensed with its history and
    the notes' vocabulary (`Retriever.knows`), then searched. What the evals and tuning scripts measure is
    what the chain does (chain.build_offline_retrieval), in one place. The standalone query is the one the
    search read, typing slips corrected (retrieval/typos.py: "过你合" is shown as 过拟合).
    """
    standalone, result = _condensed_search(retriever, question, history, k)
    result = topic_named(standalone, with_parts(retriever, result.query or standalone, result))
    if not result.covered:  # only the reading answered is pointed (the others were searched with point=False)
        result.mentions = retriever.mentions(result, question)
    return (result.query or standalone), result


def topic_named(standalone: str, result):
    """The search `result`, declined (`lacks` "topic") when the question searched names no topic of its own: "那怎么解决？"
    opening a chat (or after "New chat"), "What about it?", "区别是什么？". Answered, it got whatever section its question
    words landed on (blind CLI QA, 2026-12-06: the whole of 第28题 under the weak-match line); the reply asks for the
    topic instead. No tuning query that opens a conversation names no topic, so no tuning figure moves."""
    if not has_own_topic(to_simplified(standalone)):  # declined too: "not in the notes" would mislead
        result.covered, result.weak, result.lacks, result.near_misses = False, False, "topic", []
    return result


def with_parts(retriever, question: str, result):
    """The search `result` of `question`, a multi-part question answered part by part where its parts go to
    different sections (parts.py)."""
    if not (readings := part_readings(retriever, question)):
        return result  # one part: nothing more is searched
    return split_search(result, readings, retriever.part_margin, _strong(retriever),
                        retriever.coverage.threshold - retriever.part_missing_margin, retriever.english_part_ease)


# How many sections a part's own search ranks, whatever the answer's k: whether the whole question's best section is
# among them decides whether the part moves (parts.py), and bench/tune_parts.py fitted that on searches of 8 (the
# tuning searches'); with the default k of 4 a part of a dev question moved to a wrong section.
PART_K = 8


def part_readings(retriever, question: str):
    """Each part of a multi-part question with its own search (of `PART_K` sections): a part that names its own topic
    read alone, one that needs the earlier parts ("又该怎么解决？") read with them as its history. Read with them, "list
    ways to prevent overfitting" became "GRU list ways …" and was declined."""

    def search_part(part: str, before: list[str]):
        if before and needs_history(to_simplified(part)):
            return _condensed_search(retriever, part, before, PART_K)[1]
        alone = _search(retriever, to_simplified(part), part, PART_K)
        if before and not alone.covered and not alone.lacks:
            # Declined alone but naming only what it asks ("怎么检测？" after "什么是梯度爆炸？": 检测 counts as its own topic):
            # read with the earlier parts, it counts when covered strongly (blind CLI QA: only the definition was quoted).
            in_context = _search(retriever, condense_offline(part, before, retriever.knows, in_context=True), part, PART_K)
            if in_context.covered and in_context.coverage >= _strong(retriever):
                return in_context
            if in_context.covered:  # a continuation read badly alone ("取太大会怎样？"): never said missing (parts.py)
                alone = replace(alone, lacks="topic")
        if not alone.covered and not alone.unknown:
            # The names the notes never use, which the search looks for only in a query it would answer: a part declined
            # for them is said to be missing ("另外Adam是什么？", parts.py).
            alone = replace(alone, unknown=retriever.never_named(to_simplified(part)))
        return alone

    return read_parts(question, search_part)


def _condensed_search(retriever, question: str, history: list[str], k: int | None = None):
    """`condensed_search` before the searched query replaces the condensed one.

    A follow-up that names a topic of its own stands alone, yet many such follow-ups name only an aspect
    ("大了会有什么问题" after "batch size 怎么选", "学习率应该怎么采样？" after grid vs random search): read
    alone they land on some section only weakly. So a follow-up covered by less than
    `Retriever.followup_margin` over the coverage threshold is also read with the conversation's topic, and
    that reading wins when it is covered more strongly by the same margin (the topic's words alone raise it).
    A declined one ("最慢的是哪一步？" after comparing the R-CNNs) is read in context too, but that reading wins only
    when it lands on the section the question alone pointed to, or, covered by the margin, on the previous answer's
    section while the follow-up names something that section says. Accepting any covered reading answered new
    out-of-scope questions with the earlier topic ("帮我写一首关于春天的诗", "今天天气怎么样？"). Not re-read: a question
    declined for what it names or asks for (`SearchResult.lacks`).
    """
    # "第二种方法展开说说": the ordinal replaced by the item it points at (`ordinals.py`), then read as any question.
    question = resolve_ordinals(question, history, lambda: listed_points(_previous_hit(retriever, history, k)))
    # "另外标签平滑的系数一般取多少" was declined for its joint (dev conversations); a switch of subject ("另外问一下") is
    # `condense.SWITCH`'s, read before the joint goes.
    question = question if SWITCH.search(question) else without_joint(question) or question
    plain = to_simplified(question)  # what condense_offline returns for a question it leaves alone
    known = _known_history(retriever, history)
    query = condense_offline(question, known, retriever.knows)
    result = _search(retriever, query, question, k)
    strong = _strong(retriever)
    if query != plain:
        if needs_history(plain):
            if not result.covered and has_own_topic(plain):
                # Declined with the conversation's topic, but naming its own and covered alone: a new question
                # whose pronoun points inside it ("What activation functions are good and what properties should they
                # have?" after a chat on exploding gradients was declined as "梯度爆炸 检测 What activation …", blind web QA).
                alone = _search(retriever, plain, question, k)
                if alone.covered:
                    return plain, alone
            return query, result
        # Given the topic only because it continues the conversation ("那卷积之后输出尺寸怎么算？" after conv vs
        # fully connected layers): the topic can pull it to a sibling section, so it is answered alone when alone
        # it is covered strongly (tuning follow-ups 202 → 204 of 230, none lost). Not one that leaves out its object
        # ("在 RNN 里怎么修复？" after "梯度爆炸会引发什么问题？", "Keras 里怎么用？" after "梯度截断是什么？"): what it asks about is the
        # topic, and alone it found the section its setting names (第31题 on RNNs) or, on the right section, its words
        # chose no quotes (all five fixes of 第28题; blind CLI QA).
        if leaves_out_object(plain) and result.covered:
            return query, result
        alone = _search(retriever, plain, question, k)
        return (plain, alone) if alone.covered and alone.coverage >= strong else (query, result)
    if not history or not result.hits or result.lacks or (result.covered and result.coverage >= strong):
        return query, result
    in_context = condense_offline(question, known, retriever.knows, in_context=True)
    if in_context == query or not (second := _search(retriever, in_context, question, k)).covered:
        return query, result
    top, first = second.hits[0], result.hits[0]
    if result.covered:
        # Weakly covered alone: the reading in context wins only when stronger by the margin too, since the topic's
        # own words raise its coverage whatever the follow-up asks ("用 same padding 的话 output size 会变吗" after
        # feature-map channels read in context as the channels section).
        if second.coverage <= result.coverage + retriever.followup_margin:
            return query, result
        if top.key == first.key:
            # Both readings find the same section: the conversation only confirms it. The question as asked is shown
            # and its words choose the quotes ("YOLO 在 VOC2007 上 mAP 多少？" was shown as "Interpreted as: Faster R-CNN
            # 相比 Fast R-CNN 什么 YOLO…", and the earlier question's words ranked its sentences; blind web QA), covered
            # as strongly as in context.
            return query, replace(result, coverage=second.coverage, weak=second.weak)
        return in_context, second
    if top.key == first.key:
        return in_context, second
    if second.coverage >= strong:
        # Declined alone, covered strongly in context: answered when that reading stays on the section the conversation
        # is about and the follow-up names something that section says ("鞍点又是什么意思？" after the local-minima answer).
        # A request about anything else ("今天天气怎么样？") names nothing there, however strong the topic makes it.
        previous = _previous_hit(retriever, history, k)
        if previous is not None and previous.key == top.key and _names_in(plain, previous.section):
            return in_context, second
    return query, result


def _known_history(retriever, history: list[str]) -> list[str]:
    """The earlier questions as a follow-up takes its topic from them: without the parts that name what the notes never
    use, and without questions of nothing else while another remains. After "What is gradient explosion, and how does Adam
    work?", "How do I fix it?" was read as "gradient explosion and Adam work How do I fix it?" and declined for Adam;
    after "What is a Transformer?" and "How do I fix exploding gradients?", "And how do I detect them?" was declined for
    Transformer (blind CLI QA). A question of nothing else alone stays, so its follow-ups are declined as it was."""
    kept: list[tuple[str, bool]] = []  # (the question as the topic reads it, whether it names anything the notes use)
    for asked in history:
        parts = question_parts(asked)  # never empty: a question of one part is its own
        known = [p for p in parts if not retriever.never_named(to_simplified(p))]
        kept.append((asked if len(known) in (0, len(parts)) else " ".join(known), bool(known)))
    if any(named for _, named in kept):
        return [asked for asked, named in kept if named]
    return history


def _strong(retriever) -> float:
    """The coverage logit of a reading covered strongly: `Retriever.followup_margin` over the threshold. One level for a
    follow-up standing alone, a part moving to its own section and a part read with the parts before it."""
    return retriever.coverage.threshold + retriever.followup_margin


def _search(retriever, reading: str, asked: str, k: int | None):
    """Search one reading of a question. Only the question as asked gets the learned order (retrieval/rerank.py): in a
    reading with the conversation's words, the share of its terms a section uses measures the earlier topic."""
    return retriever.search(reading, k, rerank=reading == to_simplified(asked), point=False)


def _previous_hit(retriever, history: list[str], k: int | None):
    """The section the previous question was answered from (its offline condensed reading), or None if declined."""
    asked = resolve_ordinals(history[-1], history[:-1], lambda: listed_points(_previous_hit(retriever, history[:-1], k)))
    previous = _search(retriever, condense_offline(asked, history[:-1], retriever.knows), asked, k)
    return previous.hits[0] if previous.covered and previous.hits else None


def _names_in(question: str, section: str) -> bool:
    """Does the section use one of the follow-up's own topic terms (an English phrase through its glossary terms)?"""
    return not (term_set(own_topic(question)) | set(chinese_tokens(question))).isdisjoint(tokenize(section))
