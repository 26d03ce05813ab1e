"""Tests that tests/support/openai_stub.py speaks the protocol the real clients expect.

The stub is only useful if the real ``openai`` client and langchain-openai's ChatOpenAI
parse its answers exactly as they would parse OpenAI's: these tests pin that down for
streaming, non-streaming, error statuses, retries, timeouts, cut streams and embeddings.
"""

from __future__ import annotations

import asyncio
import time

import openai
import pytest

from tests.support.openai_stub import Reply, ScriptedOpenAI, fake_embedding

MESSAGES = [{"role": "user", "content": "What is dropout?"}]


@pytest.fixture
def stub():
    with ScriptedOpenAI(model="stub-model") as server:
        yield server


@pytest.fixture
def client(stub):
    return openai.OpenAI(base_url=stub.base_url, api_key="test", max_retries=0, timeout=10)


def test_non_streaming(stub, client):
    stub.script("Dropout randomly zeroes activations.")
    result = client.chat.completions.create(model="gpt-x", messages=MESSAGES, temperature=0)
    assert result.choices[0].message.content == "Dropout randomly zeroes activations."
    assert result.choices[0].finish_reason == "stop"
    assert result.model == "gpt-x"
    assert result.usage.completion_tokens == 4
    (request,) = stub.chat_requests
    assert request.method == "POST" and request.path == "/v1/chat/completions"
    assert request.body["messages"] == MESSAGES and request.body["temperature"] == 0
    assert request.headers["authorization"] == "Bearer test"


def test_streaming_with_explicit_chunks(stub, client):
    stub.script(Reply(chunks=["Drop", "out ", "is ", "regularisation."]))
    stream = client.chat.completions.create(
        model="gpt-x", messages=MESSAGES, stream=True, stream_options={"include_usage": True})
    events = list(stream)
    assert events[0].choices[0].delta.role == "assistant"
    pieces = [e.choices[0].delta.content for e in events[1:] if e.choices and e.choices[0].delta.content]
    assert pieces == ["Drop", "out ", "is ", "regularisation."]
    finishes = [e.choices[0].finish_reason for e in events if e.choices and e.choices[0].finish_reason]
    assert finishes == ["stop"]
    assert events[-1].choices == [] and events[-1].usage.completion_tokens == 3
    assert stub.chat_requests[0].body["stream"] is True


def test_streaming_splits_content_and_keeps_unicode(stub, client):
    text = "注意力机制 attention 🦜 works."
    stub.script(text)
    pieces = [e.choices[0].delta.content or "" for e in client.chat.completions.create(
        model="m", messages=MESSAGES, stream=True) if e.choices]
    assert "".join(pieces) == text
    assert sum(1 for p in pieces if p) == len(Reply(text).stream_pieces()) > 3


def test_default_reply_and_exhausted_queue(stub, client):
    stub.script("first")
    assert client.chat.completions.create(model="m", messages=MESSAGES).choices[0].message.content == "first"
    with pytest.raises(openai.BadRequestError, match="no scripted reply left"):
        client.chat.completions.create(model="m", messages=MESSAGES)
    stub.default("always")
    for _ in range(2):
        assert client.chat.completions.create(model="m", messages=MESSAGES).choices[0].message.content == "always"
    assert stub.pending == 0


@pytest.mark.parametrize("status, exc", [
    (400, openai.BadRequestError),
    (401, openai.AuthenticationError),
    (404, openai.NotFoundError),
    (429, openai.RateLimitError),
    (500, openai.InternalServerError),
    (503, openai.InternalServerError),
])
def test_error_status_maps_to_openai_exception(stub, client, status, exc):
    stub.script(Reply(status=status, error={"message": f"boom {status}", "code": "scripted"},
                      headers={"Retry-After": "7"}))
    with pytest.raises(exc) as info:
        client.chat.completions.create(model="m", messages=MESSAGES, stream=(status == 429))
    assert info.value.status_code == status
    assert info.value.code == "scripted"
    assert f"boom {status}" in str(info.value)
    assert info.value.response.headers["retry-after"] == "7"


def test_client_retries_after_rate_limit(stub):
    stub.script(Reply(status=429, headers={"Retry-After": "0"}), "after retry")
    retrying = openai.OpenAI(base_url=stub.base_url, api_key="test", max_retries=1)
    result = retrying.chat.completions.create(model="m", messages=MESSAGES)
    assert result.choices[0].message.content == "after retry"
    assert len(stub.chat_requests) == 2
    assert stub.chat_requests[1].headers["x-stainless-retry-count"] == "1"


def test_cut_stream_raises_on_client(stub, client):
    stub.script(Reply("one two three four five six seven", cut_after=2))
    received = []
    with pytest.raises(openai.APIConnectionError):
        for event in client.chat.completions.create(model="m", messages=MESSAGES, stream=True):
            if event.choices and event.choices[0].delta.content:
                received.append(event.choices[0].delta.content)
    assert received == ["one ", "two "]
    stub.script("still serving")  # the server survives a cut connection
    assert client.chat.completions.create(model="m", messages=MESSAGES).choices[0].message.content == "still serving"


def test_delay_triggers_client_timeout(stub, client):
    stub.script(Reply("late", delay=3))
    started = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        client.with_options(timeout=0.3).chat.completions.create(model="m", messages=MESSAGES)
    assert time.monotonic() - started < 2


def test_chunk_delay_paces_stream(stub, client):
    stub.script(Reply(chunks=["a", "b", "c"], chunk_delay=0.1))
    started = time.monotonic()
    assert len(list(client.chat.completions.create(model="m", messages=MESSAGES, stream=True))) == 5
    assert time.monotonic() - started >= 0.3


def test_models_and_embeddings(stub, client):
    assert [m.id for m in client.models.list()] == ["stub-model"]
    assert client.models.retrieve("stub-model").id == "stub-model"
    default = client.embeddings.create(model="e", input=["alpha", "beta"])  # base64 on the wire
    floats = client.embeddings.create(model="e", input="alpha", encoding_format="float")
    assert len(default.data) == 2 and len(default.data[0].embedding) == 16
    assert default.data[0].embedding == pytest.approx(floats.data[0].embedding, abs=1e-6)
    assert floats.data[0].embedding == pytest.approx(fake_embedding("alpha"))
    assert default.data[0].embedding != pytest.approx(default.data[1].embedding)
    assert sum(v * v for v in floats.data[0].embedding) == pytest.approx(1.0)


def test_async_client_streaming(stub):
    stub.script(Reply(chunks=["as", "ync"]))

    async def run():
        aclient = openai.AsyncOpenAI(base_url=stub.base_url, api_key="test", max_retries=0)
        try:
            stream = await aclient.chat.completions.create(model="m", messages=MESSAGES, stream=True)
            return [e.choices[0].delta.content async for e in stream if e.choices and e.choices[0].delta.content]
        finally:
            await aclient.close()

    assert asyncio.run(run()) == ["as", "ync"]


def test_langchain_chat_openai_stream(stub):
    from langchain_openai import ChatOpenAI

    stub.script(Reply(chunks=["Batch", " norm", " helps."]), "invoked")
    llm = ChatOpenAI(base_url=stub.base_url, api_key="test", model="stub-model", max_retries=0, timeout=10)
    pieces = [chunk.content for chunk in llm.stream("What does batch norm do?") if chunk.content]
    assert pieces == ["Batch", " norm", " helps."]
    assert llm.invoke("again").content == "invoked"
    first = stub.chat_requests[0].body
    assert first["stream"] is True and first["model"] == "stub-model"
    assert first["messages"] == [{"role": "user", "content": "What does batch norm do?"}]


def test_langchain_cut_stream_raises(stub):
    from langchain_openai import ChatOpenAI

    stub.script(Reply("a b c d e f", cut_after=1))
    llm = ChatOpenAI(base_url=stub.base_url, api_key="test", model="stub-model", max_retries=0)
    with pytest.raises(openai.APIConnectionError):
        list(llm.stream("hi"))
