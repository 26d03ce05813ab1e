"""The Chroma store: clients, collections, and Chroma failures turned into messages a user can act on.

Embedded `PersistentClient` under the data directory by default, `HttpClient` when
CHROMA_HOST is set (a shared index). chromadb is imported lazily (it costs about a
second), so the CLI's `--help` never pays for it. Ingest (index.py) and search
(retrieve.py) both go through here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from assistant.config import Settings
from assistant.errors import UserError, first_line

LOW_DISK = 1 << 20  # bytes free below which a Chroma failure is reported as a full disk
# Chroma saves a collection's HNSW index to disk every `sync_threshold` writes (default 1,000) and every
# process that opens it re-inserts the writes since from its log: up to 999 vectors per collection, 0.1-0.2 s
# each at 1,000 sections, 0.3-1.1 s at 25,500 chunks, on every cold `assistant ask`. Saving every 100 writes
# bounds that to 99 (0.1 s at 25,500 chunks) and did not slow a 25,500-vector build (bench notes in docs/performance.md).
SYNC_THRESHOLD = 100


class IndexStoreError(UserError, RuntimeError):
    """The index cannot be reached or used; the message is shown to the user as is."""


def client(settings: Settings):
    """A Chroma client: HttpClient when CHROMA_HOST is set, else a PersistentClient under home."""
    from assistant.retrieval.chroma_import import light_overrides

    light_overrides()  # before chromadb's first import (chroma_import.py)
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        try:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
        except Exception as exc:  # chromadb raises plain ValueError/ConnectionError variants here
            raise IndexStoreError(
                f"cannot reach the Chroma server at {settings.chroma_host}:{settings.chroma_port} ({first_line(exc)}); "
                "is `chroma run` up?"
            ) from None
    try:
        settings.chroma_path.mkdir(parents=True, exist_ok=True)
        # A second process opening a brand-new store while the first creates it sees "already exists" (the default
        # tenant) or "database is locked": both pass once the first is done, so wait as for a write.
        return while_locked(lambda: _persistent(chromadb, str(settings.chroma_path), chroma_settings),
                            also=("already exists",))
    except Exception as exc:
        why = first_line(exc)
        if "readonly" in why.replace(" ", "") or "read-only" in why:
            # Chroma writes to its SQLite file even to read (a read-only mount, a shared copy): say what to do.
            raise IndexStoreError(f"cannot open the index at {settings.chroma_path}: the data directory is read-only and "
                                  "Chroma must write to it; set ASSISTANT_HOME to a writable directory "
                                  "(a copy of this one keeps its index and history)") from None
        raise IndexStoreError(f"cannot open the index at {settings.chroma_path} ({why})") from None


def _persistent(chromadb, path: str, chroma_settings):
    """A PersistentClient; a failed open is dropped from chromadb's per-path cache so a retry starts clean."""
    from chromadb.api.client import SharedSystemClient

    try:
        return chromadb.PersistentClient(path=path, settings=chroma_settings)
    except Exception:
        # Else the half-started system is reused ("no attribute 'bindings'"). Only this path's entry goes (a
        # persistent client's identifier is its directory): clear_system_cache() would break every other
        # client this process has open.
        with SharedSystemClient._refcount_lock:
            SharedSystemClient._identifier_to_system.pop(path, None)
            SharedSystemClient._identifier_to_refcount.pop(path, None)
        raise


def is_missing(exc: BaseException) -> bool:
    """True when Chroma says a collection does not exist (its data was wiped, or another process rebuilt it)."""
    from chromadb.errors import NotFoundError

    return isinstance(exc, NotFoundError)


def index_error(settings: Settings, exc: BaseException) -> BaseException:
    """A Chroma failure as an IndexStoreError saying what to do; exceptions we do not recognise come back as they are."""
    import httpx

    where = (f"the Chroma server at {settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host
             else f"the index at {settings.chroma_path}")
    if is_missing(exc):
        return IndexStoreError(f"the notes collections are missing from {where} (was its data deleted?); "
                           "run `assistant ingest` to rebuild the index")
    if isinstance(exc, httpx.TransportError):
        return IndexStoreError(f"lost the connection to {where} ({first_line(exc)}); is `chroma run` up?")
    free = _free_bytes(settings.home)
    if not settings.chroma_host and free is not None and free < LOW_DISK:
        # Chroma reports a full disk as an opaque compaction error; what is indexed stays readable once space is freed.
        return IndexStoreError(f"the disk holding {settings.home} is full ({free // 1024} KB free; {first_line(exc)}); "
                           "free some space and run the command again")
    return exc


def collection_name(settings: Settings, model: str) -> str:
    """Chroma collection name for one dense embedder."""
    return f"{settings.collection}-{model}"


def get_collection(chroma, settings: Settings, model: str, create: bool = True):
    """Open (or create) the collection of one dense embedder, with its registered embedding function."""
    from assistant.retrieval.embeddings import embedder

    ef = embedder(model, settings)
    name = collection_name(settings, model)
    if create:
        try:
            # A new dict each time: chromadb writes the embedding function into the one it is given.
            config = {"hnsw": {"space": "cosine", "sync_threshold": SYNC_THRESHOLD}}
            return chroma.get_or_create_collection(name, embedding_function=ef, configuration=config)
        except Exception as exc:
            # Another process created it after this client last looked (two first ingests at once): open that one.
            if "already exists" not in str(exc):
                raise
    return chroma.get_collection(name, embedding_function=ef)


def keep_synced(col) -> None:
    """Give a collection made before SYNC_THRESHOLD existed the same setting (applies from its next write)."""
    hnsw = (getattr(col, "configuration", None) or {}).get("hnsw") or {}
    if hnsw.get("sync_threshold", SYNC_THRESHOLD) > SYNC_THRESHOLD:
        col.modify(configuration={"hnsw": {"sync_threshold": SYNC_THRESHOLD}})


def save_vectors(col) -> None:
    """Have the embedded Chroma save a collection's HNSW index now, after an ingest's last write.

    Chroma saves it only when `sync_threshold` writes have gathered since the last save, and every process
    that opens the collection re-inserts the writes since then from its log, in memory, on each start: an
    ingest ends with up to 99 of them. At 10,000 sections (25,276 chunks, 76 left over) that made the first
    read of each collection 0.12-0.14 s instead of 0.05-0.06 s, on every cold `assistant ask`; the
    re-inserts also run in parallel, so two processes did not always build the same graph (on random
    vectors, 7 of 300 top-200 lists differed between two opens). Chroma has no call to save, so this writes
    SYNC_THRESHOLD deletes of ids no chunk can have (a chunk id is file_key:uid:index, two colons or more):
    they change no data and no fingerprint, and they bring the count to SYNC_THRESHOLD, the threshold every
    collection here has (keep_synced), which saves the index and marks the log applied. Bench notes:
    docs/performance.md.
    """
    col.delete(ids=[f"save-hnsw:{i}" for i in range(SYNC_THRESHOLD)])


def while_locked(call, also: tuple[str, ...] = ()):
    """Run a Chroma write, retrying for up to 30 s while SQLite reports another process's write lock.

    Our ingest lock serialises ingests, but the embedded Chroma (Rust bindings, no busy
    timeout) may still be flushing in a process that has just released it; a retry is
    safe because the ingest sync is idempotent (content hashes). Seen as 1 failure in ~20 runs of
    two concurrent `assistant ingest` processes. `also`: further messages that mean "try again".
    """
    from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_exponential

    transient = ("database is locked", *also)
    retrying = Retrying(retry=retry_if_exception(lambda exc: any(s in str(exc) for s in transient)),
                        stop=stop_after_delay(30), wait=wait_exponential(multiplier=0.05, max=1.0), reraise=True)
    return retrying(call)


def fingerprint(col) -> str:
    """A value that changes whenever an ingest changed the collection (cache key for BM25)."""
    return (col.metadata or {}).get("fingerprint", "") + f":{col.count()}"


def _free_bytes(path: Path) -> int | None:
    for p in (path, *path.parents):
        try:
            return shutil.disk_usage(p).free
        except OSError:
            continue
    return None
