"""How the grader reads an answer: its sentences and comma clauses, and whether it is only a keyword list."""

from __future__ import annotations

import re

from assistant.notes.text import clauses, split_sentences


def answer_parts(answer: str) -> tuple[list[str], list[int]]:
    """Sentences of an answer, then their comma clauses (short list-style key points match a clause best),
    with the index of the sentence each part belongs to."""
    sentences = [s for s in split_sentences(re.sub(r"[；;]", "；\n", answer)) if s.strip()]
    parts, parent = list(sentences), list(range(len(sentences)))
    for i, sentence in enumerate(sentences):
        for c in clauses(sentence):
            if c not in sentences:
                parts.append(c)
                parent.append(i)
    return parts, parent


def is_keyword_list(answer: str, max_chars: int) -> bool:
    """True for an answer that is only a list of short terms ("ReLU、LSTM、梯度截断"), no sentence among them."""
    items = [x.strip() for x in re.split(r"[、,，;；/\n]|\band\b", answer) if x.strip()]
    if len(items) < 3:
        return False
    lengths = sorted(len(x) for x in items)
    return lengths[len(lengths) // 2] <= max_chars and not re.search(r"[。！？.!?]\s*\S", answer.strip())
