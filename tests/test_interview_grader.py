"""The interview grader: key points, offline ordering on labelled answers, the LLM grader's parsing and fallback, topics, calibration."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from assistant.answering.prompts import Prompts
from assistant.evals.retrieval import load_jsonl
from assistant.interview.calibrate import grading_report
from assistant.interview.grader import Grade, GraderParams, OfflineGrader, Reference
from assistant.interview.llm_grader import LLMGrader, parse_json_object
from assistant.interview.notebook import Notebook
from assistant.interview.topics import TopicError, classify, resolve
from assistant.notes.keypoints import outline
from tests.conftest import CORPUS, ROOT

GRADING = load_jsonl(ROOT / "eval" / "grading.jsonl")


@pytest.fixture(scope="module")
def notebook():
    return Notebook.from_files([CORPUS])


@pytest.fixture(scope="module")
def prompts():
    return Prompts(ROOT / "prompts")


@pytest.fixture(scope="module")
def offline(prompts, tmp_path_factory):
    return OfflineGrader(prompts, cache_dir=tmp_path_factory.mktemp("kp-cache"))


def ref(notebook, number: int) -> Reference:
    note = notebook.by_number(number)
    return Reference(note.number, note.title, notebook.body_of(note.file_key, note.uid))


def fake_embed(texts):
    """Deterministic unit vectors from character bigrams: similar texts get similar vectors, no model needed."""
    out = np.zeros((len(texts), 64), dtype=np.float32)
    for i, t in enumerate(texts):
        for a, b in zip(t, t[1:]):
            out[i, hash(a + b) % 64] += 1
    return out / np.linalg.norm(out, axis=1, keepdims=True).clip(1e-9)


def test_key_points_keep_statements_and_drop_headers_links_code_and_attributions(notebook):
    o = outline(notebook.body_of(notebook.by_number(28).file_key, "28"))
    texts = o.sentences()
    assert any("如果梯度超过阈值" in t for t in texts)
    assert not any(t.lstrip().startswith("—") for t in texts), "attribution lines are not claims"
    rnn = outline(notebook.body_of(notebook.by_number(29).file_key, "29"))
    assert not any("np.zeros" in t for t in rnn.sentences()), "code fences are dropped"
    assert outline(notebook.body_of(notebook.by_number(33).file_key, "33")).points == ()


@pytest.mark.parametrize("number", [25, 38, 39, 40, 27])  # 40 and 27 are answered in English
def test_offline_grader_ranks_complete_above_partial_above_wrong(offline, notebook, number):
    answers = {i["label"]: i["answer"] for i in GRADING if i["question"] == number}
    scores = {label: offline.grade(ref(notebook, number), text).score for label, text in answers.items()}
    assert scores["complete"] > scores["partial"] > scores["wrong"], scores


def test_offline_grade_lists_missed_points_and_cites_the_section(offline, notebook):
    partial = next(i["answer"] for i in GRADING if i["question"] == 38 and i["label"] == "partial")
    grade = offline.grade(ref(notebook, 38), partial)
    assert 0 <= grade.score < 10 and grade.max_score == 10
    assert any("Dropout" in c for c in grade.covered)
    assert any("bagging" in m for m in grade.missed)
    assert "bagging" in grade.feedback and "[1] 第38题 在神经网络中，有哪些办法防止过拟合？" in grade.feedback
    assert grade.citations == ["[1] 第38题 在神经网络中，有哪些办法防止过拟合？"]
    assert set(grade.to_json()) == {"question", "score", "max_score", "covered", "missed", "feedback", "citations",
                                    "points", "elsewhere"}


def test_roles_crossed_against_a_two_clause_note_sentence_are_contradicted(offline, notebook):
    """One clause of the note sentence is closer to the answer than the sentence; the crossing needs both."""
    swapped = offline.grade(ref(notebook, 32), "sigmoid/tanh 比较常见于卷积层，而 relu 多见于全连接层。")
    right = offline.grade(ref(notebook, 32), "sigmoid/tanh 比较常见于全连接层，而 relu 多见于卷积层。")
    assert swapped.contradictions and not right.contradictions
    # The point both are about: covered by one, contradicted by the other. It is one of the section's four, so
    # the right answer scores what a one-point answer does (2.9/10 since the topic baseline; 3.6 before it).
    assert right.points[0]["status"] == "covered" and swapped.points[0]["status"] == "contradicted"
    assert swapped.score == 0 and right.score >= 2.5


def test_a_wrong_value_is_judged_by_the_closest_note_unit_that_states_a_value(offline):
    """"动量系数一般取0.1" is closest to the clause "β 是动量系数", which states no value; the clause beside it
    ("最常用的取值是 0.9") decides. A section written for this test, not an eval item."""
    body = ("动量法的要点如下。\n\n1. **更新方式：** 维护一个速度变量 v，每一步先把当前梯度累加进 v 再更新参数；"
            "β 是动量系数，最常用的取值是 0.9。\n2. **指数加权平均：** v 是历史梯度的指数加权平均，"
            "β = 0.9 时大致相当于平均了最近 10 步的梯度。\n3. **作用：** 抑制震荡，加速收敛，帮助冲过鞍点。\n")
    momentum = Reference(901, "动量法是什么？", body)
    wrong = offline.grade(momentum, "动量法维护一个速度变量，动量系数一般取0.1，能抑制震荡、加速收敛。")
    right = offline.grade(momentum, "动量法维护一个速度变量，动量系数一般取0.9，能抑制震荡、加速收敛。")
    assert "动量系数一般取0.1" in wrong.contradictions and not right.contradictions
    assert right.score - wrong.score >= 3


def test_an_answer_covering_no_point_scores_at_most_the_cap(prompts, notebook, tmp_path):
    """The score agrees with an all-✗ checklist: "不太清楚" with a guess scored 4/10 beside "0 of 3 covered"."""

    from assistant.interview.grader import GraderParams

    answer = "不太清楚，大概和学习率有关。"
    uncapped = OfflineGrader(prompts, cache_dir=tmp_path, params=dataclasses.replace(GraderParams(), none_covered_max=10.0))
    capped = OfflineGrader(prompts, cache_dir=tmp_path)
    before, after = uncapped.grade(ref(notebook, 26), answer), capped.grade(ref(notebook, 26), answer)
    assert not before.covered and not after.covered
    assert before.score > GraderParams().none_covered_max >= after.score
    complete = capped.grade(ref(notebook, 26), "梯度爆炸会让网络不稳定，权重大幅更新，甚至出现 NaN，模型无法从训练数据中学习。")
    assert complete.covered and complete.score > GraderParams().none_covered_max
    points = capped.key_points(ref(notebook, 26))
    full = capped._result(ref(notebook, 26), "…", points, np.ones(len(points)), {}, raw=1.0)
    assert full.score == 10.0 and isinstance(full.score, float)  # a full mark stays a float (JSON "10.0")


def test_key_point_embeddings_are_cached_per_section(prompts, notebook, tmp_path):
    calls = []

    def counting(texts):
        calls.append(len(texts))
        return fake_embed(texts)

    grader = OfflineGrader(prompts, embed=counting, cache_dir=tmp_path)
    grader.grade(ref(notebook, 25), "梯度会变得非常大")
    grader.grade(ref(notebook, 25), "权重变成 NaN")
    # The points' sentences once, then one batch per answer: its segment, plus its opposite edit (非常大 → 非常小; six characters or more get one)
    assert calls[0] > 1 and calls[1:] == [2, 1]
    again = OfflineGrader(prompts, embed=counting, cache_dir=tmp_path)
    again.grade(ref(notebook, 25), "梯度会变得非常大")
    assert calls[-1] == 2 and len(calls) == 4, "the disk cache is reused by a new grader"


def test_a_cache_written_for_another_outline_of_the_section_is_never_loaded(prompts, notebook, tmp_path, monkeypatch):
    """An upgrade that reads a section's points differently meets the vectors cached by the old version: they must not
    be used (a cached file of 33 units met an outline of 27 and grading crashed with a numpy broadcast error)."""
    section = ref(notebook, 22)
    before = OfflineGrader(prompts, embed=fake_embed, cache_dir=tmp_path)
    before.grade(section, "局部最优可能是一种想象，高维中主要是鞍点问题。")
    fewer = before.key_points(section)[1:]  # the next version's outline of the same text: one point fewer
    after = OfflineGrader(prompts, embed=fake_embed, cache_dir=tmp_path)
    monkeypatch.setattr(after, "key_points", lambda r: fewer)
    grade = after.grade(section, "局部最优可能是一种想象，高维中主要是鞍点问题。")
    assert len(grade.points) == len(fewer)
    for path in tmp_path.glob("*.npy"):  # a file cut short or of another shape is computed again, not loaded
        path.write_bytes(b"not an array")
    assert len(OfflineGrader(prompts, embed=fake_embed, cache_dir=tmp_path).grade(section, "鞍点").points) > len(fewer)


def test_an_answer_too_short_to_say_anything_scores_nothing(offline, notebook):
    # "x" ticked 第31题's point on "输入的 X 就是图像的特征" (4.1/10, blind QA).
    for answer in ("x", "对", "?"):
        grade = offline.grade(ref(notebook, 31), answer)
        assert grade.score == 0 and not any(p["status"] == "covered" for p in grade.points), answer
    assert offline.grade(ref(notebook, 28), "梯度截断").score > 0  # two characters of a point's name still count


def test_an_english_answer_naming_nothing_of_the_notes_scores_nothing(offline, notebook):
    # "asdf qwer zxcv" ticked three of 第28题's five points (6.2/10): e5 puts any short text near every sentence.
    for answer in ("asdf qwer zxcv", "hello world", "blah blah blah"):
        grade = offline.grade(ref(notebook, 28), answer)
        assert grade.score == 0 and not any(p["status"] == "covered" for p in grade.points), answer
    assert offline.grade(ref(notebook, 28), "Clip the gradients, or use ReLU instead of sigmoid.").score > 0


def test_llm_grader_uses_the_models_json(prompts, notebook):
    from assistant.answering.llm import build_llm
    from assistant.config import Settings
    from tests.support.openai_stub import ScriptedOpenAI

    with ScriptedOpenAI(model="stub") as stub:
        reply = {"score": 4, "covered": [1, 3], "contradictions": ["ReLU 会引起梯度爆炸"], "feedback": "再说说 bagging。",
                 "follow_up": "BatchNorm 为什么能缓解过拟合？"}
        stub.script("好的，评分如下：\n```json\n" + json.dumps(reply, ensure_ascii=False) + "\n```")
        llm = build_llm(Settings.from_env({}, openai_base_url=stub.base_url, openai_api_key="k", llm_retries=0))
        grader = LLMGrader(llm, prompts, OfflineGrader(prompts, embed=fake_embed), "stub")
        grade = grader.grade(ref(notebook, 38), "Dropout 和 L2 正则化。")
        sent = json.dumps(stub.chat_requests[0].body, ensure_ascii=False)
    assert grade.score == 4 and grade.grader == "llm:stub"
    assert len(grade.covered) == 2 and len(grade.missed) == 2
    assert grade.contradictions == ["ReLU 会引起梯度爆炸"] and grade.follow_up.startswith("BatchNorm")
    assert "再说说 bagging。" in grade.feedback
    assert "网络bagging" in sent and "Dropout 和 L2 正则化。" in sent


@pytest.mark.parametrize("content", ["I think it's a 7.", '{"score": "high"}', ""])
def test_llm_grader_falls_back_offline_on_bad_replies(prompts, notebook, content):
    class Model:
        def invoke(self, messages):
            if not content:
                raise ConnectionError("endpoint down")
            return type("Msg", (), {"content": content})()

    grade = LLMGrader(Model(), prompts, OfflineGrader(prompts, embed=fake_embed)).grade(ref(notebook, 38), "Dropout")
    assert grade.grader == "offline" and "graded offline" in grade.notice


def test_parse_json_object_skips_chatter():
    assert parse_json_object('note {x} then {"score": 3, "covered": []} bye')["score"] == 3
    with pytest.raises(ValueError):
        parse_json_object('{"covered": [1]}')


def test_topics_classify_titles_and_fall_back_to_other():
    assert classify("rcnn、fast-rcnn 和 faster-rcnn 三者的区别是什么").id == "detection"
    assert classify("如何修复梯度爆炸问题？").id == "gradient-explosion"
    assert classify("GRU是什么？").id == "rnn"
    assert classify("我的笔记", "讲的是 Dropout 和正则化").id == "overfitting"
    assert classify("Kubernetes 是什么？", "容器编排").id == "other"
    assert resolve("RNN").id == "rnn" and resolve("梯度爆炸").id == "gradient-explosion"
    with pytest.raises(TopicError, match="valid topics: .*gradient-explosion"):
        resolve("transformers")


def test_grading_report_counts_ordered_pairs_and_spread(notebook):
    class ByLabel:
        def grade(self, ref, answer):
            return Grade(ref.number, {"c": 9.0, "p": 5.0, "w": 5.0}[answer], [], [], "", [])

    items = [{"id": f"x{i}", "question": q, "label": label, "answer": label[0]}
             for i, (q, label) in enumerate((q, lab) for q in (21, 22) for lab in ("complete", "partial", "wrong"))]
    report = grading_report(items, ByLabel(), notebook)
    assert report["ordering_accuracy"] == round(4 / 6, 4) and report["ties"] == 2
    assert report["ordering_accuracy_even"] == report["ordering_accuracy_odd"] == round(2 / 3, 4)
    assert report["spread"]["complete"] == {"n": 2, "mean": 9.0, "min": 9.0, "max": 9.0}
    with pytest.raises(ValueError, match="33"):
        grading_report([{"id": "y", "question": 33, "label": "complete", "answer": "a"}], ByLabel(), notebook)


GRU_RIGHT = "GRU 可以看成 LSTM 的简化：它只有更新门和重置门两个门，不像 LSTM 那样有三个门；它也没有单独的记忆单元，而是直接把隐藏状态传给下一个单元。"
GRU_DENIED = "GRU 并不是 LSTM 的简化：它没有更新门和重置门，门比 LSTM 还多；它也不会直接把隐藏状态传给下一个单元，而是必须用单独的记忆单元把隐藏状态包起来。"


def test_true_statements_phrased_negatively_are_not_contradictions(offline, notebook):
    # "没有单独的记忆单元" and "不像 LSTM 那样" agree with the notes; counting negation cues called them wrong.
    grade = offline.grade(ref(notebook, 40), GRU_RIGHT)
    assert grade.contradictions == []
    assert grade.score >= 6


def test_an_answer_that_denies_the_notes_is_contradicted_and_fails(offline, notebook):
    grade = offline.grade(ref(notebook, 40), GRU_DENIED)
    assert grade.contradictions
    assert grade.score <= 3
    assert offline.grade(ref(notebook, 40), GRU_RIGHT).score - grade.score >= 3


def test_short_segments_get_no_edit_test(prompts):
    """e5 moves a four-character clause by chance: only segments of edit_min_chars or more are edited."""
    from dataclasses import replace

    grader = OfflineGrader(prompts)
    segments = ["速度很慢", "训练速度会变得非常慢"]
    assert [j for j, _, _ in grader._edits(segments, "")] == [1]
    every = OfflineGrader(prompts, params=replace(grader.params, edit_min_chars=0))
    assert sorted({j for j, _, _ in every._edits(segments, "")}) == [0, 1]


def test_a_formula_fragment_states_no_value_an_answer_could_get_wrong():
    from assistant.notes.quantities import number_mismatch

    section = "如果 x1 = 0，x2 = 1，则 z = -10。最常用的取值是 0.9。"
    assert number_mismatch("its derivative is never larger than 0.25", "x2 = 1", section) == ""
    assert number_mismatch("动量系数一般取 0.1", "最常用的取值是 0.9。", section) == "0.1"


def test_a_minus_sign_makes_a_negative_number_but_not_in_a_difference_an_exponent_or_an_index():
    """"压缩到 -1 到 1 之间" states -1, which a note saying "压缩至 0 到 1 之间" never does; k-1, 1e-7, 10^-4 and the index
    of s_{-1} state no negative number (read as one, a correct answer writing s_{-1} contradicted its notes)."""
    from assistant.notes.quantities import number_mismatch, numbers

    assert numbers("把实数压缩到 -1 到 1 之间") == {-1.0, 1.0} and numbers("b 取 −30") == {-30.0}
    assert all(n >= 0 for t in ("其余 k-1 份做训练", "ε 取 1e-7", "在 10^-4 到 10^-1 之间", "s_{-1} 一般为 0") for n in numbers(t))
    note = "sigmoid 函数的功能是相当于把一个实数压缩至 0 到 1 之间。"
    assert number_mismatch("sigmoid 把任意实数压缩到 -1 到 1 之间", note, note) == "-1"
    assert number_mismatch("sigmoid 把任意实数压缩到 0 到 1 之间", note, note) == ""


def test_an_english_answer_is_not_flip_tested_against_chinese_notes(prompts, notebook):
    """Across languages e5 moves a segment by chance when its negation is taken out: a correct English answer
    got 0/10 for "it doesn't have an output gate either" before the flip test was kept within one language.
    (The cue-count denial test is held off here, at its old cross-language density, to see the flip test alone.)"""
    from dataclasses import replace

    grader = OfflineGrader(prompts, params=replace(GraderParams(), cross_lingual_density=1.0))
    answer = ("GRU is a simpler variant of LSTM. It has only two gates, an update gate and a reset gate, and no "
              "separate cell state; it doesn't have an output gate either. With fewer parameters it trains faster "
              "and often performs about as well as LSTM.")
    grade = grader.grade(ref(notebook, 40), answer)
    assert grade.contradictions == []
    assert grade.score >= 5


def test_an_english_answer_denying_chinese_notes_is_caught_at_english_length(offline, notebook):
    """English needs about twice the characters of Chinese, so two negation cues in 320 characters deny as much as
    in 160 Chinese ones: at the old density this negated answer scored 9.5/10."""
    answer = ("GRU stands for gated recurrent units, a kind of recurrent neural network unit used for sequences like text "
              "or speech. Compared with LSTM it does not have fewer gates, it keeps the same forget, input and output "
              "gates, and it never passes the hidden state directly to the next unit but wraps it in a memory cell like LSTM.")
    grade = offline.grade(ref(notebook, 40), answer)
    assert grade.contradictions
    assert grade.score <= 3


def test_an_english_answer_earns_key_terms_through_the_glossary(prompts):
    section = ("**1. 全连接：** 每个输出神经元都和上一层的所有神经元相连。\n\n"
               "**2. 局部连接：** 卷积核只看输入的一小块区域。\n")

    def embed(texts):  # every English text equally close (0.85) to every Chinese one: e5 cannot tell the points apart
        # (the question itself, the grader's topic baseline, is placed far from both so that it takes nothing off)
        return np.array([[0.0, -1.0] if t == "全连接和局部连接" else [0.85, 0.527] if t.isascii() else [1.0, 0.0]
                         for t in texts], dtype=np.float32)

    grade = OfflineGrader(prompts, embed=embed).grade(
        Reference(1, "全连接和局部连接", section), "In a fully connected layer every output neuron sees the whole previous layer.")
    # "fully connected" names the first point's term (全连接) and nothing of the second.
    assert [r["status"] for r in grade.points] == ["covered", "missed"]


def test_an_english_answer_earns_key_terms_through_the_abbreviations_of_glossary_names(prompts):
    """"Use LSTM units" names 长短期记忆网络 by its initials (the glossary writes the name out): with e5 unable to tell
    the points apart, only the abbreviation can tick the LSTM point; "in" is a word, not instance normalization's IN."""
    from assistant.notes.glossary import abbreviated

    section = "1. 使用长短期记忆网络\n\n  可以减少梯度爆炸。\n\n2. 使用梯度截断\n\n  梯度超过阈值就截断。\n"

    def embed(texts):  # as above: every English text equally close to every Chinese one, the question far from both
        return np.array([[0.0, -1.0] if t == "梯度爆炸怎么解决" else [0.85, 0.527] if t.isascii() else [1.0, 0.0]
                         for t in texts], dtype=np.float32)

    grade = OfflineGrader(prompts, embed=embed).grade(Reference(1, "梯度爆炸怎么解决", section),
                                                      "Use LSTM units in recurrent networks.")
    assert [r["status"] for r in grade.points] == ["covered", "missed"]
    assert set(abbreviated("LSTMs and a GRU in an RNN")) == {"长短期记忆", "长短时记忆", "门控循环单元", "循环神经网络"}
    assert abbreviated("use it in a net") == []


# How to fix exploding gradients (第28题), given as the answer to 第21题 (what an activation function is for): it names
# 激活函数 and ReLU, so without the other sections to compare with it covered points of 21.
FIX_EXPLODING = "可以用梯度截断，设一个阈值，梯度超过阈值就把它截断。也可以把激活函数换成ReLU。用LSTM网络也能缓解。还可以加L2权重正则化。"


@pytest.fixture(scope="module")
def comparing(prompts, notebook, tmp_path_factory):
    """The grader as the interview builds it: with every section of the notes to compare an answer with."""
    return OfflineGrader(prompts, cache_dir=tmp_path_factory.mktemp("kp-cache-all"), sections=notebook.references)


def test_an_english_answer_is_named_for_the_section_its_terms_are_about(prompts, notebook, tmp_path):
    """Blind QA: an English answer about gradient clipping, given for a user's Adam question, was named an answer to
    their "什么是Batch Normalization？" (a title with English words), not to 第28题."""
    from assistant.interview.grader import Reference

    bn = Reference(101, "什么是Batch Normalization？", "Batch Normalization 在每个 mini-batch 上对每层的输入做归一化，使其均值为 0、"
                   "方差为 1，再用可学习的 γ 和 β 做缩放和平移。\n\n它可以缓解内部协变量偏移（internal covariate shift）。")
    adam = Reference(102, "Adam 优化器的原理是什么？", "Adam 结合了 Momentum 和 RMSProp：维护梯度的一阶矩估计 m 和二阶矩估计 v，"
                     "并做偏差修正，然后用 m/(sqrt(v)+ε) 更新参数。默认 β1=0.9，β2=0.999。")
    grader = OfflineGrader(prompts, cache_dir=tmp_path, sections=lambda: [*notebook.references(), bn, adam])
    answer = "Gradient clipping: if the gradient norm exceeds a threshold, clip it to the threshold. Also use ReLU and LSTM."
    assert grader.grade(adam, answer).elsewhere == "第28题 如何修复梯度爆炸问题？"


def test_an_answer_to_another_question_is_named_and_covers_nothing(comparing, offline, notebook):
    alone = offline.grade(ref(notebook, 21), FIX_EXPLODING)
    assert alone.score > 3 and alone.covered, "without the other sections the shared words cover points of 21"
    grade = comparing.grade(ref(notebook, 21), FIX_EXPLODING)
    assert grade.elsewhere == "第28题 如何修复梯度爆炸问题？" and grade.to_json()["elsewhere"] == grade.elsewhere
    assert grade.score <= 3 and not grade.covered
    assert grade.feedback.splitlines()[0].startswith("这个回答大部分在讲「第28题 如何修复梯度爆炸问题？」")


def test_titles_are_read_from_the_notes_cache_and_embedded_only_up_to_the_limit(prompts, notebook, tmp_path):
    import dataclasses

    from assistant.interview.grader import GraderParams
    from assistant.retrieval.vector_cache import VectorCache
    from assistant.runtime import e5_version

    seen: list[list[str]] = []

    def embed(texts: list[str]) -> np.ndarray:
        seen.append(texts)
        return OfflineGrader(prompts).embed(texts)

    def searched() -> bool:  # the rival search embeds titles alone (a section's own question comes with its units)
        return any(set(call) <= set(titles) for call in seen)

    titles = [r.title for r in notebook.references()]
    none = dataclasses.replace(GraderParams(), elsewhere_max_embedded=len(titles) - 1)
    cache = VectorCache(tmp_path / "sentences.sqlite", e5_version())
    grader = OfflineGrader(prompts, embed, params=none, cache_dir=tmp_path, sections=notebook.references, titles=cache)
    assert grader.grade(ref(notebook, 21), FIX_EXPLODING).elsewhere == ""  # too many titles to embed during a grade
    assert not searched(), "no title was embedded"

    cache.fill(titles, embed)  # what ingest does (retrieval/ingest.py)
    seen.clear()
    grader = OfflineGrader(prompts, embed, params=dataclasses.replace(none, elsewhere_max_embedded=0),
                           cache_dir=tmp_path, sections=notebook.references, titles=cache)
    assert grader.grade(ref(notebook, 21), FIX_EXPLODING).elsewhere == "第28题 如何修复梯度爆炸问题？"
    assert not searched(), "the titles were read from the cache"


class CountingModel:
    """A chat model that replies `content` to every call and counts the calls (did the grader ask it?)."""

    def __init__(self, content: str) -> None:
        self.content, self.asked = content, 0

    def invoke(self, messages):
        self.asked += 1
        return type("Msg", (), {"content": self.content})()


def test_the_llm_grader_leaves_an_answer_to_another_question_to_the_offline_check(prompts, notebook, comparing):
    model = CountingModel('{"score": 8, "covered": [1, 2, 3]}')
    grader = LLMGrader(model, prompts, comparing, "stub")
    grade = grader.grade(ref(notebook, 21), FIX_EXPLODING)
    assert model.asked == 0 and grade.elsewhere == "第28题 如何修复梯度爆炸问题？" and grade.score <= 3
    assert grader.grade(ref(notebook, 28), FIX_EXPLODING).grader == "llm:stub" and model.asked == 1


def test_a_chinese_synonym_of_the_notes_wording_covers_its_point(offline, notebook):
    """Blind QA: "梯度裁剪和换ReLU。" covered none of 第28题's points; 梯度裁剪 is the common word for the notes' 梯度截断
    (one glossary row holds both)."""
    grade = offline.grade(ref(notebook, 28), "梯度裁剪和换ReLU。")
    assert "使用梯度截断（Gradient Clipping）" in grade.covered


def test_a_skip_is_graded_without_asking_the_model(prompts, notebook, comparing):
    """Blind QA: /skip called the LLM grader (and said "LLM grader unavailable" when its reply was not JSON)."""
    from assistant.interview.grades import grade_skip

    model = CountingModel("not json")
    grade = grade_skip(LLMGrader(model, prompts, comparing, "stub"), prompts, ref(notebook, 28))
    assert model.asked == 0 and grade.score == 0 and not grade.notice and grade.missed


def test_the_same_answer_to_its_own_question_is_not_elsewhere(comparing, notebook):
    grade = comparing.grade(ref(notebook, 28), FIX_EXPLODING)
    assert grade.elsewhere == "" and grade.score >= 6, grade.score
    english = comparing.grade(ref(notebook, 38), "Use dropout, L2 regularisation, early stopping and more training data.")
    assert english.elsewhere == "", english.feedback


def test_a_chinese_answer_to_english_notes_is_not_about_a_chinese_section(prompts, notebook, tmp_path):
    """Cross-language cosines run lower: a correct Chinese answer to an English section sat nearer the Chinese sections
    and was graded 0 as "about 第28题" (blind QA). A section written for this test."""
    adam = Reference(1, "What is the Adam optimizer?",
                     "Adam combines momentum and RMSProp.\n\n1. **Bias correction:** both moments start at zero, so Adam "
                     "divides them by (1 - beta^t) early on.\n2. **Default hyperparameters:** lr = 0.001, beta1 = 0.9, "
                     "beta2 = 0.999.\n3. **Drawback:** Adam can generalise worse than SGD with momentum on vision tasks.\n")
    grader = OfflineGrader(prompts, cache_dir=tmp_path, sections=lambda: [*notebook.references(), adam])
    grade = grader.grade(adam, "Adam 结合了动量和 RMSProp；一阶矩和二阶矩都做偏差修正；默认参数 lr=0.001，beta1=0.9，"
                               "beta2=0.999；缺点是在一些视觉任务上泛化不如带动量的 SGD。")
    assert grade.elsewhere == "" and grade.score >= 6, grade.feedback
    assert grader.grade(ref(notebook, 21), FIX_EXPLODING).elsewhere == "第28题 如何修复梯度爆炸问题？"  # one language: as before


def test_an_english_answer_is_not_about_a_chinese_section_for_its_english_quotes(comparing, notebook):
    """Blind CLI QA: a correct English answer to 第25题 was "mostly about 第29题" (0/10): 第29题 quotes English ("所以你
    可能更愿意理解为一串向量 a sequence of vectors"), and the cross-language lift went to whole sections by their
    language. Each unit is lifted by how much of it is in the other language (`topicality.language_lifts`)."""
    from assistant.interview.topicality import language_lifts

    chinese = ref(notebook, 29)
    lifts = language_lifts(True, 0.07, chinese, ["网络层之间的梯度重复相乘", "所以你可能更愿意理解为一串向量 a sequence of vectors",
                                                 "The norm of the gradient is not zero", "Dropout"])
    assert lifts[0] == pytest.approx(0.07) and 0.03 < lifts[1] < 0.05 and lifts[2] == 0.0 and lifts[3] == pytest.approx(0.07)
    assert language_lifts(False, 0.07, chinese, ["a sequence of vectors"])[0] == 0.0  # a Chinese answer: by section
    answer = ("The error gradient tells the network which direction and how much to update the weights. In deep or "
              "recurrent networks these gradients can accumulate into very large values, causing huge weight updates "
              "and an unstable network, sometimes NaN weights. It comes from repeatedly multiplying gradients larger "
              "than 1.0 across layers, which grows exponentially.")
    grade = comparing.grade(ref(notebook, 25), answer)
    assert grade.elsewhere == "" and grade.score >= 5, grade.feedback



def test_an_english_answer_says_direction_magnitude_and_repeated_multiplication(comparing, notebook):
    """Blind web QA: an English answer covering all four points of 第25题 scored 6/10, with "误差梯度是…方向和数量…" and
    "…（值大于 1.0）重复相乘导致的指数级增长…" ✗: the glossary had no direction, magnitude, repeated multiplication or
    exponential growth, so nothing in those sentences could be matched."""
    from assistant.notes.glossary import chinese_terms

    said = chinese_terms("the direction and magnitude of the error gradient; repeatedly multiplying gradients larger "
                         "than 1.0 between layers grows exponentially")
    assert {"方向", "数量", "误差梯度", "重复相乘", "大于", "层之间", "指数级", "增长"} <= set(said)
    answer = ("The error gradient gives the direction and magnitude used to update the weights. In deep networks or RNNs, "
              "error gradients can accumulate during updates and become very large, causing huge weight updates and an "
              "unstable network; in the extreme, weights overflow and become NaN. It is caused by repeatedly multiplying "
              "gradients larger than 1.0 between layers, which grows exponentially.")
    grade = comparing.grade(ref(notebook, 25), answer)
    assert any("方向和数量" in point for point in grade.covered), grade.feedback

def test_a_two_word_english_label_is_not_read_as_a_claim(offline, notebook):
    """"More obvious:" (the answer's own heading for the second list of signs) was contradicted against "以下是一些稍微
    明显一点的信号" by its opposite edit ("less obvious"), and a 5-of-7 answer scored 4.4/10 (blind QA)."""
    answer = ("Subtle signs: the model cannot learn from the training data, and the loss becomes NaN. More obvious: "
              "gradients grow quickly during training, and the weights become NaN.")
    grade = offline.grade(ref(notebook, 27), answer)
    assert not grade.contradictions, grade.feedback


def test_a_wrong_value_is_charged_to_the_point_that_states_it(offline):
    """"Adam's default learning rate is 0.1 and beta1 = 0.5" was contradicted on the closer "Bias correction … (1 -
    beta^t)" point; the point that gives beta1 its value decides (blind QA). A section written for this test."""
    adam = Reference(1, "What is the Adam optimizer?",
                     "Adam combines momentum and RMSProp.\n\n1. **Bias correction:** both moments start at zero, so Adam "
                     "divides them by (1 - beta^t) in early steps.\n2. **Default hyperparameters:** lr = 0.001, beta1 = 0.9, "
                     "beta2 = 0.999, eps = 1e-8.\n3. **Drawback:** Adam can generalise worse than SGD with momentum.\n")
    grade = offline.grade(adam, "Adam's default learning rate is 0.1 and beta1 = 0.5.")
    assert [r["status"] for r in grade.points][-2:] == ["contradicted", "missed"], grade.feedback
    assert "Default hyperparameters" in grade.points[-2]["point"] and grade.points[0]["status"] != "contradicted"


def test_a_point_named_by_its_own_short_label_is_covered(offline, notebook):
    """"非线性" is 第21题's first property; another property's lead says "非线性函数有很多", which took the name's terms
    from it, and an answer naming it word for word got "✗ 非线性" (blind QA)."""
    grade = offline.grade(ref(notebook, 21), "非线性，几乎处处可微，计算简单，单调性")
    assert [r["status"] for r in grade.points][:3] == ["covered", "covered", "covered"], grade.feedback


def test_an_answer_taken_whole_is_nearer_one_question_than_another():
    from assistant.interview.topicality import Titles

    asked, other = Reference(1, "asked question", ""), Reference(2, "other question", "")
    vectors = {"asked question": np.array([1.0, 0.0, 0.0]), "other question": np.array([0.0, 1.0, 0.0])}
    titles = Titles(lambda: [asked, other], lambda texts: np.stack([vectors[t] for t in texts]))
    near_other = np.array([[0.2, 0.9, 0.1], [0.4, 0.6, 0.2]])  # their mean: nearer "other" by 0.55
    assert titles.closer(asked, other, near_other, 0.02, limit=10)
    assert not titles.closer(other, asked, near_other, 0.02, limit=10)
    assert not titles.closer(asked, other, near_other, 0.6, limit=10)  # not by that much
    fresh = Titles(lambda: [asked, other], lambda texts: np.stack([vectors[t] for t in texts]))
    assert not fresh.closer(asked, other, near_other, 0.02, limit=1)  # two titles to embed, one allowed


def test_partly_elsewhere_counts_only_when_confirmed():
    from assistant.interview.topicality import elsewhere

    a = Reference(1, "a", "")
    mine = np.array([0.90, 0.90, 0.90, 0.90])
    rival = np.array([[0.95, 0.80, 0.80, 0.80]])  # one sentence of four beats the asked section
    asked: list[Reference] = []
    assert elsewhere(mine, [(a, rival)], 0.02, 0.5, low_share=0.25, confirm=lambda r: asked.append(r) or False)[0] is None
    assert asked == [a]  # a quarter elsewhere: the rival was put to the confirmation
    assert elsewhere(mine, [(a, rival)], 0.02, 0.5, low_share=0.25, confirm=lambda r: True)[0] == a
    assert elsewhere(mine, [(a, rival)], 0.02, 0.5, low_share=0.3, confirm=lambda r: True)[0] is None  # under it


def test_elsewhere_needs_a_share_of_sentences_beaten_by_the_margin():
    from assistant.interview.topicality import elsewhere

    a, b = Reference(1, "a", ""), Reference(2, "b", "")
    mine = np.array([0.90, 0.90, 0.90, 0.90])
    rival_a = np.array([[0.95, 0.95, 0.91, 0.80]])  # beats sentences 0 and 1 by more than 0.02, sentence 2 by less
    rival_b = np.array([[0.80, 0.80, 0.80, 0.93]])  # beats sentence 3
    about, away = elsewhere(mine, [(a, rival_a), (b, rival_b)], 0.02, 0.5)
    assert about == a and away.tolist() == [True, True, False, True]
    assert elsewhere(mine, [(a, rival_a)], 0.02, 0.75)[0] is None  # two of four: not enough at 0.75
    assert elsewhere(mine, [(a, rival_a), (b, rival_b)], 0.06, 0.5)[0] is None  # no rival ahead by 0.06
    assert elsewhere(mine, [], 0.02, 0.5)[0] is None
    # By length, a short sentence elsewhere does not outweigh a long one at home (answers are weighed by characters).
    assert elsewhere(mine[:2], [(a, np.array([[0.80, 0.95]]))], 0.02, 0.5)[0] == a
    assert elsewhere(mine[:2], [(a, np.array([[0.80, 0.95]]))], 0.02, 0.5, np.array([60.0, 20.0]))[0] is None


def test_restating_the_topic_covers_no_point(offline, notebook):
    """e5 puts a sentence that only restates the question (what exploding gradients are: "the gradients get very
    large") at 0.92-0.96 from every point of the section; it ticked 3 of 4 points (7.3/10). A point counts only by
    how much nearer than the question itself the answer comes to it."""
    restating = offline.grade(ref(notebook, 25), "梯度爆炸就是梯度变得非常大。")
    assert not restating.covered and restating.score <= 3
    specific = offline.grade(ref(notebook, 25), "在深层网络里误差梯度会在更新中累积，变成非常大的梯度，权重大幅更新，网络就不稳定了。")
    assert specific.covered and specific.score >= restating.score + 3


def test_an_answer_about_one_point_ticks_that_point_only(offline, notebook):
    """e5 puts the four points of 第25题 within 0.04 of each other: an answer about how gradients accumulate ticked
    the overflow to NaN and the repeated multiplication as well. A point is ticked only when the answer says something
    of its own (`keypoints.own_terms`)."""
    grade = offline.grade(ref(notebook, 25), "在深层网络里误差梯度会在更新中累积，变成非常大的梯度，权重大幅更新，网络就不稳定了。")
    assert [r["status"] for r in grade.points] == ["missed", "covered", "missed", "missed"]
    whole = offline.grade(ref(notebook, 25), "误差梯度在深层网络中累积，层间大于 1 的梯度重复相乘呈指数级增长，权重大幅更新，"
                                             "网络不稳定；极端情况下权重溢出，变成 NaN。")
    assert [r["status"] for r in whole.points][1:] == ["covered", "covered", "covered"] and whole.score > grade.score


def test_a_negated_clause_naming_bare_list_items_contradicts_them(offline, notebook):
    """第38题's items are bare names under "缓解过拟合：": one negation cue denying them is a contradiction."""
    denied = offline.grade(ref(notebook, 38), "我觉得只有 Dropout 靠谱，网络 bagging 和 BatchNormalization 都没法防止过拟合。")
    statuses = {row["point"]: row["status"] for row in denied.points}
    assert statuses["网络bagging"] == statuses["BatchNormalization"] == "contradicted" != statuses["Dropout"]
    assert denied.score <= 3
    english = offline.grade(ref(notebook, 38), "Only dropout works. Bagging several networks doesn't reduce overfitting.")
    assert {row["point"]: row["status"] for row in english.points}["网络bagging"] == "contradicted"
    # A negation in a clause that names no item ("测试时不丢弃") denies nothing of the list.
    kept = offline.grade(ref(notebook, 38), "Dropout 训练时随机丢弃神经元，测试时不丢弃；另外可以做网络 bagging。")
    assert not any(row["status"] == "contradicted" for row in kept.points)


LOSSES = Reference(901, "MSE 和 MAE 有什么区别？", (
    "**1. 均方误差（MSE）：** 对误差取平方，处处可导，梯度随误差变小。由于平方，**对异常值非常敏感**。\n\n"
    "**2. 平均绝对误差（MAE）：** 对所有误差一视同仁，**对异常值更鲁棒**。缺点是在 0 处不可导，梯度大小恒定。\n"))


def test_a_segment_is_about_the_point_it_names_and_its_clauses_follow_it():
    from assistant.interview.answer_text import answer_parts
    from assistant.interview.subjects import segment_subjects

    points = list(outline(LOSSES.body).points)
    segments, parent = answer_parts("MSE 处处可导，对异常值很敏感；因为平方，梯度随误差变小。而 MAE 对异常值更鲁棒，梯度恒定。"
                                    "大误差时 Huber 像 MSE 一样。梯度恒定会震荡。")
    subjects = dict(zip(segments, segment_subjects(segments, parent, points)))
    assert subjects["对异常值很敏感"] == subjects["梯度随误差变小。"] == 0  # carried past the clause and the semicolon
    assert subjects["梯度恒定。"] == 1  # "而 MAE": one connective before the name
    assert subjects["大误差时 Huber 像 MSE 一样。"] is None  # named in a comparison, not as the subject
    assert subjects["梯度恒定会震荡。"] is None  # a new sentence without a pronoun starts afresh


def test_properties_swapped_between_two_named_points_are_contradicted_on_the_right_points(offline):
    """Aligned by meaning alone, "对异常值非常敏感" said of MAE matches MSE's sentence and contradicts nothing; read as
    being about MAE (the clause's subject), it says the reverse of "对异常值更鲁棒"."""
    swapped = "MSE 是误差平方的均值，对异常值很鲁棒。MAE 是绝对误差的均值，对异常值非常敏感。"
    statuses = [r["status"] for r in offline.grade(LOSSES, swapped).points]
    assert statuses == ["contradicted", "contradicted"]
    unscoped = OfflineGrader(offline.prompts, params=GraderParams(subject_scope=False))
    assert [r["status"] for r in unscoped.grade(LOSSES, swapped).points] != statuses
    right = offline.grade(LOSSES, "MSE 是误差平方的均值，对异常值非常敏感。MAE 是绝对误差的均值，对异常值更鲁棒。")
    assert not any(r["status"] == "contradicted" for r in right.points) and right.score > 5


def test_the_checklist_quotes_the_notes_without_the_gaps_emphasis_left(offline):
    """"取平方，**对异常值非常敏感**，" read as "取平方， 对异常值非常敏感 ，" in the "!" line, and "`x>0`" as "x 0"; the line
    now quotes the note sentence as written, less its Markdown."""
    from assistant.notes.text import readable

    assert readable("取平方，**对异常值非常敏感**，少数样本") == "取平方，对异常值非常敏感，少数样本"
    assert readable("误差小时像 MSE 一样，`ReLU` 的**优点**。") == "误差小时像 MSE 一样，ReLU 的优点。"
    assert readable("ReLU 在 `x>0` 时导数恒为 1，s_t 为状态") == "ReLU 在 x>0 时导数恒为 1，s_t 为状态"  # a formula kept whole
    row = next(r for r in offline.grade(LOSSES, "MSE 是误差平方的均值，对异常值很鲁棒。").points if r["status"] == "contradicted")
    assert row["note"] == "由于平方，对异常值非常敏感。"  # the sentence as written, not the clause e5 matched


def test_a_contradiction_quotes_the_note_sentence_with_its_formula(offline, notebook):
    grade = offline.grade(ref(notebook, 21), "ReLU 在 x>0 时并不是线性的，它在原点附近也没有线性区，所以完全不接近恒等变换。")
    notes = [r["note"] for r in grade.points if r["status"] == "contradicted"]
    assert notes and all("**" not in n and "`" not in n for n in notes)
    assert any("x>0" in n for n in notes), notes


def test_point_labels_have_no_gaps_where_bold_marks_stood(offline, notebook):
    """第25题's first point is bold up to its full stop: plain text leaves a gap there ("…更新网络权重 。"). The label
    (the stored key, the checklist, probes and review cards) reads it closed."""
    grade = offline.grade(ref(notebook, 25), "梯度爆炸就是梯度变得非常大。")
    assert any(r["point"].endswith("更新网络权重。") for r in grade.points)
    assert not any(" 。" in r["point"] for r in grade.points)
    assert "更新网络权重。" in grade.feedback and "更新网络权重 。" not in grade.feedback


def test_rows_stored_with_the_old_gapped_labels_still_find_their_points(tmp_path, offline, notebook):
    """Answers graded before labels were closed keep "RNNs 的目的使用来处理序列数据 。" in SQLite; their cards still
    find the point (and show the notes' words for one not covered) and read the label closed."""
    from assistant.interview.cards import answer_cards
    from assistant.interview.session import Interview
    from assistant.interview.store import Store

    store = Store(tmp_path / "i.db")
    session = Interview.start(store, notebook, offline, offline.prompts, topic=notebook.by_number(30).topic, n=5)
    while session.current.note.number != 30:
        session.skip()
    session.answer("梯度爆炸就是梯度变得非常大。")
    last = "rowid = (SELECT max(rowid) FROM answers)"  # the answer to 第30题
    rows = json.loads(store.db.execute(f"SELECT points FROM answers WHERE {last}").fetchone()[0])
    gapped = [{**r, "point": r["point"].replace("处理序列数据。", "处理序列数据 。")} for r in rows]
    assert gapped != rows
    store.db.execute(f"UPDATE answers SET points = ? WHERE {last}", (json.dumps(gapped, ensure_ascii=False),))
    line = next(p for p in answer_cards(Interview(store, notebook, offline, session.id))[-1].points
                if p.point == "RNNs 的目的使用来处理序列数据。")
    assert line.support.startswith("在传统的神经网络模型中")  # the point was found: the notes' words are shown


def test_every_stored_label_reads_closed_where_the_store_reads_it(tmp_path, offline, notebook):
    """The Markdown report, the card states (the schedule's weakest point) and the missed list of an answer graded
    before labels were closed read its labels closed too: the store reads them so, not each view."""
    from assistant.interview import report_md
    from assistant.interview.session import Interview
    from assistant.interview.store import Store

    store = Store(tmp_path / "i.db")
    session = Interview.start(store, notebook, offline, offline.prompts, topic=notebook.by_number(30).topic, n=5)
    while session.current.note.number != 30:
        session.skip()
    session.answer("梯度爆炸就是梯度变得非常大。")

    def gap(text: str) -> str:
        return text.replace("处理序列数据。", "处理序列数据 。")

    last = "rowid = (SELECT max(rowid) FROM answers)"
    points, missed = (json.loads(v) for v in store.db.execute(f"SELECT points, missed FROM answers WHERE {last}").fetchone())
    store.db.execute(f"UPDATE answers SET points = ?, missed = ? WHERE {last}",
                     (json.dumps([{**r, "point": gap(r["point"])} for r in points], ensure_ascii=False),
                      json.dumps([gap(m) for m in missed], ensure_ascii=False)))
    store.db.execute("UPDATE cards SET label = ? WHERE label = ?", (gap("RNNs 的目的使用来处理序列数据。"), "RNNs 的目的使用来处理序列数据。"))
    assert store.db.execute("SELECT count(*) FROM cards WHERE label LIKE '% 。'").fetchone()[0] == 1
    report = report_md.render(Interview(store, notebook, offline, session.id).report(), details=True)
    assert "RNNs 的目的使用来处理序列数据。" in report and "处理序列数据 。" not in report
    assert not any(" 。" in (c["label"] or "") for c in store.cards().values())
    assert all(" 。" not in m for a in store.answers(session.id) for m in a["missed"])
    # A question card's label keeps the space after its number (the schedule read "第30题什么是RNN？").
    questions = [c["label"] for c in store.cards().values() if not c["point"]]
    assert questions and all(label.startswith("第") and "题 " in label for label in questions)


def test_every_point_named_but_scored_low_says_it_was_brief_not_complete(offline, notebook, prompts):
    from assistant.interview.grades import render_feedback

    section = ref(notebook, 38)
    rows = [{"point": p, "status": "covered", "note": "", "statement": "", "rule": ""} for p in ("Dropout", "bagging")]
    low = render_feedback(prompts, section, "用 Dropout 和网络 bagging", 5.8, rows)
    high = render_feedback(prompts, section, "Dropout 随机丢弃神经元；bagging 集成多个网络。", 9.1, rows)
    assert "都提到了，但讲得比较简略" in low and "覆盖到了" not in low
    assert high.startswith("得分 9.1/10：笔记中的要点都覆盖到了")
    # Short of a full mark it says why (blind QA: "都覆盖到了" beside 8.7/10 left the user asking where 1.3 went).
    assert "没拿满分" in high
    full = render_feedback(prompts, section, "Dropout 随机丢弃神经元；bagging 集成多个网络。", 10.0, rows)
    assert full.startswith("得分 10/10：笔记中的要点都覆盖到了") and "没拿满分" not in full
    english = render_feedback(prompts, section, "Dropout and bagging.", 6.0, rows)
    assert "you named all 2 key points" in english and "but briefly" in english
    nearly = render_feedback(prompts, section, "Dropout drops units at random; bagging trains several nets.", 8.7, rows)
    assert "you covered every key point" in nearly and "short of a full mark" in nearly


def test_another_member_of_a_points_family_in_its_place_is_a_contradiction(offline, notebook):
    """"换成 tanh 激活函数" where the notes say "使用 ReLU 激活函数": close wording, another claim (notes/families.py)."""
    section = ref(notebook, 28)
    swapped = offline.grade(section, "遇到梯度爆炸可以把激活函数换成 tanh 激活函数，再配合梯度截断。")
    rows = {r["point"]: r for r in swapped.points}
    assert rows["使用 ReLU 激活函数"]["status"] != "covered"
    denied = offline.grade(section, "梯度截断帮助不大，最好改用 tanh 激活函数。")  # aligned with the clipping point
    relu = {r["point"]: r for r in denied.points}["使用 ReLU 激活函数"]
    assert relu["status"] == "contradicted" and "tanh" in relu["statement"]
    kept = offline.grade(section, "tanh 和 sigmoid 容易饱和，所以把激活函数换成 ReLU，再配合梯度截断。")
    assert {r["point"]: r for r in kept.points}["使用 ReLU 激活函数"]["status"] == "covered"  # its own name is said
    assert denied.score < kept.score - 2


def test_family_names_hide_the_shorter_names_inside_them():
    from assistant.notes.families import named, swapped

    assert [f for f, _ in named("Leaky ReLU 比 ReLU 好")] == ["activation", "activation"]
    assert len(named("Leaky ReLU")) == 1 and len(named("Faster R-CNN")) == 1
    assert swapped("使用长短期记忆网络", "改用 GRU", "改用 GRU 就行", ["使用梯度截断"]) == "gru"
    assert swapped("使用长短期记忆网络", "改用 LSTM", "改用 LSTM 就行", []) == ""
    assert swapped("重新设计网络模型", "改用 GRU", "改用 GRU", []) == ""  # names no family member
    # a sibling another point names is no swap (a section listing activations), nor a hyphenated own name
    assert swapped("tanh", "ReLU 在正区间导数是 1", "ReLU 在正区间导数是 1", ["sigmoid", "ReLU"]) == ""
    assert swapped("交叉熵损失", "unlike MSE", "Cross-entropy, unlike MSE, …", []) == ""


def test_a_keyword_in_passing_does_not_make_a_topic_and_every_shipped_section_keeps_its_own():
    """One body keyword put a self-attention section under activation (softmax) and Pre-LN vs Post-LN under
    optimisation (学习率): blind QA s8 §11. Two different keywords of a topic still choose it; the shipped sections'
    topics (all named by their titles) are pinned as they were."""
    from assistant.interview.notebook import Notebook
    from tests.conftest import CORPUS

    assert classify("什么是自注意力机制？", "注意力权重为 softmax(QK^T / sqrt(d_k))，softmax 会饱和。").id == "other"
    assert classify("Pre-LN 和 Post-LN 有什么区别？", "Post-LN 需要学习率 warmup。").id == "other"
    assert classify("Adam 和 AdamW 有什么区别？").id == "optimisation"
    assert classify("简单说说反向传播算法", "用梯度下降优化参数").id == "optimisation"
    shipped = {n.number: n.topic for n in Notebook.from_files([CORPUS]).notes}
    assert shipped == {21: "activation", 22: "optimisation", 23: "cnn", 24: "cnn", 25: "gradient-explosion",
                       26: "gradient-explosion", 27: "gradient-explosion", 28: "gradient-explosion", 29: "rnn", 30: "rnn",
                       31: "rnn", 32: "activation", 33: "rnn", 34: "cnn", 35: "cnn", 36: "detection", 37: "detection",
                       38: "overfitting", 39: "cnn", 40: "rnn"}


# What exploding gradients are (第25题), given for how to fix them (第28题): every sentence sits as near 第28题's
# supporting sentences ("训练本身就存在不稳定性", "网络权重") as near 第25题, so it is not named an answer to another
# question; it must still tick no fix.
DEFINES_EXPLODING = "梯度爆炸是指在训练深度网络时，误差梯度在更新中累积，变成非常大的梯度，导致网络权重大幅更新，网络变得不稳定，权重值可能溢出成NaN。"


def test_a_definition_given_for_how_to_fix_ticks_no_fix(comparing, prompts, notebook, tmp_path):
    fixes = ref(notebook, 28)
    grade = comparing.grade(fixes, DEFINES_EXPLODING)
    assert grade.score <= 3 and not grade.covered, grade.feedback
    # The terms the nearest sections share were what ticked the fixes before (6.3/10, four of five).
    blind = OfflineGrader(prompts, cache_dir=tmp_path, sections=notebook.references,
                          params=dataclasses.replace(comparing.params, own_distinct_from=0))
    assert len(blind.grade(fixes, DEFINES_EXPLODING).covered) >= 3
    # A point's lead keeps its terms: an answer naming the fixes still ticks them.
    assert len(comparing.grade(fixes, FIX_EXPLODING + "层数太深的话可以重新设计网络，减少层数。").covered) >= 4


def test_most_of_a_points_lead_said_ticks_it(comparing, prompts, notebook, tmp_path):
    """"训练过程中损失变成NaN" says 第27题's "训练过程中，模型损失变成 NaN。" but for 模型; its bigrams across words (型损)
    were among the point's own terms, and the point stayed ✗ (blind CLI QA). Most of the lead (lead_share) is enough."""
    said, signs = "训练过程中，模型损失变成 NaN。", ref(notebook, 27)
    grade = comparing.grade(signs, "训练过程中损失变成NaN")
    assert said in grade.covered, grade.feedback
    strict = OfflineGrader(prompts, cache_dir=tmp_path, sections=notebook.references,
                           params=dataclasses.replace(comparing.params, lead_share=1.0))
    assert said not in strict.grade(signs, "训练过程中损失变成NaN").covered


def test_an_antonym_of_the_closest_unit_is_no_swap_when_another_unit_says_it_the_same_way():
    """"几乎处处可微" sits nearest "有限的不可微点…" (可微↔不可微), but the notes' next unit says "只满足几乎处处可微":
    a correct answer was marked ! (blind web QA). With only the first unit, the swap stands."""
    from assistant.interview.conflicts import segment_conflict
    from assistant.interview.grader_params import GraderParams

    units = ["有限的不可微点对于优化结果不会有很大影响。", "对于分段线性函数比如 ReLU，只满足几乎处处可微。"]
    body = "".join(units)
    segment = "几乎处处可微，方便梯度计算"
    assert segment_conflict(segment, units, body, False, 0.0, 0.0, GraderParams()) is None
    alone = segment_conflict(segment, units[:1], body, False, 0.0, 0.0, GraderParams())
    assert alone is not None and alone.rule == "antonym" and alone.detail == "可微↔不可微"


def test_an_answer_in_english_to_chinese_notes_is_scored_on_its_own_scale(prompts, notebook, tmp_path):
    """An English answer reaches a lower raw score than the same content in Chinese (its cosines and key terms come
    through translation): a correct English answer to 第25题 scored 6.2/10 beside 9.7 for the Chinese one (dev correct
    answers: 6.51 against 8.39 on average). Its raw score has its own full mark (raw_full_cross); a Chinese answer's
    score does not move with it."""
    english = ("Exploding gradients: in deep networks or RNNs, error gradients accumulate during updates into very large "
               "gradients, which cause large weight updates and an unstable network. Gradients greater than 1 multiplied "
               "repeatedly between layers grow exponentially, and in the extreme the weights overflow to NaN.")
    chinese = "梯度爆炸：在深层网络或RNN中，误差梯度在更新中累积成非常大的梯度，导致权重大幅更新、网络不稳定。层之间大于1的梯度重复相乘会指数级增长，极端时权重溢出变成NaN。"
    shipped = OfflineGrader(prompts, cache_dir=tmp_path)
    one_scale = OfflineGrader(prompts, cache_dir=tmp_path, params=dataclasses.replace(
        GraderParams(), raw_full_cross=GraderParams.raw_full))
    r = ref(notebook, 25)
    assert shipped.grade(r, chinese).score == one_scale.grade(r, chinese).score
    # The gap to the Chinese answer was over two points on one scale and is under two on its own.
    assert one_scale.grade(r, english).score < shipped.grade(r, chinese).score - 2 <= shipped.grade(r, english).score


def test_an_english_answer_ticks_no_point_whose_own_words_it_never_writes(comparing, notebook):
    """第29题's tensor-shape points are written in Latin terms (n_samples, dim_output) that any English answer could use:
    "An RNN processes sequence data; the hidden state depends on the previous hidden state." ticked four of them
    (7.8/10, blind CLI QA), since the own-terms check was off across languages. It now holds an English answer to the
    own terms it can write (`glossary.english_writable`)."""
    grade = comparing.grade(ref(notebook, 29), "An RNN processes sequence data; the hidden state depends on the previous hidden state.")
    shapes = {row["point"].split("：")[0]: row["status"] for row in grade.points if "形状" in row["point"]}
    assert shapes["输入矩阵形状"] == shapes["输出矩阵形状"] == shapes["输入张量形状"] == "missed"  # ✓ ✓ for the last two before
    full = comparing.grade(ref(notebook, 29), "For a sequence-to-one task the LSTM input is a 3-D tensor of shape (time_steps, "
                                            "n_samples, dim_input) and the output a matrix of shape (n_samples, dim_output).")
    assert sum(row["status"] == "covered" for row in full.points if "形状" in row["point"]) >= 2


def test_english_writable_terms_are_latin_words_and_the_glossarys_chinese():
    from assistant.notes.glossary import english_writable

    assert english_writable(frozenset({"dim_output", "relu", "0.5", "激活", "累积", "连乘", "死区"})) == {
        "dim_output", "relu", "0.5", "激活", "累积", "连乘"}  # no glossary term writes 死区


# How to fix exploding gradients (第28题) with two errors: weight regularisation said to make them worse, LSTM denied.
FIX_WITH_ERRORS = "梯度爆炸可以通过重新设计网络、减小批量大小和截断反向传播来处理。另外权重正则化会加重梯度爆炸，不要使用LSTM。还可以用梯度截断。"


def test_a_denial_and_a_reversed_verb_are_charged_to_the_point_they_name(comparing, notebook):
    """Blind CLI QA: "不要使用LSTM" was charged to ReLU's point (its closest sentence by meaning), and "权重正则化会加重
    梯度爆炸" ticked weight regularisation (its closest sentence says nothing of 缓解). Each is now the named point's "!",
    quoting the sentence it denies or reverses."""
    rows = {row["point"]: row for row in comparing.grade(ref(notebook, 28), FIX_WITH_ERRORS).points}
    assert rows["使用 ReLU 激活函数"]["status"] == "missed"
    lstm, weights = rows["使用长短期记忆网络"], rows["使用权重正则化（Weight Regularization）"]
    assert lstm["status"] == "contradicted" and "LSTM" in lstm["note"], lstm
    assert weights["status"] == "contradicted" and "缓解梯度爆炸" in weights["note"], weights
    assert rows["使用梯度截断（Gradient Clipping）"]["status"] == "covered"


def test_a_denial_shares_a_word_with_the_note_it_is_charged_to(comparing, notebook):
    """CLI QA: a fix-exploding-gradients answer given for 第25题 (what exploding gradients are) showed "不要使用LSTM。" as
    denying "在极端情况下，权重的值变得非常大，以至于溢出，导致 NaN 值。": the flip test moved it by chance, and it shares no
    word with that sentence. The same denial given for 第28题 still contradicts its LSTM point."""
    grade = comparing.grade(ref(notebook, 25), FIX_WITH_ERRORS)
    assert grade.elsewhere == "第28题 如何修复梯度爆炸问题？"
    assert not grade.contradictions, grade.feedback
    rows = {row["point"]: row for row in comparing.grade(ref(notebook, 28), FIX_WITH_ERRORS).points}
    assert rows["使用长短期记忆网络"]["status"] == "contradicted"
