"""Follow-up questions without a language model: turn "那怎么检测它？" into a standalone search query.

With an LLM configured the chain condenses with a prompt; offline (and for the eval), a
follow-up that cannot stand alone gets the *topic* of the latest standalone question
prepended. A follow-up cannot stand alone when it points back (它, 那, "it", "the latter"),
is elliptical ("数据很少的时候呢？", "What about YOLO?") or names no topic of its own once
its question words, question-type words and fillers are removed ("怎么缓解？").

The earlier question contributes only its topic: its question-type words (解决, 区别, 原因 …,
the cues of retrieval/intent.py) are removed, so "梯度爆炸怎么解决？" → "那怎么检测它？"
searches "梯度爆炸 那怎么检测它？" and the follow-up's own question type (detect) decides
between sibling sections. Rules chosen on the tuning conversations (eval/dev/conversations.jsonl
and the follow-ups of the older tuning sets), never on the frozen test set.
"""

from __future__ import annotations

import re

from assistant.notes.terms import CJK_RE, LATIN_RE
from assistant.retrieval.intent import CUES

_QUESTION_WORDS = re.compile(
    r"(什么是|是什么|什么叫|指的是|什么意思|意思|有什么|有哪些|哪些|哪个|哪种|怎么样|怎么|怎样|如何|为什么|为啥|多少|几个|吗|呢|吧|[？?。!！,，、：:]"
    r"|\b(?:what|what's|how|why|which|who|when|where|is|are|was|were|does|do|did|can|could|should|would|will|an?|the"
    r"|explain|describe|tell|me|about|i|you|we|use|used|usually|typically|also|then|so|there|here|really|exactly)\b)",
    re.I,
)
# Words that carry no topic of their own in a follow-up: fillers and vague scope words.
# Single characters only where they cannot sit inside a technical term (下 would cut 梯度下降).
_FILLERS = re.compile(r"一般|通常|具体|大概|到底|还有|还|也|又|再|那么|就|的|时候|情况|场景|这里|那里|里面|呀|啊|办法|"
                      r"\b(?:one|ones|thing|things|part|case|cases|more|other|else|too|again)\b", re.I)
_ANAPHORA = re.compile(
    r"(它|其|这个|那个|这种|那种|这些|那些|上面|刚才|前面|前者|后者|^那|^那么|^和|^跟|^与"
    r"|\bit\b|\bits\b|\bthat\b|\bthis\b|\bthey\b|\bthem\b|\bthose\b|\bthese\b|\blatter\b|\bformer\b|\bsuch\b)",
    re.I,
)
# Elliptical follow-ups: "X 呢？", "what about X?", "and X?"
_ELLIPSIS = re.compile(r"呢\s*[？?]?\s*$|^\s*(?:and|what about|how about)\b", re.I)
_INTENT_WORDS = re.compile("|".join(f"(?:{cue})" for cue in CUES.values()), re.I)


def needs_history(question: str) -> bool:
    """True when a follow-up cannot stand alone: it points back, is elliptical, or names no topic."""
    if _ANAPHORA.search(question) or _ELLIPSIS.search(question):
        return True
    topic = topic_of(question)
    cjk = sum(len(run) for run in CJK_RE.findall(topic))
    latin = [w for w in LATIN_RE.findall(topic.lower()) if len(w) > 1]
    return cjk < 2 and not latin


def condense_offline(question: str, history: list[str]) -> str:
    """Standalone query without an LLM: prepend the earlier topic to a follow-up that needs it.

    The topic is the latest earlier question that stands on its own, so a chain of follow-ups
    ("what is X?" → "what problems does it cause?" → "how do I fix it?") stays on X.
    """
    if not history or not needs_history(question):
        return question
    anchor = next((h for h in reversed(history) if not needs_history(h)), history[-1])
    return f"{topic_of(anchor) or anchor} {question}"


def topic_of(question: str) -> str:
    """A question without its question words, question-type words and fillers: what it is about.

    "梯度爆炸怎么解决？" → "梯度爆炸": the follow-up then supplies the question type, instead
    of the earlier question's type ("how to fix") outweighing it.
    """
    text = _INTENT_WORDS.sub(" ", question)
    text = _QUESTION_WORDS.sub(" ", text)
    text = _FILLERS.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()
