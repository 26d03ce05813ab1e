"""Answer → claims: the statements a faithfulness judge checks one by one.

RAGAS asks an LLM to rewrite every sentence into standalone statements. We split
deterministically instead, so the offline and LLM judges see the same claims, reruns
are stable, and a calibration item's `bad_sentence` maps onto exactly one claim:
an extractive answer's claims are its quoted bullets, a generated answer's are its
sentences. Citation markers `[n]` are collected per claim and removed from its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.notes.text import BULLET_RE, split_sentences, word_chars

MARKER = re.compile(r"\s*\[(\d{1,3})\]")
_QUOTE_LINE = re.compile(r"^\s*-\s+(?P<text>.+?)(?P<marks>(?:\s*\[\d{1,3}\])+)\s*$")
_LEADING_MARKS = re.compile(r"^(?:\s*\[\d{1,3}\])+")


@dataclass
class Claim:
    """One checkable statement: its text without markers, the original sentence and its citations."""

    text: str
    sentence: str
    citations: list[int] = field(default_factory=list)
    kind: str = "sentence"  # 'quote' (extractive bullet, checked verbatim) or 'sentence' (generated)


def normalise(text: str) -> str:
    """Whitespace removed, for verbatim comparison across line wrapping and CJK/Latin spacing."""
    return re.sub(r"\s+", "", text)


def strip_markers(text: str) -> str:
    """The text with every `[n]` marker removed."""
    return MARKER.sub("", text).strip()


def is_extractive(answer: str) -> bool:
    """True when the answer is the extractive answerer's shape: quoted bullets ending in `[n]`."""
    return any(_QUOTE_LINE.match(line) for line in answer.splitlines())


def split_claims(answer: str, extractive: bool | None = None) -> list[Claim]:
    """The claims of an answer; `extractive=None` detects the answer's shape."""
    if extractive is None:
        extractive = is_extractive(answer)
    return _quote_claims(answer) if extractive else _sentence_claims(answer)


def _quote_claims(answer: str) -> list[Claim]:
    # Header and notice lines are about the answer mode, not about the notes: not claims.
    claims = []
    for line in answer.splitlines():
        m = _QUOTE_LINE.match(line)
        if m:
            cites = [int(n) for n in MARKER.findall(m.group("marks"))]
            claims.append(Claim(m.group("text").strip(), line.strip(), cites, "quote"))
    return claims


def sentences(text: str) -> list[str]:
    """Sentences of prose, bullets stripped; markers written after the full stop stay with their sentence."""
    out: list[str] = []
    for line in text.splitlines():
        # Not on ；: the answers cite per full sentence.
        for piece in split_sentences(BULLET_RE.sub("", line.strip()), semicolons=False):
            lead = _LEADING_MARKS.match(piece)
            if lead and out:  # "…。[1]" puts the marker after the split point: give it back
                out[-1] += lead.group(0).strip()
                piece = piece[lead.end():]
            if piece.strip():
                out.append(piece.strip())
    return out


def _sentence_claims(answer: str) -> list[Claim]:
    claims = []
    for sentence in sentences(answer):
        text = strip_markers(sentence)
        if word_chars(text) >= 2:  # skip stray punctuation and bare markers
            claims.append(Claim(text, sentence, [int(n) for n in MARKER.findall(sentence)]))
    return claims
