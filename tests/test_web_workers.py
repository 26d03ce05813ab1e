"""Two `assistant web` processes on one `chroma run` server and one interview database, with concurrent users.

Issue 15's layout past one machine, in miniature: the vectors in a Chroma server, several web
workers sharing it and one SQLite interview database (docs/scaling.md). Each user is a
gradio_client session against one of the two processes, from its own thread: two asks
(`/ask`), then a two-question interview (`/on_start`, then `/on_answer` until it is over,
follow-up probes included). Every request must succeed, every ask must cite the notes,
and every interview answer sent must be in the shared database afterwards, exactly once.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from assistant.config import Settings
from assistant.retrieval.ingest import ingest
from tests.conftest import ROOT
from tests.support.gen_notes import write_notes
from tests.support.servers import assistant_web_servers

pytestmark = pytest.mark.slow

USERS = 6  # three per process
TIMEOUT = 90.0  # per request: two app processes and the test share two busy cores


def test_two_web_processes_share_one_chroma_server_and_one_database(chroma_server, tmp_path):
    from gradio_client import Client

    host, port = chroma_server
    notes = write_notes(tmp_path / "notes", files=2, per_file=5, seed=15)
    titles = re.findall(r"^## \d+\. (.+)$", (notes / "notes-001.md").read_text(encoding="utf-8"), re.M)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "CHROMA_", "OPENAI_"))}
    env |= {"ASSISTANT_HOME": str(tmp_path / "home"), "ASSISTANT_CORPUS": str(notes), "CHROMA_HOST": host,
            "CHROMA_PORT": str(port), "ASSISTANT_COLLECTION": "twoweb", "ASSISTANT_MODE": "extractive",
            "PYTHONPATH": str(ROOT)}
    report = ingest(Settings.from_env(env), progress=False)  # into the server; both processes find it current
    assert report.errors == [] and report.questions == 10

    errors: list[str] = []
    sent: list[str] = []
    lock = threading.Lock()

    with assistant_web_servers(env, count=2) as urls:

        def user(i: int) -> None:
            try:
                client = Client(urls[i % 2], verbose=False, httpx_kwargs={"timeout": TIMEOUT}, analytics_enabled=False)
                for question in (titles[i % len(titles)], titles[(i + 3) % len(titles)]):
                    answer, sources = client.predict(question, [], api_name="/ask")
                    if not answer or not sources.get("covered") or not sources.get("citations"):
                        raise AssertionError(f"{question!r}: no cited answer: {sources}")
                shown = client.predict("all topics", 2, 0, api_name="/on_start")
                for k in range(6):  # two questions, each may raise one follow-up probe
                    if "Interview finished" in str(shown):
                        break
                    text = f"用户{i}的第{k}个回答：训练时监控梯度范数，必要时做梯度裁剪。"
                    shown = client.predict(text, api_name="/on_answer")
                    with lock:
                        sent.append(text)
                if "Interview finished" not in str(shown):
                    raise AssertionError(f"user {i}: the interview did not end: {shown}")
            except Exception as exc:  # collected, asserted below with every other user's
                with lock:
                    errors.append(f"user {i} on {urls[i % 2]}: {type(exc).__name__}: {exc}")

        with ThreadPoolExecutor(USERS) as pool:
            list(pool.map(user, range(USERS)))

    print(f"\n{USERS} users on 2 processes: {len(sent)} interview answers sent, errors {len(errors)}")
    assert errors == []
    with sqlite3.connect(f"file:{tmp_path / 'home' / 'assistant.db'}?mode=ro", uri=True) as db:
        stored = [r[0] for r in db.execute("SELECT answer FROM answers UNION ALL "
                                           "SELECT answer FROM probes WHERE answer IS NOT NULL")]
        sessions = db.execute("SELECT COUNT(*) FROM sessions WHERE finished_at IS NOT NULL").fetchone()[0]
    assert sorted(stored) == sorted(sent) and len(sent) >= 2 * USERS
    assert sessions == USERS
