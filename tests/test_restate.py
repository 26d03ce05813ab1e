"""A follow-up asking for the previous answer in another language ("And in English?", answering/restate.py)."""

from __future__ import annotations

import pytest

from assistant.answering.restate import asked_language, restated
from tests.support.openai_stub import Reply
from tests.test_chain import chat_requests, llm_assistant  # noqa: F401  (the LLM fixture)


@pytest.mark.parametrize(("text", "language"), [
    ("And in English?", "en"), ("in english please", "en"), ("Could you say it again in English?", "en"),
    ("English, please.", "en"), ("用英文说一下", "en"), ("能不能用英语回答？", "en"), ("翻译成英文吧", "en"),
    ("In Chinese?", "zh"), ("用中文解释一下", "zh"), ("中文呢？", "zh"), ("請用英語說一遍", "en"), ("換成中文，謝謝", "zh"),
])
def test_a_bare_request_for_another_language_is_read_as_one(text, language):
    assert asked_language(text) == language


@pytest.mark.parametrize("text", [
    "How do I say LSTM in English?", "What is 梯度爆炸 in English?", "英文论文里怎么描述梯度爆炸？", "And why?",
    "Explain it in more detail", "What is gradient clipping?", "用英文术语怎么称呼权重衰减", "English papers on dropout",
])
def test_a_question_that_names_a_language_is_not_a_request(text):
    assert asked_language(text) is None


def test_the_request_asks_the_last_real_question_again_with_the_history_before_it():
    history = [{"role": "user", "content": "什么是梯度爆炸？"}, {"role": "assistant", "content": "…"},
               {"role": "user", "content": "那怎么解决？"}, {"role": "assistant", "content": "…"},
               {"role": "user", "content": "用英文说一下"}, {"role": "assistant", "content": "…"}]
    out = restated({"question": "Say that again in English", "history": history, "k": 4})
    assert out["question"] == "那怎么解决？" and out["history"] == history[:2]
    assert out["language"] == "en" and out["asked"] == "Say that again in English" and out["k"] == 4
    assert restated({"question": "And in English?", "history": []})["question"] == "And in English?"  # nothing to repeat


def test_offline_the_previous_answer_is_quoted_again_saying_quotes_are_not_translated(offline_assistant):
    first = offline_assistant.ask("什么是梯度爆炸？")
    history = [{"role": "user", "content": "什么是梯度爆炸？"}, {"role": "assistant", "content": first.answer}]
    again = offline_assistant.ask("And in English?", history)
    assert again.question == "And in English?" and again.standalone == "什么是梯度爆炸？" and again.covered
    assert again.answer.startswith("(You asked for this in English. The notes are written in Chinese")
    assert [h.question for h in again.hits][:1] == [25] and "[1]" in again.answer
    # the conversation goes on from the question, not from the request
    history += [{"role": "user", "content": "And in English?"}, {"role": "assistant", "content": again.answer}]
    follow = offline_assistant.ask("那怎么解决它？", history)
    assert follow.covered and follow.hits[0].question == 28


def test_with_a_model_the_previous_question_is_answered_in_the_language_asked(llm_assistant, openai_stub):  # noqa: F811
    openai_stub.script(Reply(content="梯度爆炸是梯度在反向传播中指数级增大 [1]。"),
                       Reply(content="Exploding gradients grow exponentially in backpropagation [1]."))
    first = llm_assistant.ask("什么是梯度爆炸？")
    history = [{"role": "user", "content": "什么是梯度爆炸？"}, {"role": "assistant", "content": first.answer}]
    again = llm_assistant.ask("用英文说一下", history)
    asked = chat_requests(openai_stub)[-1].body["messages"]
    assert "English" in asked[0]["content"] and "什么是梯度爆炸？" in asked[-1]["content"]
    assert again.answer.startswith("Exploding gradients") and again.question == "用英文说一下"
