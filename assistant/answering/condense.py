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
How a turn is then searched (ordinals, re-reading a weak follow-up in context, the parts of a multi-part question)
is `turn_search.py`. Every rule was chosen on the tuning conversations, never on the frozen test set;
each one's before → after figures are in eval/README.md ("The offline follow-up rules").
"""

from __future__ import annotations

import re
from typing import Callable

from assistant.notes.terms import CJK_RE, LATIN_RE, content_terms, language_of, technical_names, to_simplified
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
# A setting (…里 / …中) and a verb left without its object ("在 RNN 里怎么修复？", "Keras 里怎么用？" after "梯度截断是什么？"):
# what is fixed or used is the earlier topic, the setting is not the subject.
_OBJECT_LEFT = re.compile(r"[里中]\s*(?:该|要|应该)?(?:怎么|如何|咋)(?:样|么)?(?:用|做|修复|解决|处理|实现|设置|调|避免|防止|缓解|检测|判断)"
                          r"\s*[？?。]?\s*$")
# Markers that change the subject ("By the way, …", "顺便问下，…"): what follows is a new question, never read with the
# earlier topic ("By the way, what's the capital of Australia?" was answered from the section before it).
SWITCH = re.compile(r"\bby the way\b|\bbtw\b|\bunrelated\b|\bchanging the subject\b|\bon another note\b"
                    r"|\b(?:switch(?:ing)?|change|changing)\s+(?:the\s+)?(?:topics?|subjects?)\b|\b(?:new|different|another)\s+topic\b"
                    r"|顺便问|顺便说|另外问|换个话题|换个问题|题外话", re.I)
# A capitalised word after the first letter of a sentence: a name (France, Paris), not an acronym (GRU, SGD).
_PROPER = re.compile(r"(?<![A-Za-z'’])[A-Z][a-z]{2,}\b")
# Elliptical follow-ups: "X 呢？", "what about X?", "and X?"
_ELLIPSIS = re.compile(r"呢\s*[？?]?\s*$|^\s*(?:and|what about|how about)\b", re.I)
# A Latin cue is a word stem (\\bdiffer): the rest of its word goes with it ("difference", not "ence").
_INTENT_WORDS = re.compile("|".join(f"(?:{cue})[A-Za-z]*" for cue in CUES.values()), re.I)


def leaves_out_object(question: str) -> bool:
    """True for a follow-up that names where, not what ("Keras 里怎么用？"): its object is the earlier topic."""
    return bool(_OBJECT_LEFT.search(to_simplified(question)))


def needs_history(question: str) -> bool:
    """True when a question cannot stand alone: it refers back, is elliptical, or names no topic of its own."""
    return bool(_REFERENCE.search(question) or _ELLIPSIS.search(question)) or not has_own_topic(question)


def continues(question: str) -> bool:
    """Does a question only go on about the one before it ("how does it work?", "它怎么用？")? It cannot stand alone
    (`needs_history`) and names nothing of its own: no technical name ("what did it change compared with LSTM?"), no
    capitalised word inside it ("why do Transformers use it?", whose "it" may be anything) and, in Chinese, no topic
    ("梯度爆炸这个概念最早是哪篇论文提出的？" is about 梯度爆炸: its 这个 points at nothing before it)."""
    question = to_simplified(question)
    return needs_history(question) and not technical_names(question) and not _PROPER.search(question.strip()[1:]) \
        and not (CJK_RE.search(question) and has_own_topic(question))


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
    if SWITCH.search(question):
        return question
    if not history or not (in_context or needs_history(question) or _CONTINUES.search(question)
                           or leaves_out_object(question) or _names_nothing_known(question, knows)):
        return question
    history = [to_simplified(h) for h in history]
    if knows is not None and CJK_RE.search(question):
        latin, _ = content_terms(own_topic(question))
        if latin and not any(knows(t) for t in latin):
            return question
    anchor = next((h for h in reversed(history) if not needs_history(h) and not _names_nothing_known(h, knows)),
                  history[-1])
    topic, latest = topic_of(anchor) or anchor, history[-1]
    own = own_topic(latest) if latest is not anchor else ""
    if _names_something(own):
        # But after "它和LSTM比有什么区别？" (the earlier topic its subject) a follow-up without a "它" of its own ("为什么？")
        # asks about both: it was read as "和LSTM比 为什么？" and answered from two LSTM sections (blind QA run 6, #9).
        both = _REFERENCE.match(latest.strip()) and not _REFERENCE.search(question)
        if (_ELLIPSIS.search(latest) and not _REFERENCE.search(latest)) or (_moved_to(own, knows) and not both):
            # The latest follow-up moved to something new ("那 GRU 呢？", "tanh 相比它好在哪？"): the next "它" or
            # "ReLU 呢？" is about that, not about the question the chain started from. Not "那它的缺点呢": its "它" is
            # the earlier topic, and "怎么解决" after it was read as "缺点 怎么解决" (blind CLI QA, 2026-12-07).
            return f"{_replaced(own, question)} {question}"
        # A Chinese aspect of the same topic ("它对训练有什么危害？", "那为什么它会导致梯度消失？") joins it.
        topic = f"{topic} {own}"
    if _ELLIPSIS.search(question) and not intents(question):
        # "梯度爆炸会导致什么问题？" → "在循环网络里呢？" asks the same kind of question of a narrower case.
        topic = " ".join([topic, *_INTENT_WORDS.findall(anchor)])
    return f"{_replaced(topic, question)} {question}"


def _replaced(topic: str, question: str) -> str:
    """The earlier topic without the family members an elliptical follow-up puts another member in place of
    (notes/families.tsv): after "sigmoid有什么缺点？", "那 tanh 呢？" asks tanh's drawbacks, and read as "sigmoid 缺点 那 tanh
    呢？" it was answered with sigmoid's again; "GRU是什么？" → "那 LSTM 呢？" repeated the GRU definition (blind CLI QA,
    2026-12-07). Read as "缺点 那 tanh 呢？", the aspect stays and the name asked about decides. A topic of nothing but
    the replaced name is left whole: after "sigmoid？", "那 tanh 呢？" is read with both names."""
    if not _ELLIPSIS.search(question):
        return topic
    from assistant.notes.families import mentions, named

    asked = dict((i, f) for f, i in named(question))  # member index → family
    family_of = dict((i, f) for f, i in named(topic))
    cut = [(a, b) for a, b, i in mentions(topic) if family_of[i] in asked.values() and i not in asked]
    rest = topic
    for a, b in reversed(cut):
        rest = rest[:a] + " " + rest[b:]
    rest = re.sub(r"\s+", " ", rest).strip()
    return rest if rest and rest != topic and _names_something(rest) else topic


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
    words = _latin_names(own_topic(question))
    # A capitalised name inside the sentence the notes never use ("What's the capital of France?") is a new subject,
    # not an aspect of the earlier one: it stands alone (and is declined), rather than being read as "gradient
    # clipping What's the capital of France?".
    if any(not knows(name.lower()) for name in _PROPER.findall(question.strip()[1:])):
        return False
    return bool(words) and not any(knows(w) for w in words) and not _known_in_chinese(own_topic(question), knows)


def _known_in_chinese(topic: str, knows: Callable[[str], bool]) -> bool:
    """Whether the glossary's Chinese for a phrase of an English topic is used by the notes ("exploding gradients" →
    梯度爆炸), an aspect (downsides → 缺点) aside. Chinese notes name their topics in Chinese: "How to fix exploding
    gradients?" counted as naming nothing they use, so two turns later "what problems does it cause?" took its topic
    from "how do I detect it" and was declined as "it what problems does it cause?" (blind CLI QA, 2026-12-07)."""
    from assistant.notes.glossary import chinese_terms

    return any(has_own_topic(term) and bool(bigrams := content_terms(term)[1]) and all(knows(t) for t in bigrams)
               for term in chinese_terms(topic))


def own_topic(question: str) -> str:
    """What a follow-up names itself: its topic without the words that point back."""
    return re.sub(r"\s+", " ", _REFERENCE.sub(" ", topic_of(question))).strip()


def has_own_topic(question: str) -> bool:
    """Does anything name a topic once question words, question-type words, fillers and references are gone? An aspect
    asked (缺点, advantages: `shapes.ASPECTS`) is no topic: "那它的缺点呢" as a chat's first question was declined as
    "not in the notes" instead of asking what it is about (blind CLI QA), and "有什么缺点？" after "ReLU 是什么？" was
    searched alone. The reading with the earlier topic keeps the aspect (`topic_of` leaves it in)."""
    from assistant.answering.shapes import ASPECTS

    topic = own_topic(question)
    for asked, _ in ASPECTS.values():
        topic = asked.sub(" ", topic)
    return _names_something(topic)


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


def topic_of(question: str) -> str:
    """A question without its question words, question-type words and fillers: what it is about.

    "梯度爆炸怎么解决？" → "梯度爆炸": the follow-up then supplies the question type, instead
    of the earlier question's type ("how to fix") outweighing it.
    """
    # Question words go first: an intent cue inside one ("哪些" of "有哪些") would leave its other half behind
    # ("防止过拟合有哪些办法？" → "过拟合有").
    # A subject-change marker ("Now switch topics: …") is no part of the topic the next follow-up inherits.
    text = _QUESTION_WORDS.sub(" ", _CONTINUES.sub(" ", SWITCH.sub(" ", question)))
    text = _INTENT_WORDS.sub(" ", text)
    text = _FILLERS.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()

