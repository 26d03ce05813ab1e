"""Offline condensing of follow-up questions."""

from __future__ import annotations

import pytest

from assistant.answering.condense import condense_offline, needs_history, topic_of


@pytest.mark.parametrize("question, anaphoric", [
    ("那怎么解决它？", True), ("How does it differ from the older design?", True), ("为什么？", True),
    ("如何修复梯度爆炸问题？", False), ("What is a recurrent neural network?", False),
])
def test_needs_history(question, anaphoric):
    assert needs_history(question) is anaphoric


def test_condense_keeps_the_topic_of_the_last_standalone_question():
    assert topic_of("什么是梯度爆炸？") == "梯度爆炸"
    assert condense_offline("那怎么解决它？", ["什么是梯度爆炸？"]) == "梯度爆炸 那怎么解决它？"
    assert condense_offline("那要是碰上了该如何处理？", ["什么是梯度爆炸？", "它对训练有什么危害？"]).startswith("梯度爆炸")
    assert condense_offline("GRU是什么？", ["什么是梯度爆炸？"]) == "GRU是什么？"  # a new topic stands alone
