"""Test edits of a statement: what it would say without its negation, and with its opposite.

The polarity rules (polarity.py) compare words with the one note sentence a statement is aligned with.
Callers that have embeddings can also ask a question that needs no alignment: does an edit of the
statement match the notes better than the statement itself? Taking a negation out ("GRU 没有单独的记忆单元"
→ "GRU 有单独的记忆单元") or saying the opposite (an antonym swapped, two compared names swapped) and
finding it closer to the notes means the statement denies or reverses them. The grader and the judge embed
these edits beside the statement. They use polarity's word lists, so both tests agree on what a side is.
"""

from __future__ import annotations

import re

from assistant.notes.polarity import ANTONYMS, DEGREE, negations, sides
from assistant.notes.terms import has_cjk
from assistant.notes.text import word_chars

# A label of up to three words that opens a segment ("More obvious:", "Subtle signs:", "其次："): it heads what follows.
_LABEL = re.compile(r"^\s*(?:[A-Za-z][A-Za-z-]*\s+){0,2}[A-Za-z][A-Za-z-]*\s*[:：]\s*|^\s*[\u4e00-\u9fff]{1,4}[:：]\s*")


def segment_edits(segments: list[str], topic: str, min_chars: int, opposite: bool = True) -> list[tuple[int, str, str]]:
    """(segment index, kind, edited text) of every test edit of an answer's segments: a negated segment without its
    negation cues ("negation"), and, with `opposite`, its opposites (an antonym or two compared names swapped).
    Segments shorter than `min_chars` get none (e5 moves short texts by chance); English letters count half (about
    twice the characters say as much), and a short label before a colon is kept as it is: "More obvious: gradients
    grow quickly" was contradicted for its "Less obvious" (blind QA)."""
    edits: list[tuple[int, str, str]] = []
    for j, segment in enumerate(segments):
        label = _LABEL.match(segment)
        head, text = (label.group(), segment[label.end():]) if label else ("", segment)
        if word_chars(text) < min_chars * (1 + (not has_cjk(text))):
            continue
        if negations(text):
            edits.append((j, "negation", head + without_negation(text)))
        if opposite:
            edits += [(j, "opposite", head + v) for v in opposites(text, topic)]
    return edits

# Negation cues and what is left when they are taken out ("没有" → "有", "isn't" → "is", "cannot" → "can").
_UNNEGATE = ((re.compile(r"并不是|不是|并非"), "是"), (re.compile(r"没有"), "有"), (re.compile(r"无法"), "能"),
             (re.compile(r"[不没未]"), ""), (re.compile(r"\bcan't\b|\bcannot\b", re.I), "can"),
             (re.compile(r"\bwon't\b", re.I), "will"), (re.compile(r"n't\b", re.I), ""),
             (re.compile(r"\bwithout\b", re.I), "with"), (re.compile(r"\b(?:not|never|no)\b\s*", re.I), ""))


def without_negation(text: str) -> str:
    """The text with its negation cues taken out, for the "would it match better un-negated?" test."""
    for pattern, replacement in _UNNEGATE:
        text = pattern.sub(replacement, text)
    return text


_COMPARISON = re.compile(r"比|更|than\b|\b(?:more|less|fewer)\b|\w+er than", re.I)
# A name is a Latin token with a capital (LSTM, GRU, R-CNN); \w would also match the CJK around it.
_NAME = re.compile(r"(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*[A-Z])[A-Za-z][A-Za-z0-9_-]*[A-Za-z0-9](?![A-Za-z0-9_-])")


# Sides that name a topic in either language, so the question's "梯度爆炸" also names an English answer's "exploding".
_TOPIC_ALIASES = {"en:exploding": "zh:爆炸", "en:vanishing": "zh:消失", "en:overfitting": "zh:过拟合",
                  "en:underfitting": "zh:欠拟合", "en:variance": "zh:方差", "en:bias": "zh:偏差", "en:sparse": "zh:稀疏",
                  "en:dense": "zh:稠密", "en:parallel": "zh:并行", "en:serial": "zh:串行", "en:sequential": "zh:串行"}


def _topic_sides(topic: str) -> set[str]:
    named = sides(topic) if topic else set()
    return named | {en for en, zh in _TOPIC_ALIASES.items() if zh in named or en in named}


def opposites(text: str, topic: str = "") -> list[str]:
    """Minimal edits that say the opposite: one antonym side swapped at a time ("更少" → "更多", "larger" →
    "smaller"), and in a comparison of two named things ("LSTM比GRU的门更少", "MAE is more … than MSE")
    the two names swapped. For the "does the opposite match the note better?" test, which needs no
    word-level alignment, so it also works across languages and paraphrases.

    A side the topic (the question asked) names is what the statement is about, not a claim it makes:
    "Exploding gradients happen when …" answering "什么是梯度爆炸？" is not reversed into "Vanishing …",
    whose closeness to the notes is noise (it took a correct English answer of the dev grading set to 0/10)."""
    out: list[str] = []
    asked = _topic_sides(topic)
    for side in sorted(sides(text) - asked):
        kind, word = side.split(":", 1)
        for other in sorted(ANTONYMS.get(side, set())):
            target = other.split(":", 1)[1]
            if kind == "dim":
                out.append(re.sub(f"({DEGREE}){word}", rf"\g<1>{target}", text))
            elif kind == "en":
                out.append(re.sub(rf"\b{word}\b", target, text, flags=re.I))
            elif word in text:  # a longer side containing it (不可导 ⊃ 可导) was the one found
                out.append(text.replace(word, target))
    names = list(dict.fromkeys(_NAME.findall(text)))
    if len(names) == 2 and _COMPARISON.search(text):
        a, b = names
        out.append(re.sub(rf"(?<![A-Za-z0-9_-])({re.escape(a)}|{re.escape(b)})(?![A-Za-z0-9_-])",
                          lambda m: b if m.group(1) == a else a, text))
    return [t for t in dict.fromkeys(out) if t != text]
