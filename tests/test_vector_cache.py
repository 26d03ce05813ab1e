"""Note-sentence vectors on disk: a second process (a new Relevance) embeds nothing it embedded before,
scores the same, and a cache that cannot be written never breaks an answer."""

from __future__ import annotations

import numpy as np

from assistant.answering.relevance import Relevance
from assistant.retrieval.vector_cache import VectorCache

SENTENCES = ["梯度截断可以防止梯度爆炸。", "使用 ReLU 激活函数。", "权重正则化也有帮助。"]


class Counting:
    """A deterministic fake embedder that records every text it was asked to embed."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.seen += texts
        return np.array([[len(t), sum(map(ord, t)) % 97, 1.0] for t in texts], dtype=np.float32)


def test_a_second_process_reads_the_vectors_instead_of_embedding_them(tmp_path):
    path = tmp_path / "cache" / "sentences.sqlite"
    query, passage = Counting(), Counting()
    first = Relevance(query, passage, disk=VectorCache(path, "e5-test"))
    scores = first.cosines("如何修复梯度爆炸？", SENTENCES)
    first.cosines("如何修复梯度爆炸？", SENTENCES[:2])  # one answer scores several points
    assert passage.seen == SENTENCES and query.seen == ["如何修复梯度爆炸？"]  # the question is embedded once

    later_passage = Counting()
    again = Relevance(Counting(), later_passage, disk=VectorCache(path, "e5-test"))
    assert np.allclose(again.cosines("如何修复梯度爆炸？", SENTENCES), scores)
    assert later_passage.seen == []
    again.cosines("如何修复梯度爆炸？", [*SENTENCES, "新的一句。"])
    assert later_passage.seen == ["新的一句。"]  # only what is new

    other_model = Counting()
    Relevance(Counting(), other_model, disk=VectorCache(path, "another-model")).cosines("q", SENTENCES)
    assert other_model.seen == SENTENCES  # vectors of one model never answer for another


def test_a_cache_that_cannot_be_opened_is_skipped(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    passage = Counting()
    rel = Relevance(Counting(), passage, disk=VectorCache(blocker / "sentences.sqlite", "e5-test"))
    with_cache = rel.cosines("如何修复梯度爆炸？", SENTENCES)
    plain = Relevance(Counting(), Counting()).cosines("如何修复梯度爆炸？", SENTENCES)
    assert np.allclose(with_cache, plain) and passage.seen == SENTENCES
    assert blocker.read_text(encoding="utf-8").startswith("a file")  # nothing written over it


def test_a_damaged_cache_file_is_skipped(tmp_path):
    path = tmp_path / "sentences.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    passage = Counting()
    rel = Relevance(Counting(), passage, disk=VectorCache(path, "e5-test"))
    assert rel.cosines("q", SENTENCES).shape == (3,) and passage.seen == SENTENCES


def test_the_file_keeps_only_the_newest_vectors(tmp_path, monkeypatch):
    from assistant.retrieval import vector_cache

    monkeypatch.setattr(vector_cache, "KEEP", 3)
    path = tmp_path / "sentences.sqlite"
    cache = VectorCache(path, "e5-test")
    for n in range(5):
        cache.put({f"句子{n}": np.full(3, n, dtype=np.float32)})
    later = VectorCache(path, "e5-test")  # the next process trims on opening
    assert sorted(later.get([f"句子{n}" for n in range(5)])) == ["句子2", "句子3", "句子4"]


def test_fill_embeds_only_what_is_missing_and_nothing_past_the_limit(tmp_path):
    cache, passage = VectorCache(tmp_path / "sentences.sqlite", "e5-test"), Counting()
    assert cache.fill(SENTENCES, passage, limit=2) is None and passage.seen == []  # three missing: over the limit
    first = cache.fill(SENTENCES[:2], passage)
    assert first is not None and passage.seen == SENTENCES[:2]
    assert all(abs(float(np.linalg.norm(v)) - 1.0) < 1e-5 for v in first.values())  # unit length: cosines are dots
    batches: list[int] = []
    again = cache.fill(SENTENCES, passage, limit=1, on_batch=batches.append)  # two kept, one missing: within the limit
    assert batches == [1]
    assert again is not None and passage.seen == [*SENTENCES[:2], SENTENCES[2]]
    assert np.allclose(again[SENTENCES[0]], first[SENTENCES[0]])
