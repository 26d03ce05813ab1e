"""Chat model factory: any OpenAI-compatible endpoint through langchain-openai.

Imported only in LLM mode (langchain-openai costs ~1.5 s to import). Retries are left to
the `openai` client, which retries connection errors, 408/409/429 and 5xx with
exponential backoff and honours Retry-After; `llm_retries` bounds them.
"""

from __future__ import annotations

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
        timeout=settings.llm_timeout,
        max_retries=settings.llm_retries,
        streaming=True,
    )
