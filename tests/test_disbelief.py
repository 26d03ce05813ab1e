"""Claims the notes quote in order to reject them (notes/disbelief.py): an answer asserting one contradicts the notes."""

from __future__ import annotations

from assistant.notes.disbelief import asserts_rejected, rejected_claims
from assistant.notes.polarity import conflict

IMAGINED = "深度神经网络 “容易收敛到局部最优”，很可能是一种想象，实际情况是，我们可能从来没有找到过 “局部最优”。"
HELD = "很多人都有一种看法，就是 “局部最优是神经网络优化的主要难点”。这来源于一维优化问题的直观想象。"


def test_a_claim_called_imagined_or_held_by_many_is_rejected():
    assert len(rejected_claims(IMAGINED)) == 1 and len(rejected_claims(HELD)) == 1
    assert rejected_claims("使用 ReLU 激活函数可以减少梯度爆炸。") == ()  # a plain statement rejects nothing
    assert rejected_claims("默认值为 “clipnorm=1.0”。") == ()  # quoted, but not rejected


def test_asserting_the_rejected_claim_contradicts_and_doubting_it_does_not():
    assert asserts_rejected("神经网络确实很容易收敛到局部最优", IMAGINED)
    assert asserts_rejected("神经网络非常容易收敛到局部最优", IMAGINED)  # 非常 (very) negates nothing
    # By clause: "而不是鞍点" negates the saddle points, not the claim before it.
    assert asserts_rejected("局部最优就是神经网络优化的主要难点，而不是鞍点", HELD)
    for correct in ("神经网络并不容易收敛到局部最优", "很多人认为容易收敛到局部最优", "容易收敛到局部最优很可能只是想象",
                    "高维时局部极值会指数级增加"):
        assert not asserts_rejected(correct, IMAGINED) and not asserts_rejected(correct, HELD), correct
    # The grader's units are clauses: the section tells that the clause holding the claim rejects it.
    unit = "深度神经网络 “容易收敛到局部最优”"
    assert not asserts_rejected("神经网络确实很容易收敛到局部最优", unit)
    assert asserts_rejected("神经网络确实很容易收敛到局部最优", unit, IMAGINED + HELD)
    found = conflict("神经网络确实很容易收敛到局部最优", unit, IMAGINED + HELD)
    assert found is not None and found.rule == "negation" and found.detail == "rejected claim"


def test_the_grader_marks_the_misconception_restated_as_contradicting_the_notes(tmp_path):
    """Blind web QA: "神经网络确实很容易收敛到局部最优，局部最优就是神经网络优化的主要难点，而不是鞍点。" was ✓ on 第22题's point
    that the notes call it "很可能是一种想象" (an answer like it scored 9.1/10)."""
    from assistant.answering.prompts import Prompts
    from assistant.interview.grader import OfflineGrader
    from assistant.interview.notebook import Notebook
    from tests.conftest import CORPUS, ROOT
    from tests.test_interview_grader import ref

    notebook = Notebook.from_files([CORPUS])
    offline_grader = OfflineGrader(Prompts(ROOT / "prompts"), cache_dir=tmp_path)
    answer = ("神经网络确实很容易收敛到局部最优，局部最优就是神经网络优化的主要难点，而不是鞍点。高维时局部极值会指数级增加，"
              "所以优化到全局最优很难。")
    grade = offline_grader.grade(ref(notebook, 22), answer)
    assert grade.contradictions and grade.score <= 3, grade.feedback
    correct = ("神经网络容易收敛到局部最优很可能是一种想象，实际上我们可能从来没有找到过局部最优；高维时更多的是鞍点，"
               "而具有较差 loss 的局部极值非常少。")
    assert offline_grader.grade(ref(notebook, 22), correct).contradictions == []


def test_a_view_the_notes_report_people_holding_is_neither_theirs_to_contradict_nor_a_key_point():
    """Blind CLI QA: "其实高维下真正的局部极小很少" was "!" against 第22题's "人们直观的想象，高维的时候这样的局部极值会更多…",
    a view the notes go on to refute, which was also one of the section's key points."""
    from assistant.notes.keypoints import outline

    reported = "很多人以为，层数增加后训练误差会减小。"
    assert conflict("层数增加后训练误差会增大", reported) is None
    assert conflict("层数增加后训练误差会增大", "层数增加后训练误差会减小。") is not None  # stated by the notes themselves
    prose = ("训练深层网络时，梯度会逐层相乘，很容易变得非常小。" + reported + "然而实验表明，层数过多时训练误差反而增大。"
             "这说明网络层数越多，优化越困难，效果不一定越好。残差连接让深层网络的训练误差随层数下降。")
    assert reported not in [p.lead for p in outline(prose).points]
