"""Lexical signals of the coverage decision: do the notes (or the best section) use the query's own words?

The terms themselves (Chinese bigrams, Latin words) are defined once in `notes/terms.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from assistant.notes.terms import content_terms, has_cjk, tokenize


@dataclass(frozen=True)
class Vocabulary:
    """Every term the indexed notes use (Latin words and Chinese bigrams)."""

    terms: frozenset[str]

    @classmethod
    def of(cls, texts: Iterable[str]) -> "Vocabulary":
        """The vocabulary of some texts (the indexed chunks)."""
        return cls(frozenset(t for text in texts for t in tokenize(text)))

    def known(self, terms: list[str]) -> float | None:
        """Share of the terms that the notes use; None when there are no terms to judge."""
        return sum(t in self.terms for t in terms) / len(terms) if terms else None


def lexical_features(query: str, vocabulary: Vocabulary) -> dict[str, float | None]:
    """How much of the query's own wording the notes use; None marks a feature with nothing to measure.

    - `cjk_known`: share of the query's Chinese content bigrams found in the notes.
    - `latin_known`: share of its Latin terms found in the notes, only for Chinese queries —
      there a Latin word is a technical term (Transformer, GCN, INT8), while in an English
      query it is ordinary English that Chinese notes never contain.
    - `has_cjk`: 1 for a Chinese query, 0 otherwise.
    """
    latin, cjk = content_terms(query)
    chinese = has_cjk(query)
    return {
        "cjk_known": vocabulary.known(cjk),
        "latin_known": vocabulary.known(latin) if chinese else None,
        "has_cjk": 1.0 if chinese else 0.0,
    }
