"""Answers from long sections: what is cut when an answer is too long, sentences around abbreviations, and which
`### N.M` parts a question is about (a question asking the section's own title wants them all; terms only one
part uses point at that part)."""

from __future__ import annotations

import numpy as np

from assistant.answering.extractive import select_quotes
from assistant.answering.params import AnswerParams
from assistant.answering.quotes import Quote, bounded
from assistant.answering.relevance import Relevance
from assistant.notes.text import split_sentences

FLAT = Relevance(lambda t: np.ones((len(t), 2), np.float32), lambda t: np.ones((len(t), 2), np.float32))  # e5 neutral


class _Hit:
    def __init__(self, section: str, title: str) -> None:
        self.kind, self.section, self.score, self.title = "text", section, 5.0, title


def _quoted(question: str, section: str, title: str, params: AnswerParams, rel: Relevance = FLAT) -> list[str]:
    quotes, _ = bounded(select_quotes(question, [_Hit(section, title)], params, rel), params.max_chars)  # type: ignore[list-item]
    return [q.text for q in quotes]


PROSE = ("传统的检测方法是可变形部件模型，它在公开数据集上的精度一度领先，但是计算非常慢而且特征需要手工设计。"
         "后来有人把检测当作回归问题来做，直接回归物体的坐标，可惜效果差强人意，精度明显低于当时最好的方法。"
         "区域建议网络本身就是一个小的卷积网络，它在特征图上滑动，为每个位置给出若干候选框和前景概率。"
         "区域建议网络的输出再送入第二个网络做更精细的分类和边框修正。\n")


def test_an_answer_too_long_leaves_out_what_answers_the_question_least():
    params = AnswerParams(central_quotes=3, part_quotes=0, max_chars=110)
    quoted = _quoted("区域建议网络的输出怎么用？", PROSE, "检测方法的演进", params)
    # Both sentences on the region proposal network stay, although they come last in the section.
    assert any(s.startswith("区域建议网络本身") for s in quoted)
    assert any(s.startswith("区域建议网络的输出") for s in quoted)
    assert len(quoted) == 2


def test_a_sentence_introducing_one_left_out_goes_with_it():
    quotes = [Quote(1, "卷积层的参数量与输入尺寸无关。", rank=0), Quote(1, "输出尺寸的计算公式为：", rank=2),
              Quote(1, "`O = (W - K + 2P) / S + 1`", rank=2), Quote(1, "步长越大输出越小。", rank=1)]
    kept, left_out = bounded(quotes, 30)
    assert [q.text for q in kept] == ["卷积层的参数量与输入尺寸无关。", "步长越大输出越小。"]
    assert left_out == [1]
    # Everything fits: nothing is left out, whatever the ranks.
    assert bounded(quotes, 1000) == (quotes, [])


def test_initials_and_abbreviations_do_not_end_a_sentence():
    assert split_sentences("首先膜拜 RBG（Ross B. Girshick）大神。断断续续接触 detection。") == [
        "首先膜拜 RBG（Ross B. Girshick）大神。", "断断续续接触 detection。"]
    assert split_sentences("It helps, e.g. for CNNs. He et al. showed it. Then stop.") == [
        "It helps, e.g. for CNNs.", "He et al. showed it.", "Then stop."]
    assert split_sentences("I use ReLU. It is fast.") == ["I use ReLU.", "It is fast."]


PARTS = ("### 1. 输出尺寸\n\n输出边长按 `O = (W - K + 2P) / S + 1` 计算。步长为 1 时取 P = (K-1)/2 保持尺寸不变。\n\n"
         "### 2. 参数量\n\n参数量为 `K × K × C_in × C_out + C_out`，每个输出通道一个偏置。\n\n"
         "### 3. 计算量\n\n乘加次数约为 `K × K × C_in × C_out × H_out × W_out`。\n")


def test_an_english_question_asking_the_title_question_gets_every_part():
    # e5 alone would put the output-size part ahead (this fake makes it stand out).
    def embed(texts):
        return np.array([[1.0, 0.0] if ("输出" in t or "output" in t) else [0.0, 1.0] for t in texts], np.float32)

    quoted = _quoted("How do you compute the output size and the number of parameters of a convolution layer?",
                     PARTS, "卷积层的输出尺寸和参数量怎么计算？", AnswerParams(part_quotes=0), Relevance(embed, embed))
    assert any("C_in × C_out + C_out" in s for s in quoted)
    assert any("O = (W - K + 2P) / S + 1" in s for s in quoted)


RNN = ("### 1. N vs 1\n\n输入是一个序列，输出是一个单独的值，常用于序列分类。\n\n"
       "### 2. N vs M\n\n这种结构又叫 Encoder-Decoder 模型，也叫 Seq2Seq 模型。Encoder 先把输入编码成上下文向量 c。"
       "Decoder 把 c 当做初始状态 h0，或者当做每一步的输入。\n\n"
       "### 3. 1 vs N\n\n输入不是序列而输出是序列，比如从图像生成文字。\n")


def test_terms_only_one_part_uses_point_at_that_part():
    quoted = _quoted("In an encoder-decoder (seq2seq) RNN, how does the decoder use the context vector?", RNN,
                     "RNN 有哪些结构？", AnswerParams(part_quotes=0))
    assert any("初始状态 h0" in s for s in quoted)
    assert not any("序列分类" in s or "图像生成文字" in s for s in quoted)


def test_a_list_answer_names_the_part_each_item_comes_from():
    section = ("### 1. 优点\n\n- 计算简单，收敛快\n- 正半轴不饱和\n\n### 2. 缺点\n\n- 负半轴梯度为 0，神经元可能死亡\n- 输出不是零均值\n")
    quoted = _quoted("ReLU 有哪些优缺点？", section, "ReLU 的优缺点", AnswerParams(part_quotes=0))
    assert quoted == ["优点", "计算简单，收敛快", "正半轴不饱和", "缺点", "负半轴梯度为 0，神经元可能死亡", "输出不是零均值"]


SPLIT = ("数据集怎么切分取决于数据量。小数据常用七比三的比例，大数据时验证和测试只需要很少一部分就够了。"
         "数据量再小一些时可以考虑交叉验证。切分时要当心：\n\n"
         "1. 各部分要来自同一个分布；\n2. 按时间排列的数据不能打乱；\n3. 同一个用户只能出现在一个部分里。\n")


def test_a_lead_in_added_for_one_part_of_the_question_stands_before_the_list_it_introduces():
    """"…怎么切分？切分时要当心什么？": the second part's best sentence is the lead-in "切分时要当心：", whose list the
    whole question already quoted; appended after the list it dangled at the end with nothing after it."""
    quoted = _quoted("数据集怎么切分？切分时要当心什么？", SPLIT, "数据集的切分", AnswerParams(max_chars=2000))
    assert "切分时要当心：" in quoted
    i = quoted.index("切分时要当心：")
    assert i + 1 < len(quoted) and quoted[i + 1].startswith("各部分要来自同一个分布")
