"""Tuned values: one shipped file with provenance, per-user overrides, and code defaults that match it."""

from __future__ import annotations

import json

import pytest

from assistant.answering.params import AnswerParams
from assistant.errors import UserError
from assistant.evals.judges import OfflineJudge
from assistant.interview.grader import GraderParams
from assistant.retrieval.weights import Weights
from assistant.tuned import SHIPPED, load_tuned, write_user_entry


def test_every_shipped_value_says_where_it_came_from():
    entries = {k: v for k, v in json.loads(SHIPPED.read_text(encoding="utf-8")).items() if not k.startswith("_")}
    assert entries and all(set(v) == {"value", "source"} and v["source"].strip() for v in entries.values())


@pytest.mark.parametrize("name, cls", [("answers.extractive", AnswerParams), ("interview.grader", GraderParams),
                                       ("retrieval.weights", Weights)])
def test_code_defaults_are_the_shipped_values(tmp_path, name, cls):
    # Unit tests construct these with their defaults; the product reads tuned.json: both must agree.
    assert load_tuned(tmp_path).params(name, cls) == cls()


def test_judge_defaults_are_the_shipped_thresholds(tmp_path):
    judge = OfflineJudge(embeddings=object())
    assert load_tuned(tmp_path)["evals.judge"] == {"semantic_min": judge.semantic_min, "lexical_min": judge.lexical_min,
                                                   "opposite_min": judge.opposite_min, "negation_near": judge.negation_near,
                                                   "new_names": judge.new_names}


def test_a_user_refit_overrides_one_entry_only(tmp_path):
    shipped = load_tuned(tmp_path)
    weights = {**shipped["retrieval.weights"], "intent": 0.9}
    write_user_entry(tmp_path, "retrieval.weights", weights, "test refit")
    tuned = load_tuned(tmp_path)
    assert tuned["retrieval.weights"]["intent"] == 0.9 and tuned.source("retrieval.weights") == "test refit"
    assert tuned["coverage"] == shipped["coverage"]


def test_a_broken_user_file_is_a_one_line_error(tmp_path):
    (tmp_path / "tuned.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(UserError, match="cannot read tuned values"):
        load_tuned(tmp_path)
    (tmp_path / "tuned.json").write_text(json.dumps({"answers.extractive": {"value": {"nope": 1}, "source": "x"}}), encoding="utf-8")
    with pytest.raises(UserError, match="does not fit AnswerParams"):
        load_tuned(tmp_path).params("answers.extractive", AnswerParams)

