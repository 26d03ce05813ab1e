"""The offline answerer: builds the answer from the outline of the best section, every word quoted verbatim.

It never writes a word of its own apart from the header that says it is quoting and a pointer
to the rest of the section. What it quotes depends on the question (`question_kind`):
- list-type ("有哪些/如何/怎么解决/区别/what are/how to"): every point of the best section's
  outline, as a bullet with its verbatim lead, and under it the supporting sentences that best
  match the question; a section in `### N.M` parts with more points than fit gets one bullet per
  part instead;
- definition/why and everything else: the section's sentences ranked by overlap with the
  question and centrality (outline leads first), in reading order;
- one fact ("clipnorm 默认值是多少", "…是共享的吗", "BN层是干嘛的": `onefact.py`): the sentence that states it first,
  at most two after it, and a "more in [n]" pointer to the rest.
A question about one point or one `### N.M` part (`focus.py`: named, or its heading worded differently; for a central
question also a name only that point writes, "dying ReLU" of 第21题's non-saturation property) gets all it says;
one about an aspect the notes state in words ("drawbacks", "优点": `focus.aspect_sentences`) gets those sentences and
two others, and one about the pros or cons of something they name without such words ("ReLU 有什么缺点？") what they
say of it (`focus.name_sentences`).
Each part of a multi-part question ("…怎么计算？…有什么作用？") adds its own best sentences that the
answer to the whole lacks. A question that asks the section's own question (its title) gets twice the
quotes; an English question on Chinese notes, ranked by e5 alone, gets more central quotes, the extra
ones only when e5 puts them near it, and names outline points through the glossary (notes/glossary.py).
A second section is quoted only when it covers question terms the first one lacks. Answers are
bounded (`AnswerParams.max_chars`): the quotes the answer needs least are left to a "more in [n]" pointer.
Items of a list are preceded by the part they belong to (a `### N.M` title, or a lead-in line such as
"学习率过小的表现：").
A quoted sentence ending in a colon brings the sentence it introduces. Every quote is a substring of
`strip_footnotes(section)`, so the judge's exact check holds.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.answering.focus import (
    aspect_sentences,
    bare_points,
    glossary_terms,
    group_focus,
    mentioned_point,
    name_sentences,
    named_points,
    plain_terms,
    section_groups,
)
from assistant.answering.onefact import asks_one_fact, fact_quotes
from assistant.answering.params import AnswerParams
from assistant.answering.quotes import INTRODUCES, Quote, continued, led
from assistant.answering.relevance import Relevance, semantic_z, shared
from assistant.answering.shapes import DEFINITION_CUES, question_kind, question_parts
from assistant.notes.keypoints import Outline, Point, outline
from assistant.notes.terms import mostly_latin, tokenize
from assistant.notes.text import plain_text
from assistant.retrieval.answerable import asks_computation, states_formula
from assistant.retrieval.intent import intents
from assistant.retrieval.results import Hit


def _overlap(q_terms: set[str], text: str) -> float:
    return len(q_terms & set(tokenize(text))) / (len(q_terms) ** 0.5 + 1) if q_terms else 0.0


def select_quotes(question: str, hits: list[Hit], params: AnswerParams | None = None,
                  relevance: Relevance | None = None) -> list[Quote]:
    """The quotes of the answer, in the order they are shown: best section first, then at most one more."""
    p = params or AnswerParams()
    rel = relevance or shared()
    text_hits = [(n, h) for n, h in enumerate(hits, start=1) if h.kind == "text" and h.section]
    if not text_hits:
        return []
    n, best = text_hits[0]
    o = outline(best.section)
    # Each sentence once: a definition question's opening sentence can also be the first point's lead ("RNNs 的目的使用来
    # 处理序列数据" was quoted twice in a row, blind web QA).
    quotes = _once(_lead_ins(_with_parts(question, n, o, _from_section(question, n, o, p, rel, best.title), p, rel), o))
    if any(q.one_fact for q in quotes):
        return quotes  # one fact: its own sentences, not another section's (onefact.py)
    covered = plain_terms(best.section)
    missing = plain_terms(question) - covered
    for n2, hit in text_hits[1:2]:
        if best.score - hit.score > p.second_source_gap:
            break
        gain = missing & plain_terms(hit.section)
        if len(gain) >= p.second_source_terms:
            # The first section's quotes stay first when the answer must be cut.
            quotes += _ranked_after(quotes, _central_quotes(" ".join(sorted(gain)), n2, outline(hit.section),
                                                            p.second_quotes, p, rel))
    return quotes


def _once(quotes: list[Quote]) -> list[Quote]:
    """The quotes with each sentence of a source kept where it first appears."""
    first = {(q.n, q.text): i for i, q in reversed(list(enumerate(quotes)))}
    return [q for i, q in enumerate(quotes) if first[(q.n, q.text)] == i]


def _from_section(question: str, n: int, o: Outline, p: AnswerParams, rel: Relevance, title: str = "") -> list[Quote]:
    named = named_points(question, o, title)
    bare = bare_points(question, named, o, title, p)
    if bare:
        return [Quote(n, pt.lead, rank=i, only_named=pt.label) for i, pt in enumerate(bare)]  # all the notes say of them
    if asks_one_fact(question):  # "clipnorm 默认值是多少": the sentence that states it first, and little else
        return fact_quotes(question, n, o, p, rel, title)
    stated = [] if named else aspect_sentences(question, o) or name_sentences(question, o, title)
    if stated:  # the sentences that state the asked aspect
        return _focused(question, _central_quotes(question, n, o, p.central_quotes, p, rel), stated, n, o, p)
    whole = _asks_title(question, title, p.title_overlap)
    if whole:
        f = p.title_factor
        p = replace(p, central_quotes=p.central_quotes * f, prose_quotes=p.prose_quotes * f,
                    central_quotes_cross=p.central_quotes_cross * f)
    if question_kind(question) != "list" or len(o.points) < 2:
        cross = mostly_latin(question) and not mostly_latin(" ".join(o.sentences()))
        central = _central_quotes(question, n, o, p.central_quotes_cross if cross else p.central_quotes, p, rel,
                                  p.cross_min_z if cross else None)
        # "输出范围有限有什么好处和坏处？" asks about one point of the outline: everything it says joins the answer; so
        # does "Leaky ReLU 是为了解决什么问题？" of the one point that writes Leaky ReLU (`focus.mentioned_point`).
        of_named = [s for pt in named or mentioned_point(question, o, title) for s in pt.sentences if s]
        return _focused(question, central, of_named, n, o, p) if of_named else _merged(central, [], o)
    if not o.structured:  # a list question on prose: the sentences that answer it, not the "central" ones
        return _central_quotes(question, n, o, p.prose_quotes, p, rel)
    quotes: list[Quote] = []
    if DEFINITION_CUES.search(question) and o.intro:
        quotes.append(Quote(n, o.intro[0]))
    q_terms = set(tokenize(question))
    # A comparison of what one point alone writes is about that point: "L1 和 L2 正则化有什么区别？" quoted all five fixes
    # of 第28题, whose weight-regularisation point alone writes L1 and L2 (blind web QA, 2026-12-06). Not a list question
    # in general: "有哪些…" naming one point's example still asks for every point (dev key points 225 → 220 of 271).
    mentioned = mentioned_point(question, o, title) if "compare" in intents(question) else []
    focus = [] if whole else named or mentioned or group_focus(question, o, p, rel)
    if not focus and len(o.points) > p.max_points and section_groups(o) and all(pt.group for pt in o.points):
        return quotes + _by_group(question, n, o, q_terms, p, rel)
    chosen = focus or o.points[: p.max_points]
    titled = {pt.group for pt in chosen if pt.kind == "heading"}
    in_parts = not focus and bool(section_groups(o))
    for i, point in enumerate(chosen):
        if in_parts and point.group and point.group not in titled:
            # The items of a part follow its title ("学习率过小的表现", "### N vs M"), so one list's items are not
            # read as the other's.
            titled.add(point.group)
            quotes.append(Quote(n, point.group, rank=i))
        quotes.append(Quote(n, point.lead, rank=i))
        supports = point.support if focus else _best_supports(question, point, q_terms, p, rel)
        quotes.extend(Quote(n, s, 1) for s in supports if s)
    return quotes


def _focused(question: str, central: list[Quote], focus: list[str], n: int, o: Outline, p: AnswerParams) -> list[Quote]:
    """An answer about part of a section (named points, an asked aspect): every sentence of the focus, then at most
    p.focus_others of the best-ranked other central quotes for context.

    Context must share a term of the question that the focus lacks: without that it answered nothing asked ("What is
    gradient clipping?" ended with 第28题's ReLU point, blind web QA; dev key points 1,002 → 1,001 of 1,122, answer lines
    matching no key point 1,261 → 1,245, eval/README.md). The focus is read first and ranked -1, so it is kept when the
    answer must be cut ("What is gradient clipping?" opened with 第28题's ReLU lines, which come first in the notes);
    each side stays in reading order."""
    inside = set(focus)
    asked = (plain_terms(question) | glossary_terms(question)) - plain_terms(" ".join(focus))
    kept = sorted((q for q in central if q.text not in inside and asked & plain_terms(q.text)),
                  key=lambda q: q.rank)[: p.focus_others]
    merged = _merged(kept, [Quote(n, s, rank=-1) for s in focus], o)
    return [replace(q, rank=-1) for q in merged if q.text in inside] + [q for q in merged if q.text not in inside]


def _asks_title(question: str, title: str, share: float) -> bool:
    """Whether at least `share` of the question's terms, and two or more, are in the section's title: it asks the
    section's question ("池化为什么有用？" shares only its topic with "池化和归一化是什么？"). An English question
    on a Chinese title is compared through the Chinese terms of its glossary phrases."""
    asked = plain_terms(question)
    if title and mostly_latin(question) and not mostly_latin(title):
        asked = glossary_terms(question)
    shared = asked & plain_terms(title) if title else set()
    return len(shared) >= 2 and len(shared) / len(asked) >= share


def _with_parts(question: str, n: int, o: Outline, quotes: list[Quote], p: AnswerParams, rel: Relevance) -> list[Quote]:
    """For a multi-part question, the quotes plus each part's best sentences that they lack (`_merged`): ranked
    against the whole question, one part ("Give a numeric example.") can be crowded out by another."""
    parts = question_parts(question)
    if len(parts) < 2 or p.part_quotes <= 0:
        return quotes
    # A part's j-th best sentence ranks after the whole question's quotes, next to the other parts' j-th best.
    extra = _ranked_after(quotes, [q for part in parts for q in _central_quotes(part, n, o, p.part_quotes, p, rel)])
    return _merged(quotes, extra, o)


def _ranked_after(quotes: list[Quote], extra: list[Quote]) -> list[Quote]:
    """The extra quotes, their ranks moved behind every rank of `quotes` (kept in their own order)."""
    after = max((q.rank for q in quotes), default=0.0) + 1
    return [replace(q, rank=after + q.rank) for q in extra]


def _lead_ins(quotes: list[Quote], o: Outline) -> list[Quote]:
    """Each quoted item of a list headed by a lead-in line ("学习率过小的表现：", markup._lead_in_parts) preceded by
    that line, once: "损失下降非常缓慢" alone does not say whether the learning rate was too large or too small."""
    head = {s: pt.group for pt in o.points if pt.group.endswith(("：", ":")) for s in pt.sentences}
    out: list[Quote] = []
    shown = {q.text for q in quotes}
    for q in quotes:
        title = head.get(q.text)
        if title and title not in shown and not q.one_fact:  # a one-fact answer opens with its fact
            shown.add(title)
            out.append(Quote(q.n, title, 0, q.rank))
        out.append(q)
    return out


def _merged(quotes: list[Quote], extra: list[Quote], o: Outline) -> list[Quote]:
    """The quotes plus the extra ones they lack: a run of sentences takes them in reading order, bullets of
    points are followed by them."""
    have = {q.text for q in quotes}
    new = list({q.text: q for q in extra if q.text not in have}.values())  # each text once, in order
    sentences = o.sentences()
    order = {s: i for i, s in enumerate(sentences)}
    if all(q.level == 0 and q.text in order for q in quotes):
        return sorted(quotes + new, key=lambda q: order.get(q.text, len(order)))
    out = list(quotes)
    for q in new:
        # A lead-in ("划分时还要注意：") of a sentence already quoted goes right before it, not after the list it
        # introduces, where it dangled with nothing after it.
        i = order.get(q.text, -1)
        introduced = sentences[i + 1] if 0 <= i < len(sentences) - 1 and INTRODUCES.search(plain_text(q.text)) else None
        at = next((j for j, have in enumerate(out) if have.text == introduced), None)
        if at is not None:
            out.insert(at, replace(q, level=out[at].level, rank=out[at].rank))
        else:
            out.append(q)
    return out


def _by_group(question: str, n: int, o: Outline, q_terms: set[str], p: AnswerParams, rel: Relevance) -> list[Quote]:
    """A list question about a whole section with more points than an answer holds, in `### N.M` parts: one
    bullet per part, its title as the lead and its sentences that best answer the question under it. The first
    max_points points alone left whole parts out ("RNN 有哪几种结构？" heard only of N vs N)."""
    quotes: list[Quote] = []
    for i, group in enumerate(section_groups(o)):
        sentences = [s for pt in o.points if pt.group == group for s in pt.sentences if s != group]
        quotes.append(Quote(n, group, rank=i))
        best = _best_supports(question, Point(group, tuple(sentences), "heading", group), q_terms, p, rel)
        quotes.extend(Quote(n, s, 1) for s in best)
    return quotes


def _formula_bonus(question: str, p: AnswerParams) -> float:
    """What writing an equation adds to a sentence's rank: formula_bonus when the question asks how to compute."""
    return p.formula_bonus if asks_computation(question) else 0.0


def _best_supports(question: str, point: Point, q_terms: set[str], p: AnswerParams, rel: Relevance) -> list[str]:
    """The list_supports supporting sentences that best answer the question (term overlap + e5), in reading
    order; the earlier one on a tie."""
    support = list(point.support)
    if not support:
        return []
    sem = semantic_z(question, [point.lead, *support], rel)[1:]  # z against the point's own sentences
    bonus = _formula_bonus(question, p)
    scored = [(_overlap(q_terms, s) + 0.2 * ("**" in s) + p.e5_weight * z + bonus * states_formula(s), -i)
              for i, (s, z) in enumerate(zip(support, sem))]
    top = sorted(range(len(support)), key=lambda i: scored[i], reverse=True)[: p.list_supports]
    return [support[i] for i in sorted(continued(top, support, p.refer_back))]


def _central_quotes(question: str, n: int, o: Outline, k: int, p: AnswerParams, rel: Relevance,
                    min_z: float | None = None) -> list[Quote]:
    """The k sentences of the outline that best answer the question (term overlap, e5, leads weighing more),
    in reading order; with `min_z`, those past the first central_quotes only when their e5 z-score reaches it."""
    q_terms = set(tokenize(question))
    leads = {pt.lead for pt in o.points}
    definition = bool(DEFINITION_CUES.search(question))
    bonus = _formula_bonus(question, p)
    # A `### N.M` heading is a title, not a statement: quoted alone ("为什么 L1 会产生稀疏解") it says nothing.
    titles = {pt.lead for pt in o.points if pt.kind == "heading"}
    sentences = [s for s in o.sentences() if s not in titles]
    sem = semantic_z(question, sentences, rel)
    scored = []
    for order, s in enumerate(sentences):
        score = (_overlap(q_terms, s) + 0.3 * ("**" in s) + 0.4 * (s in leads) + 0.3 * (definition and order == 0)
                 + bonus * states_formula(s))
        scored.append((score + p.e5_weight * sem[order] - 0.01 * order, order, s))
    ranked = [order for _, order, _ in sorted(scored, reverse=True)]
    chosen = ranked[:k] if min_z is None else (
        ranked[: p.central_quotes] + [i for i in ranked[p.central_quotes:] if sem[i] >= min_z][: k - p.central_quotes])
    rank = {i: r for r, i in enumerate(chosen)}
    # A sentence brought by another ("公式为：" brings the formula) shares its rank: they are kept or left out together.
    context = led(continued(chosen, sentences, p.refer_back), sentences, o)
    return [Quote(n, sentences[i], rank=rank[context[i]]) for i in sorted(context)]
