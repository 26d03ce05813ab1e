"""One-fact questions (answering/onefact.py): a question about one value, count, default, purpose or yes/no of a
section is answered with the sentence that states it first, at most two sentences after it, and a pointer to the
rest; list questions keep every point. Sections here are written for the tests (blind QA found the behaviour on the
shipped notes: "clipnorm 默认值是多少" quoted the five remedies' headings, "YOLO…的mAP是多少" quoted 63.4 % last)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.answering.extractive import select_quotes
from assistant.answering.params import AnswerParams
from assistant.answering.quoting import extractive_stream
from assistant.answering.relevance import Relevance

FLAT = Relevance(lambda t: np.ones((len(t), 2), np.float32), lambda t: np.ones((len(t), 2), np.float32))  # e5 neutral


class _Hit:
    def __init__(self, section: str, title: str) -> None:
        self.kind, self.section, self.score, self.title = "text", section, 5.0, title


DEFAULTS = """RMSprop 用梯度平方的滑动平均来调整每个参数的步长，常见框架的默认设置如下：

- 学习率 lr：默认 0.01
- alpha：平方梯度滑动平均的衰减率，默认 0.99
- eps：防止分母为零的小常数，默认 1e-8
- momentum：动量项，默认 0
- centered：是否按梯度方差中心化，默认关闭

一般只需要调学习率。"""

HISTORY = ("我只是业余爱好者，下面的梳理难免有错误，还请指正。最早的方法在 COCO 上只有 20% 的 AP，速度也很慢。"
           "后来的两阶段方法把 AP 提高到了 35% 左右，但仍然达不到实时。"
           "单阶段的 RetinaNet 用 focal loss 解决了前景背景不平衡的问题，在 COCO 上 AP 能到 39.1%，速度也更快。"
           "之后的研究大多在这个基础上改进特征金字塔和标签分配。")

RECURRENT = """### 5.1 基本结构

循环网络按时间展开后，每个时间步都接收当前输入和上一步的隐状态。

要注意的是，每个时间步使用的权重矩阵都是同一组，**也就是说各个时间步的参数是共享的**，这也是它参数量不随序列长度增长的原因。

展开后的网络看起来像一个很深的前馈网络，每一层对应一个时间步。

### 5.2 训练

训练时使用随时间反向传播，把误差沿时间步一路传回去。序列太长时梯度容易消失或爆炸，常用截断的方法只回传有限步。"""


def _answer(question: str, section: str, title: str) -> tuple[list[str], str]:
    hit = _Hit(section, title)
    quotes = [q.text for q in select_quotes(question, [hit], AnswerParams(), FLAT)]  # type: ignore[list-item]
    text = "".join(extractive_stream(question, [hit], "", "", more=lambda n: f"MORE[{n}]", params=AnswerParams(),  # type: ignore[list-item]
                                     relevance=FLAT))
    return quotes, text


@pytest.mark.parametrize("question", ["RMSprop 的 alpha 默认值是多少", "alpha 默认多少？", "What is the default alpha of RMSprop?"])
def test_a_default_asked_of_a_list_of_defaults_is_quoted_first_and_alone(question):
    quotes, text = _answer(question, DEFAULTS, "RMSprop 有哪些默认超参数？")
    assert "0.99" in quotes[0], quotes
    assert len(quotes) <= 3, "the other defaults are left to the pointer"
    assert "MORE[1]" in text


def test_a_number_asked_of_prose_opens_with_the_sentence_stating_it():
    quotes, _ = _answer("RetinaNet 在 COCO 上的 AP 是多少", HISTORY, "目标检测方法是怎么发展的？")
    assert "39.1%" in quotes[0], quotes
    assert not any("业余爱好者" in q for q in quotes), "the author's modesty is not the answer"


def test_clauses_about_the_asker_do_not_choose_the_fact():
    """Blind CLI QA: "我在准备面试，…我想知道…持续超过多少…" quoted the section's lead-in sentences, which share its "确认"."""
    question = "我在准备目标检测方向的面试，想确认一下：RetinaNet 的 AP 是多少"
    section = "准备目标检测方向的面试时，想确认一下 RetinaNet 的进展，可以看下面的梳理。" + HISTORY
    quotes, _ = _answer(question, section, "目标检测方法是怎么发展的？")
    assert "39.1%" in quotes[0], quotes


def test_a_yes_no_question_opens_with_the_sentence_that_answers_it():
    # "不同" here says where, not what differs: still one fact.
    quotes, text = _answer("循环网络的参数在不同时间步之间是共享的吗", RECURRENT, "循环网络是怎么构造的？")
    assert "参数是共享的" in quotes[0], quotes
    assert len(quotes) <= 3
    assert "MORE[1]" in text


def test_list_questions_keep_every_point():
    quotes, _ = _answer("RMSprop 有哪些默认超参数？", DEFAULTS, "RMSprop 有哪些默认超参数？")
    for value in ("0.01", "0.99", "1e-8", "默认 0", "默认关闭"):
        assert any(value in q for q in quotes), value


@pytest.mark.parametrize("question", [
    "clipnorm 默认值是多少", "GRU 有几个门？", "RNN的参数在不同时间步之间是共享的吗", "CNN里BN层是干嘛的",
    "What is the default value of clipvalue?", "How many gates does an LSTM have?", "Does GRU have an output gate?",
    "ReLU 计算时需要几次比较", "Smooth L1 is Huber loss with which delta?", "What is the BN layer for in a CNN?"])
def test_one_fact_questions_are_told_apart(question):
    from assistant.answering.onefact import asks_one_fact

    assert asks_one_fact(question)


@pytest.mark.parametrize("question", [
    "梯度爆炸有哪些解决办法？", "如何修复梯度爆炸问题？", "什么是RNN？", "为什么 L1 会产生稀疏解？", "sigmoid 有什么缺点？",
    "1x1 卷积有什么用？", "What are the ways to prevent overfitting?", "What is gradient clipping?",
    "What is focal loss and what value of gamma is typically used?", "你知道什么是 RNN 吗？", "能简单说说反向传播吗？",
    "梯度消失和梯度爆炸有什么不同？", "CNN常用的几种模型有哪些？",
    "With a 3x3 kernel and padding 1, what is the output size at stride 1 and at stride 2?", "GRU和LSTM分别有几个门？",
    "输出尺寸怎么计算？", "What is the formula for the output size?"])
def test_other_questions_are_not_one_fact(question):
    from assistant.answering.onefact import asks_one_fact

    assert not asks_one_fact(question)


def test_an_english_count_question_finds_the_sentence_with_the_glossary_word_and_the_count():
    """Blind web QA (2026-12-06): "How many gates does a GRU have?" quoted "GRU 是…循环神经网络的一种" (一种 read as a count,
    e5 picking between two sentences) and not "GRU 只有两个门": "gates" → 门 is one character, no bigram."""
    section = "GRU 是 Gated Recurrent Units，是循环神经网络的一种。\n\nGRU 只有两个门（update 和 reset），LSTM 有三个门。"
    quotes, _ = _answer("How many gates does a GRU have?", section, "GRU是什么？")
    assert "两个门" in quotes[0], quotes


def test_a_title_lead_is_not_quoted_after_the_fact_and_a_label_lead_is():
    """Blind web QA: "clipnorm 默认值是多少" answered "默认值为 clipnorm=1.0、clipvalue=0.5。" and then the point's title
    "使用梯度截断（Gradient Clipping）", a stray heading after the fact. A lead that introduces its sentence ("更新公式：")
    still comes with it."""
    clipping = ("1. 使用梯度截断（Gradient Clipping）\n\n  在 Keras 中可以设置优化器的 `clipnorm` 或 `clipvalue` 参数来使用梯度截断。"
                "默认值为 `clipnorm=1.0` 、`clipvalue=0.5`。\n\n2. 使用 ReLU 激活函数\n\n  使用 ReLU 激活函数可以减少梯度爆炸。")
    quotes, _ = _answer("clipnorm 默认值是多少", clipping, "如何修复梯度爆炸问题？")
    assert "clipnorm=1.0" in quotes[0] and not any(q.strip().startswith("使用梯度截断") for q in quotes), quotes
    momentum = ("**1. 更新公式：** `v = βv + g`，`w = w - ηv`。其中 β 是动量系数，最常用的取值是 0.9。\n\n"
                "**2. 作用：** 动量能加速收敛并减小震荡。")
    quotes, _ = _answer("动量系数一般取多少？", momentum, "动量法是什么？")
    assert any("0.9" in q for q in quotes) and any("更新公式" in q for q in quotes), quotes
