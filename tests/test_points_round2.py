"""Round 2 of the point-by-point model: e5-ranked quotes, nested lists, title-aware focus, negated objects."""

from __future__ import annotations

import numpy as np

from assistant.answering.extractive import select_quotes
from assistant.answering.focus import focused
from assistant.answering.params import AnswerParams
from assistant.answering.relevance import Relevance
from assistant.notes.keypoints import outline
from assistant.notes.polarity import conflict, negated_claim

SECTION = """**池化（pooling）** 是对局部区域做汇总的操作。它的好处有两个：

1. 降低特征图尺寸，减少后续计算；
2. 带来一定的平移不变性。

**归一化（normalization）** 让每层输入的分布更稳定。训练时用批内统计量，推理时用滑动平均。
"""


def test_a_list_announced_by_a_colon_supports_the_point_above():
    o = outline(SECTION)
    assert [p.label for p in o.points] == ["池化（pooling）", "归一化（normalization）"]
    assert any("平移不变性" in s for s in o.points[0].support)


def test_focus_ignores_names_the_title_shares_but_keeps_a_part_of_it():
    o = outline(SECTION)
    title = "池化和归一化是什么？"
    assert focused("池化和归一化是什么？有哪些区别", o, title) == []
    assert [p.label for p in focused("池化有哪些好处？", o, title)] == ["池化（pooling）"]
    # Points named in Chinese only: an English question names them through the glossary.
    chinese = outline("**1. 非线性：** 即导数不是常数。\n\n**2. 计算简单：** 计算次数多。\n\n**3. 参数少：** 大多没有参数。\n")
    assert [p.label for p in focused("Why must an activation be nonlinear?", chinese)] == ["非线性"]
    assert focused("Why must an activation be smooth?", chinese) == []


def test_a_question_rewording_a_subheading_is_about_that_part():
    o = outline("### 1 Dropout\n\n训练时随机丢弃神经元。\n\n### 2 Dropout 为什么能防止过拟合\n\n"
                "- **集成角度**：相当于训练了很多子网络。\n- **共适应角度**：减少神经元之间的共适应。\n\n"
                "### 3 推理时怎么处理\n\n推理时不丢弃，输出乘以保留概率。\n")
    # "Dropout" names the first part exactly, but the question words the second part's heading.
    assert {p.group for p in focused("为什么 Dropout 可以防止模型过拟合？", o)} == {"Dropout 为什么能防止过拟合"}
    twins = outline("### 1 L1 正则化的稀疏性\n\nL1 使权重稀疏。\n\n### 2 L2 正则化的稀疏性\n\nL2 一般不稀疏。\n\n"
                    "### 3 其他\n\n略。\n\n### 4 小结\n\n略。\n")
    assert focused("L1 与 L2 正则化在稀疏性上有何不同？", twins) == []  # two headings worded equally: no focus


def test_asking_how_to_compute_brings_the_formula():
    section = ("**步长** 是卷积核每次滑动的距离。步长越大输出越小。\n\n**填充** 是在输入边缘补零。填充可以保持输出尺寸。"
               "填充让边缘像素被更多次利用。输出尺寸按 `O = (W - K + 2P) / S + 1` 计算。\n")
    flat = Relevance(lambda t: np.ones((len(t), 2), np.float32), lambda t: np.ones((len(t), 2), np.float32))  # e5 neutral
    params = AnswerParams(central_quotes=1, part_quotes=0, list_supports=1)

    def quoted(question: str, p: AnswerParams) -> str:
        return " ".join(q.text for q in select_quotes(question, [_Hit(section)], p, flat))  # type: ignore[list-item]

    assert "O = (W - K + 2P) / S + 1" in quoted("How do you calculate the output size?", params)
    assert "O = (W - K + 2P)" not in quoted("How do you calculate the output size?", AnswerParams(
        central_quotes=1, part_quotes=0, list_supports=1, formula_bonus=0.0))


class _Hit:
    def __init__(self, section: str) -> None:
        self.kind, self.section, self.score, self.title = "text", section, 5.0, "池化和归一化是什么？"


def test_english_questions_pick_supporting_sentences_by_e5():
    # A fake embedder: the question and the sentence about inference share a direction.
    def query(texts):
        return np.array([[1.0, 0.0] if "inference" in t else [0.0, 1.0] for t in texts], dtype=np.float32)

    def passage(texts):
        return np.array([[1.0, 0.0] if "推理" in t else [0.0, 1.0] for t in texts], dtype=np.float32)

    rel = Relevance(query, passage)
    quotes = select_quotes("What is used at inference time for normalization?", [_Hit(SECTION)],  # type: ignore[list-item]
                           AnswerParams(list_supports=1, central_quotes=1, central_quotes_cross=1), rel)
    # The one quote e5 picks, and (the question names the normalization point) that point's lead; no pooling.
    assert [q.text for q in quotes] == ["**归一化（normalization）** 让每层输入的分布更稳定。", "训练时用批内统计量，推理时用滑动平均。"]


def test_negated_claims_need_the_negated_words_in_the_note():
    assert negated_claim("训练时不要使用 Adam", "训练时使用 Adam 优化器")
    assert not negated_claim("最好不要饱和", "输入再大也不会饱和")  # both sides negate it
    assert not negated_claim("这样做没有坏处", "训练时使用 Adam 优化器")  # about something else
    assert conflict("数据应该先随机打乱", "数据不能随机打乱") is not None  # a dropped negation, both Chinese
    assert conflict("Never use Adam for this.", "训练时使用 Adam 优化器") is not None  # across languages: cue count


def test_a_condition_or_a_thing_hard_to_reach_is_not_affirmed_by_the_note():
    # "If all weights are 0, every neuron computes the same output" sets up a case; it does not recommend it.
    assert not negated_claim("权重不能全初始化成 0", "如果把所有权重都初始化为 0，同一层的神经元输出完全相同")
    # 很难找到局部极值 does not affirm local extrema, so denying them agrees with it ...
    assert not negated_claim("大部分临界点是鞍点，不是局部极值", "在后两种情况下，是很难找到局部极值的")
    # ... but the noun 困难 (difficulty) negates nothing.
    assert negated_claim("训练的主要困难不是局部极值", "训练的主要困难是局部极值")


def test_a_blockquote_marker_is_not_quoted():
    from assistant.notes.keypoints import outline

    body = "有两个原因：\n\n1. **第一个原因**\n\n  > 训练会变得很不稳定。——某本书\n\n2. **第二个原因**\n\n  学习率过大也会出问题。\n"
    supports = [s for p in outline(body).points for s in p.sentences]
    assert any(s.startswith("训练会变得很不稳定") for s in supports)
    assert not any(s.lstrip().startswith(">") for s in supports)


def test_each_part_of_a_multi_part_question_gets_its_own_quotes():
    from assistant.answering.shapes import question_parts

    assert question_parts("卷积的输出尺寸怎么计算？stride 和 padding 有什么作用？") == [
        "卷积的输出尺寸怎么计算？", "stride 和 padding 有什么作用？"]
    assert question_parts("Why? Give an example.") == ["Why? Give an example."]  # "Why?" alone asks nothing
    assert question_parts("What is pooling?") == ["What is pooling?"]
    assert question_parts("Why must it be nonlinear, and what is dying ReLU?") == [
        "Why must it be nonlinear", "what is dying ReLU?"]  # the joint "and" is no part of what is asked
    assert question_parts("What are MSE, MAE and Huber?") == ["What are MSE, MAE and Huber?"]  # a list, one question
    prose = "池化是对局部区域做汇总的操作。池化降低特征图尺寸。归一化让每层输入的分布更稳定。推理时用训练中累计的滑动平均。"

    # The whole question and its first part point at pooling; only the second part ("an example") at the last sentence.
    def query(texts):
        return np.array([[0.0, 1.0] if "example" in t and "pool" not in t else [1.0, 0.0] for t in texts], dtype=np.float32)

    def passage(texts):
        return np.array([[0.0, 1.0] if "滑动平均" in t else [1.0, 0.0] for t in texts], dtype=np.float32)

    rel = Relevance(query, passage)
    hit = _Hit(prose)
    one = select_quotes("Why pool? Give an example.", [hit], AnswerParams(central_quotes=1, central_quotes_cross=1, part_quotes=0), rel)  # type: ignore[list-item]
    two = select_quotes("Why pool? Give an example.", [hit], AnswerParams(central_quotes=1, central_quotes_cross=1, part_quotes=1), rel)  # type: ignore[list-item]
    assert "推理时用训练中累计的滑动平均。" not in [q.text for q in one]
    texts = [q.text for q in two]
    assert "推理时用训练中累计的滑动平均。" in texts and texts == sorted(texts, key=prose.index)  # added, in reading order


def test_english_questions_on_chinese_notes_get_more_central_quotes():
    # Ranked by e5 alone (no shared words), an English question's best sentences sit lower: it gets central_quotes_cross.
    prose = "池化是对局部区域做汇总的操作。池化降低特征图尺寸。池化带来一定的平移不变性。归一化让每层输入的分布更稳定。"
    flat = Relevance(lambda t: np.ones((len(t), 2), np.float32), lambda t: np.ones((len(t), 2), np.float32))
    params = AnswerParams(central_quotes=1, central_quotes_cross=3, part_quotes=0)
    assert len(select_quotes("Why is pooling useful?", [_Hit(prose)], params, flat)) == 3  # type: ignore[list-item]
    assert len(select_quotes("池化为什么有用？", [_Hit(prose)], params, flat)) == 1  # type: ignore[list-item]
    english = "Pooling summarises a local region. It shrinks the feature map. It adds some invariance to shifts. It is cheap."
    assert len(select_quotes("Why is pooling useful?", [_Hit(english)], params, flat)) == 1  # type: ignore[list-item]


def test_extra_english_quotes_must_be_about_the_question():
    # e5 puts the question next to the two pooling sentences only; the normalisation ones are below the section's mean.
    prose = "池化是对局部区域做汇总的操作。归一化让每层输入的分布更稳定。池化降低特征图尺寸。归一化的参数也要学习。"
    rel = Relevance(lambda t: np.array([[1.0, 0.0]] * len(t), np.float32),
                    lambda t: np.array([[1.0, 0.0] if "池化" in x else [0.0, 1.0] for x in t], np.float32))
    kept = select_quotes("Why is pooling useful?", [_Hit(prose)],  # type: ignore[list-item]
                         AnswerParams(central_quotes=1, central_quotes_cross=3, cross_min_z=0.0, part_quotes=0), rel)
    assert [q.text for q in kept] == ["池化是对局部区域做汇总的操作。", "池化降低特征图尺寸。"]
    loose = select_quotes("Why is pooling useful?", [_Hit(prose)],  # type: ignore[list-item]
                          AnswerParams(central_quotes=1, central_quotes_cross=3, cross_min_z=-9.0, part_quotes=0), rel)
    assert len(loose) == 3


def test_a_question_that_asks_the_sections_own_question_gets_more_of_it():
    prose = ("池化是对局部区域做汇总的操作。池化降低特征图尺寸。池化带来一定的平移不变性。归一化让每层输入的分布更稳定。"
             "训练时用批内统计量。推理时用滑动平均。")
    flat = Relevance(lambda t: np.ones((len(t), 2), np.float32), lambda t: np.ones((len(t), 2), np.float32))
    params = AnswerParams(central_quotes=2, title_factor=2, title_overlap=0.6, part_quotes=0)
    assert len(select_quotes("池化和归一化是什么？", [_Hit(prose)], params, flat)) == 4  # type: ignore[list-item]  # the title's
    assert len(select_quotes("池化为什么有用？", [_Hit(prose)], params, flat)) == 2  # type: ignore[list-item]


def test_a_central_question_about_one_point_quotes_all_that_point_says():
    flat = Relevance(lambda t: np.ones((len(t), 2), np.float32), lambda t: np.ones((len(t), 2), np.float32))
    texts = [q.text for q in select_quotes("池化为什么有用？", [_Hit(SECTION)], AnswerParams(central_quotes=1), flat)]  # type: ignore[list-item]
    pooling = outline(SECTION).points[0]
    assert all(s in texts for s in pooling.sentences)  # the lead and both benefits
    assert not any("推理时" in t for t in texts)  # nothing of the other point beyond the one central quote
    assert texts == sorted(texts, key=SECTION.index)


PROPERTIES = """**1. 可微性：** 优化需要梯度。tanh 处处可微。

**2. 非饱和性：** 饱和指梯度接近于零。ReLU 在 x<0 时梯度为 0，这称为 dying ReLU。Leaky ReLU 正是为了解决这一问题。

**3. 计算简单：** ReLU 只需一次比较，比 GELU 便宜。
"""


def test_a_central_question_on_a_name_one_point_writes_quotes_that_point():
    """"Leaky ReLU" and "dying ReLU" are written in the non-saturation point alone ("ReLU" in two, so it tells nothing):
    a central question naming them gets all that point says and little else; a name written in two points, or a
    list question, keeps the answer as it was."""
    from assistant.answering.focus import mentioned_point

    o = outline(PROPERTIES)
    assert [p.label for p in mentioned_point("Leaky ReLU 是为了解决什么问题？", o)] == ["非饱和性"]
    assert [p.label for p in mentioned_point("What is dying ReLU?", o)] == ["非饱和性"]
    assert mentioned_point("ReLU 有什么特点？", o) == []  # in points 2 and 3
    assert mentioned_point("GELU 和 Leaky ReLU 差在哪？", o) == []  # two names, written in two points
    flat = Relevance(lambda t: np.ones((len(t), 2), np.float32), lambda t: np.ones((len(t), 2), np.float32))
    texts = [q.text for q in select_quotes("What is dying ReLU?", [_Hit(PROPERTIES)], AnswerParams(central_quotes=1,
                                                                                               focus_others=0), flat)]  # type: ignore[list-item]
    assert texts == list(o.points[1].sentences)


def test_a_comparison_of_names_one_point_writes_quotes_that_point():
    """Blind web QA (2026-12-06): "L1 和 L2 正则化有什么区别？" quoted every fix of 第28题, though its weight-regularisation
    point alone writes L1 and L2. A comparison of names one point writes is answered from that point; a list question
    ("有哪些…") still gets every point."""
    fixes = ("1. 重新设计网络\n\n   用更少的层。\n\n2. 梯度截断\n\n   超过阈值就截断。\n\n"
             "3. 权重正则化\n\n   惩罚大的权重，常用 L1 惩罚项（绝对值）或 L2 惩罚项（平方）。\n")
    flat = Relevance(lambda t: np.ones((len(t), 2), np.float32), lambda t: np.ones((len(t), 2), np.float32))

    def quoted(question: str) -> list[str]:
        return [q.text for q in select_quotes(question, [_Hit(fixes)], AnswerParams(), flat)]  # type: ignore[list-item]

    compared = quoted("L1 和 L2 正则化有什么区别？")
    assert compared and all("截断" not in t and "更少的层" not in t for t in compared), compared
    assert any("L1" in t for t in compared)
    listed = quoted("梯度爆炸有哪些解决方法，比如 L1 正则化？")
    assert any("截断" in t for t in listed) and any("L1" in t for t in listed), listed


def test_a_comparison_with_mei_you_or_not_as_is_no_negation():
    # "没有想象中那么可怕" says less frightening than imagined; it denies nothing the note says.
    assert conflict("局部最优没有想象中那么可怕。", "在后两种情况下，是很难找到局部极值的，更别说全局最优了。") is None
    assert conflict("Local minima are not as bad as people think.", "局部极值并不可怕") is None
    # Without the comparison, 没有 and not still negate.
    assert conflict("训练时没有使用 Adam 优化器", "训练时使用 Adam 优化器") is not None
    assert conflict("Adam is not used for this.", "训练时使用 Adam 优化器") is not None


def test_a_quoted_supporting_sentence_comes_with_its_items_lead():
    # "传统的激活函数如 sigmoid 等满足处处可微" quoted alone does not say which property it illustrates: its item's lead comes too.
    section = ("**1. 非线性：** 即导数不是常数。保证多层网络不退化成单层线性网络。\n\n"
               "**2. 几乎处处可微：** 可微性保证了梯度的可计算性。传统的激活函数如 sigmoid 等满足处处可微。\n")
    flat = Relevance(lambda t: np.ones((len(t), 2), np.float32), lambda t: np.ones((len(t), 2), np.float32))
    quotes = select_quotes("传统的激活函数 sigmoid 满足哪个条件", [_Hit(section)], AnswerParams(central_quotes=1, part_quotes=0), flat)  # type: ignore[list-item]
    assert [q.text for q in quotes] == ["**2. 几乎处处可微：** 可微性保证了梯度的可计算性。", "传统的激活函数如 sigmoid 等满足处处可微。"]
    assert quotes[0].rank == quotes[1].rank  # kept or cut together
    # Asked as a yes/no question (one fact, onefact.py), the sentence that answers it comes first; its lead still comes
    # with it, kept or cut together.
    quotes = select_quotes("传统的激活函数 sigmoid 满足吗？", [_Hit(section)], AnswerParams(central_quotes=1, part_quotes=0), flat)  # type: ignore[list-item]
    assert [q.text for q in quotes] == ["传统的激活函数如 sigmoid 等满足处处可微。", "**2. 几乎处处可微：** 可微性保证了梯度的可计算性。"]
    assert quotes[0].rank == quotes[1].rank


def test_quotes_after_a_link_only_section_are_headed_as_other_sections():
    """The best section has only links: they are listed, then the next section's quotes under a line saying they come
    from elsewhere ("如何理解LSTM网络？" ran on into 第29题's shapes as if they were the answer, blind web QA)."""
    from assistant.answering.quoting import extractive_stream

    links = _Hit("> [理解 LSTM 网络](https://www.jianshu.com/p/9d) - 简书")
    links.kind = "link-only"
    flat = Relevance(lambda t: np.ones((len(t), 2), np.float32), lambda t: np.ones((len(t), 2), np.float32))
    text = "".join(extractive_stream("池化是什么？", [links, _Hit(SECTION)], "", "LINKS:",  # type: ignore[list-item]
                                     relevance=flat, others_note="ELSEWHERE:"))
    assert text.index("LINKS:") < text.index("[理解 LSTM 网络](https://www.jianshu.com/p/9d) [1]") < text.index("ELSEWHERE:")
    assert text.index("ELSEWHERE:") < text.index("[2]")
    plain = "".join(extractive_stream("池化是什么？", [_Hit(SECTION)], "", "LINKS:", relevance=flat,  # type: ignore[list-item]
                                      others_note="ELSEWHERE:"))
    assert "ELSEWHERE:" not in plain and "LINKS:" not in plain


def test_pros_or_cons_of_a_name_no_point_is_about_quote_what_the_notes_say_of_it():
    """Blind CLI QA (2026-12-06): "ReLU 有什么缺点？" quoted all nine properties of activation functions, though the
    notes state ReLU's weak spot (gradient 0 for x<0) in no word for "drawback". Such a question gets the sentences
    writing the name, as a word ("PReLU" does not write ReLU); a question asking more, or about the title's topic, or
    with an aspect the notes state in words, does not."""
    from assistant.answering.focus import name_sentences

    notes = PROPERTIES + "\n**4. 参数少：** 大多没有参数。PReLU 带一个参数。\n"
    o = outline(notes)
    said = name_sentences("ReLU 有什么缺点？", o)
    assert said and all("ReLU" in s for s in said) and any("dying ReLU" in s for s in said)
    assert not any("PReLU" in s for s in said) and not any("tanh" in s for s in said)
    assert name_sentences("ReLU 是什么，有什么缺点？", o) == []  # asks a definition too
    assert name_sentences("ReLU 有什么缺点？", o, title="ReLU 激活函数") == []  # the section's own topic
    assert name_sentences("Swish 有什么缺点？", o) == []  # not written here
    flat = Relevance(lambda t: np.ones((len(t), 2), np.float32), lambda t: np.ones((len(t), 2), np.float32))
    texts = [q.text for q in select_quotes("What are the drawbacks of ReLU?", [_Hit(notes)],  # type: ignore[list-item]
                                           AnswerParams(focus_others=0), flat)]
    assert texts and all("ReLU" in t for t in texts) and not any("PReLU" in t for t in texts)


def test_a_property_named_by_its_negation_is_asked_about_by_what_it_negates():
    """"激活函数的饱和性是什么意思？" asks about the point "非饱和性" (blind CLI QA quoted the whole outline)."""
    from assistant.answering.focus import focused

    o = outline(PROPERTIES)
    assert [p.label for p in focused("激活函数的饱和性是什么意思？", o)] == ["非饱和性"]
    assert [p.label for p in focused("非饱和性指什么？", o)] == ["非饱和性"]



def test_what_is_up_with_something_is_no_list_question():
    """"Maxout 的参数量是怎么回事？" (blind CLI QA) quoted all nine properties of activation functions: "怎么回事" (what is
    going on with) was read as a list question ("怎么…")."""
    from assistant.answering.shapes import question_kind

    assert question_kind("Maxout 的参数量是怎么回事？") == "central" and question_kind("怎么防止过拟合？") == "list"


def test_a_lower_case_word_of_a_chinese_question_is_no_name_of_one_point():
    """Taking every Latin word of a Chinese question for a name (to find "Maxout") made a broad question on a section
    about batch sizes quote only the point that happens to write "batch size" (a scan of the covered tuning queries)."""
    from assistant.answering.focus import mentioned_point

    notes = ("1. 显存\n\n   显存决定了能用多大的 batch size。\n\n2. 泛化\n\n   小批量的噪声有助于泛化。\n\n"
             "3. 学习率\n\n   批量变大时学习率通常也要调大。\n")
    assert mentioned_point("batch size 到底选大的好还是小的好？", outline(notes)) == []
