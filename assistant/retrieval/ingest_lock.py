"""One ingest of a data directory at a time, across processes; whoever has to wait is told so.

Apart from ingest.py because three callers share it: ingest, `assistant doctor` (which waits, so a half-written
index is not reported as broken) and the web app's health line (which does not wait: `timeout=0`).
"""

from __future__ import annotations

import sys
from contextlib import contextmanager

from assistant.config import Settings
from assistant.retrieval.store import IndexStoreError


class IngestRunning(IndexStoreError):
    """Another ingest holds the lock and the caller chose not to wait (`ingest_lock(timeout=0)`)."""


@contextmanager
def ingest_lock(settings: Settings, timeout: float = 300.0):
    """Serialise ingests of one data directory across processes; a caller that has to wait is told so at once.
    With `timeout=0` a held lock raises IngestRunning at once, silently: that caller says it in its own words."""
    from filelock import FileLock, Timeout

    settings.home.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(settings.home / "ingest.lock"))
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:  # said at once: a second ingest or doctor was silent for minutes (blind QA)
            if timeout <= 0:
                raise IngestRunning(f"an ingest of {settings.home} is running") from None
            print(f"waiting for another ingest of {settings.home} to finish (up to {timeout:.0f} s) …", file=sys.stderr,
                  flush=True)
            lock.acquire(timeout=timeout)
    except Timeout:
        raise IndexStoreError(f"another ingest holds {settings.home / 'ingest.lock'}; try again when it finishes") from None
    try:
        yield
    finally:
        lock.release()
