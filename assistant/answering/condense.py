"""Follow-up questions without a language model: turn "那怎么检测它？" into a standalone search query.

With an LLM configured the chain condenses with a prompt; offline (and for the eval), a
follow-up that cannot stand alone gets the *topic* of the latest standalone question
prepended. A follow-up cannot stand alone when it refers back (它, 前者, "which one", "it"),
is elliptical ("数据很少的时候呢？", "What about YOLO?") or names no topic of its own once
its question words, question-type words and fillers are removed ("怎么缓解？"). A follow-up
that names its own topic but continues the conversation ("那…", "其中…", "so … then") also
gets the earlier topic, yet still counts as standalone for the turns after it.

The earlier question contributes only its topic: its question-type words (解决, 区别, 原因 …,
the cues of retrieval/intent.py) are removed, so "梯度爆炸怎么解决？" → "那怎么检测它？"
searches "梯度爆炸 那怎么检测它？" and the follow-up's own question type (detect) decides
between sibling sections. When the latest follow-up moved on ("那 GRU 呢？", "tanh 相比它好在哪？"),
what it named is the topic of the next one; a Chinese aspect it added ("那为什么它会导致梯度消失？")
joins the earlier topic. A follow-up that stands alone but is covered only weakly, or is declined, is also searched
with the earlier topic (`condensed_search`); a question that changes the subject ("By the way, …") never is.
Ordinals ("第二种方法") are resolved first (`ordinals.py`), and the parts of a multi-part question are searched on
their own (`with_parts`, parts.py). Every rule was chosen on the tuning conversations, never on the frozen test set;
each one's before → after figures are in eval/README.md ("The offline follow-up rules").
"""

from __future__ import annotations

import re
from typing import Callable

from assistant.answering.ordinals import listed_points, resolve_ordinals
from assistant.answering.parts import read_parts, split_search
from assistant.notes.glossary import chinese_tokens
from assistant.notes.terms import CJK_RE, LATIN_RE, content_terms, language_of, technical_names, term_set, to_simplified, tokenize
from assistant.retrieval.intent import CUES, intents

_QUESTION_WORDS = re.compile(
    r"(什么是|是什么|什么叫|指的是|什么意思|意思|有什么|有哪些|哪些|哪个|哪种|怎么样|怎么|怎样|如何|为什么|为啥|多少|几个|吗|呢|吧|[？?。!！,，、：:]"
    r"|\b(?:what|what's|how|why|which|who|when|where|is|are|was|were|does|do|did|can|could|should|would|will|an?|the"
    r"|explain|describe|tell|me|about|i|you|we|use|used|usually|typically|also|then|so|there|here|really|exactly"
    r"|between|compare)\b)",
    re.I,
)
# Words that carry no topic of their own in a follow-up: fillers and vague scope words.
# Single characters only where they cannot sit inside a technical term (下 would cut 梯度下降). 了, 会 and 问题:
# "大了会有什么问题？" names no topic, so the next turn keeps the earlier one (tuning follow-ups 288 → 289 of 323).
_FILLERS = re.compile(r"一般|通常|具体|大概|到底|还有|还|也|又|再|那么|就|的|了|会|问题|时候|情况|场景|这里|那里|里面|呀|啊|办法|"
                      r"\b(?:one|ones|thing|things|part|case|cases|more|other|else|too|again"
                      r"|for|of|my|in|on|with|to|at|by|from|if|only|now|ok|okay)\b", re.I)
# Words that point back at something said earlier: pronouns, "the former/latter", a choice among earlier
# options ("选哪个", "which one") and a degree measured against it ("少那么多"). Such a follow-up never stands
# alone. 其中 (among them), 其实 (actually) and 其次 (secondly) are not references: "其中 bagging 怎么做？" names its topic.
_REFERENCE = re.compile(
    r"(它|其(?![中实次])|那么(?=[多大小快慢少高低好])|这个|那个|这种|那种|这些|那些|这样|这么|这时|此时|那时|这点|这一点|上面|刚才|前面|前者|后者|哪个|哪一个|哪种|哪一种"
    r"|最后一个|第[一二三]个"
    r"|\bit\b|\bits\b|\bthat\b|\bthis\b|\bthey\b|\bthem\b|\bthose\b|\bthese\b|\blatter\b|\bformer\b|\bsuch\b"
    r"|\bones?\b|\bthe\s+(?:first|second|last)\b)",
    re.I,
)
# Discourse markers that continue the conversation ("那…", "so…", "其中…", "in there"): the earlier topic
# is added, but a question with its own topic and only such a marker still anchors later follow-ups.
_CONTINUES = re.compile(r"^\s*(?:那么?|所以|然后|和|跟|与)|里面|其中|^\s*(?:and|so|then)\b|\bthen\b|\bthere\b|\bin it\b",
                        re.I)
# Markers that change the subject ("By the way, …", "顺便问下，…"): what follows is a new question, never read with the
# earlier topic ("By the way, what's the capital of Australia?" was answered from the section before it).
_SWITCH = re.compile(r"\bby the way\b|\bbtw\b|\bunrelated\b|\bchanging the subject\b|\bon another note\b"
                     r"|\b(?:switch(?:ing)?|change|changing)\s+(?:the\s+)?(?:topics?|subjects?)\b|\b(?:new|different|another)\s+topic\b"
                     r"|顺便问|顺便说|另外问|换个话题|换个问题|题外话", re.I)
# A capitalised word after the first letter of a sentence: a name (France, Paris), not an acronym (GRU, SGD).
_PROPER = re.compile(r"(?<![A-Za-z'’])[A-Z][a-z]{2,}\b")
# Elliptical follow-ups: "X 呢？", "what about X?", "and X?"
_ELLIPSIS = re.compile(r"呢\s*[？?]?\s*$|^\s*(?:and|what about|how about)\b", re.I)
# A Latin cue is a word stem (\\bdiffer): the rest of its word goes with it ("difference", not "ence").
_INTENT_WORDS = re.compile("|".join(f"(?:{cue})[A-Za-z]*" for cue in CUES.values()), re.I)


def needs_history(question: str) -> bool:
    """True when a question cannot stand alone: it refers back, is elliptical, or names no topic of its own."""
    return bool(_REFERENCE.search(question) or _ELLIPSIS.search(question)) or not _has_own_topic(question)


def condense_offline(question: str, history: list[str], knows: Callable[[str], bool] | None = None,
                     in_context: bool = False) -> str:
    """Standalone query without an LLM: prepend the earlier topic to a follow-up that needs it
    (`in_context`: to any follow-up, see `condensed_search`).

    The topic is the latest earlier question that stands on its own, so a chain of follow-ups
    ("what is X?" → "what problems does it cause?" → "how do I fix it?") stays on X. A question
    with its own topic that only continues the conversation ("那卷积之后输出尺寸怎么算？") gets
    the topic too; one without any marker ("GRU是什么？") is a new topic and stands alone.
    `knows(term)`: whether the notes use a term (the retriever's vocabulary). A Chinese follow-up naming
    only Latin terms the notes never use ("Transformer 里还有这个问题吗？") stands alone, so the coverage
    check can decline it instead of answering the earlier topic (dev conversations 132 → 134 of 163;
    English follow-ups are left out, their ordinary words are never in Chinese notes).
    """
    # Traditional Chinese folded first: the question words removed below are written in Simplified.
    question = to_simplified(question)
    if _SWITCH.search(question):
        return question
    if not history or not (in_context or needs_history(question) or _CONTINUES.search(question)
                           or _names_nothing_known(question, knows)):
        return question
    history = [to_simplified(h) for h in history]
    if knows is not None and CJK_RE.search(question):
        latin, _ = content_terms(_own_topic(question))
        if latin and not any(knows(t) for t in latin):
            return question
    anchor = next((h for h in reversed(history) if not needs_history(h) and not _names_nothing_known(h, knows)),
                  history[-1])
    topic, latest = topic_of(anchor) or anchor, history[-1]
    own = _own_topic(latest) if latest is not anchor else ""
    if _names_something(own):
        # But after "它和LSTM比有什么区别？" (the earlier topic its subject) a follow-up without a "它" of its own ("为什么？")
        # asks about both: it was read as "和LSTM比 为什么？" and answered from two LSTM sections (blind QA run 6, #9).
        both = _REFERENCE.match(latest.strip()) and not _REFERENCE.search(question)
        if _ELLIPSIS.search(latest) or (_moved_to(own, knows) and not both):
            # The latest follow-up moved to something new ("那 GRU 呢？", "tanh 相比它好在哪？"): the next "它" or
            # "ReLU 呢？" is about that, not about the question the chain started from.
            return f"{own} {question}"
        # A Chinese aspect of the same topic ("它对训练有什么危害？", "那为什么它会导致梯度消失？") joins it.
        topic = f"{topic} {own}"
    if _ELLIPSIS.search(question) and not intents(question):
        # "梯度爆炸会导致什么问题？" → "在循环网络里呢？" asks the same kind of question of a narrower case.
        topic = " ".join([topic, *_INTENT_WORDS.findall(anchor)])
    return f"{topic} {question}"


def _moved_to(own: str, knows: Callable[[str], bool] | None) -> bool:
    """Does what a follow-up names itself move the conversation to a new thing? A Latin name the notes use does
    ("GRU", "tanh"); an ordinary English word does not: "What are its drawbacks?" after "What is an LSTM?" read the
    next "How does GRU improve on it?" as about "drawbacks" (blind QA)."""
    names = _latin_names(own)
    return any(knows(w) for w in names) if knows is not None else bool(names)


def _names_nothing_known(question: str, knows: Callable[[str], bool] | None) -> bool:
    """An English question whose own words the notes never use ("Any downsides?", "What epsilon should I use?"):
    as a follow-up it names no topic they could answer alone, so it is read with the earlier one."""
    if knows is None or CJK_RE.search(question):
        return False
    words = _latin_names(_own_topic(question))
    # A capitalised name inside the sentence the notes never use ("What's the capital of France?") is a new subject,
    # not an aspect of the earlier one: it stands alone (and is declined), rather than being read as "gradient
    # clipping What's the capital of France?".
    if any(not knows(name.lower()) for name in _PROPER.findall(question.strip()[1:])):
        return False
    return bool(words) and not any(knows(w) for w in words)


def _own_topic(question: str) -> str:
    """What a follow-up names itself: its topic without the words that point back."""
    return re.sub(r"\s+", " ", _REFERENCE.sub(" ", topic_of(question))).strip()


def _has_own_topic(question: str) -> bool:
    """Does anything name a topic once question words, question-type words, fillers and references are gone?"""
    return _names_something(_own_topic(question))


def _names_something(topic: str) -> bool:
    return sum(len(run) for run in CJK_RE.findall(topic)) >= 2 or bool(_latin_names(topic))


def _latin_names(topic: str) -> list[str]:
    """The Latin words of two or more letters in a topic (GRU, tanh, Transformer)."""
    return [w for w in LATIN_RE.findall(topic.lower()) if len(w) > 1]


_CITED = re.compile(r"[\[【［]\d{1,3}[\]】］]")


def plausible_rewrite(question: str, rewrite: str) -> bool:
    """Whether a model's standalone question can stand for the follow-up: in the follow-up's language, no `[n]` (an
    answer, not a question), not much longer, asking what the follow-up asks (its question types, retrieval/intent.py:
    "检测" → detect) about every name it writes (GRU, ReLU). Blind QA: a stub's answer text was searched, and SmolLM2
    turned "那怎么检测它？" into "什么是梯度爆炸？". Anything else is condensed offline."""
    if not rewrite or _CITED.search(rewrite) or len(rewrite) > len(question) + 150:
        return False
    if language_of(rewrite) != language_of(question) or not intents(question) <= intents(rewrite):
        return False
    return set(technical_names(question)) <= set(technical_names(rewrite))


def condensed_search(retriever, question: str, history: list[str], k: int | None = None):
    """(standalone query, SearchResult) of one chat turn offline: the question condensed with its history and
    the notes' vocabulary (`Retriever.knows`), then searched. What the evals and tuning scripts measure is
    what the chain does (chain.build_offline_retrieval), in one place. The standalone query is the one the
    search read, typing slips corrected (retrieval/typos.py: "过你合" is shown as 过拟合).
    """
    standalone, result = _condensed_search(retriever, question, history, k)
    result = with_parts(retriever, result.query or standalone, result)
    if not result.covered:  # only the reading answered is pointed (the others were searched with point=False)
        result.mentions = retriever.mentions(result, question)
    return (result.query or standalone), result


def with_parts(retriever, question: str, result):
    """The search `result` of `question`, a multi-part question answered part by part where its parts go to
    different sections (parts.py)."""
    if not (readings := part_readings(retriever, question)):
        return result  # one part: nothing more is searched
    strong = retriever.coverage.threshold + retriever.followup_margin  # covered strongly, as a follow-up alone
    return split_search(result, readings, retriever.part_margin, strong)


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
        return _search(retriever, to_simplified(part), part, PART_K)

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
    plain = to_simplified(question)  # what condense_offline returns for a question it leaves alone
    query = condense_offline(question, history, retriever.knows)
    result = _search(retriever, query, question, k)
    strong = retriever.coverage.threshold + retriever.followup_margin
    if query != plain:
        if needs_history(plain):
            return query, result
        # Given the topic only because it continues the conversation ("那卷积之后输出尺寸怎么算？" after conv vs
        # fully connected layers): the topic can pull it to a sibling section, so it is answered alone when alone
        # it is covered strongly (tuning follow-ups 202 → 204 of 230, none lost).
        alone = _search(retriever, plain, question, k)
        return (plain, alone) if alone.covered and alone.coverage >= strong else (query, result)
    if not history or not result.hits or result.lacks or (result.covered and result.coverage >= strong):
        return query, result
    in_context = condense_offline(question, history, retriever.knows, in_context=True)
    if in_context == query or not (second := _search(retriever, in_context, question, k)).covered:
        return query, result
    top, first = second.hits[0], result.hits[0]
    if result.covered:
        # Weakly covered alone: the reading in context wins only when stronger by the margin too, since the topic's
        # own words raise its coverage whatever the follow-up asks ("用 same padding 的话 output size 会变吗" after
        # feature-map channels read in context as the channels section).
        return (in_context, second) if second.coverage > result.coverage + retriever.followup_margin else (query, result)
    if _section(top) == _section(first):
        return in_context, second
    if second.coverage >= strong:
        # Declined alone, covered strongly in context: answered when that reading stays on the section the conversation
        # is about and the follow-up names something that section says ("鞍点又是什么意思？" after the local-minima answer).
        # A request about anything else ("今天天气怎么样？") names nothing there, however strong the topic makes it.
        previous = _previous_hit(retriever, history, k)
        if previous is not None and _section(previous) == _section(top) and _names_in(plain, previous.section):
            return in_context, second
    return query, result


def _search(retriever, reading: str, asked: str, k: int | None):
    """Search one reading of a question. Only the question as asked gets the learned order (retrieval/rerank.py): in a
    reading with the conversation's words, the share of its terms a section uses measures the earlier topic."""
    return retriever.search(reading, k, rerank=reading == to_simplified(asked), point=False)


def _section(hit) -> tuple[str, str]:
    return hit.file_key, hit.uid


def _previous_hit(retriever, history: list[str], k: int | None):
    """The section the previous question was answered from (its offline condensed reading), or None if declined."""
    asked = resolve_ordinals(history[-1], history[:-1], lambda: listed_points(_previous_hit(retriever, history[:-1], k)))
    previous = _search(retriever, condense_offline(asked, history[:-1], retriever.knows), asked, k)
    return previous.hits[0] if previous.covered and previous.hits else None


def _names_in(question: str, section: str) -> bool:
    """Does the section use one of the follow-up's own topic terms (an English phrase through its glossary terms)?"""
    return not (term_set(_own_topic(question)) | set(chinese_tokens(question))).isdisjoint(tokenize(section))


def topic_of(question: str) -> str:
    """A question without its question words, question-type words and fillers: what it is about.

    "梯度爆炸怎么解决？" → "梯度爆炸": the follow-up then supplies the question type, instead
    of the earlier question's type ("how to fix") outweighing it.
    """
    # Question words go first: an intent cue inside one ("哪些" of "有哪些") would leave its other half behind
    # ("防止过拟合有哪些办法？" → "过拟合有").
    # A subject-change marker ("Now switch topics: …") is no part of the topic the next follow-up inherits.
    text = _QUESTION_WORDS.sub(" ", _CONTINUES.sub(" ", _SWITCH.sub(" ", question)))
    text = _INTENT_WORDS.sub(" ", text)
    text = _FILLERS.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()

