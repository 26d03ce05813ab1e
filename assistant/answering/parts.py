"""Multi-part questions whose parts the notes answer in different sections.

"什么是梯度爆炸？又该怎么解决？" asks what 第25题 says and what 第28题 says; searched as one question it lands on one
of them, and the answer quoted that section alone with no word about the other part (blind QA run 7 §9).
"Explain what a GRU is, and also list ways to prevent overfitting." cited only the GRU section.

So each part (`shapes.question_parts`) is also searched on its own. A part after the first that needs the parts
before it ("又该怎么解决？") is read like a follow-up of them (the conversation machinery of `condense.py`), so it is
read with 梯度爆炸. A part whose own reading is covered strongly by another section, clearly ahead of the whole
question's best one (`retrieval.part_margin`, bench/tune_parts.py), brings that section in as its source. An
English part on Chinese notes is seldom covered that strongly: "Explain what a GRU is, and also list ways to prevent
overfitting." still cites the GRU section alone (its second part's coverage is 0.5 logit, the bar about 3.5 more).

A part the notes clearly do not answer is said to be missing (`Part.source` None), so the user knows what the answer
leaves out: declined alone for a name the notes never use or for what they lack (a formula, a year, an author), or
covered far under the threshold (`retrieval.part_missing_margin`, bench/tune_parts.py on eval/dev/retrieval5.jsonl,
questions mixing covered and uncovered parts) unless, read with the parts before it, it is covered (a continuation:
"取太大会怎样？"). A question declined as a whole is answered for its other parts when each of those is covered
strongly ("什么是RNN？另外Adam是什么？" was declined whole: blind CLI QA); with any part undecided it stays declined. A part
that only goes on about the one before it ("how does it work?") is decided with that one, and a question that is one
part and its continuations is answered as its first part is ("What is dropout and how does it work?").
An English part is held to a lower bar there (`retrieval.english_part_ease`): read across languages, "What is gradient
explosion? How does Adam work?" covers its first part 0.8 logit short of the bar and was declined whole.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from assistant.answering.condense import continues
from assistant.answering.shapes import question_parts
from assistant.notes.terms import language_of
from assistant.retrieval.intent import agreement, intents
from assistant.retrieval.results import Hit, Part, SearchResult

SearchPart = Callable[[str, list[str]], SearchResult]  # (part, the parts before it) -> its search


def read_parts(question: str, search_part: SearchPart) -> list[tuple[str, SearchResult]]:
    """Each part of a multi-part question with its own search; nothing for a question of one part."""
    asked = question_parts(question, continuations=True)
    return [(part, search_part(part, asked[:i])) for i, part in enumerate(asked)] if len(asked) > 1 else []


def split_search(result: SearchResult, readings: list[tuple[str, SearchResult]], margin: float,
                 strong: float, missing_below: float = float("-inf"), english_ease: float = 0.0) -> SearchResult:
    """`result` (the whole question's search) with each part's own section among its hits and `parts` saying which
    source answers which part; `result` itself when the parts do not go their own ways.

    `readings` are the parts with their own searches (`read_parts`). A covered question is split only when its best
    section answers one of the parts: a question none of whose parts it answers ("In training, what is the error
    gradient used for, and how can it turn …") is one question in two sentences. A part moves to its own best section
    when its reading is covered to at least `strong` (a coverage logit; `english_ease` less for an English part that
    asks what that section's title asks, `_sibling`) and the whole question's best section trails
    by more than `margin` (fused score) there or is not among its hits. Moving parts covered less strongly added wrong
    sections on the tuning questions (bench/tune_parts.py), also when the best section was not among their hits. A part
    the notes clearly do not answer (`_missing`, covered under `missing_below` if for nothing else) is said to be
    missing. A declined question: `_declined`, where an English part counts as strongly covered `english_ease` under
    `strong`.
    """
    if len(readings) < 2:
        return result
    if not result.covered:
        return _declined(result, readings, strong, missing_below, english_ease)
    if not result.hits:
        return result
    top = result.hits[0]
    found: list[Hit | None] = []
    for part, own in readings:
        best = own.hits[0] if own.hits else top
        there = next((h.score for h in own.hits if h.key == top.key), None)
        # An English part asking what a sibling section asks gets the English ease here too: "What is gradient
        # clipping? Also how do I detect exploding gradients?" answered clipping from 第28题 and dropped the detection
        # part, which 第27题 covered 0.3 logit short of the bar (blind CLI QA). bench/tune_parts.py at ease 1.0: gold
        # sections added 171 → 172, others 9 as before; the ease for every English part: 174 and 11.
        sibling = _sibling(part, best, top)
        bar = strong - english_ease if sibling and language_of(part) == "en" else strong
        lead = 0.0 if sibling else margin
        if own.covered and own.coverage >= bar and (there is None or best.score - there > lead):
            found.append(best)
        elif _missing(part, own, result.unknown, missing_below):
            found.append(None)
        else:
            # The whole question's section answers this part too. A part declined alone is mostly a continuation read
            # badly alone ("取太大会怎样？", "各适合什么任务？", "我该怎么答"): 11 of 13 such dev parts were in scope.
            found.append(top)
    answered = [h.key for h in found if h is not None]
    if top.key not in answered or (len(answered) == len(found) and set(answered) == {top.key}):
        return result  # one question in several sentences, or all of it answered by the best section
    return _split(result, readings, found)


def _missing(part: str, own: SearchResult, unknown: list[str], below: float) -> bool:
    """Does the notes clearly not answer this part? Declined alone for a name they never use (its own, or one the whole
    question was found to use, in this part), for what its section lacks (a formula, an author), or covered under
    `below`; but not a continuation: a part naming no topic of its own, or one that read with the parts before it is
    covered ("取太大会怎样？", "有哪些比较明显的 signal？": `turn_search.part_readings` marks those `lacks` "topic")."""
    if own.covered:
        return False
    if _names_any(part, [*own.unknown, *unknown]):
        return True
    return own.lacks != "topic" and (bool(own.lacks) or own.coverage < below)


def _names_any(part: str, names: list[str]) -> bool:
    """Does the part write one of these names (the notes never use them)?"""
    return any(name.lower() in part.lower() for name in names)


def _declined(result: SearchResult, readings: list[tuple[str, SearchResult]], strong: float,
              missing_below: float, english_ease: float = 0.0) -> SearchResult:
    """A question declined as a whole, answered for its parts that are each covered strongly when every other part is
    clearly missing (`_missing`); else it stays declined, since parts read alone answered out-of-scope questions from
    whatever each landed on. A question that names no topic stays declined as it is. An English part's bar is
    `english_ease` lower: English reaches Chinese notes through the embedders and the glossary only, and its coverage
    runs lower for the same match (bench/tune_parts.py, third table).

    A part that only goes on about the one before it ("how does it work?", `condense.continues`) is decided with it: missing
    when that one is ("why do Transformers use it?" after "What is the GELU activation" is about GELU), else answered
    from the section that answers the two (one of them covered strongly), unless the notes clearly lack what it asks.
    A question that is one part and its continuations is answered from its first part's search when that part is covered
    ("What is dropout and how does it work?" was declined whole, though "What is dropout?" is answered)."""
    if result.lacks == "topic":
        return result
    groups: list[list[int]] = []  # the parts' indices, a continuation with the part it goes on about
    for i, (part, _) in enumerate(readings):
        if groups and continues(part):
            groups[-1].append(i)
        else:
            groups.append([i])
    if len(groups) == 1:
        return _first_part(result, readings, missing_below) or result

    def strongly(part: str, own: SearchResult) -> bool:
        return own.covered and bool(own.hits) and own.coverage >= (
            strong - english_ease if language_of(part) == "en" else strong)

    found: list[Hit | None] = [None] * len(readings)
    for group in groups:
        first = readings[group[0]]
        if not strongly(*first) and _missing(*first, result.unknown, missing_below):
            continue  # the group's parts stay None
        hit = next((readings[i][1].hits[0] for i in group if strongly(*readings[i])), None)
        if hit is None:
            return result  # undecided
        for i in group:
            found[i] = None if i != group[0] and _missing(*readings[i], result.unknown, missing_below) else hit
    answered = [own.coverage for (_, own), h in zip(readings, found) if h is not None]
    if not answered or len(answered) == len(found):
        return result  # declined, yet no part is missing: the whole question's decline stands
    return _split(replace(result, hits=[], covered=True, coverage=min(answered), weak=False, lacks="", unknown=[],
                          near_misses=[], mentions=[]), readings, found)


def _sibling(part: str, best: Hit, top: Hit) -> bool:
    """Does the part ask what its own best section's title asks and not what the whole question's best one's asks? Then
    its section need not lead the whole question's by the margin ("如何检测？" after "什么是梯度爆炸？": the sibling sections
    on one topic score close, and the detection part stayed with the definition; blind web QA)."""
    asked = intents(part)
    return agreement(asked, intents(best.title)) > 0 and agreement(asked, intents(top.title)) < 0


def _split(result: SearchResult, readings: list[tuple[str, SearchResult]], found: list[Hit | None]) -> SearchResult:
    """`result` with the parts' sections first, in the order asked, and `parts` set, a part found missing (None) with
    no source. Numbered in the order asked, the answer cites [1] before [2]: with the whole question's best section
    kept first, "梯度爆炸会引发什么问题？又该如何修复？" cited [2] under its first part and [1] under its second."""
    hits: list[Hit] = []
    for h in found:
        if h is not None and h.key not in {x.key for x in hits}:
            hits.append(next((x for x in result.hits if x.key == h.key), h))
    hits += [h for h in result.hits if h.key not in {x.key for x in hits}]
    index = {h.key: n for n, h in enumerate(hits, start=1)}
    parts = [Part(part, index[h.key] if h is not None else None) for (part, _), h in zip(readings, found)]
    return replace(result, hits=hits, parts=parts)


def _first_part(result: SearchResult, readings: list[tuple[str, SearchResult]], missing_below: float) -> SearchResult | None:
    """The first part's search, for a question that is one part and its continuations, when that part is covered, names
    nothing the notes never do, and the notes do not clearly lack what a continuation asks (`_missing`)."""
    (first, head), rest = readings[0], readings[1:]
    if not head.covered or not head.hits or _names_any(first, result.unknown):
        return None
    return None if any(_missing(part, own, result.unknown, missing_below) for part, own in rest) else head


def part_groups(parts: list[Part]) -> list[tuple[str, int | None]]:
    """(what is asked, its source) in the order asked: consecutive parts answered by one source joined into one
    question, each part the notes do not answer alone with source None."""
    groups: list[tuple[str, int | None]] = []
    for part in parts:
        if groups and part.source is not None and groups[-1][1] == part.source:
            groups[-1] = (_joined(groups[-1][0], part.asked), part.source)
        else:
            groups.append((part.asked, part.source))
    return groups


def _joined(asked: str, more: str) -> str:
    """Two parts as one heading: Chinese ones as written, English ones with the "and" their split dropped ("What is
    weight decay and how does it work?"), or a space after a question mark."""
    if language_of(more) != "en":
        return asked + more
    return f"{asked} {more}" if asked.rstrip().endswith(("?", "？")) else f"{asked} and {more}"
