"""What a collection holds, saved beside the index and keyed on the collection's fingerprint.

Reading every chunk back from Chroma and rebuilding BM25 on each start cost 1.8 s at
1,000 sections, and an unchanged re-ingest spent nearly all its time in Chroma `get`
calls (issue 15). So two snapshots live under `<home>/snapshots/`:

- `<collection>.rows.pickle`: the chunk ids and metadatas a sync plans from (sync.py);
- `<collection>.lexical.pickle`: the catalogue's rows, BM25 and vocabulary (catalogue.py).

A snapshot is used only when its fingerprint equals the collection's current one
(`store.fingerprint`: a value every completed ingest stamps, plus the live count). An
ingest marks the collection dirty (a fresh fingerprint) before its first write and stamps
it after its last, so a snapshot can never vouch for a half-written collection: a killed
ingest leaves a fingerprint no snapshot carries, and the next reader goes to Chroma.
Any problem reading a snapshot means "no snapshot". `assistant doctor` compares a current
snapshot with the collection.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

VERSION = 4  # 2: BM25 terms without hyphens between letters (notes/terms.tokenize); 3: Chinese share per chunk;
# 4: Traditional Chinese folded to Simplified in BM25 terms and the vocabulary


def path(home: Path, collection: str, kind: str) -> Path:
    """Where one snapshot of one collection lives ('rows' or 'lexical')."""
    return home / "snapshots" / f"{collection}.{kind}.pickle"


def trusted(fingerprint: str) -> bool:
    """A fingerprint a completed ingest stamped (not blank from an old index, not marked dirty by a running one)."""
    stamp = fingerprint.rsplit(":", 1)[0]
    return bool(stamp) and not stamp.startswith("dirty")


def load(file: Path, fingerprint: str) -> Any | None:
    """The snapshot's data when it was taken at this fingerprint, else None."""
    try:
        with open(file, "rb") as fh:
            saved = pickle.load(fh)
    except Exception:  # missing, truncated or from another version: read Chroma instead
        return None
    if not trusted(fingerprint) or not isinstance(saved, dict) or saved.get("version") != VERSION \
            or saved.get("fingerprint") != fingerprint:
        return None
    return saved.get("data")


def save(file: Path, fingerprint: str, data: Any) -> None:
    """Write a snapshot atomically (temp file + rename); a read-only data directory just skips it."""
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_suffix(f".tmp{os.getpid()}")
        with open(tmp, "wb") as fh:
            pickle.dump({"version": VERSION, "fingerprint": fingerprint, "data": data}, fh, protocol=5)
        os.replace(tmp, file)
    except (OSError, pickle.PicklingError):
        pass


def drop(home: Path, collection: str) -> None:
    """Remove a collection's snapshots (doctor --repair, or a collection rebuilt)."""
    for kind in ("rows", "lexical"):
        path(home, collection, kind).unlink(missing_ok=True)
