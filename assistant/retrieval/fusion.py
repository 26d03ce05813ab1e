"""How the retrievers' scores are put on one scale before they are added: z-scores over each retriever's pool.

z-scores replaced reciprocal-rank fusion because they keep how far ahead a match is, not just its place
(retriever.py); a chunk outside a dense pool is put on that pool's scale by `on_scale`.
"""

from __future__ import annotations

import numpy as np


def on_scale(ids: list[str], scores: np.ndarray, pool: np.ndarray) -> dict[str, float]:
    """Scores standardised by a pool's mean and spread: the pool's own (`zscores`) or chunks outside it."""
    spread = float(pool.std()) if len(pool) else 0.0
    z = (scores - pool.mean()) / spread if spread > 1e-9 else np.zeros_like(scores)
    return dict(zip(ids, z.tolist()))


def zscores(ids: list[str], scores: np.ndarray) -> tuple[dict[str, float], float]:
    """One retriever's scores standardised over its pool, and the lowest of them."""
    z = on_scale(ids, scores, scores)
    return z, min(z.values(), default=0.0)
