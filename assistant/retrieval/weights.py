"""How the retriever's signals add up: the weight of each retriever's z-scores and of each ranking adjustment.

Apart from the search (retriever.py) because the tuning scripts and tests build their own `Weights` to sweep; the
shipped values are the "retrieval.weights" entry of assistant/tuned.json, chosen by bench/tune_retrieval.py.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Weights:
    """The weight of each signal (the module docstring says where the shipped values come from)."""

    e5: float = 1.0
    use: float = 0.8
    bm25: float = 0.1  # small: exact terms (clipnorm, VOC2007) break ties, spurious shared bigrams do not win
    other: float = 1.0  # any other embedder (openai)
    intent: float = 1.0  # bonus of a section whose title asks the same kind of thing as the query
    clash: float = 0.5  # share of that bonus taken off when the title asks something else
    # Times a chunk's Chinese share, added to its dense cosine (for ranking only) when the query is English prose:
    # encoders score same-language pairs higher, so English quotes and English-heavy chunks drew English queries.
    cross_lingual: float = 0.02
    # Exact-term adjustments (adjust.py), for ranking only and not for queries in English prose: a chunk using a
    # query term that at most rare_sections sections use gets +rare; a section that never uses a technical name of
    # the query the notes do use gets -absent.
    rare: float = 1.0
    rare_sections: int = 1
    absent: float = 1.0
    # Taken off a section with nothing to quote (only links or a figure: 第23题, 第33-36题), for ranking only: it loses
    # a near-tie to a section with text, which the answer can quote (36's links against 37's comparison of the R-CNNs).
    no_text: float = 0.5

    def of(self, retriever: str) -> float:
        """The weight of one retriever's z-scores."""
        return getattr(self, retriever, self.other)
