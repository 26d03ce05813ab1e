"""The Chroma access layer: retries of writes that meet another process's SQLite lock."""

from __future__ import annotations

import pytest

from assistant.retrieval.store import while_locked


def test_a_locked_database_is_retried_then_reported():
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise RuntimeError("Query error: Database error: (code: 5) database is locked")
        return "done"

    assert while_locked(flaky) == "done" and len(calls) == 3
    with pytest.raises(ValueError, match="bad input"):  # anything else is not retried
        while_locked(lambda: (_ for _ in ()).throw(ValueError("bad input")))
