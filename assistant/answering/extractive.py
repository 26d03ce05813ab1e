"""The offline answerer: quotes the notes verbatim, each quote followed by its section's `[n]`.

It never writes a word of its own apart from the header that says it is quoting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from assistant.notes.terms import tokenize
from assistant.notes.text import IMG_RE, SOURCE_RE, candidate_sentences
from assistant.retrieval.retriever import Hit

# Quoting a clearly weaker second section mostly added off-target sentences. On the tuning queries
# this cut (fused-score units) raised the share of quotes from a gold section from 0.79 to 0.87,
# while answers with at least one gold quote fell by 0.005 (2.0 costs 0.016); bench/tune_quotes.py.
SECOND_SOURCE_GAP = 2.5


@dataclass
class Quote:
    """A sentence quoted verbatim from a cited section."""

    n: int
    text: str


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
