"""Fault injection: `assistant ingest` SIGKILLed at chosen moments, then run again, equals a clean ingest.

The killed process stops at a pause point (ASSISTANT_TEST_PAUSE_AT, assistant/testhooks.py):
before any write, between embedding and writing a batch, between Chroma writes, between
the two embedders' collections, after removing stale chunks; one case kills at a random
moment instead. After each kill, `doctor` must see damage (so the kill mattered), the next
ingest must leave every collection with exactly the ids, documents and metadata of a clean
ingest, a third ingest must embed nothing, and search must rank as on the clean index.
The corpus is generated (varied sections, ~34 chunks: three batches per collection).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.config import Settings
from assistant.retrieval.doctor import check
from assistant.retrieval.ingest import ingest
from assistant.retrieval.retriever import Retriever
from assistant.retrieval.store import client, get_collection
from tests.conftest import ROOT
from tests.support.gen_notes import edit_notes, write_notes
from tests.support.servers import chroma_server_process, free_port

pytestmark = pytest.mark.slow

QUERIES = ["什么是梯度爆炸？", "How does batch normalization work?", "Dropout 为什么能缓解过拟合", "注意力机制的原理",
           "学习率预热有什么用", "LSTM 的门控"]


def settings(home: Path, **kw) -> Settings:
    return Settings.from_env({}, home=home, recipe="e5+use+bm25", **kw)


def snapshot(s: Settings) -> dict[str, dict]:
    """Every collection's rows: id → (document, metadata)."""
    chroma, out = client(s), {}
    for model in s.dense_models:
        rows = get_collection(chroma, s, model).get(include=["documents", "metadatas"])
        assert len(rows["ids"]) == len(set(rows["ids"])), "duplicate ids"
        out[model] = {cid: (doc, meta) for cid, doc, meta in zip(rows["ids"], rows["documents"], rows["metadatas"])}
    return out


def vectors(s: Settings) -> dict[str, dict[str, np.ndarray]]:
    """Every collection's stored vectors by id: the rows can match a clean ingest's while a vector is stale."""
    chroma = client(s)
    out = {}
    for model in s.dense_models:
        rows = get_collection(chroma, s, model).get(include=["embeddings"])
        out[model] = {cid: np.asarray(vec, dtype=np.float64) for cid, vec in zip(rows["ids"], rows["embeddings"])}
    return out


def assert_same_vectors(got: dict[str, dict[str, np.ndarray]], want: dict[str, dict[str, np.ndarray]]) -> None:
    """The same ids with the same vectors (to float32 rounding) in every collection."""
    assert {m: set(v) for m, v in got.items()} == {m: set(v) for m, v in want.items()}
    for model, rows in want.items():
        worst = max(float(np.max(np.abs(got[model][cid] - vec))) for cid, vec in rows.items())
        assert worst < 1e-5, f"{model}: a stored vector differs from a clean ingest's by {worst}"


def rankings(s: Settings, k: int = 5) -> list[list[tuple[str, str, float]]]:
    """Per query, the hits' (file, section, fused score)."""
    retriever = Retriever(s, client(s))
    return [[(h.file_key, h.uid, h.score) for h in retriever.search(q, k).hits] for q in QUERIES]


def assert_same_ranking(got, want) -> None:
    """The same top hit, and every section the clean index ranks clearly inside its top 5 (0.5 above the fifth)
    still in the repaired index's top 8 (`got` is searched 8 deep).

    The rows and vectors of the repaired index are asserted equal to a clean ingest's before this; the ranking
    is not bit-stable on top of them. Seen on 2026-12-02 (about 1 run in 4 of the two 'written' cases): the top
    hit 9.805 vs 9.740, and lower hits off by up to 0.24, enough for near-tied fourth and fifth sections to swap
    or trade places with the sixth. e5 gives bit-identical vectors in any batch, so the HNSW graph, which the
    repair builds in another insertion order, returns a slightly different pool for the z-scores. On 2026-12-03
    a clear third section of the clean index was sixth or lower after repair (top hit unchanged), hence the top 8.
    The top hit's fused score (7.88 vs 7.51 on 2026-12-04) and, in CI on 2026-12-04, its cosine (0.9142 vs
    0.9154: the graph left the section's best chunk out of the pool) moved the same way, so neither is compared:
    a stale vector is caught by assert_same_vectors, exactly, instead of through an approximate search."""
    for g, w in zip(got, want):
        assert g and w and g[0][:2] == w[0][:2], (g, w)
        cut = w[-1][2] + 0.5
        assert {h[:2] for h in w if h[2] > cut} <= {h[:2] for h in g}, (g, w)


class Reference:
    """A clean ingest of one notes folder: what every recovered index must equal."""

    def __init__(self, home: Path, notes: Path) -> None:
        self.settings = settings(home)
        report = ingest(self.settings, [notes], progress=False)
        assert report.errors == [] and report.chunks_embedded > 0
        self.rows, self.vectors, self.ranks = snapshot(self.settings), vectors(self.settings), rankings(self.settings)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Generated notes (v1 folder, and a folder edited to v2 after indexing v1) and their clean indexes."""
    root = tmp_path_factory.mktemp("faults")
    fresh = write_notes(root / "notes", files=3, per_file=5)
    edited = write_notes(root / "edited", files=3, per_file=5)
    base = root / "base-v1"
    Reference(base, edited)
    edit_notes(edited)
    return {"fresh": (fresh, Reference(root / "clean-fresh", fresh), None),
            "update": (edited, Reference(root / "clean-v2", edited), base)}


def killed_ingest(home: Path, notes: Path, pause: str, env: dict | None = None, on_pause=None) -> str:
    """Run `assistant ingest` in a subprocess and SIGKILL it at the pause point (or after `random:<seconds>`).

    `on_pause` runs while the process sleeps at the point, before it is killed."""
    full = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "CHROMA_"))}
    full.update({"ASSISTANT_HOME": str(home), "ASSISTANT_RECIPE": "e5+use+bm25", **(env or {})})
    delay = None
    if pause and pause.startswith("random:"):
        delay = float(pause.split(":")[1])
    else:
        full["ASSISTANT_TEST_PAUSE_AT"] = pause
    err = home.parent / f"{home.name}.stderr"
    with open(err, "w") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "assistant", "ingest", str(notes)], cwd=ROOT, env=full,
                                stdout=subprocess.DEVNULL, stderr=stderr)
    deadline = time.monotonic() + (delay if delay is not None else 180)
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            if delay is None and "paused at" in err.read_text():
                if on_pause is not None:
                    on_pause()
                break
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    text = err.read_text()
    if delay is None:
        assert f"paused at {pause}" in text, f"never reached {pause}:\n{text}"
    return text


CASES = [
    ("fresh", "locked"),  # early: the lock is held, nothing written yet
    ("fresh", "embedded:2"),  # mid-embedding: e5 batch 1 written, batch 2 embedded but not written
    ("fresh", "collection:1"),  # between collections: e5 complete, use empty
    ("fresh", "written:4"),  # during Chroma writes: use batch 1 of 3 written
    ("update", "deleted:1"),  # e5's stale chunks removed, nothing rewritten yet
    ("update", "written:1"),  # e5's first rewritten batch written
    ("fresh", "random"),  # anywhere, at a random moment (model load, embedding or inside a Chroma call)
]


@pytest.mark.parametrize("scenario, pause", CASES, ids=[f"{s}-{p}" for s, p in CASES])
def test_killed_ingest_then_ingest_equals_a_clean_one(corpus, tmp_path, scenario, pause):
    notes, clean, base = corpus[scenario]
    home = tmp_path / "home"
    if base is not None:
        shutil.copytree(base, home)
    if pause == "random":
        pause = f"random:{random.uniform(2.0, 12.0):.2f}"
    s = settings(home)
    log = killed_ingest(home, notes, pause)
    if not pause.startswith("random:"):
        assert not check(s, [notes]).ok, f"the kill at {pause} left nothing to repair:\n{log}"
    ingest(s, [notes], progress=False)
    assert snapshot(s) == clean.rows, f"killed at {pause}"
    assert_same_vectors(vectors(s), clean.vectors)
    again = ingest(s, [notes], progress=False)
    assert (again.added, again.removed, again.chunks_embedded) == (0, 0, 0)
    assert check(s, [notes]).ok
    assert_same_ranking(rankings(s, 8), clean.ranks)


def test_chroma_server_and_client_killed_mid_write(corpus, tmp_path):
    """Server mode: the server is SIGKILLed mid-ingest, then the client; a restarted server plus one ingest equals clean."""
    notes, clean, _ = corpus["fresh"]
    data, port, home = tmp_path / "chroma-data", free_port(), tmp_path / "h"
    home.mkdir()
    s = settings(home, chroma_host="127.0.0.1", chroma_port=port)
    with chroma_server_process(data, port=port) as (_, _, server):

        def kill_server() -> None:  # its last acknowledged write must survive
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()

        killed_ingest(home, notes, "written:2", env={"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(port)},
                      on_pause=kill_server)
        assert server.poll() is not None
    with chroma_server_process(data, port=port):
        assert not check(s, [notes]).ok
        ingest(s, [notes], progress=False)
        assert snapshot(s) == clean.rows
        assert_same_vectors(vectors(s), clean.vectors)
        assert ingest(s, [notes], progress=False).chunks_embedded == 0
        assert check(s, [notes]).ok
        assert_same_ranking(rankings(s, 8), clean.ranks)
