"""Question types of queries and section titles, and how they agree."""

from __future__ import annotations

import pytest

from assistant.retrieval.intent import agreement, intents


@pytest.mark.parametrize("text, expected", [
    ("什么是梯度爆炸？", {"define"}),
    ("梯度爆炸会引发什么问题？", {"effect"}),
    ("如何确定是否出现梯度爆炸？", {"detect"}),
    ("如何修复梯度爆炸问题？", {"fix"}),
    ("rcnn、fast-rcnn 和 faster-rcnn 三者的区别是什么", {"compare"}),
    ("GRU是什么？GRU对LSTM做了哪些改动？", {"define", "compare", "list"}),
    ("How do exploding gradients harm training?", {"effect"}),
    ("What signs tell you that training suffers from exploding gradients?", {"detect"}),
    ("What exactly is a dying ReLU?", {"define"}),
    ("What happens to the loss when the learning rate is far too high?", {"effect"}),
    ("基于深度学习的目标检测技术演进", set()),  # 目标检测 is a topic, not a diagnosis
    ("LSTM神经网络输入输出究竟是怎样的？", set()),
    ("Is the max function differentiable everywhere?", set()),  # "differentiable" compares nothing
    ("How do max pooling and average pooling differ?", {"compare"}),
])
def test_intents(text, expected):
    assert intents(text) == expected


def test_agreement():
    assert agreement(frozenset({"effect"}), frozenset({"effect", "list"})) == 1.0
    assert agreement(frozenset({"effect"}), frozenset({"fix"})) == -1.0
    assert agreement(frozenset(), frozenset({"fix"})) == 0.0
    assert agreement(frozenset({"fix"}), frozenset()) == 0.0
    # a reason asked of a "what is" section: its definition usually says what causes it, so no clash either way
    assert agreement(frozenset({"why"}), frozenset({"define"})) == 0.0
    assert agreement(frozenset({"define"}), frozenset({"why"})) == 0.0
    assert agreement(frozenset({"why", "fix"}), frozenset({"define"})) == -1.0


def test_colloquial_ways_of_asking_for_a_fix(offline_assistant):
    """Blind QA: "梯度爆了咋整啊" was answered with the definition (第25题), not the fixes."""
    from assistant.retrieval.intent import intents

    assert all(intents(q) == {"fix"} for q in ("梯度爆了咋整啊", "过拟合了咋办", "这种情况怎么整"))
    assert offline_assistant.search("梯度爆了咋整啊").hits[0].question == 28
