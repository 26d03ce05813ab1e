"""A section's units for the grader: its points' sentences and their clauses, embedded once and cached.

What an answer segment is compared with (`grader.OfflineGrader.grade`): every sentence of every outline point and
its comma clauses, each with the point it belongs to and whether it is the point's lead, the question's vector
(the topic baseline), and the key terms of each point's sentences and its own terms (`keypoints.own_terms`). All of
it is fixed per section: kept in memory, and the vectors on disk, keyed by what is embedded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from assistant.notes.keypoints import Point, key_terms, own_terms
from assistant.notes.text import clauses, plain_text


@dataclass
class Units:
    """The note sentences (and their clauses) a point is matched by, with their point index and vectors, and the
    key terms of each point's sentences and its own terms (`keypoints.own_terms`): all fixed per section."""

    texts: list[str]
    source: list[str]  # the note sentence (Markdown) each unit comes from, quoted in feedback (`text.readable`)
    owner: list[int]
    vectors: np.ndarray
    lead: np.ndarray  # True for the units of a point's lead
    question: np.ndarray  # the section's question (title), the topic baseline of `OfflineGrader.grade`
    terms: list[list[frozenset[str]]]  # per point, the key terms of each of its sentences
    own: list[frozenset[str]]  # per point, the terms only it uses


def section_units(points: list[Point], title: str, embed: Callable[[list[str]], np.ndarray], cache_dir: Path | None,
                  memory: dict[str, Units]) -> Units:
    """Sentences and clauses of every point, and the question, embedded (`memory`, then the disk cache in
    `cache_dir`, then one batch call), with the points' key terms."""
    texts, source, owner, lead = [], [], [], []
    for i, point in enumerate(points):
        for k, sentence in enumerate(point.sentences):
            plain = plain_text(sentence)
            for unit in dict.fromkeys([plain, *clauses(plain)]):
                texts.append(unit)
                source.append(sentence)
                owner.append(i)
                lead.append(k == 0)
    # Keyed by what is embedded, not by the section: an upgrade that reads the outline differently (or splits
    # clauses differently) must not load vectors of the old units. Keyed by the section text, a cached file of
    # 33 units met an outline of 27 and grading crashed ("operands could not be broadcast together").
    digest = "units-" + hashlib.sha1("\n".join([*texts, title]).encode()).hexdigest()[:24]
    if digest not in memory:
        vectors = _vectors(cache_dir, digest, lambda: embed([*texts, title]), len(texts) + 1)  # question last
        memory[digest] = Units(texts, source, owner, vectors[:-1], np.array(lead, dtype=bool), vectors[-1],
                               [[key_terms(s) for s in point.sentences] for point in points], own_terms(points, title))
    return memory[digest]


def _vectors(cache_dir: Path | None, digest: str, compute: Callable[[], np.ndarray], rows: int) -> np.ndarray:
    """Embeddings from the disk cache, else computed and stored there. A cached file that cannot be read or holds
    another number of rows (cut short, written by another version) is computed again and replaced."""
    path = cache_dir / f"{digest}.npy" if cache_dir else None
    if path is not None and path.is_file():
        try:
            cached = np.load(path)
            if cached.ndim == 2 and cached.shape[0] == rows:
                return cached
        except (OSError, ValueError):
            pass
    vectors = compute()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
    return vectors


def distinct_own(units: Units, nearby: list[Units]) -> list[frozenset[str]]:
    """Each point's own terms less those any sentence of the `nearby` sections uses, the terms of its lead always kept
    (what names the point). Within a section own terms tell a point from its neighbours; across sections they did not:
    第28题's fixes are supported by sentences about the problem itself ("训练本身就存在不稳定性", "网络权重"), so a
    definition of exploding gradients (第25题's answer) used two own terms of four fixes and was graded 6.3/10."""
    shared = frozenset().union(*(terms for other in nearby for sentences in other.terms for terms in sentences))
    leads = [sentences[0] if sentences else frozenset() for sentences in units.terms]
    return [(own - shared) | (own & lead) for own, lead in zip(units.own, leads)]
