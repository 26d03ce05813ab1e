"""Answerers and citation handling: the extractive quoter, source formatting, and the `[n]` checker.

The extractive answerer is the offline default: it quotes the most relevant sentences of
the top sections verbatim, each followed by the `[n]` of its section, and never writes a
word of its own apart from the header that says it is quoting. The citation filter runs on
any answer stream (extractive or LLM): it holds back `[...]` markers until they close,
drops numbers that name no retrieved source, and reports what it dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from .corpus import SUBSECTION_RE
from .markdown import BULLET_RE, IMG_RE, SOURCE_RE, Fences, plain_text, split_sentences, strip_footnotes
from .lexical import tokenize
from .retrieve import Hit

# Models writing Chinese often cite as 【1】 or ［1］: those count too, and are shown as [1].
_CITATION = re.compile(r"[\[【［](\d{1,3})[\]】］]")
# Quoting a clearly weaker second section mostly added off-target sentences. On the tuning queries
# this cut (fused-score units) raised the share of quotes from a gold section from 0.79 to 0.87,
# while answers with at least one gold quote fell by 0.005 (2.0 costs 0.016); bench/tune_quotes.py.
SECOND_SOURCE_GAP = 2.5
_OPEN_TAIL = re.compile(r"(?:[\[【［]\d{0,3})+$")  # a run of opened markers: removing an inner one may close an outer one


@dataclass
class Quote:
    """A sentence quoted verbatim from a cited section."""

    n: int
    text: str


def candidate_sentences(body: str) -> list[str]:
    """Quotable sentences of a chunk body: prose only, list bullets and the notes' footnote markers
    stripped, verbatim otherwise (a quote is a substring of `strip_footnotes(section)`)."""
    out: list[str] = []
    fences = Fences()
    for line in body.split("\n"):
        if fences.step(line) or fences.inside or SOURCE_RE.match(line) or SUBSECTION_RE.match(line) or IMG_RE.search(line):
            continue
        line = BULLET_RE.sub("", strip_footnotes(line).strip())
        for sentence in split_sentences(line):
            if len(plain_text(sentence)) >= 6:
                out.append(sentence)
    return out



def select_quotes(question: str, hits: list[Hit], max_quotes: int = 4, max_sources: int = 2) -> list[Quote]:
    """Pick the sentences of the top sections that best match the question (lexical overlap, chunk rank).

    A lower section is quoted only when its fused score is within SECOND_SOURCE_GAP of the best one.
    """
    q_terms = set(tokenize(question))
    scored: list[tuple[float, int, int, Quote]] = []
    order = 0
    for n, hit in enumerate(hits[:max_sources], start=1):
        if hits[0].score - hit.score > SECOND_SOURCE_GAP:
            break
        source_weight = 1.0 if n == 1 else 0.6
        for rank, chunk in enumerate(hit.chunks[:3]):
            for sentence in candidate_sentences(chunk.body):
                terms = set(tokenize(sentence))
                overlap = len(q_terms & terms) / (len(q_terms) ** 0.5 + 1) if q_terms else 0.0
                bold = 0.3 if "**" in sentence else 0.0
                score = source_weight * (overlap + bold + 1.0 / (rank + 1)) - 0.01 * order
                scored.append((score, n, order, Quote(n, sentence)))
                order += 1
    if not scored:
        return []
    chosen = sorted(scored, key=lambda s: -s[0])[:max_quotes]
    # Keep the chosen sentences in reading order: source by source, as they appear in the notes.
    return [q for _, _, _, q in sorted(chosen, key=lambda s: (s[1], s[2]))]


def extractive_stream(question: str, hits: list[Hit], header: str, links_note: str, max_quotes: int = 4) -> Iterator[str]:
    """The extractive answer as a stream of pieces: the header, then one quoted sentence per line.

    When the best section is link-only or image-only it has nothing to quote: its references are
    listed first, then quotes from the next sections, so the answer is never just a header.
    """
    quotes = select_quotes(question, hits, max_quotes)
    yield header + "\n\n"
    if hits and hits[0].kind != "text":
        yield links_note + "\n"
        for line in hits[0].section.split("\n"):
            source, image = SOURCE_RE.match(line), IMG_RE.search(line)
            if source:
                yield f"- [{source.group(1)}]({source.group(2)}) [1]\n"  # verbatim Markdown link
            elif image:
                yield f"- {image.group(1) or image.group(2)} [1]\n"
        yield "\n"
    for q in quotes:
        yield f"- {q.text} [{q.n}]\n"


def format_sources(hits: list[Hit], block, budget_tokens: int, encoding=None) -> str:
    """Number the sections [1]..[n] for the LLM, trimming each to a share of the token budget."""
    from .tokens import count_tokens, truncate_to_tokens

    blocks = []
    remaining = budget_tokens
    for n, hit in enumerate(hits, start=1):
        share = max(remaining // (len(hits) - n + 1), 0)
        text = strip_footnotes(hit.section or "\n".join(c.body for c in hit.chunks))
        if encoding is not None:
            text = truncate_to_tokens(text, share, encoding)
            remaining -= count_tokens(text, encoding)
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
        n = int(match.group(1))
        if 1 <= n <= self.n_sources:
            if n not in self.used:
                self.used.append(n)
            return f"[{n}]"
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
