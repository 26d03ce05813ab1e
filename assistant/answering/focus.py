"""Which points of a section's outline a question is about, so the answer quotes all they say, and whether the
notes say anything about them beyond their names (`bare_points`).

By name ("padding 有哪些作用" → the padding point), by a `### N.M` heading the question names or words
differently, or, for a section in parts, by e5 when one part stands out. Apart from `extractive.py`,
which decides how much to quote; this decides about what.
"""

from __future__ import annotations

import os
import re

from assistant.answering.condense import topic_of
from assistant.answering.params import AnswerParams
from assistant.answering.relevance import Relevance
from assistant.answering.shapes import ASPECTS, only_aspects, question_parts
from assistant.notes.glossary import chinese_terms
from assistant.notes.keypoints import Outline, Point
from assistant.notes.terms import CJK_RE, has_cjk, latin_words, mostly_latin, term_set
from assistant.notes.text import plain_text, squeezed

# What a question sets aside is not what it asks about: "除了 Dropout，还有哪些办法？", "Besides dropout, what other
# tricks …?" ask for the rest of the list, and focusing on Dropout answered them with that one item.
_SET_ASIDE = re.compile(r"除了[^，,。；;？?]*|\b(?:besides|apart from|other than|except(?: for)?)\b[^,.;?]*", re.I)


def plain_terms(text: str) -> set[str]:
    """The content terms of a text's plain form (Latin words and Chinese bigrams), for overlap tests."""
    return term_set(plain_text(text))


def glossary_terms(text: str) -> set[str]:
    """The content terms of the Chinese terms an English text's glossary phrases name ("fully connected" → 全连, 连接):
    what an English question shares with Chinese notes."""
    return plain_terms(" ".join(chinese_terms(text)))


def section_groups(o: Outline) -> list[str]:
    """The `### N.M` titles of the outline's groups in reading order, when there are at least two."""
    groups = list(dict.fromkeys(pt.group for pt in o.points if pt.group))
    return groups if len(groups) >= 2 else []


def focused(question: str, o: Outline, title: str = "") -> list[Point]:
    """The points a question names ("padding 有哪些作用" → the padding point), when they are at most half
    of the outline; a subsection named by the question, or whose heading it words differently
    (`_heading_named`), brings all its points. A question that names
    every point the section's title names asks the title's question, not about a part of it
    ("梯度消失和梯度爆炸…" asked of that section). Empty: no focus."""
    def named_in(text: str) -> list[Point]:
        return [pt for pt in o.points if any(name in text for name in pt.names) or (pt.group and pt.group.lower() in text)]

    # Chinese notes name their points in Chinese: an English question names them through the glossary ("nonlinear" → 非线性).
    question = _SET_ASIDE.sub(" ", question)
    asked = question.lower() if has_cjk(question) else " ".join([question.lower(), *chinese_terms(question)])
    named, in_title = named_in(asked), named_in(title.lower())
    if in_title and named == in_title:
        return []
    # A part the heading names is one of two or more, however many points it holds (its heading leads the
    # prose around its list, and that point must not push it over half).
    return (_heading_named(question, o) or _lead_in_named(question, o)
            or (named if 0 < len(named) <= len(o.points) / 2 else []))


# What a lead-in line that heads a list names: "小 batch 的特点：" → "小 batch", "学习率过大的表现：" → "学习率过大".
_LEAD_IN_TAIL = re.compile(r"(?:的[\u4e00-\u9fff]{1,3})?\s*[：:]\s*$")


def _lead_in_named(question: str, o: Outline) -> list[Point]:
    """The points of the one list whose lead-in line (a part `markup._lead_in_parts` makes of "X 的特点：" lines) names
    what the question writes: "小 batch 训练有啥好处？" of a section listing "大 batch 的特点：" and "小 batch 的特点：" is
    about the second list. The two names differ in one character, too little for term overlap (`_heading_named`) or e5,
    and the first list holds more than half of the points. Empty when the question writes no such name or two."""
    asked = squeezed(question)
    names = {g: squeezed(_LEAD_IN_TAIL.sub("", g)) for g in section_groups(o) if _LEAD_IN_TAIL.search(g)}
    hits = [g for g, name in names.items() if len(name) >= 2 and name in asked]
    if len(hits) != 1:
        return []
    # "学习率过大和过小分别…" names the second list by what sets it apart ("过小": its name past the shared "学习率过",
    # with one character before), so it asks about both.
    mine = names[hits[0]]
    for g, other in names.items():
        shared = len(os.path.commonprefix([mine, other]))
        if g != hits[0] and len(tail := other[max(shared - 1, 0):]) >= 2 and tail in asked:
            return []
    return [pt for pt in o.points if pt.group == hits[0]]


def _heading_named(question: str, o: Outline) -> list[Point]:
    """The points of the `### N.M` part whose heading the question words differently ("为什么 L1 正则化会产生稀疏解"
    → "为什么 L1 会产生稀疏解"): the one part with the most heading terms in the question, at least three and
    nearly all of its heading's. Empty when none, or two parts tie."""
    asked = plain_terms(question)
    heads = ((g, plain_terms(g)) for g in section_groups(o))
    scored = sorted(((len(t & asked), g) for g, t in heads if len(t & asked) >= max(3, 0.75 * len(t))), reverse=True)
    if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return []
    return [pt for pt in o.points if pt.group == scored[0][1]]


def group_focus(question: str, o: Outline, p: AnswerParams, rel: Relevance) -> list[Point]:
    """The points of the one `### N.M` group the question is about, by e5: its best sentence beats every
    other group's best by focus_margin. Empty when the section has fewer than two groups or none stands out."""
    groups = section_groups(o)
    if not groups or any(not pt.group for pt in o.points):
        return []
    if only := _distinct_group(question, o, groups):
        return only
    best = []
    for g in groups:
        texts = [plain_text(s) for pt in o.points if pt.group == g for s in (g, *pt.sentences)]
        best.append(float(rel.cosines(question, texts).max()))
    order = sorted(range(len(groups)), key=lambda i: -best[i])
    if best[order[0]] - best[order[1]] < p.focus_margin:
        return []
    return [pt for pt in o.points if pt.group == groups[order[0]]]


def _distinct_group(question: str, o: Outline, groups: list[str]) -> list[Point]:
    """The points of the one `### N.M` group that alone holds two or more of the question's terms that no other
    group uses ("encoder", "decoder", "seq2seq" of a section on RNN structures: only its N vs M part), when no
    other group holds any. e5 alone put that part only 0.02 ahead of the others for an English question."""
    asked = plain_terms(question)
    if not has_cjk(question):
        asked |= glossary_terms(question)
    terms = {g: plain_terms(" ".join(s for pt in o.points if pt.group == g for s in (g, *pt.sentences))) for g in groups}
    own = {g: len(asked & terms[g].difference(*(terms[h] for h in groups if h != g))) for g in groups}
    ranked = sorted(groups, key=lambda g: -own[g])
    if own[ranked[0]] < 2 or own[ranked[1]] > 0:
        return []
    return [pt for pt in o.points if pt.group == ranked[0]]


def aspect_sentences(question: str, o: Outline) -> list[str]:
    """The sentences of the outline that state the aspect the question asks about and nothing else (`shapes.ASPECTS`:
    "不足之处是 …" for "What are the drawbacks of sigmoid?"), in reading order; empty when it asks none, asks more
    (`only_aspects`) or the notes leave one unstated."""
    words = [ASPECTS[a][1] for a in only_aspects(question)]
    stated = [[s for s in o.sentences() if w.search(plain_text(s))] for w in words]
    # "sigmoid 的优缺点" over notes that state only its drawback in words: the rest of the answer is the advantages.
    return list(dict.fromkeys(s for found in stated for s in found)) if stated and all(stated) else []


def name_sentences(question: str, o: Outline, title: str = "", most: int = 8) -> list[str]:
    """For a question asking only the pros or cons of something the section names beyond its title, when the notes
    state them in no aspect word (`aspect_sentences` found none): every sentence writing that name, in reading order, at
    most `most` of them. "ReLU 有什么缺点？" of 第21题 got all nine properties of activation functions; what the notes
    say of ReLU is in four of them ("其梯度恒为 0…dying ReLU", "ReLU 之流…更受欢迎"). Empty when the question asks
    more than an aspect, or the name is the section's topic or written too often to single anything out."""
    if not only_aspects(question):
        return []
    from assistant.retrieval.mentions import name_matcher

    heading = title.lower()
    for name in _names(question):
        if name in heading:
            continue
        writes = name_matcher(name)  # as a word: "relu" is not written by "PReLU"
        found = [s for s in o.sentences() if writes(s)]
        if found:
            return list(dict.fromkeys(found)) if len(set(found)) <= most else []
    return []


def named_points(question: str, o: Outline, title: str = "") -> list[Point]:
    """`focused`, for an outline that has points to tell apart (structure, two or more): what an answer is about."""
    return focused(question, o, title) if o.structured and len(o.points) >= 2 else []


# A run of Latin words (with hyphens and digits) a question writes: "dying ReLU", "Leaky ReLU", "Local-Conv".
_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9-]*(?:\s+[A-Za-z][A-Za-z0-9-]*)*")


def mentioned_point(question: str, o: Outline, title: str = "") -> list[Point]:
    """The one point whose sentences alone write something the question names beyond the section's title: "Leaky ReLU
    是为了解决什么问题？" and "What is dying ReLU?" of 第21题, whose property 4 (non-saturation) is the only one to write
    "Leaky ReLU" and "dying ReLU". Names are the question's runs of Latin words with a technical name in them (a run is
    tried whole, then shorter from the end: "dying ReLU", not "ReLU" alone) and its glossary names. Empty when no name is
    written in exactly one point, or two names point to different points."""
    if not o.structured or len(o.points) < 2:
        return []
    texts = [plain_text(" ".join(pt.sentences)).lower() for pt in o.points]
    heading = title.lower()
    found: set[int] = set()
    for name in _names(question):
        if name in heading:
            continue
        where = {i for i, text in enumerate(texts) if name in text}
        if len(where) == 1:
            found |= where
    return [o.points[i] for i in sorted(found)] if len(found) == 1 else []


def _names(question: str) -> list[str]:
    """The names `mentioned_point` and `name_sentences` look for, lower-cased: for each run of Latin words holding a
    technical name, its longest spans that end at the name ("what is dying relu" → "dying relu", "is dying relu", …:
    the first one written in a point counts); and the Chinese terms of the glossary's names the question writes."""
    from assistant.notes.glossary import names_in
    from assistant.notes.terms import is_name

    # Only written names: any Latin word of a Chinese question as a name ("Maxout") also made "batch size 到底设大好还是设小好"
    # quote the one point writing "batch size" (a scan of the covered tuning queries, eval/README.md 2026-12-06).
    out: list[str] = []
    for run in _LATIN_RUN.findall(question):
        words = run.split()
        for end, word in enumerate(words):
            if is_name(word):
                out += [" ".join(words[start:end + 1]).lower() for start in range(end + 1)]
    out += [term for term, _ in names_in(question) if has_cjk(term)]
    return out


def bare_points(question: str, named: list[Point], o: Outline, title: str, p: AnswerParams) -> list[Point]:
    """The points the question names (`named_points`) when each of them only names something, with no supporting
    sentence and a short lead, and the section mentions it nowhere else ("dropout为什么能防止过拟合" of a list
    "缓解过拟合：- Dropout - 加L1/L2正则化 …"): quoting the list's other items let it pass for an explanation."""
    if not named or len(question_parts(question)) > 1:
        return []  # "CNN 有哪些关键层？卷积层和全连接层有什么区别？" asks for the whole list too
    others = [plain_text(s).lower() for pt in o.points if pt not in named for s in pt.sentences]
    if any(pt.support or _words(plain_text(pt.lead)) > p.bare_max_words
           or any(name in s for name in pt.names for s in others) for pt in named):
        return []
    return named if len(_beyond(question, named, title)) <= p.bare_beyond else []


def _beyond(question: str, points: list[Point], title: str) -> set[str]:
    """What the question's topic (`condense.topic_of`) names beyond the points and the section's title: "CNN里池化层是
    干嘛的，输入层又要做啥预处理" asks about more than 池化层. An English question on Chinese notes is compared by its
    Latin words, each also through the glossary ("overfitting" → 过拟合)."""
    topic, known = topic_of(question), " ".join([title, *(pt.lead for pt in points)])
    have = plain_terms(known)
    if mostly_latin(question) and not mostly_latin(known):
        words = {w for w in latin_words(topic.lower()) if len(w) > 1}
        return {w for w in words if w not in have and not glossary_terms(w) & have}
    return plain_terms(topic) - have


def _words(text: str) -> int:
    """How much a lead says: its Chinese characters and its Latin words ("BatchNormalization" is one)."""
    return sum(len(run) for run in CJK_RE.findall(text)) + len(latin_words(text.lower()))
