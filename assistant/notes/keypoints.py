"""Reference answers as key points: the sentences of a notes section a good answer should cover.

A section's prose is split into sentences with the same rules the extractive answerer uses
(`answer.candidate_sentences`: no headings, source links, images or code fences), so a
missed point can be quoted verbatim with its citation. Bold sentences and list items weigh
more: in these notes the author bolds the statements that matter and lists the enumerations
an interviewer expects to hear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.notes.terms import tokenize
from assistant.notes.text import Fences, candidate_sentences, plain_text

_LIST_ITEM = re.compile(r"^\s*(?:[-*+•]\s+|\d+[.)、]\s*)")
_NO_CLAIM = re.compile(r"^(?:\W*$|[—–-]{1,2})")  # empty or an attribution line ("——《深度学习》，2016.")
_MARKUP = re.compile(r"\*\*|__|(?<=\S) +(?=[。，；！？])")
# Latin words too common in the notes (or in English answers) to show that a point was covered.
_STOP = frozenset(
    "a an the of to in on and or is are be as by for with that this it its can will not at from into than "
    "then so we you they their which what when how why also only more most very such".split()
)


@dataclass(frozen=True)
class KeyPoint:
    """One statement of the reference answer, verbatim, with its weight and matching terms."""

    text: str
    plain: str
    weight: float
    terms: frozenset[str]


def key_terms(text: str) -> frozenset[str]:
    """Matching terms of a text: Latin words and numbers (no stop words) and Chinese bigrams."""
    return frozenset(t for t in tokenize(plain_text(text)) if t not in _STOP and (len(t) > 1 or not t.isascii()))


def extract_keypoints(markdown: str, min_chars: int = 6) -> list[KeyPoint]:
    """The key points of a section body, in reading order; headers, links, images and code are dropped."""
    points: list[KeyPoint] = []
    seen: set[str] = set()
    fences = Fences()
    for line in markdown.split("\n"):
        if fences.step(line) or fences.inside:
            continue
        listed = bool(_LIST_ITEM.match(line))
        for sentence in candidate_sentences(line):
            plain = plain_text(sentence).strip(" -•|：:")
            if len(plain) < min_chars or _NO_CLAIM.match(plain) or plain in seen:
                continue
            seen.add(plain)
            weight = 1.0 + (1.0 if "**" in sentence else 0.0) + (0.5 if listed else 0.0)
            # Quoted back to the user verbatim, minus Markdown emphasis and quote marks.
            quote = _MARKUP.sub("", sentence).strip().lstrip("> ").strip()
            points.append(KeyPoint(quote, plain, weight, key_terms(plain)))
    return points
