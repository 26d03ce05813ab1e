"""Failures of the stores: Chroma server down, restarted or wiped; an unusable data directory; concurrent writers.

Each fault must end in one clear line (exit 1 from the CLI) or be survived, and must not
lose what was already stored. Mount-based faults (read-only, full disk) need root and are
skipped elsewhere.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.interview.store import MIGRATIONS, DatabaseError, Store
from assistant.retrieval.ingest import ingest
from assistant.retrieval.store import IndexStoreError
from assistant.service import Assistant
from tests.support.servers import chroma_server, free_port
from tests.test_cli import assert_one_line_error, run
from tests.test_index import chunk_ids

FIXTURES = Path(__file__).parent / "fixtures"
CLIPPING = "What is gradient clipping?"


@contextlib.contextmanager
def mounted(target: Path, *options: str):
    """Mount a tmpfs (or bind/ro) at target for the block; skip the test when mounting is not allowed."""
    target.mkdir(parents=True, exist_ok=True)
    for argv in options:
        proc = subprocess.run(["mount", *argv.split(), str(target)], capture_output=True, text=True)
        if proc.returncode:
            subprocess.run(["umount", str(target)], capture_output=True)
            pytest.skip(f"cannot mount ({proc.stderr.strip()}); needs root")
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


# -- Chroma server mode -------------------------------------------------------------------


def test_cli_with_no_chroma_server_is_one_line(tmp_path):
    proc = run(["ask", "什么是梯度爆炸？"], tmp_path, env={"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(free_port())})
    assert_one_line_error(proc, 1, "cannot reach the Chroma server at 127.0.0.1")


@pytest.mark.slow
def test_chroma_server_restart_and_wipe(tmp_path):
    """One Assistant outlives a server restart, reports a wiped server, and recovers after `assistant ingest`."""
    data, port = tmp_path / "chroma-data", free_port()
    env = {"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(port), "ASSISTANT_RECIPE": "e5",
           "ASSISTANT_CORPUS": str(FIXTURES / "small-notes.md")}
    settings = Settings.from_env(env, home=tmp_path / "h")
    with chroma_server(data, port=port):
        assistant = Assistant(settings, progress=False)
        assert assistant.search(CLIPPING).hits[0].question == 2
    with pytest.raises(IndexStoreError, match="lost the connection to the Chroma server.*is `chroma run` up"):
        assistant.search(CLIPPING)
    with chroma_server(data, port=port):
        assert assistant.search(CLIPPING).hits[0].question == 2, "reconnects after a restart"
    shutil.rmtree(data)
    with chroma_server(data, port=port):
        with pytest.raises(IndexStoreError, match="run `assistant ingest` to rebuild"):
            assistant.search(CLIPPING)
        proc = run(["ingest"], tmp_path / "h", env=env)
        assert proc.returncode == 0 and "4 new or changed" in proc.stdout, proc.stderr
        assert assistant.search(CLIPPING).hits[0].question == 2, "the same Assistant sees the rebuilt index"


# -- the embedded store's data directory -------------------------------------------------------


def test_data_dir_under_a_regular_file(tmp_path):
    (tmp_path / "file").write_text("x")
    proc = run(["ask", "什么是梯度爆炸？"], tmp_path / "file" / "home")
    assert_one_line_error(proc, 1, "cannot open the index at")
    assert "Not a directory" in proc.stderr


def test_configured_notes_that_yield_nothing_are_an_error(tmp_path):
    plain = tmp_path / "plain.md"
    plain.write_text((FIXTURES / "no-headings.md.txt").read_text())
    proc = run(["ask", "什么是梯度爆炸？"], tmp_path / "h", env={"ASSISTANT_CORPUS": str(plain), "ASSISTANT_RECIPE": "e5"})
    assert_one_line_error(proc, 1, "nothing could be indexed from the configured notes")
    assert "no '## N. question' headings" in proc.stderr


@pytest.mark.slow
def test_read_only_data_dir(built_home, tmp_path):
    """A read-only index is a clear error; a read-only interview database is still read and never moved aside."""
    source = tmp_path / "src"
    shutil.copytree(built_home, source)
    store = Store(source / "assistant.db")
    store.create_session([{"key": "k:1", "prompt": "q"}], None, "offline")
    store.close()
    with mounted(tmp_path / "ro", f"--bind {source}", "-o remount,bind,ro"):
        with pytest.raises(IndexStoreError, match="cannot open the index at .*read-only.*set ASSISTANT_HOME to a writable directory"):
            Assistant(Settings.from_env({}, home=tmp_path / "ro"), progress=False)
        assert [s["id"] for s in Store(tmp_path / "ro" / "assistant.db").sessions_summary()] == [1]
    with mounted(tmp_path / "ro-empty", "-t tmpfs -o size=1m,ro tmpfs"):
        with pytest.raises(DatabaseError, match="cannot use the interview database"):
            Store(tmp_path / "ro-empty" / "assistant.db")
    assert not list(source.glob("assistant.db.corrupt-*"))


@pytest.mark.slow
def test_a_read_only_interview_database_is_one_clear_line(built_copy):
    """Blind QA: a read-only assistant.db (the folder writable) ended an interview with "error: OperationalError:
    attempt to write a readonly database"."""
    db = built_copy / "assistant.db"
    Store(db).close()
    for argv in (["--bind", str(db), str(db)], ["-o", "remount,bind,ro", str(db)]):
        if subprocess.run(["mount", *argv], capture_output=True).returncode:
            subprocess.run(["umount", str(db)], capture_output=True)
            pytest.skip("cannot bind-mount a file read-only; needs root")
    try:
        proc = run(["interview", "--n", "1"], built_copy, stdin="梯度截断\n/quit\n")
    finally:
        subprocess.run(["umount", "-l", str(db)], capture_output=True)
    assert_one_line_error(proc, 1, "is read-only, so nothing could be saved; make it writable or use another ASSISTANT_HOME")
    assert "OperationalError" not in proc.stderr


@pytest.mark.slow
def test_full_disk_keeps_what_was_indexed(tmp_path):
    """Ingest on a full disk fails with a clear line; after freeing space the earlier notes are still there.

    Each step is its own process, as a user would retry: after a failed compaction, chromadb
    may hang a client reopened in the same process.
    """
    corpus, env = str(Path(__file__).parents[1] / "corpus"), {"ASSISTANT_RECIPE": "e5"}
    with mounted(tmp_path / "disk", "-t tmpfs -o size=600k tmpfs") as disk:
        home = disk / "h"
        assert run(["ingest", str(FIXTURES / "small-notes.md")], home, env=env).returncode == 0
        assert_one_line_error(run(["ingest", corpus], home, env=env), 1, "is full")
        subprocess.run(["mount", "-o", "remount,size=40m", str(disk)], check=True)
        found = run(["search", "--json", CLIPPING], home, env=env)
        assert json.loads(found.stdout)["results"][0]["title"] == CLIPPING, found.stderr
        again = run(["ingest", corpus], home, env=env)
        assert again.returncode == 0 and "20 question(s)" in again.stdout, again.stderr


# -- concurrent writers -------------------------------------------------------------------------


def _ingest_proc(home: Path, folder: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "CHROMA_", "ASSISTANT_"))}
    env.update({"ASSISTANT_HOME": str(home), "ASSISTANT_RECIPE": "e5"})
    return subprocess.Popen([sys.executable, "-m", "assistant", "ingest", str(folder)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_two_concurrent_ingests_equal_one(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    for name in ("small-notes.md", "other-notes.md"):
        shutil.copy(FIXTURES / name, folder / name)
    procs = [_ingest_proc(tmp_path / "shared", folder) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    single = Settings.from_env({}, home=tmp_path / "single", recipe="e5")
    ingest(single, [folder], progress=False)
    shared = Settings.from_env({}, home=tmp_path / "shared", recipe="e5")
    ids = chunk_ids(shared)
    assert ids == chunk_ids(single) and len(ids) == len(set(ids))
    summaries = sorted(o[0].strip() for o in outs)  # the lock serialised them: the second found nothing to do
    assert "5 new or changed, 0 unchanged" in summaries[1] and "0 new or changed, 5 unchanged" in summaries[0]


@pytest.mark.slow
def test_ask_while_an_ingest_runs(tmp_path):
    home = tmp_path / "h"
    writer = _ingest_proc(home, Path(__file__).parents[1] / "corpus")
    deadline = time.monotonic() + 60
    while not (home / "ingest.lock").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    proc = run(["ask", "--json", "什么是梯度爆炸？"], home, env={"ASSISTANT_RECIPE": "e5"}, timeout=300)
    writer.communicate(timeout=300)
    assert writer.returncode == 0 and proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["citations"][0]["question"] == 25


def test_concurrent_first_opens_of_one_interview_database(tmp_path):
    """Many sessions opening a new database at once all migrate it once; nothing is moved aside."""
    path, errors, stores = tmp_path / "assistant.db", [], []
    barrier = threading.Barrier(8)

    def open_store():
        barrier.wait()
        try:
            stores.append(Store(path))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == [] and len(stores) == 8
    assert stores[0].applied() == [name for name, _ in MIGRATIONS] and not list(tmp_path.glob("*.corrupt-*"))


def test_a_second_ingest_says_at_once_that_it_waits(tmp_path, capsys):
    """Blind QA: a second `ingest` printed nothing for five minutes, then failed on the lock."""
    from filelock import FileLock

    from assistant.retrieval.ingest_lock import ingest_lock

    settings = Settings.from_env({}, home=tmp_path / "h")
    settings.home.mkdir(parents=True)
    with FileLock(str(settings.home / "ingest.lock")):
        with pytest.raises(IndexStoreError, match="another ingest holds"):
            with ingest_lock(settings, timeout=0.2):
                pass
    assert "waiting for another ingest" in capsys.readouterr().err
    with ingest_lock(settings, timeout=0.2):  # free again: no wait, nothing said
        pass
    assert capsys.readouterr().err == ""
