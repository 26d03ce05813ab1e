"""Hybrid retrieval on the shipped notes: ranking, follow-up condensing, coverage decisions."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.coverage import Calibration, features, load_calibration
from assistant.retrieve import condense_offline, needs_history, tokenize, topic_of


def test_tokenize_mixes_latin_words_and_cjk_bigrams():
    assert tokenize("梯度爆炸 clipnorm=1.0 VOC2007") == ["clipnorm", "1.0", "voc2007", "梯度", "度爆", "爆炸"]


@pytest.mark.parametrize("question, anaphoric", [
    ("那怎么解决它？", True), ("What did it change compared with the LSTM?", True), ("为什么？", True),
    ("如何修复梯度爆炸问题？", False), ("What is a recurrent neural network?", False),
])
def test_needs_history(question, anaphoric):
    assert needs_history(question) is anaphoric


def test_condense_keeps_the_topic_of_the_last_standalone_question():
    assert topic_of("什么是梯度爆炸？") == "梯度爆炸"
    assert condense_offline("那怎么解决它？", ["什么是梯度爆炸？"]) == "梯度爆炸 那怎么解决它？"
    assert condense_offline("那真遇到了该怎么办？", ["什么是梯度爆炸？", "它会引发什么问题？"]).startswith("梯度爆炸")
    assert condense_offline("GRU是什么？", ["什么是梯度爆炸？"]) == "GRU是什么？"  # a new topic stands alone


@pytest.mark.parametrize("query, expected", [
    ("如何修复梯度爆炸问题", 28),
    ("clipnorm 的默认值是多少", 28),
    ("GRU对LSTM做了哪些改动", 40),
    ("Faster-RCNN 在 VOC2007 上的 mAP", 37),
    ("为什么做人脸的论文喜欢最后加 Local Connected Conv", 24),
    ("How can I prevent overfitting in a neural network?", 38),
    ("sigmoid 函数有什么缺点", 32),
])
def test_top_hit(offline_assistant, query, expected):
    hits, covered = offline_assistant.search(query, 3)
    assert hits[0].question == expected
    assert covered


def test_hits_are_whole_question_sections(offline_assistant):
    hits, _ = offline_assistant.search("RNN 的 N vs M 结构", 4)
    assert len({h.question for h in hits}) == len(hits) == 4
    top = hits[0]
    assert top.question == 31 and "Encoder-Decoder" in top.section
    assert top.label == "第31题 RNN是怎么从单层网络一步一步构造的？"
    assert top.chunks and all(c.body in top.section for c in top.chunks)


def test_follow_up_retrieves_the_fix_section(offline_assistant):
    result = offline_assistant.ask("那怎么解决它？", history=[{"role": "user", "content": "什么是梯度爆炸？"}])
    assert result.hits[0].question == 28


@pytest.mark.parametrize("query", ["今天天气怎么样", "Transformer 的自注意力怎么算", "帮我写一首关于春天的诗"])
def test_out_of_scope_is_not_covered(offline_assistant, query):
    _, covered = offline_assistant.search(query)
    assert not covered


def test_coverage_score_is_the_calibrated_linear_rule():
    signals = {"e5": np.array([0.9, 0.8, 0.8, 0.7]), "use": np.array([0.5, 0.2])}
    f = features(signals)
    assert f["use_max"] == 0.5 and f["e5_max"] == 0.9
    assert f["e5_z"] == pytest.approx((0.9 - 0.8) / np.std([0.9, 0.8, 0.8, 0.7]))
    cal = Calibration(("use_max", "e5_z"), (0.4, 1.0), (0.1, 2.0), (1.0, 0.5), 0.0)
    assert cal.score(signals) == pytest.approx((0.5 - 0.4) / 0.1 + 0.5 * (f["e5_z"] - 1.0) / 2.0)
    assert cal.score({"e5": signals["e5"]}) == float("-inf")  # a missing feature never counts as covered


def test_calibration_fallbacks_and_override():
    assert load_calibration(["e5", "use"]).names == ("use_max", "e5_z")
    assert load_calibration(["openai"]).names == ("openai_z",)
    assert load_calibration(["e5", "use"], override=1.5).threshold == 1.5
