"""Note-sentence vectors kept on disk between processes, so a cold `assistant ask` does not re-embed them.

An extractive answer scores the supporting sentences of each key point against the question with
e5 (`relevance.py`). Those sentences come from the notes and repeat across questions and
processes, but embedding them took about 0.9 s of a 2.4 s cold `assistant ask` (five passage
batches for one list answer). This cache keeps each sentence's vector in one SQLite file under
the data directory, keyed by the model and a hash of the text, so a changed sentence is simply a
new key and nothing goes stale. The grader keeps the section titles it compares an answer with in
a file of the same kind (`note_vectors(home, "titles")`), written at ingest, so finding the sections
nearest to an answer embeds nothing however many there are. It is only a cache: any database error (read-only disk,
damaged file) switches it off for the process and the answer is computed as before.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path
from typing import Callable

import numpy as np

SCHEMA = "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)"
EMBED_BATCH = 256  # texts per embedding call of `fill` (10,000 section titles are not one tensor)
BATCH = 500  # keys per SELECT (SQLite's variable limit is 32,766; small batches keep statements short)
# Rows kept: the newest written. Sentences of edited notes and of another model version are never read again,
# so without a bound the file would only grow. On disk a row takes ≈ 2.2 KB (a 384-float vector, key, index),
# so 100,000 rows ≈ 220 MB; the eval's answers over the 20 shipped sections stored 259 rows, so this holds the
# sentences of several thousand sections. Past it, the oldest are embedded again when needed.
KEEP = 100_000


def note_vectors(home: Path, kind: str = "sentences") -> "VectorCache":
    """The e5 passage vectors of one kind of note text ("sentences" answers quote, section "titles") of one data
    directory. One file per kind: the titles, written at ingest and then only read, would otherwise be the oldest
    rows and the first evicted (KEEP) by a stream of answer sentences."""
    from assistant.runtime import e5_version

    return VectorCache(Path(home) / "cache" / f"{kind}.sqlite", e5_version())


class VectorCache:
    """text → float32 vector for one embedding model; safe to share between threads."""

    def __init__(self, path: Path, model: str) -> None:
        self.path, self.model = Path(path), model
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._off = False

    def _key(self, text: str) -> str:
        return hashlib.sha1(f"{self.model}\0{text}".encode()).hexdigest()

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None and not self._off:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=5, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")  # several web workers may read while one writes
                db.execute(SCHEMA)
                with db:  # once per process: rowids grow with each write, so the oldest rows go first
                    db.execute("DELETE FROM vectors WHERE rowid <= (SELECT MAX(rowid) FROM vectors) - ?", (KEEP,))
                self._db = db
            except (OSError, sqlite3.Error):
                self._off = True
        return self._db

    def get(self, texts: list[str]) -> dict[str, np.ndarray]:
        """The cached vectors of those texts that have one."""
        keys = {self._key(t): t for t in texts}
        found: dict[str, np.ndarray] = {}
        with self._lock:
            db = self._connect()
            if db is None:
                return found
            try:
                items = list(keys)
                for start in range(0, len(items), BATCH):
                    part = items[start:start + BATCH]
                    rows = db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(part))})", part)
                    for key, blob in rows:
                        found[keys[key]] = np.frombuffer(blob, dtype=np.float32)
            except sqlite3.Error:
                self._off, self._db = True, None
        return found

    def put(self, vectors: dict[str, np.ndarray]) -> None:
        """Keep these vectors (float32) for the next process."""
        with self._lock:
            db = self._connect()
            if db is None or not vectors:
                return
            try:
                with db:
                    db.executemany("INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
                                   [(self._key(t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in vectors.items()])
            except sqlite3.Error:
                self._off, self._db = True, None

    def fill(self, texts: list[str], embed: Callable[[list[str]], np.ndarray], limit: int | None = None,
             on_batch: Callable[[int], None] | None = None) -> dict[str, np.ndarray] | None:
        """Every text's vector: read where the file has one, else embedded (scaled to unit length) and kept.
        None, with nothing embedded, when more than `limit` texts are missing. `on_batch(n)` after each batch
        embedded (a progress bar)."""
        found = self.get(texts)
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if limit is not None and len(missing) > limit:
            return None
        for start in range(0, len(missing), EMBED_BATCH):  # kept batch by batch: an interrupted fill is not lost
            part = missing[start:start + EMBED_BATCH]
            fresh = embedded(part, embed)
            self.put(fresh)
            found.update(fresh)
            if on_batch is not None:
                on_batch(len(part))
        return found


def embedded(texts: list[str], embed: Callable[[list[str]], np.ndarray]) -> dict[str, np.ndarray]:
    """text → its vector, scaled to unit length (texts distinct)."""
    return {t: unit(v) for t, v in zip(texts, np.atleast_2d(embed(texts)))} if texts else {}


def unit(vector: np.ndarray) -> np.ndarray:
    """The vector scaled to length 1 (a zero vector stays zero), as float32: cosines are then dot products."""
    v = np.asarray(vector, dtype=np.float32)
    return v / (np.linalg.norm(v) or np.float32(1.0))
