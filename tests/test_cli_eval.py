"""`assistant eval` and `assistant judge` through click, on the session index (offline, extractive)."""

from __future__ import annotations

import json
import sys

import click
import pytest
from click.testing import CliRunner

from assistant.cli.eval import eval_command, judge_command


@pytest.fixture
def group(built_home, monkeypatch):
    """The two commands under a bare group, as cli.py registers them, reading the session index."""
    monkeypatch.setenv("ASSISTANT_HOME", str(built_home))
    return click.Group("assistant", commands={"eval": eval_command, "judge": judge_command})


def test_eval_retrieval_writes_run_and_compares_with_baseline(group, tmp_path):
    runner = CliRunner()
    first = runner.invoke(group, ["eval", "--set", "retrieval", "--out", str(tmp_path / "a")])
    assert first.exit_code == 0, first.output
    assert "retrieval.hit@1" in first.output
    for name in ("results.json", "report.md", "retrieval.png"):
        assert (tmp_path / "a" / name).is_file()
    items = json.loads((tmp_path / "a" / "results.json").read_text(encoding="utf-8"))["sets"]["retrieval"]["items"]
    assert len(items) == 116 and {"id", "rank", "covered", "ranked"} <= items[0].keys()

    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"retrieval.hit@1": 1.01, "answers.faithfulness": 0.99}))
    second = runner.invoke(group, ["eval", "--set", "retrieval", "--baseline", str(tmp_path / "a"),
                                   "--out", str(tmp_path / "b"), "--floors", str(floors), "--json"])
    assert second.exit_code == 1
    out = json.loads(second.stdout)
    assert out["regressions"] == [] and out["metrics"]["retrieval.hit@1"] > 0.8
    assert "floor: retrieval.hit@1" in second.stderr and "answers" not in second.stderr


def test_answers_suite_on_a_few_queries(offline_assistant):
    from assistant.evals.judges import Embeddings, OfflineJudge
    from assistant.evals.suites import answers_suite

    items = [{"id": "x1", "query": "什么是梯度爆炸？", "gold": [25], "history": []},
             {"id": "x2", "query": "那怎么解决它？", "gold": [28], "history": ["什么是梯度爆炸？"]},
             {"id": "x3", "query": "BERT 的预训练任务是什么", "gold": [], "history": []}]
    embeddings = Embeddings()
    res = answers_suite(offline_assistant, items, OfflineJudge(embeddings), embeddings)
    m = res["metrics"]
    assert m["n_queries"] == 2 and m["n_answered"] == 2 and m["faithfulness"] == 1.0
    assert m["citation_precision"] == 1.0 and m["claims"] >= 2 and 0 < m["relevancy"] <= 1


def test_judge_json_shape(group):
    result = CliRunner().invoke(group, ["judge", "--question", "什么是梯度爆炸？", "--json", "--answer",
                                        "误差梯度会在更新中累积成非常大的梯度[1]。当梯度超过 10 时就会爆炸[1]。"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"faithfulness", "claims"} and data["faithfulness"] == 0.5
    assert {"claim", "supported", "evidence"} <= data["claims"][0].keys()


def test_usage_and_unavailable_errors_are_one_line(group, monkeypatch):
    runner = CliRunner()
    bad = runner.invoke(group, ["eval", "--set", "bogus"])
    assert bad.exit_code == 2 and "unknown set" in bad.output
    assert runner.invoke(group, ["judge", "--question", " ", "--answer", "x"]).exit_code == 2
    monkeypatch.setitem(sys.modules, "assistant.interview.calibrate", None)  # import fails as if absent
    missing = runner.invoke(group, ["eval", "--set", "grading"])
    assert missing.exit_code == 1 and missing.stderr.strip() == "error: grading set needs assistant.interview"
    llm = runner.invoke(group, ["eval", "--set", "answers", "--judge", "llm"])
    assert llm.exit_code == 1 and "needs OPENAI_BASE_URL" in llm.stderr
