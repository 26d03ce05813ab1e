"""Named pause points where fault-injection tests kill a running process, off unless a test asks.

A crash-consistency test must SIGKILL `assistant ingest` at chosen moments (before any
write, between embedding batches, between Chroma writes, between collections). Timing a
kill from outside is flaky, so the code calls `pause_point("name")` at those moments, and
only when the environment variable ASSISTANT_TEST_PAUSE_AT names that point does the
process announce `paused at <point>` on stderr and sleep until it is killed. Unset (every
real run) a pause point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import sys
import time

ENV = "ASSISTANT_TEST_PAUSE_AT"
_reached: dict[str, int] = {}


def pause_point(name: str) -> None:
    """Sleep for good at this point if ASSISTANT_TEST_PAUSE_AT is `name` or `name:N` (its N-th passage)."""
    spec = os.environ.get(ENV)
    if not spec:
        return
    target, _, nth = spec.partition(":")
    if target != name:
        return
    _reached[name] = _reached.get(name, 0) + 1
    if _reached[name] != int(nth or 1):
        return
    sys.stderr.write(f"paused at {spec}\n")
    sys.stderr.flush()
    time.sleep(3600)
