"""Pure parts of the eval harness: claim splitting, RAGAS-style scores, calibration, floors, baselines."""

from __future__ import annotations

import pytest

from assistant.evals.claims import split_claims
from assistant.evals.judges import OfflineJudge, numbers
from assistant.evals.metrics import ClaimVerdict, answer_scores, calibration
from assistant.evals.runs import check_floors, flat_metrics, regressions, resolve_run

EXTRACTIVE = """（摘录模式：未配置语言模型，以下句子逐字引自笔记，每句后标注出处。）

- 非线性：** 即导数不是常数。 [1]
- 有限的不可微点对于优化结果不会有很大影响 [1]。 [2]
"""


def test_retrieval_names_still_exported():
    from assistant.evals.retrieval import RetrievalRow, load_jsonl, retrieval_metrics, run_retrieval  # noqa: F401

    rows = [RetrievalRow("a", [1], [2, 1], True), RetrievalRow("b", [], [3], False)]
    m = retrieval_metrics(rows)
    assert m["hit@1"] == 0.0 and m["hit@3"] == 1.0 and m["mrr"] == 0.5 and m["oos_declined"] == 1.0



def test_gold_section_numbers_are_read_as_numbers(tmp_path):
    """A set written with "gold": ["21"] never found its section: the search reports 21."""
    from assistant.evals.retrieval import load_jsonl

    path = tmp_path / "set.jsonl"
    path.write_text('{"id": "a", "query": "q", "gold": ["21", 32]}\n\n'
                    '{"id": "c", "turns": [{"q": "q1", "gold": ["28"]}, {"q": "q2", "gold": []}]}\n', encoding="utf-8")
    rows = load_jsonl(path)
    assert rows[0]["gold"] == [21, 32]
    assert [t["gold"] for t in rows[1]["turns"]] == [[28], []]
    path.write_text('{"id": "a", "query": "q", "gold": ["第21题"]}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"set.jsonl:1: gold must be a list of section numbers"):
        load_jsonl(path)

def test_extractive_claims_are_the_quoted_bullets():
    claims = split_claims(EXTRACTIVE)
    assert [c.kind for c in claims] == ["quote", "quote"]
    assert claims[0].citations == [1] and claims[1].citations == [2]
    assert claims[1].text == "有限的不可微点对于优化结果不会有很大影响 [1]。"  # the notes' own footnote stays text


def test_generated_claims_are_sentences_with_their_markers():
    answer = "梯度会累积[1]。权重溢出为 NaN。[2] Clipping helps [1][2]. Loss 1.0 stays whole [1]."
    claims = split_claims(answer)
    assert [c.citations for c in claims] == [[1], [2], [1, 2], [1]]
    assert claims[1].text == "权重溢出为 NaN。" and claims[3].text == "Loss 1.0 stays whole."


def test_quote_support_is_verbatim_after_whitespace_and_footnotes():
    judge = OfflineJudge(embeddings=object())  # quotes never need embeddings
    section = "对于 SGD 算法来说，有限的不可微点对于优化结果\n不会有很大影响 [1]。归一化的激活函数是 SELU[8]。"
    claims = split_claims("- 有限的不可微点对于优化结果不会有很大影响 [1]。 [1]\n- 归一化的激活函数是 SELU。 [1]\n- 编造的句子。 [1]")
    verdicts = judge.judge("q", claims, {1: section})
    assert [v.supported for v in verdicts] == [True, True, False]


def test_numbers_cover_digits_chinese_counts_and_english_words():
    assert numbers("超过 10 时，LSTM 有四个门，L2 和 VOC2007 不算") == {10.0, 4.0}
    assert numbers("two gates and 0.5") == {2.0, 0.5}


def test_answer_scores_follow_ragas_and_count_unparseable():
    c = split_claims("A is true [1]. B is true [1][2]. C is new [2]. D unknown [1].")
    verdicts = [ClaimVerdict(c[0], True, {1: True}), ClaimVerdict(c[1], True, {1: False, 2: True}),
                ClaimVerdict(c[2], False, {2: False}), ClaimVerdict(c[3], None)]
    s = answer_scores(verdicts)
    assert s == {"claims": 4, "unparseable": 1, "faithfulness": 0.6667, "citation_precision": 0.5,
                 "citation_recall": 0.6667}
    assert answer_scores([])["faithfulness"] is None


def test_calibration_precision_recall_per_error_type():
    rows = [
        {"error_type": "invented_number", "bad_sentence": "X 是 5 [1]。", "flagged": ["X 是 5[1]。"]},
        {"error_type": "contradiction", "bad_sentence": "Y [1].", "flagged": ["Z [1]."]},
        {"error_type": None, "bad_sentence": None, "flagged": []},
    ]
    m = calibration(rows)
    assert m["overall"]["precision"] == 0.5 and m["overall"]["recall"] == 0.5
    assert m["invented_number"]["recall"] == 1.0 and m["contradiction"]["recall"] == 0.0
    assert m["faithful"]["flags"] == 0 and m["overall"]["item_precision"] == 1.0


def _results(hit1: float, rank: int | None, faith: float) -> dict:
    return {"sets": {
        "retrieval": {"metrics": {"hit@1": hit1, "n_in_scope": 1},
                      "items": [{"id": "r1", "gold": [21], "rank": rank, "covered": True, "query": "q"}]},
        "answers": {"metrics": {"faithfulness": faith}, "items": [{"id": "r1", "covered": True, "faithfulness": faith}]},
    }}


def test_regressions_list_metrics_and_items():
    lines = regressions(_results(0.5, 2, 0.5), _results(1.0, 1, 1.0))
    assert "retrieval.hit@1: 1.0 → 0.5" in lines
    assert any(line.startswith("r1: gold rank 1 → 2") for line in lines)
    assert "r1: faithfulness 1.0 → 0.5" in lines
    assert regressions(_results(1.0, 1, 1.0), _results(1.0, 1, 1.0)) == []


def test_floors_fail_per_metric_and_skip_sets_not_run():
    res = _results(0.8, 1, 1.0)
    floors = {"_comment": "x", "retrieval.hit@1": 0.85, "answers.faithfulness": 0.9, "grading.ordering_accuracy": 0.9}
    assert check_floors(res, floors) == ["floor: retrieval.hit@1 = 0.8 is below its floor 0.85"]
    assert flat_metrics(res)["retrieval.n_in_scope"] == 1


def test_resolve_run_names_the_missing_run(tmp_path):
    with pytest.raises(ValueError, match="not found"):
        resolve_run("nope", tmp_path)
