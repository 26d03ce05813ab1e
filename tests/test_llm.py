"""Smoke test of the LLM path against a real llama.cpp server (SmolLM2-135M): streaming works.

The model writes no usable Chinese, so this asserts the plumbing (streamed pieces, mode,
citation check ran), never answer quality.
"""

from __future__ import annotations

import pytest

from assistant.service import Assistant


@pytest.mark.slow
def test_streams_from_a_real_llama_cpp_server(offline_settings, llama_server):
    settings = offline_settings.replace(openai_base_url=llama_server, openai_api_key="local", model="smollm2",
                                        context_tokens=400, llm_timeout=120, answer_tokens=64)
    # 64 tokens: this tiny model repeats itself in longer replies, which the loop check (replies.py) rightly turns
    # into the quotes fallback; this smoke test is about streaming from a real server, not about the model's prose.
    assistant = Assistant(settings, progress=False)
    stream = assistant.stream("What is gradient clipping?")
    pieces = list(stream)
    result = stream.result()
    assert result.mode == "llm:smollm2", result.notice
    assert len(pieces) >= 2
    assert all(0 < n <= len(result.hits) for n in result.citations)


def test_build_llm_uses_the_configured_endpoint(offline_settings):
    from assistant.answering.llm import build_llm

    llm = build_llm(offline_settings.replace(openai_base_url="http://127.0.0.1:9/v1", model="m", llm_retries=3))
    assert llm.model_name == "m" and llm.max_retries == 3 and str(llm.openai_api_base).startswith("http://127.0.0.1:9")
