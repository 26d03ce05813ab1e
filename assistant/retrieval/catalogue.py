"""The catalogue of indexed sections: every chunk row, section texts, the question list, BM25 and the vocabulary.

The retriever ranks; the catalogue knows what is indexed. It reads the chunk rows of the
primary collection once and rebuilds BM25 and the vocabulary only when the collection's
fingerprint changes (another process ingested), swapping everything at once so a
concurrent search never sees half-built state. What it builds is saved as a snapshot
keyed on that fingerprint (snapshot.py), so the next process start loads it instead of
reading every chunk from Chroma; section texts are indexed by section.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable

from assistant.notes.terms import mostly_latin, tokenize
from assistant.retrieval.lexical import Vocabulary

Row = tuple[str, dict]  # (chunk document, chunk metadata)


class Catalogue:
    """What the primary collection holds, cached by its fingerprint."""

    def __init__(self, collection: Callable[[], Any], bm25: bool, snapshot: Path | None = None) -> None:
        self._collection = collection  # a getter: the handle changes when the collection is reopened
        self._with_bm25 = bm25
        self._snapshot = snapshot  # where the built state is saved, keyed on the fingerprint (None: never)
        self.sections: dict[tuple[str, str], list[str]] = {}  # (file_key, uid) → chunk ids in chunk order
        self._key: str | None = None
        self.rows: dict[str, Row] = {}
        self.ids: list[str] = []
        self.latin: frozenset[str] = frozenset()  # ids of the chunks written in English prose (retriever.py)
        self.bm25: Any = None
        self.vocabulary = Vocabulary(frozenset())
        self._lock = threading.Lock()  # web sessions share one catalogue

    def invalidate(self) -> None:
        """Forget the cached rows (the collection was reopened)."""
        self._key = None

    def refresh(self) -> None:
        """Re-read the rows when the primary collection changed since the last read."""
        from assistant.retrieval.store import fingerprint

        primary = self._collection()
        key = fingerprint(primary)
        if key == self._key:
            return
        with self._lock:
            if key == self._key:
                return
            state = self._load(key) or self._build(primary, key)
            self.rows, self.bm25, self.vocabulary = state["rows"], state["bm25"], state["vocabulary"]
            self.ids = list(self.rows)
            # Older snapshots lack it: worked out here then (≈ 6 µs a chunk), saved with the next ingest's.
            self.latin = state["latin"] if "latin" in state else _latin_ids(self.rows)
            self.sections = _sections(self.rows)
            self._key = key

    def _load(self, key: str) -> dict | None:
        from assistant.retrieval import snapshot

        if self._snapshot is None:
            return None
        state = snapshot.load(self._snapshot, key)
        return state if isinstance(state, dict) and state.get("bm25_built") == self._with_bm25 else None

    def _build(self, primary, key: str) -> dict:
        from assistant.retrieval import snapshot

        data = primary.get(include=["documents", "metadatas"])
        rows = {cid: (doc, meta) for cid, doc, meta in zip(data["ids"], data["documents"], data["metadatas"])}
        bm25 = None
        if self._with_bm25 and rows:
            import bm25s

            bm25 = bm25s.BM25()
            bm25.index([tokenize(doc) or ["∅"] for doc, _ in rows.values()], show_progress=False)
        state = {"rows": rows, "bm25": bm25, "vocabulary": Vocabulary.of_sections(_section_texts(rows)),
                 "bm25_built": self._with_bm25, "latin": _latin_ids(rows)}
        if self._snapshot is not None and snapshot.trusted(key):
            snapshot.save(self._snapshot, key, state)
        return state

    def section_text(self, file_key: str, uid: str) -> str:
        """The whole body of a question section, reassembled from its chunks in order."""
        rows = self.rows
        return "\n\n".join(chunk_body(*rows[cid]) for cid in self.sections.get((file_key, uid), ()) if cid in rows)

    def questions(self) -> list[dict]:
        """Every indexed question (file, number, title, kind), for listing and the interview."""
        seen: dict[tuple[str, str], dict] = {}
        for _, meta in self.rows.values():
            key = (meta["file_key"], section_uid(meta))
            seen.setdefault(key, {k: meta[k] for k in ("file", "file_key", "uid", "question", "title", "kind", "source")})
        return sorted(seen.values(), key=lambda m: (m["file"], m["question"], m["uid"]))


def _latin_ids(rows: dict[str, Row]) -> frozenset[str]:
    """Ids of the chunks whose body is English prose, worked out once per fingerprint with the rest of the state."""
    return frozenset(cid for cid, (doc, meta) in rows.items() if mostly_latin(chunk_body(doc, meta)))


def section_uid(meta: dict) -> str:
    """The section id a chunk belongs to (older indexes stored only the question number)."""
    return str(meta.get("uid", meta["question"]))


def chunk_body(text: str, meta: dict) -> str:
    """A chunk's text without the title lines prefixed for embedding."""
    return text.split("\n", int(meta.get("head", 1)))[-1]


def _sections(rows: dict[str, Row]) -> dict[tuple[str, str], list[str]]:
    """Chunk ids by section, in chunk order."""
    by_section: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for cid, (_, meta) in rows.items():
        by_section.setdefault((meta["file_key"], section_uid(meta)), []).append((int(meta["chunk"]), cid))
    return {key: [cid for _, cid in sorted(parts)] for key, parts in by_section.items()}


def _section_texts(rows: dict[str, Row]) -> list[str]:
    """Each section's chunks joined (chunks carry the title line), for section-level term counts."""
    by_section: dict[tuple[str, str], list[str]] = {}
    for doc, meta in rows.values():
        by_section.setdefault((meta["file_key"], section_uid(meta)), []).append(doc)
    return ["\n".join(docs) for docs in by_section.values()]
