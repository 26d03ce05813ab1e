"""The `[n]` citation checker, and the numbered source blocks an LLM cites from.

The filter runs on any answer stream (extractive or LLM): it holds back `[...]` markers until
they close, drops numbers that name no retrieved source, and reports what it dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from assistant.notes.text import strip_footnotes
from assistant.retrieval.results import Hit

# Models writing Chinese often cite as 【1】 or ［1］: those count too, and are shown as [1].
# The spaces before a marker go with it: a removed marker takes them along ("另一个事实 [7]。" → "另一个事实。", not a gap
# before the full stop, which a narrow chat bubble wrapped onto a line of its own; blind QA).
_CITATION = re.compile(r"([ \t]*)[\[【［](\d{1,3})[\]】］]")
# Held back until the next piece: a run of opened markers (removing an inner one may close an outer one), or spaces
# that a marker may follow.
_OPEN_TAIL = re.compile(r"(?:[ \t]*[\[【［]\d{0,3})+$|[ \t]+$")


def format_sources(hits: list[Hit], block, budget_tokens: int, encoding=None) -> str:
    """Number the sections [1]..[n] for the LLM, trimming each to a share of the token budget."""
    from assistant.answering.tokens import count_tokens, truncate_to_tokens

    blocks = []
    remaining = budget_tokens
    for n, hit in enumerate(hits, start=1):
        share = max(remaining // (len(hits) - n + 1), 0)
        text = strip_footnotes(hit.section or "\n".join(c.body for c in hit.chunks))
        if encoding is not None:
            # The block's own lines (number, label) and the blank line between blocks count too: with the budget
            # fitted to a model's context window (window.py) every token of the prompt must be in it.
            frame = count_tokens(block.format(n=n, label=hit.label, text="") + "\n\n", encoding)
            text = truncate_to_tokens(text, max(share - frame, 0), encoding)
            remaining -= count_tokens(text, encoding) + frame
        blocks.append(block.format(n=n, label=hit.label, text=text))
    return "\n\n".join(blocks)


@dataclass
class CitationFilter:
    """Streaming `[n]` checker: passes text through, removes markers outside 1..n_sources."""

    n_sources: int
    used: list[int] = field(default_factory=list)
    invalid: list[int] = field(default_factory=list)
    _pending: str = ""

    def feed(self, piece: str) -> str:
        """Accept a piece of the stream; return what can be shown now."""
        text = self._pending + piece
        while True:  # removing "[9]" from "[[9]7]" exposes "[7]": check again until stable
            tail = _OPEN_TAIL.search(text)
            cut = tail.start() if tail else len(text)
            ready = _CITATION.sub(self._check, text[:cut])
            if ready == text[:cut]:
                self._pending = text[cut:]
                return ready
            text = ready + text[cut:]

    def flush(self) -> str:
        """Whatever was held back at the end of the stream."""
        rest, self._pending = self._pending, ""
        while (checked := _CITATION.sub(self._check, rest)) != rest:
            rest = checked
        return rest

    def _check(self, match: re.Match) -> str:
        n = int(match.group(2))
        if 1 <= n <= self.n_sources:
            if n not in self.used:
                self.used.append(n)
            return f"{match.group(1)}[{n}]"
        self.invalid.append(n)
        return ""


def check_citations(text: str, n_sources: int) -> tuple[str, list[int], list[int]]:
    """Non-streaming form of the filter: (cleaned text, used numbers, invalid numbers)."""
    f = CitationFilter(n_sources)
    cleaned = f.feed(text) + f.flush()
    return cleaned, f.used, f.invalid


def filter_stream(pieces: Iterable[str], citation_filter: CitationFilter) -> Iterator[str]:
    """Run a stream of text pieces through a CitationFilter."""
    for piece in pieces:
        out = citation_filter.feed(piece)
        if out:
            yield out
    rest = citation_filter.flush()
    if rest:
        yield rest
