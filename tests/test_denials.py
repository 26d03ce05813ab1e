"""Whose claim a denial is about (notes/denials.py), and the grader's use of it: a correct answer that says what one
thing lacks is no contradiction of what the notes say of another (blind QA run 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answering.prompts import Prompts
from assistant.interview.grader import OfflineGrader
from assistant.interview.grades import Reference
from assistant.notes.cues import negations, only_removes
from assistant.notes.denials import negated_claim, subject_at
from assistant.notes.polarity import conflict

ROOT = Path(__file__).resolve().parents[1]
NORMS = "BatchNorm 依赖 batch 统计量，batch 小时不稳定；LayerNorm 与 batch 大小无关。"


def test_a_denial_is_compared_with_what_the_note_says_of_the_same_name():
    assert not negated_claim("LayerNorm不依赖batch大小", NORMS)
    assert negated_claim("BatchNorm不依赖batch大小", NORMS)
    assert conflict("BatchNorm 并不依赖 batch 统计量。", NORMS, NORMS) is not None
    assert conflict("LayerNorm 完全不依赖 batch 的大小。", NORMS, NORMS, added_negation=True) is None


def test_a_clause_is_said_of_the_name_its_sentence_opened_with():
    sentence = "和LSTM比，GRU删除了输出门，只剩两个门，也没有单独的memory cell。"
    assert subject_at(sentence, "也没有单独的memory cell。") == {"gru"}
    assert subject_at("用tanh替换ReLU，不用LSTM", "不用LSTM") == frozenset()  # a replacement is not what a clause is about


def test_different_and_taking_away_are_no_denial_the_cue_count_can_judge():
    assert negations("两个区域的特征不一样") == 0
    assert only_removes("GRU删除了输出门") and not only_removes("用sigmoid替换ReLU") and not only_removes("不用LSTM")


@pytest.fixture(scope="module")
def grader(tmp_path_factory):
    return OfflineGrader(Prompts(ROOT / "prompts"), cache_dir=tmp_path_factory.mktemp("denials"))


def _section(number: int) -> Reference:
    from assistant.interview.notebook import Notebook

    notebook = Notebook.from_files([ROOT / "corpus"])
    note = notebook.by_number(number)
    return Reference(number, note.title, notebook.body_of(note.file_key, note.uid))


def test_saying_what_gru_lacks_is_no_contradiction_but_a_wrong_count_is(grader):
    ref = _section(40)
    right = grader.grade(ref, "GRU属于循环神经网络。和LSTM比，GRU删除了输出门，只剩更新门和重置门两个门，也没有单独的memory cell。")
    assert right.score >= 7 and not right.contradictions, (right.score, right.contradictions)
    wrong = grader.grade(ref, "GRU有三个门，LSTM只有两个门。")
    assert wrong.score <= 3 and wrong.contradictions


def test_faces_differing_by_region_is_no_denial_of_the_note(grader):
    ref = _section(24)
    answer = ("DeepFace先两次卷积一次池化提取低层的边缘和纹理，再接3个Local-Conv层；因为人脸各个区域的特征不一样，"
              "五官位置相对固定，不共享权重的Local-Conv更合适。")
    grade = grader.grade(ref, answer)
    assert grade.score >= 7 and not grade.contradictions, (grade.score, grade.contradictions)


def test_a_denial_through_a_causative_is_read_and_covers_nothing(grader):
    """"梯度爆炸并不会让网络变得不稳定" denies what 第26题 affirms ("梯度爆炸会导致网络不稳定"); the words after 让/导致 are what is
    denied (it was read as denying "让网", and the answer scored 6.4 with the point ✓)."""
    assert negated_claim("梯度爆炸不会让网络不稳定", "梯度爆炸会导致网络不稳定")
    grade = grader.grade(_section(26), "梯度爆炸并不会使网络变得不稳定，也不会产生NaN权重。")
    assert grade.score <= 3 and grade.contradictions and not grade.covered, (grade.score, grade.covered)
