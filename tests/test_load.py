"""Load: 50 chat users through the web API and 20 interviews on one database, with nobody seeing another's data.

Marked `load`: skipped unless `--run-load` or RUN_LOAD=1 (tests/support/load_plugin.py).
The scenarios live in bench/load.py, which also prints the figures on its own.
"""

from __future__ import annotations

import pytest

from bench.load import chat_load, interview_load
from tests.support.servers import close_app, free_port

pytestmark = pytest.mark.load


def test_fifty_chat_users_get_their_own_answers(offline_settings, offline_assistant):
    from assistant.web.app import launch

    demo, url = launch(offline_settings, port=free_port(), block=False, assistant=offline_assistant)
    try:
        figures = chat_load(url, offline_assistant, users=50, time_limit=240)
    finally:
        close_app(demo)
    print("\n" + figures.line())
    assert figures.errors == [] and figures.mismatches == []
    assert figures.requests == 100 and figures.percentile(0.99) < 240


def test_twenty_interviews_on_one_database_keep_their_own_answers(offline_settings, offline_assistant, tmp_path):
    figures = interview_load(offline_settings, offline_assistant, sessions=20, db_path=tmp_path / "shared.db")
    print("\n" + figures.line())
    assert figures.errors == [] and figures.mismatches == []
    assert figures.requests == 20 * 4  # one start and three answers per session
