"""Topics a user can practise, derived from the notes by keyword rules kept in `topics.json`.

Rules are data so a user with other notes can extend them without touching code; any
question that matches no rule well (no title keyword, fewer than BODY_KEYWORDS different ones in its body) falls
into 'other', so the user's own notes always get a topic and never one they are plainly not about.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.errors import UserError

TOPICS_FILE = Path(__file__).with_name("topics.json")


class TopicError(UserError, ValueError):
    """A --topic value names no topic (or several); the message lists the valid ones."""


@dataclass(frozen=True)
class Topic:
    """A practice area: id, English and Chinese names, and the keywords that select it."""

    id: str
    name: str
    name_zh: str
    keywords: tuple[str, ...]

    @property
    def display(self) -> str:
        """'Gradient explosion (梯度爆炸)'."""
        return f"{self.name} ({self.name_zh})"


@lru_cache(maxsize=4)
def load_topics(path: Path = TOPICS_FILE) -> tuple[Topic, ...]:
    """The topic rules in match order, with the 'other' fallback last."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    rows = [*data["topics"], data["other"]]
    return tuple(Topic(r["id"], r["name"], r["name_zh"], tuple(k.lower() for k in r["keywords"])) for r in rows)


# A body names a topic only with this many different keywords of it. One word in passing is not the subject: a
# self-attention section went to "Activation functions" for the softmax in its formula, Pre-LN vs Post-LN to
# "Optimisation" for one 学习率 (blind QA s8 §11). Every shipped section's title names its topic, so this decides only
# for other notes: of eval/dev/notes' 14, the loss-function and gradient-checking sections now go to 'other'
# (one incidental 学习率 / 正则化 + relu), and backpropagation keeps "Optimisation" (梯度下降 and 优化).
BODY_KEYWORDS = 2


def classify(title: str, body: str = "", topics: tuple[Topic, ...] | None = None) -> Topic:
    """The topic of a question: the first topic a keyword of its title names; else the topic whose keywords its body
    uses most, if it uses at least BODY_KEYWORDS different ones; else 'other' (the last topic)."""
    topics = topics or load_topics()
    title_l, body_l = title.lower(), body.lower()
    for topic in topics:
        if any(k in title_l for k in topic.keywords):
            return topic
    hits = [(sum(body_l.count(k) for k in t.keywords), -i, t) for i, t in enumerate(topics)
            if sum(k in body_l for k in t.keywords) >= BODY_KEYWORDS]
    return max(hits, key=lambda h: (h[0], h[1]))[2] if hits else topics[-1]


def resolve(text: str, topics: tuple[Topic, ...] | None = None) -> Topic:
    """A topic by id or by a substring of its name; raises TopicError naming the valid topics."""
    topics = topics or load_topics()
    needle = text.strip().lower()
    exact = [t for t in topics if t.id == needle]
    found = exact or [t for t in topics if needle and (needle in t.id or needle in t.name.lower() or needle in t.name_zh.lower())]
    if len(found) == 1:
        return found[0]
    valid = ", ".join(t.id for t in topics)
    what = "matches several topics" if found else "is not a topic"
    raise TopicError(f"{text!r} {what}; valid topics: {valid}")
