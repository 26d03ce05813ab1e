"""Two `assistant web` processes on one `chroma run` server and one interview database, with concurrent users.

Issue 15's layout past one machine, in miniature: the vectors in a Chroma server, several web
workers sharing it and one SQLite interview database (docs/scaling.md). Each user, from its
own thread and with its own Gradio session, calls one of the two processes through Gradio's
HTTP API: two asks (`/ask`), then a two-question interview (`/on_start`, then `/on_answer`
until it is over, follow-up probes included). Every request must succeed, every ask must cite
the notes, and every interview answer sent must be in the shared database afterwards, once.

Plain HTTP (httpx, Gradio's `/gradio_api/call/<name>` endpoints) rather than gradio_client:
once in ≈ 35 runs here gradio_client raised a CancelledError from its own cancel-watcher thread, a
client-side race that says nothing about the servers.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
import traceback
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from assistant.config import Settings
from assistant.retrieval.ingest import ingest
from tests.conftest import ROOT
from tests.support.gen_notes import write_notes
from tests.support.servers import assistant_web_servers

pytestmark = pytest.mark.slow

USERS = 6  # three per process
TIMEOUT = 90.0  # per request: two app processes and the test share two busy cores


def call(url: str, api: str, session: str, *data) -> list:
    """One event through Gradio's HTTP API in the given session (its gr.State lives there); the outputs."""
    posted = httpx.post(f"{url}gradio_api/call/{api}", json={"data": list(data), "session_hash": session}, timeout=TIMEOUT)
    posted.raise_for_status()
    event = None
    with httpx.stream("GET", f"{url}gradio_api/call/{api}/{posted.json()['event_id']}", timeout=TIMEOUT) as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                if event == "error":
                    raise AssertionError(f"{api} failed on the server: {line[5:].strip()}")
                return json.loads(line[5:])
    raise AssertionError(f"{api}: the event stream ended without a result")


def test_two_web_processes_share_one_chroma_server_and_one_database(chroma_server, tmp_path):
    host, port = chroma_server
    notes = write_notes(tmp_path / "notes", files=2, per_file=5, seed=15)
    titles = re.findall(r"^## \d+\. (.+)$", (notes / "notes-001.md").read_text(encoding="utf-8"), re.M)
    env = dict(os.environ) | {  # conftest.isolated_env already removed the developer's ASSISTANT_/CHROMA_/OPENAI_ variables
        "ASSISTANT_HOME": str(tmp_path / "home"), "ASSISTANT_CORPUS": str(notes), "CHROMA_HOST": host,
        "CHROMA_PORT": str(port), "ASSISTANT_COLLECTION": "twoweb", "ASSISTANT_MODE": "extractive",
        "PYTHONPATH": str(ROOT)}
    report = ingest(Settings.from_env(env), progress=False)  # into the server; both processes find it current
    assert report.errors == [] and report.questions == 10

    errors: list[str] = []
    sent: list[str] = []
    lock = threading.Lock()

    with assistant_web_servers(env, count=2) as urls:

        def user(i: int) -> None:
            url, session = urls[i % 2], uuid.uuid4().hex
            try:
                for question in (titles[i % len(titles)], titles[(i + 3) % len(titles)]):
                    answer, sources = call(url, "ask", session, question, [])
                    if not answer or not sources.get("covered") or not sources.get("citations"):
                        raise AssertionError(f"{question!r}: no cited answer: {sources}")
                shown = call(url, "on_start", session, "all topics", 2, 0, "per session")
                for k in range(6):  # two questions, each may raise one follow-up probe
                    if "Interview finished" in str(shown):
                        break
                    text = f"用户{i}的第{k}个回答：训练时监控梯度范数，必要时做梯度裁剪。"
                    with lock:
                        sent.append(text)  # before the call: an answer the server stored must have been sent
                    shown = call(url, "on_answer", session, text, "per session")
                if "Interview finished" not in str(shown):
                    raise AssertionError(f"user {i}: the interview did not end: {shown}")
            except Exception as exc:  # collected, asserted below with every other user's
                with lock:
                    errors.append(f"user {i} on {url}: {type(exc).__name__}: {exc}\n{traceback.format_exc()}")

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
