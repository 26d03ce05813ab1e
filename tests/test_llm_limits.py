"""A slow or looping model, and the model's context window, through the scripted OpenAI server and the real client.

Blind QA (SmolLM2 behind llama.cpp on a loaded machine): nothing for eight minutes at ASSISTANT_LLM_TIMEOUT=60, then a
fallback whose reason was English in a Chinese answer; a loop written as one English paragraph stored as a "Generated"
answer; a 3,636-token prompt with max_tokens 1,024 against a 4,096-token window. No test here is timed: each asserts
what happened (the fallback, its reason, the budgets sent), with timeouts of a second.
"""

from __future__ import annotations

import re

from assistant.answering.tokens import count_tokens, get_encoding
from assistant.service import Assistant
from tests.support.openai_stub import Reply
from tests.test_hardening_llm import QUESTION, assert_fell_back, llm_settings

ENGLISH = "What is gradient clipping?"
LOOP_EN = "It is a technique that is used to rescale the gradient of the gradient. " * 40


def _answer(settings, question: str = QUESTION):
    stream = Assistant(settings, progress=False).stream(question)
    return stream.result(), stream


def test_text_that_never_comes_falls_back_after_the_timeout(offline_settings, openai_stub):
    """A server that keeps the connection busy without writing (empty deltas, as a server reading a long prompt may
    send) never tripped the client's read timeout: the answer waited for the whole stream. The deadline counts text."""
    openai_stub.script(Reply(chunks=[""] * 40, chunk_delay=0.25))  # ten seconds of empty deltas
    result, _ = _answer(llm_settings(offline_settings, openai_stub.base_url, llm_timeout=1))
    assert_fell_back(result, "模型在 1 秒内没有写出任何内容")


def test_a_pause_mid_reply_falls_back_with_its_own_reason(offline_settings, openai_stub):
    pieces = ["Clip the gradients [1]. "] + [""] * 40 + ["Then rescale them [1]."]
    openai_stub.script(Reply(chunks=pieces, chunk_delay=0.25))
    result, stream = _answer(llm_settings(offline_settings, openai_stub.base_url, llm_timeout=1), ENGLISH)
    assert result.mode.startswith("extractive (fallback") and stream.restarts == 1  # the first words were withdrawn
    assert "stopped writing for more than 1 s" in result.notice


def test_a_loop_in_one_english_paragraph_is_caught(offline_settings, openai_stub):
    """Blind QA: "It is a mathematical technique … derivative. It is a …" for 6,000 characters, one paragraph, was
    stored under the "Generated" badge: the loop check split replies into lines and Chinese sentences only."""
    openai_stub.script(Reply(content=LOOP_EN, finish="length"))
    result, _ = _answer(llm_settings(offline_settings, openai_stub.base_url), ENGLISH)
    assert result.mode.startswith("extractive (fallback")
    assert "The language model failed: the model repeated the same line over and over" in result.notice
    assert "rescale the gradient of the gradient" not in result.answer


def test_a_loop_is_caught_while_it_streams(offline_settings, openai_stub):
    """The loop is stopped as soon as it shows, not at the model's token limit: this stream then closes without a
    finish_reason, which the end-of-reply check alone reports as a cut reply."""
    openai_stub.script(Reply(content=LOOP_EN, finish=""))
    result, _ = _answer(llm_settings(offline_settings, openai_stub.base_url), ENGLISH)
    assert "repeated the same line" in result.notice and "connection closed" not in result.notice


def test_the_reason_is_in_the_answers_language(offline_settings, openai_stub):
    """Blind QA: "（语言模型调用失败：the model repeated the same line over and over。…）"."""
    openai_stub.script(Reply(content="\n".join(["使用 ReLU 激活函数 [1]"] * 30)), Reply(content="", finish=""))
    settings = llm_settings(offline_settings, openai_stub.base_url)
    zh, _ = _answer(settings)
    assert zh.notice == "（语言模型调用失败：模型一直在重复同一句话。以下改为笔记原文摘录。）"
    en, _ = _answer(settings, ENGLISH)
    assert en.notice.startswith("(The language model failed: the model returned no text.")
    assert not re.search(r"[\u4e00-\u9fff]", en.notice)


def _sent(stub, settings) -> tuple[int, int]:
    """(max tokens the request allowed the reply, cl100k tokens of its prompt)."""
    body = stub.chat_requests[-1].body
    enc = get_encoding(settings.tiktoken_dir)
    prompt = sum(count_tokens(m["content"], enc) for m in body["messages"])
    return body.get("max_completion_tokens") or body.get("max_tokens"), prompt


def test_the_prompt_and_the_reply_fit_a_llama_cpp_window(offline_settings, openai_stub):
    """A llama.cpp server's /props says its window: the reply gets a quarter, the prompt what is left (counted with
    cl100k and the tokenizer slack of tuned.json), whatever ASSISTANT_CONTEXT_TOKENS allows."""
    openai_stub.n_ctx = 2048
    openai_stub.default(Reply(content="Clip the gradients [1]."))
    settings = llm_settings(offline_settings, openai_stub.base_url, context_tokens=3000)
    result, _ = _answer(settings)
    reply, prompt = _sent(openai_stub, settings)
    assert result.mode == "llm:stub-model" and reply == 512
    assert prompt * settings.tuned["llm.token_slack"] + reply <= 2048
    assert any(r.path == "/props" for r in openai_stub.requests)


def test_a_configured_window_wins_and_an_unknown_one_changes_nothing(offline_settings, openai_stub):
    openai_stub.default(Reply(content="Clip the gradients [1]."))
    settings = llm_settings(offline_settings, openai_stub.base_url, context_tokens=3000)
    _answer(settings)
    assert _sent(openai_stub, settings)[0] == settings.answer_tokens  # no /props: the settings as they are
    unbounded = _sent(openai_stub, settings)[1]
    openai_stub.n_ctx = 32768  # ignored: the setting says otherwise
    small = settings.replace(model_context=4096)
    _answer(small)
    reply, prompt = _sent(openai_stub, small)
    assert reply == 1024 and prompt * small.tuned["llm.token_slack"] + reply <= 4096 and prompt < unbounded
