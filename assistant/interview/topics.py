"""Topics a user can practise, derived from the notes by keyword rules kept in `topics.json`.

Rules are data so a user with other notes can extend them without touching code; any
question that matches no rule falls into 'other', so the user's own notes always get a topic.
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


def classify(title: str, body: str = "", topics: tuple[Topic, ...] | None = None) -> Topic:
    """The topic of a question: first title rule that matches, else most body keyword hits, else 'other'."""
    topics = topics or load_topics()
    title_l, body_l = title.lower(), body.lower()
    for topic in topics:
        if any(k in title_l for k in topic.keywords):
            return topic
    hits = [(sum(body_l.count(k) for k in t.keywords), -i, t) for i, t in enumerate(topics)]
    best = max(hits, key=lambda h: (h[0], h[1]))
    return best[2] if best[0] > 0 else topics[-1]


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
