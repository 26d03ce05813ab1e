"""The coverage decision: features, the calibrated logistic score, and the shipped calibration."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.retrieval.coverage import Calibration, features, load_calibration, top_features
from assistant.tuned import load_tuned

RECIPES = load_tuned(Path("/nonexistent"))["coverage"]["recipes"]


def test_features_of_dense_signals_and_lexical_shares():
    signals = {"e5": np.array([0.9, 0.8, 0.8, 0.7]), "use": np.array([0.5, 0.2])}
    f = features(signals, {"cjk_known": 0.5, "latin_known": None})
    assert f["use_max"] == 0.5 and f["e5_max"] == 0.9
    assert f["e5_z"] == pytest.approx((0.9 - 0.8) / np.std([0.9, 0.8, 0.8, 0.7]))
    assert f["cjk_known"] == 0.5 and f["latin_known"] is None


def test_top_features_read_the_best_section():
    from types import SimpleNamespace as Hit

    hits = [Hit(score=3.5, adjust=1.0, title="如何修复梯度爆炸问题？", section="使用梯度截断（gradient clipping）"),
            Hit(score=1.5, adjust=0.0, title="什么是RNN？", section="循环神经网络")]
    f = top_features("梯度爆炸 clipping 和 dropout", hits)
    assert f["top_score"] == 2.5 and f["top_gap"] == 1.0  # scores without the exact-term adjustments
    assert f["top_cjk_known"] == 1.0 and f["top_latin_known"] == 0.5
    assert top_features("x", hits[:1])["top_gap"] is None and top_features("x", []) == {}


def test_an_english_question_is_read_through_the_glossary_against_chinese_sections():
    from types import SimpleNamespace as Hit

    from assistant.retrieval.lexical import Vocabulary

    section = "训练一次迭代：先做前向传播算出损失，再做反向传播求梯度，最后更新参数。"
    other = "卷积层的参数共享与局部连接。"
    vocabulary = Vocabulary.of_sections([section, other])
    hits = [Hit(score=2.0, adjust=0.0, title="一次训练迭代", section=section)]
    known = top_features("What happens in the forward pass and the backward pass?", hits, vocabulary)["top_idf_known"]
    unknown = top_features("What happens in the warm-up phase and the cool-down phase?", hits, vocabulary)["top_idf_known"]
    assert known > 0.2 and unknown == 0.0


def test_score_is_the_calibrated_linear_rule_with_missing_lexical_features_neutral():
    cal = Calibration(("use_max", "cjk_known"), (0.4, 0.5), (0.1, 0.25), (1.0, 2.0), 0.0, bias=-0.5)
    assert cal.score({"use_max": 0.5, "cjk_known": 1.0}) == pytest.approx(-0.5 + 1.0 + 2.0 * 2.0)
    assert cal.score({"use_max": 0.5, "cjk_known": None}) == pytest.approx(-0.5 + 1.0)
    assert cal.score({"cjk_known": 1.0}) == float("-inf")  # a missing dense feature never counts as covered


def test_shipped_calibration_uses_lexical_evidence_and_fallbacks():
    cal = load_calibration(RECIPES, ["e5", "use", "bm25"])
    assert {"cjk_known", "use_max", "top_cjk_known"} <= set(cal.names) and len(cal.weights) == len(cal.names)
    assert cal.weights[cal.names.index("cjk_known")] > 0  # notes using the query's words → more likely covered
    assert load_calibration(RECIPES, ["e5", "use"]).names == load_calibration(RECIPES, ["e5"]).names  # primary model's fallback
    assert "top_score" not in load_calibration(RECIPES, ["e5"]).names  # top-section features depend on the fusion
    assert load_calibration(RECIPES, ["openai"]).names == ("openai_z",)
    assert load_calibration(RECIPES, ["e5", "use", "bm25"], override=1.5).threshold == 1.5


def test_a_question_asking_for_a_formula_needs_a_section_that_writes_one():
    from assistant.retrieval.answerable import asks_formula, lacking, states_formula

    assert asks_formula("GRU 的候选隐状态公式怎么写？") and asks_formula("Write the equation of the update gate")
    assert not asks_formula("GRU 的候选隐状态是怎么算的？")  # "how is it computed" is answered in words too
    assert states_formula("其中 h_t = (1 - z_t) * h_{t-1} + z_t * c_t") and states_formula("输出 o = softmax(Vs)")
    assert not states_formula("GRU 把遗忘门和输入门合成了一个更新门，结构更简单。")
    assert lacking("GRU 有几个门？", "GRU 把遗忘门和输入门合成了一个更新门。") == ""  # not asking for a formula
    assert lacking("GRU 更新门的公式是什么？", "GRU 把遗忘门和输入门合成了一个更新门。") == "formula"
    # Who proposed it, and when: a section naming no year, paper or proposer cannot say.
    assert lacking("Who came up with dropout?", "Dropout 在训练时随机丢弃神经元。") == "attribution"
    assert lacking("Dropout 是哪一年提出的？", "Hinton 等人在 2012 年的论文中提出了 Dropout。") == ""
    # A year asked for needs a year: 第21题's "Leaky ReLU 和 PReLU 的提出" answered "Batch Normalization 论文是哪一年发表的？".
    assert lacking("Batch Normalization 论文是哪一年发表的？", "Leaky ReLU 和 PReLU 的提出正是为了解决这一问题。") == "attribution"
    assert lacking("When was LSTM proposed?", "LSTM 由 Hochreiter 等人提出。") == "attribution"
    assert lacking("Who proposed LSTM?", "LSTM 由 Hochreiter 等人提出。") == ""


def test_a_formula_question_on_a_section_without_one_is_declined_with_it_pointed_to(offline_assistant):
    # Section 40 (GRU) explains its gates in words only; section 31 writes its RNN equations out.
    gates = offline_assistant.retriever.search("GRU 重置门的计算公式具体是什么？")
    assert not gates.covered and [h.question for h in gates.near_misses] == [40]  # the one section on its topic
    assert offline_assistant.retriever.search("GRU 重置门具体起什么作用？").covered


def test_a_technical_name_the_notes_never_use_is_not_covered():
    from assistant.retrieval.answerable import unknown_names

    terms = {"gru", "lstm", "batchnormalization", "region", "proposal", "network", "adam", "relu"}
    initialisms = lambda: {"rp", "pn", "rpn"}  # noqa: E731 - the notes write "region proposal network"
    assert unknown_names("AdamW 和 Adam 有什么区别？", terms, initialisms) == ["adamw"]
    assert unknown_names("Why does SiLU beat ReLU?", terms, initialisms) == ["silu"]
    # Letters swapped (GUR), the start of a known name (BatchNorm), initials of words the notes write (RPN), a
    # hyphenated compound and a stop word in capitals are no unknown names.
    for known in ("GUR 和 LSTM 有什么区别", "BatchNorm 的作用", "RPN 输出什么？", "N-vs-1 结构", "x AND y 怎么实现"):
        assert unknown_names(known, terms, initialisms) == [], known
    # Nor is a name the notes write in the plural (RNNs) or singular.
    assert unknown_names("RNN 为什么能处理序列？", terms | {"rnns"}, initialisms) == []
    assert unknown_names("GRUs 有几个门？", terms, initialisms) == []
    # Nor is a name the glossary writes out in Chinese words the notes use (MLP: 多层感知机); with one of those
    # words missing from the notes it is unknown again.
    spelled = terms | {"多层", "层感", "感知", "知机"}
    assert unknown_names("deep MLP 为什么梯度爆炸", spelled, initialisms) == []
    assert unknown_names("deep MLP 为什么梯度爆炸", spelled - {"知机"}, initialisms) == ["mlp"]
    # and, given the notes' text, the Chinese words must occur as written, not only their bigrams apart
    assert unknown_names("deep MLP 为什么梯度爆炸", spelled, initialisms, uses=lambda phrase: False) == ["mlp"]


def test_a_glossary_name_in_chinese_or_english_words_the_notes_never_use_is_unknown():
    from assistant.retrieval.answerable import unknown_names

    terms = {"卷积", "梯度", "batchnormalization", "知识", "识蒸", "蒸馏"}  # 知识蒸馏 in bigrams
    nothing = lambda: set()  # noqa: E731
    # Names the glossary flags, written in Chinese or in English words: unknown when the notes use neither form.
    assert unknown_names("深度可分离卷积为什么省计算？", terms, nothing) == ["深度可分离卷积"]
    assert unknown_names("How does gradient accumulation work?", terms, nothing) == ["gradient accumulation"]
    # Names with one capital or a hyphen, which the capitals-and-digits rule does not see.
    assert unknown_names("Mish 激活函数好在哪？", terms, nothing) == ["mish"]
    assert unknown_names("Cascade R-CNN 改进了什么？", terms | {"r", "cnn"}, nothing) == ["cascade r-cnn"]
    # Known through its Chinese term (知识蒸馏), in English words or in Chinese.
    assert unknown_names("knowledge distillation 是什么", terms, nothing) == []
    assert unknown_names("知识蒸馏是什么", terms, nothing) == []
    assert unknown_names("深度可分离卷积为什么省计算？", terms | {"深度", "度可", "可分", "分离", "离卷"}, nothing) == []
    # One Latin word is judged like a technical name: BatchNorm starts a name the notes use.
    assert unknown_names("BatchNorm 能防止过拟合吗", terms, nothing) == []
    # Known through its abbreviation (LSTM for 长短期记忆网络) or its English words in the plural the notes write.
    assert unknown_names("长短期记忆网络为什么能记住长期依赖？", terms | {"lstm"}, nothing) == []
    assert unknown_names("长短期记忆网络为什么能记住长期依赖？", terms, nothing) == ["长短期记忆"]
    assert unknown_names("门控循环单元有几个门？", terms | {"gated", "recurrent", "units"}, nothing) == []
    # A Chinese name whose bigrams the notes all use apart, never as the phrase, is unknown when the text is asked.
    apart = terms | {"度检", "检查", "查点"}
    assert unknown_names("梯度检查点能省多少显存？", apart, nothing) == []  # no text to ask: the bigrams decide
    assert unknown_names("梯度检查点能省多少显存？", apart, nothing, uses=lambda phrase: False) == ["梯度检查点"]
    assert unknown_names("梯度检查点能省多少显存？", apart, nothing, uses="…梯度检查点…".__contains__) == []
    # So is an English name whose words the notes use apart, never as the phrase (blind CLI QA: "What is layer
    # normalization?" answered from notes with "conv layer" and "归一化（normalization）").
    words = terms | {"layer", "normalization"}
    assert unknown_names("What is layer normalization?", words, nothing, uses="conv layer，归一化（normalization）".__contains__) \
        == ["layer normalization"]
    assert unknown_names("What is layer normalization?", words, nothing, uses="… layer normalization …".__contains__) == []



def test_a_glossary_name_the_notes_write_in_pieces_in_one_sentence_is_known():
    """"Why do we use learning-rate warmup?" was declined as never mentioned by notes whose sentence "Warmup（预热）指训练开始
    的若干步内，学习率从很小的值…线性增加" explains it: the glossary's 学习率预热 is written there as its two pieces."""
    from assistant.retrieval.answerable import unknown_names

    terms = {"学习", "习率", "预热", "warmup", "层", "归一", "一化"}
    nothing = lambda: set()  # noqa: E731
    never = lambda phrase: False  # noqa: E731

    def one_sentence_of(*sentences: str):
        return lambda *pieces: any(all(p in s for p in pieces) for s in sentences)

    explained = one_sentence_of("warmup（预热）指训练开始的若干步内，学习率从很小的值线性增加", "每一层的输出做归一化")
    assert unknown_names("Why do we use learning-rate warmup?", terms, nothing, never) == ["learning-rate warmup"]
    assert unknown_names("Why do we use learning-rate warmup?", terms, nothing, never, explained) == []
    assert unknown_names("学习率预热有什么用？", terms, nothing, never, explained) == []
    # The pieces in two sentences say nothing about the name.
    apart = one_sentence_of("warmup（预热）指训练开始的若干步内", "学习率从很小的值线性增加")
    assert unknown_names("学习率预热有什么用？", terms, nothing, never, apart) == ["学习率预热"]
    # No piece is one character: 层 and 归一化 in one sentence are not layer normalization, nor "k" and 均值 k-means.
    assert unknown_names("What is layer normalization?", terms | {"layer", "normalization"}, nothing, never, explained) \
        == ["layer normalization"]
    assert unknown_names("k-means 怎么选 k？", terms | {"均值"}, nothing, never, one_sentence_of("k 个样本的均值")) == ["k-means"]
    # One piece must be a name: 梯度 and 累积 in one sentence are not gradient accumulation.
    accumulated = one_sentence_of("误差梯度可在更新中累积")
    assert unknown_names("What is gradient accumulation?", terms | {"梯度", "累积"}, nothing, never, accumulated) \
        == ["gradient accumulation"]

def test_a_question_naming_what_the_notes_never_mention_is_declined_by_name(offline_assistant):
    result = offline_assistant.ask("LayerNorm 和梯度爆炸有什么关系？", mode="extractive")
    assert not result.covered
    assert "LayerNorm" in result.answer and "笔记里没有提到" in result.answer
    # The same question without the unknown name is answered.
    assert offline_assistant.ask("梯度爆炸会引发什么问题？", mode="extractive").covered
    # A name in Chinese words the notes never use is declined the same way.
    chinese = offline_assistant.ask("梯度累积和梯度截断能一起用吗？", mode="extractive")
    assert not chinese.covered and "笔记里没有提到「梯度累积」" in chinese.answer
    # Declined too, but not "never mentioned" when the notes use another spelling of it (第21题: "Batch Normalization").
    spelled = offline_assistant.ask("什么是批归一化？", mode="extractive")
    assert not spelled.covered and "没有提到" not in spelled.answer, spelled.answer


def test_a_name_the_notes_write_only_in_a_link_title_is_not_answered_from_that_section(offline_assistant):
    """第31题 links "完全图解RNN、RNN变体、Seq2Seq、Attention机制" and says nothing of attention: "attention机制是什么" was
    answered with RNN sentences (blind CLI QA). Now it is declined with 第31题 pointed to; a name the notes also use in
    their prose (Seq2Seq in 第31题, LSTM) is not affected."""
    from assistant.retrieval.answerable import linked_only

    prose = {"rnn", "seq2seq", "lstm", "泛化", "深度"}
    terms = prose | {"attention", "generalization", "deep", "learning"}
    assert linked_only("attention机制是什么", terms, lambda: prose) == ["attention"]
    assert linked_only("Seq2Seq 和 attention 有什么关系？", terms, lambda: prose) == ["attention"]
    assert linked_only("What is attention?", terms, lambda: prose) == ["attention"]
    assert linked_only("LSTM 是什么？", terms, lambda: prose) == []
    assert linked_only("大 batch 的 generalization 为什么差？", terms, lambda: prose) == []  # the prose says 泛化
    assert linked_only("Deep Learning in 这篇论文讲了什么？", terms | {"in"}, lambda: prose) == []  # deep: 深度 in prose
    result = offline_assistant.ask("attention机制是什么", mode="extractive")
    assert not result.covered and "第31题" in result.answer
    assert offline_assistant.ask("Seq2Seq 模型又叫什么？", mode="extractive").covered
