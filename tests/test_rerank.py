"""The learned re-ranking of a search's sections (retrieval/rerank.py): its model, its features, and where it applies."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.config import Settings
from assistant.retrieval.rerank import FEATURES, Reranker, features
from assistant.retrieval.results import ChunkHit, Hit
from assistant.retrieval.retriever import Retriever
from assistant.retrieval.store import client
from assistant.tuned import load_tuned, write_user_entry


def _model(weights: dict[str, float], recipe: str = "e5+use+bm25") -> dict:
    return {"recipe": recipe, "features": list(FEATURES), "weights": [weights.get(f, 0.0) for f in FEATURES],
            "mean": [0.0] * len(FEATURES), "sd": [1.0] * len(FEATURES)}


def _hit(question: int, title: str, score: float, section: str, chunks: int = 1) -> Hit:
    hit = Hit("notes.md", "k", f"u{question}", question, title, "", "", "text", score, 0.8)
    hit.chunks = [ChunkHit(f"c{question}.{i}", "", "", "", score - i, 0.8) for i in range(chunks)]
    hit.section = section
    return hit


def test_the_model_is_off_when_absent_or_fitted_on_other_features():
    assert Reranker.from_tuned(None, "e5+use+bm25") is None
    assert Reranker.from_tuned({**_model({}), "features": ["score", "gap"]}, "e5+use+bm25") is None
    assert Reranker.from_tuned(_model({"score": 1.0}), "e5+use+bm25") is not None


def test_the_order_follows_the_model_and_ties_keep_the_fused_order():
    model = Reranker.from_tuned(_model({"overlap": 1.0}), "e5+use+bm25")
    assert model is not None
    x = np.zeros((3, len(FEATURES)))
    x[2, FEATURES.index("overlap")] = 0.5
    assert model.order(x) == [2, 0, 1]


def test_features_read_the_title_vector_and_the_share_of_query_terms_the_section_uses():
    hits = [_hit(1, "什么是梯度爆炸？", 3.0, "梯度爆炸指梯度在反向传播中指数增长。", chunks=2),
            _hit(2, "如何检测梯度爆炸？", 1.0, "观察损失是否出现 NaN。")]
    q = np.array([1.0, 0.0], dtype=np.float32)
    x = features("梯度爆炸", hits, q, {"什么是梯度爆炸？": np.array([0.6, 0.8], dtype=np.float32)})
    col = {name: x[:, i] for i, name in enumerate(FEATURES)}
    assert col["gap"].tolist() == [0.0, -2.0]
    assert col["title"].tolist() == pytest.approx([0.6, 0.0])  # the second title has no vector: 0
    assert col["overlap"].tolist() == pytest.approx([1.0, 0.0])  # 梯度 度爆 爆炸: all in the first, none in the second
    assert col["nchunks"][0] > col["nchunks"][1]


@pytest.fixture(scope="module")
def reversed_home(built_home, tmp_path_factory):
    """A copy of the built data directory whose tuned.json holds a model that ranks by the fused score reversed."""
    import shutil

    path = tmp_path_factory.mktemp("rerank") / "home"
    shutil.copytree(built_home, path)
    write_user_entry(path, "retrieval.rerank", _model({"score": -1.0}), "test: reversed")
    return path


def _retriever(home, rerank: bool = True, **changes) -> Retriever:
    settings = Settings.from_env({}, home=home, k=4, **changes)
    retriever = Retriever(settings, client(settings))
    if not rerank:
        retriever.reranker = None
    return retriever


def test_the_model_in_tuned_json_reorders_a_chinese_search_but_not_coverage(built_home, reversed_home):
    query = "梯度爆炸有哪些解决办法？"
    plain, flipped = _retriever(built_home, rerank=False).search(query), _retriever(reversed_home).search(query)
    assert plain.covered and len(plain.hits) == 4
    assert [h.question for h in flipped.hits] == [h.question for h in plain.hits][::-1]
    assert (flipped.covered, flipped.coverage) == (plain.covered, plain.coverage)


@pytest.mark.parametrize("query", ["What are the ways to fix exploding gradients?",  # English prose
                                   "帮我写一首关于春天的诗"])  # declined: its pointers stay the fused best
def test_english_prose_and_declined_searches_keep_the_fused_order(built_home, reversed_home, query):
    flipped, plain = _retriever(reversed_home).search(query), _retriever(built_home, rerank=False).search(query)
    assert len(plain.hits) > 1 and [h.question for h in flipped.hits] == [h.question for h in plain.hits]


def test_a_search_among_sections_written_in_english_keeps_the_fused_order(reversed_home, tmp_path):
    """The model was fitted on Chinese notes: a Chinese question over a user's English section is not re-ranked (its
    "overlap" with an English section is 0, and put 第28题 first for "L1 和 L2 正则化有什么区别？")."""
    import shutil

    from assistant.retrieval.ingest import ingest

    home = tmp_path / "home"
    shutil.copytree(reversed_home, home)
    notes = tmp_path / "mine.md"
    notes.write_text("## 1. What is the difference between L1 and L2 regularization?\n\nL1 adds the sum of absolute "
                     "weights to the loss and gives sparse weights. L2 adds the sum of squared weights and shrinks every "
                     "weight smoothly (weight decay).\n", encoding="utf-8")
    ingest(Settings.from_env({}, home=home), [notes], progress=False)
    query = "L1 和 L2 正则化有什么区别？"
    flipped, plain = _retriever(home).search(query), _retriever(home, rerank=False).search(query)
    assert len(plain.hits) > 1 and any(h.file_key != plain.hits[0].file_key for h in plain.hits)
    assert [h.question for h in flipped.hits] == [h.question for h in plain.hits]


def test_other_recipes_and_readings_in_context_keep_the_fused_order(built_home, reversed_home):
    query = "梯度爆炸有哪些解决办法？"
    assert [h.question for h in _retriever(reversed_home).search(query, rerank=False).hits] == \
        [h.question for h in _retriever(built_home, rerank=False).search(query).hits]
    assert _retriever(reversed_home, recipe="e5+bm25").reranker is None
    assert _retriever(reversed_home, recipe="e5+bm25").reranker is None


def test_the_shipped_model_is_on_for_the_default_recipe(tmp_path):
    assert Reranker.from_tuned(load_tuned(tmp_path)["retrieval.rerank"], Settings.from_env({}, home=tmp_path).recipe) is not None
