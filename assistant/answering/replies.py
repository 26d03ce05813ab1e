"""Whether a model's reply can be shown as an answer: the failures that arrive without an error.

A model that fails loudly (an HTTP error, a timeout, a cut socket) raises, and the chain falls back to the
extractive answer with a notice. Some failures raise nothing: a server that closes a plain HTTP/1.0 stream ends
it without the `finish_reason` every complete reply carries, so the client simply stops; a reply can be empty;
and a small model can loop, repeating one line until its token limit (blind QA: SmolLM2 wrote "使用 ReLU 激活函数"
58 times). `check_reply` names them as an `UnusableReply`, which the chain treats like any other model failure:
the text is withdrawn and the notes are quoted instead. A prompt too long for the model's context window is
recognised here too (`too_long`), so the chain can send it again with fewer sources.
"""

from __future__ import annotations

import re
from collections import Counter

_TOO_LONG = re.compile(r"context|too (?:long|many tokens)|maximum.{0,40}tokens", re.I)
# One unit of a reply: a line, or a sentence of a long line; list numbering and citations are no part of it.
_UNITS = re.compile(r"[^\n。！？!?；;]+")
_LAYOUT = re.compile(r"^\s*(?:[-*+]|\d+[.)、])\s*|\[\d+\]|\s+")
LOOP_REPEATS = 4  # the same unit this often, making up at least LOOP_SHARE of the reply, is a loop
LOOP_SHARE = 0.4
LOOP_STEP = 400  # characters of a streaming reply between two loop checks (each check reads the whole reply)
LOOP_MESSAGE = "the model repeated the same line over and over"
# An English sentence ends at a full stop before a space or the end: a model looping in one paragraph ("It is a
# mathematical technique … derivative. It is a …", 6,000 characters; blind QA) wrote no line breaks, so the whole reply
# was one unit and the loop was shown under the "Generated" badge. "e.g. x" is split too, harmlessly: a loop needs
# the same unit LOOP_REPEATS times.
_SENTENCE_END = re.compile(r"\.(?:\s+|$)")


class UnusableReply(Exception):
    """A reply that arrived without an error but cannot be shown as an answer; the message says why (in English, for
    logs) and `kind` names the reason for the notice shown in the answer's language (prompts/llm_reasons.*.md)."""

    def __init__(self, message: str, kind: str = "other") -> None:
        super().__init__(message)
        self.kind = kind


def too_long(exc: Exception) -> bool:
    """Whether a model error says the prompt does not fit its context window (OpenAI, vLLM, llama.cpp wordings)."""
    return getattr(exc, "status_code", None) in (400, 413) and bool(_TOO_LONG.search(str(exc)))


def check_reply(text: str, finish_reasons: list[str]) -> None:
    """Raise UnusableReply for an empty reply, one that ended without a finish_reason (the stream stopped
    mid-answer), or one that loops."""
    if not text.strip():
        raise UnusableReply("the model returned no text", "empty")
    if not finish_reasons:
        raise UnusableReply("the reply stopped before the model finished it (the connection closed mid-answer)", "cut")
    if looping(text):
        raise UnusableReply(LOOP_MESSAGE, "loop")


def check_partial(text: str, checked: int) -> int:
    """Raise UnusableReply once a reply still streaming loops (it need not run to its token limit: blind QA, a
    SmolLM2 loop streamed for minutes before the end-of-reply check caught it); returns the length checked, so a
    caller checks again only every LOOP_STEP characters."""
    if len(text) - checked < LOOP_STEP:
        return checked
    if looping(text):
        raise UnusableReply(LOOP_MESSAGE, "loop")
    return len(text)


def looping(text: str) -> bool:
    """Whether one line (or sentence) of the reply is repeated LOOP_REPEATS times or more and the repeats make up
    LOOP_SHARE of it; a list whose items share a verb ("使用梯度截断", "使用 ReLU") differs in its nouns."""
    units = [u for u in (_LAYOUT.sub("", m).lower() for m in _UNITS.findall(_SENTENCE_END.sub("\n", text)))
             if len(u) >= 4]
    if not units:
        return False
    unit, n = Counter(units).most_common(1)[0]
    return n >= LOOP_REPEATS and n / len(units) >= LOOP_SHARE
