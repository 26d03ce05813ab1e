"""Ingest's embedding pipeline: vectors in order, each distinct text embedded once, work running ahead on several
threads, and nothing left queued when the writer fails."""

from __future__ import annotations

import threading
import time

import pytest

from assistant.retrieval.pipeline import EmbeddingPool


def test_batches_come_in_order_and_a_text_met_again_is_not_re_embedded():
    calls: list[list[str]] = []

    def ef(texts):
        calls.append(list(texts))
        return [[float(len(t))] for t in texts]

    texts = ["ab", "c", "ab", "c", "def", "ab", "gh"]
    with EmbeddingPool(threads=2) as pool:
        got = list(pool.batches(ef, texts, 2))
    assert got == [[[2.0], [1.0]], [[2.0], [1.0]], [[3.0], [2.0]], [[2.0]]]
    assert sorted(t for call in calls for t in call) == ["ab", "c", "def", "gh"]  # once each
    assert [] not in calls  # a batch of repeats only costs no call


def test_workers_embed_ahead_of_the_writer_at_once():
    running, peak, lock = [0], [0], threading.Lock()

    def ef(texts):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return [[0.0] for _ in texts]

    with EmbeddingPool(threads=2) as pool:
        for _ in pool.batches(ef, [str(i) for i in range(12)], 2):
            time.sleep(0.02)  # the "write"
    assert peak[0] == 2


def test_a_failed_write_drops_the_queued_batches():
    done: list[str] = []

    def ef(texts):
        time.sleep(0.02)
        done.extend(texts)
        return [[0.0] for _ in texts]

    texts = [str(i) for i in range(200)]
    with pytest.raises(RuntimeError), EmbeddingPool(threads=2) as pool:
        for _ in pool.batches(ef, texts, 2):
            raise RuntimeError("the Chroma write failed")
    assert len(done) < 20  # the look-ahead (2 per thread) at most, not the 100 batches


def test_an_embedding_error_reaches_the_writer():
    def ef(texts):
        raise ValueError("model failed")

    with pytest.raises(ValueError, match="model failed"), EmbeddingPool(threads=2) as pool:
        list(pool.batches(ef, ["a", "b", "c"], 1))
