"""Chat model factory: any OpenAI-compatible endpoint through langchain-openai.

Imported only in LLM mode (langchain-openai costs ~1.5 s to import). Retries are left to
the `openai` client, which retries connection errors, 408/409/429 and 5xx with
exponential backoff and honours Retry-After; `llm_retries` bounds them.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable

from assistant.config import Settings


def build_llm(settings: Settings):
    """A streaming ChatOpenAI for the configured endpoint and model."""
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    return ChatOpenAI(
        model=settings.model,
        base_url=settings.openai_base_url,
        api_key=SecretStr(settings.openai_api_key or "not-needed"),  # local servers accept any key
        temperature=settings.temperature,
        # Sent as max_completion_tokens (honoured by llama.cpp, vLLM, OpenAI). Blind QA: a looping local model streamed
        # for four minutes.
        max_completion_tokens=settings.answer_tokens,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_retries,
        streaming=True,
    )


def openai_client(settings: Settings):
    """A plain `openai` client for the configured endpoint (the judge's direct calls), with the chain's timeout and retries."""
    import openai

    return openai.OpenAI(base_url=settings.openai_base_url, api_key=settings.openai_api_key or "not-needed",
                         timeout=settings.llm_timeout, max_retries=settings.llm_retries)


_FENCE = re.compile(r"```(?:json)?", re.I)


def first_json(text: str, accept: Callable[[Any], bool] | None = None) -> Any:
    """The first JSON object or array in a model reply that `accept` takes (fences and chatter ignored), or None."""
    text = _FENCE.sub("", text or "")
    decoder = json.JSONDecoder()
    for i, ch in enumerate(text):
        if ch in "{[":
            try:
                value = decoder.raw_decode(text[i:])[0]
            except ValueError:
                continue
            if accept is None or accept(value):
                return value
    return None
