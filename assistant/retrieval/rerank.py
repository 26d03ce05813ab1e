"""A learned re-ranking of the top sections: a conditional logit over signals the retriever already has.

The fused score (retriever.py) adds hand-weighted z-scores. Where two sections are close
(RNN 29/30/31, the R-CNN sections, sigmoid in 32 vs 204), other signals tell them apart: how the
query reads against the section's title (e5 cosines of the title vectors ingest keeps), how much of
the query's wording the section uses at all, how many of its chunks matched. A conditional logit
(softmax over a query's top sections) weighs them; bench/tune_ranker.py fits it on tuning queries
only and scores it by leave-one-set-out cross-validation, and the weights live in tuned.json
("retrieval.rerank"). It is applied to queries that are not English prose: there the same model
gained nothing in cross-validation (see the source in tuned.json), as the lexical adjustments did not.
Coverage is decided before it (on the fused ranking the coverage model was calibrated on); the
re-ranking only reorders the sections of a search.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from assistant.notes.terms import mostly_latin, tokenize

if TYPE_CHECKING:
    from assistant.retrieval.results import Hit
    from assistant.retrieval.vector_cache import VectorCache

# The signals, in the order of the weights. Each is computed per section of one query; a constant
# added to every section of a query changes nothing (the model is a softmax within the query).
FEATURES = ("score", "gap", "cos", "chunk", "nchunks", "title", "overlap")


def features(query: str, hits: Sequence["Hit"], query_vector: np.ndarray | None,
             titles: Mapping[str, np.ndarray]) -> np.ndarray:
    """One row per hit: the fused score, its gap to the best, the best chunk's e5 cosine and fused score, how many
    chunks matched (log), the e5 cosine of the query with the section's title (0 without a title vector: link-only
    sections have none), and the share of the query's terms the section's text uses."""
    terms = set(tokenize(query))
    top = hits[0].score if hits else 0.0
    rows = []
    for h in hits:
        vector = titles.get(h.title)
        rows.append((
            h.score,
            h.score - top,
            h.cosine,
            h.chunks[0].fused if h.chunks else 0.0,
            math.log1p(len(h.chunks)),
            float(query_vector @ vector) if vector is not None and query_vector is not None else 0.0,
            len(terms & set(tokenize(h.section))) / max(1, len(terms)),
        ))
    return np.array(rows, dtype=np.float64).reshape(len(hits), len(FEATURES))


def applies(english: bool, hits: Sequence["Hit"]) -> bool:
    """Whether the model may reorder a search: two or more sections, a query that is not English prose (there it
    gained nothing in cross-validation) and no section written in English. It was fitted on Chinese notes: an English
    section shares no bigram with a Chinese query, and its "overlap" put 第28题 above a user's English "difference
    between L1 and L2" for "L1 和 L2 正则化有什么区别？" (blind QA). A section's opening tells its language (a 5 MB
    section is not read whole on every search)."""
    return not english and len(hits) > 1 and not any(mostly_latin(h.section[:2000]) for h in hits)


def section_features(query: str, hits: Sequence["Hit"], query_vector: np.ndarray | None,
                     titles: "VectorCache") -> np.ndarray:
    """`features` with the title vectors read from the data directory's cache (what bench/tune_ranker.py fits on)."""
    return features(query, hits, query_vector, titles.get([h.title for h in hits]))


@dataclass(frozen=True)
class Reranker:
    """Weights on standardised features (mean and sd of the fitting data), as stored in tuned.json."""

    weights: tuple[float, ...]
    mean: tuple[float, ...]
    sd: tuple[float, ...]

    @classmethod
    def from_tuned(cls, value: Mapping | None, recipe: str) -> "Reranker | None":
        """The model of the "retrieval.rerank" entry, or None when the entry is off (`null`), was fitted on other
        features, or on another recipe: another recipe's fused scores have another scale."""
        if not value or tuple(value.get("features", ())) != FEATURES or value.get("recipe") != recipe:
            return None
        return cls(tuple(value["weights"]), tuple(value["mean"]), tuple(value["sd"]))

    def scores(self, x: np.ndarray) -> np.ndarray:
        """The model's score of each row (higher is better)."""
        return ((x - np.asarray(self.mean)) / np.asarray(self.sd)) @ np.asarray(self.weights)

    def order(self, x: np.ndarray) -> list[int]:
        """Row indexes best first; ties keep the fused order."""
        s = self.scores(x)
        return sorted(range(len(s)), key=lambda i: (-s[i], i))

    def reorder(self, query: str, hits: list["Hit"], query_vector: np.ndarray | None, titles: "VectorCache") -> list["Hit"]:
        """The sections of one search in the model's order."""
        return [hits[i] for i in self.order(section_features(query, hits, query_vector, titles))]
