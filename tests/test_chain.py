"""The LLM path through the real openai client against a scripted OpenAI-compatible server."""

from __future__ import annotations

import pytest

from assistant.service import Assistant
from tests.support.openai_stub import Reply


@pytest.fixture
def llm_assistant(offline_settings, openai_stub):
    settings = offline_settings.replace(openai_base_url=openai_stub.base_url, openai_api_key="test",
                                        model="stub-model", llm_retries=0, llm_timeout=10)
    return Assistant(settings, progress=False)


def chat_requests(stub):
    return [r for r in stub.requests if r.path.endswith("/chat/completions")]


def test_streams_a_generated_answer_with_checked_citations(llm_assistant, openai_stub):
    openai_stub.script(Reply(chunks=["梯度截断", "可以缓解梯度爆炸", "[1]。ReLU 也有帮助[", "2]。"]))
    stream = llm_assistant.stream("如何修复梯度爆炸问题？")
    pieces = list(stream)
    assert len(pieces) >= 3  # streamed, not one blob
    result = stream.result()
    assert result.answer == "梯度截断可以缓解梯度爆炸[1]。ReLU 也有帮助[2]。"
    assert result.mode == "llm:stub-model" and result.citations == [1, 2]
    body = chat_requests(openai_stub)[0].body
    assert body["stream"] is True and body["model"] == "stub-model"
    system, user = body["messages"][0]["content"], body["messages"][1]["content"]
    assert "Chinese" in system and "[1]" in user and "第28题 如何修复梯度爆炸问题？" in user


def test_invalid_citation_numbers_are_removed_and_reported(llm_assistant, openai_stub):
    openai_stub.script(Reply(content="梯度截断有效[1][7]。也可以用 LSTM[0]。"))
    result = llm_assistant.ask("如何修复梯度爆炸问题？")
    assert result.answer == "梯度截断有效[1]。也可以用 LSTM。"
    assert result.citations == [1] and result.invalid_citations == [7, 0]
    assert result.to_json()["citations"][0]["question"] == 28


def test_a_generated_answer_that_cites_nothing_says_it_was_not_checked(llm_assistant, openai_stub):
    """Blind QA: "bake a cake at 200 degrees" with no [n] was shown as "generated, grounded in the notes"."""
    openai_stub.script(Reply(content="梯度截断就是把蛋糕烤到 200 度。"))
    result = llm_assistant.ask("如何修复梯度爆炸问题？")
    assert result.mode == "llm:stub-model" and result.citations == []
    assert "模型没有引用任何笔记章节" in result.notice and result.answer.endswith(result.notice)
    openai_stub.script(Reply(content="梯度截断可以缓解梯度爆炸[1]。"))
    assert llm_assistant.ask("如何修复梯度爆炸问题？").notice == ""  # cited: nothing to say


def test_english_question_asks_for_an_english_answer(llm_assistant, openai_stub):
    openai_stub.script(Reply(content="Clip the gradients [1]."))
    result = llm_assistant.ask("How should I fix exploding gradients?")
    assert "English" in chat_requests(openai_stub)[0].body["messages"][0]["content"]
    assert result.answer == "Clip the gradients [1]."


def test_server_error_falls_back_to_extractive_with_a_notice(llm_assistant, openai_stub):
    openai_stub.script(Reply(status=500, error={"message": "boom"}))
    result = llm_assistant.ask("如何修复梯度爆炸问题？")
    assert result.mode == "extractive (fallback from llm:stub-model)"
    assert "语言模型调用失败" in result.notice and "500" in result.notice
    assert "笔记原文摘录" in result.answer and result.citations
    assert "未配置语言模型" not in result.answer  # a model is configured: it failed, which the notice says


def test_stream_cut_mid_answer_falls_back_and_withdraws_the_unfinished_text(llm_assistant, openai_stub):
    """Blind QA: the cut model text ("…把梯度设置为阈") stayed above the fallback quotes, unchecked."""
    openai_stub.script(Reply(content="梯度截断可以缓解梯度爆炸，这是一个很长的回答" * 3, cut_after=2))
    stream = llm_assistant.stream("如何修复梯度爆炸问题？")
    shown = "".join(stream)
    result = stream.result()
    assert shown.startswith("梯度截断")  # it was streamed to the user before the cut …
    assert result.mode.startswith("extractive (fallback") and stream.restarts == 1
    assert result.answer.startswith("（语言模型调用失败") and "笔记原文摘录" in result.answer  # … and is not in the answer
    assert "梯度截断可以缓解梯度爆炸，这是" not in result.answer and result.citations


def test_rate_limit_is_retried_honouring_retry_after(offline_settings, openai_stub):
    settings = offline_settings.replace(openai_base_url=openai_stub.base_url, openai_api_key="t", model="m", llm_retries=1)
    openai_stub.script(Reply(status=429, headers={"Retry-After": "0"}, error={"message": "slow down"}),
                       Reply(content="截断梯度[1]。"))
    result = Assistant(settings, progress=False).ask("如何修复梯度爆炸问题？")
    assert result.answer == "截断梯度[1]。" and len(chat_requests(openai_stub)) == 2


def test_out_of_scope_question_never_reaches_the_model(llm_assistant, openai_stub):
    result = llm_assistant.ask("今天天气怎么样？")
    assert not result.covered and chat_requests(openai_stub) == []
    assert "笔记中没有涉及" in result.answer


def test_history_is_condensed_by_the_model(llm_assistant, openai_stub):
    openai_stub.script(Reply(content="如何修复梯度爆炸问题？"), Reply(content="用梯度截断[1]。"))
    history = [{"role": "user", "content": "什么是梯度爆炸？"}, {"role": "assistant", "content": "……[1]"}]
    result = llm_assistant.ask("那怎么解决它？", history=history)
    assert result.standalone == "如何修复梯度爆炸问题？" and result.hits[0].question == 28
    condense = chat_requests(openai_stub)[0].body["messages"][-1]["content"]
    assert "什么是梯度爆炸？" in condense and "那怎么解决它？" in condense


@pytest.mark.parametrize("rewrite", ["梯度截断是在梯度超过阈值时把梯度设置为阈值 [1]。另一个事实 [7]。",  # an answer, cited
                                     "什么是梯度爆炸？"])  # the follow-up's "detect" lost (SmolLM2, blind QA)
def test_a_condensed_question_that_cannot_stand_for_the_follow_up_is_condensed_offline(llm_assistant, openai_stub,
                                                                                       rewrite):
    openai_stub.script(Reply(content=rewrite), Reply(content="看梯度是否变成 NaN[1]。"))
    history = [{"role": "user", "content": "什么是梯度爆炸？"}, {"role": "assistant", "content": "……[1]"}]
    result = llm_assistant.ask("那怎么检测它？", history=history)
    assert result.standalone != rewrite and "检测" in result.standalone and "梯度爆炸" in result.standalone
    assert result.hits[0].title.startswith("如何确定是否出现梯度爆炸")


def test_a_model_that_asks_to_retry_later_does_not_hold_up_a_follow_up(offline_settings, openai_stub):
    """The rewrite of a follow-up is read against the model timeout (deadline.py), the client's retries included: a 503
    asking for a retry in 20 s gets the offline rewrite after one second, and the answer is the next reply. Before,
    the follow-up waited for the retry, which took the answer's reply as its rewrite."""
    settings = offline_settings.replace(openai_base_url=openai_stub.base_url, openai_api_key="test", model="stub-model",
                                        llm_retries=1, llm_timeout=1)
    busy = Reply(status=503, headers={"Retry-After": "20"}, error={"message": "busy", "type": "server_error"})
    openai_stub.script(busy, Reply(content="看梯度是否变成 NaN[1]。"))
    history = [{"role": "user", "content": "什么是梯度爆炸？"}, {"role": "assistant", "content": "……[1]"}]
    result = Assistant(settings, progress=False).ask("那怎么检测它？", history=history)
    assert result.answer.startswith("看梯度是否变成 NaN") and "检测" in result.standalone and "梯度爆炸" in result.standalone
    assert len(chat_requests(openai_stub)) == 2  # the rewrite's retry had not come when the answer was asked


def test_a_fake_chat_model_plugs_into_the_same_seam(offline_settings):
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    fake = GenericFakeChatModel(messages=iter([AIMessage(content="用 ReLU [1]，或者梯度截断 [1]。")]))
    assistant = Assistant(offline_settings, llm=fake, progress=False)
    result = assistant.ask("如何修复梯度爆炸问题？")
    assert result.answer == "用 ReLU [1]，或者梯度截断 [1]。" and result.citations == [1]
    assert assistant.ask("如何修复梯度爆炸问题？", mode="extractive").mode == "extractive"


def test_a_near_miss_points_to_the_closest_sections_without_citing_them(offline_assistant):
    # A near-domain question just under the coverage line. ("Ways to reduce overfitting?" was one until every
    # question's English terms, not only English prose's, were also searched through the glossary: now it is
    # answered, weakly, from 第38题.)
    near = offline_assistant.ask("How is word2vec's skip-gram model trained with negative sampling?")
    assert not near.covered and near.citations == [] and near.hits == []
    assert "do not cover" in near.answer and "closest sections" in near.answer and "第29题" in near.answer
    far = offline_assistant.ask("今天天气怎么样？")
    assert not far.covered and "最接近" not in far.answer


def test_quotes_chosen_beside_a_configured_model_do_not_say_no_model_is_configured(llm_assistant, offline_assistant):
    """Blind QA: choosing "Extractive" in Settings gave "摘录模式：未配置语言模型" with a model connected."""
    chosen = llm_assistant.ask("如何修复梯度爆炸问题？", mode="extractive")
    assert chosen.mode == "extractive" and chosen.answer.startswith("（摘录模式（已选择）") and "未配置" not in chosen.answer
    assert offline_assistant.ask("如何修复梯度爆炸问题？").answer.startswith("（摘录模式：未配置语言模型")
