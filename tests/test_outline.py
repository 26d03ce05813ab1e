"""The outline keeps every statement of a `### N.M` part and the reading order around its lists."""

from __future__ import annotations

from assistant.answering.focus import focused
from assistant.answering.quoting import extractive_stream
from assistant.notes.keypoints import outline
from assistant.notes.markup import section_parts, sentences_of
from assistant.retrieval.results import Hit

RECEPTIVE_FIELD = """### 5.1 定义

感受野指的是特征图上的一个点在输入图像上能看到的区域大小。感受野越大，越偏全局语义。

### 5.2 计算方法

从第一层往后逐层递推：

`r_l = r_(l-1) + (k_l - 1) × s`

其中 `r_0 = 1`，`k_l` 是第 l 层的卷积核大小。也就是说，每层增加的感受野等于核大小减一乘以前面步长的累乘。

举例：

1. 两层 3x3、步长 1 的卷积，感受野是 5。
2. 一层 3x3 卷积接 2x2 池化，感受野依次为 3、4。

空洞卷积的等效核大小为 `k + (k-1)(d-1)`，可以在不增加参数的情况下扩大感受野。
"""

TWO_LISTS = """### 7.1 经典结构

序列数据很常见，例如：

1. 自然语言处理问题。每个词是一步输入。
2. 语音处理问题。每帧声音是一步输入。

为了建模序列，循环网络引入了隐状态。每一步使用的参数都是共享的，这是循环网络的重要特点。

适合这种等长结构的问题有：

1. 计算视频中每一帧的分类标签。
2. 输入为字符，输出为下一个字符的概率。
"""

SPARSE = """正则化是在损失函数后加一个惩罚项，最常用的是 L1 和 L2。

### 9.1 L1 正则化

L1 正则化加上所有权重的绝对值之和。它倾向于把很多权重压到 0。

### 9.2 L2 正则化

L2 正则化加上所有权重的平方和。它让权重整体变小，但一般不会恰好为 0。

### 9.3 为什么 L1 会产生稀疏解

可以从两个角度理解：

- **梯度角度**：L1 项的梯度大小恒为常数，权重很小时也会被推向 0。
- **几何角度**：L1 的约束区域是菱形，尖角落在坐标轴上，最优解容易落在尖角处。
"""


def test_a_part_with_a_list_keeps_its_prose_under_its_heading_and_prose_after_the_list_as_a_point():
    o = outline(RECEPTIVE_FIELD)
    every = [s for _, lines in section_parts(RECEPTIVE_FIELD) for s in sentences_of(lines)]
    assert set(every) <= set(o.sentences()), "no statement of the section is left out of the outline"
    part = [p for p in o.points if p.group == "计算方法"]
    assert part[0].kind == "heading" and part[0].lead == "计算方法"
    assert any("r_0 = 1" in s for s in part[0].support)
    assert [p.kind for p in part[1:]] == ["item", "item", "central"]
    assert part[-1].lead.startswith("空洞卷积"), "prose after the last item is not that item's support"
    assert not o.intro, "a section that starts with a part has no intro"


def test_prose_between_two_numbered_lists_is_its_own_point_in_reading_order():
    points = outline(TWO_LISTS).points
    leads = [p.lead for p in points]
    assert leads[0] == "经典结构" and leads[1:3] == ["自然语言处理问题。", "语音处理问题。"]
    assert points[2].support == ("每帧声音是一步输入。",)
    assert leads[3].startswith("为了建模序列") and points[3].kind == "central"
    assert leads[4:] == ["计算视频中每一帧的分类标签。", "输入为字符，输出为下一个字符的概率。"]


def test_a_part_named_by_the_question_is_its_focus_with_its_heading_and_items():
    o = outline(SPARSE)
    named = focused("为什么 L1 正则化会产生稀疏解？", o)
    assert [p.kind for p in named] == ["heading", "bullet", "bullet"]
    assert len(named) > len(o.points) / 2, "more than half of the points, still one part of three"


def test_a_prose_answer_quotes_statements_not_bare_headings():
    h = Hit("f.md", "f", "u9", 9, "L1 和 L2 正则化有什么区别？", "", "", "text", 10.0, 0.9, section=SPARSE)
    answer = "".join(extractive_stream("Why does L1 regularization give sparse weights?", [h], "H", "L"))
    quoted = [line for line in answer.splitlines() if line.lstrip().startswith("- ")]
    assert quoted
    headings = {p.lead for p in outline(SPARSE).points if p.kind == "heading"}
    assert not [line for line in quoted if line.lstrip()[2:].rsplit(" [", 1)[0] in headings]


LEAD_INS = """学习率决定每次参数更新的步长。

学习率过大的表现：

- 损失剧烈震荡，不下降甚至越来越大
- 严重时损失变成 NaN，训练发散

学习率过小的表现：

- 损失下降非常缓慢，浪费算力
- 长时间停在平坦区域，像训练卡住了

实践中常先做学习率范围测试，再配合学习率调度。
"""


def test_short_lines_ending_in_a_colon_head_their_lists_like_headings():
    o = outline(LEAD_INS)
    groups = {p.lead: p.group for p in o.points}
    assert groups["损失剧烈震荡，不下降甚至越来越大"] == "学习率过大的表现："
    assert groups["损失下降非常缓慢，浪费算力"] == "学习率过小的表现："
    # The heading line is nobody's support, and the prose after the last list is not that list's.
    assert not any("学习率过小的表现" in s for p in o.points for s in p.support)
    assert groups["实践中常先做学习率范围测试，再配合学习率调度。"] == ""
    # One such line is an ordinary lead-in: its list is not a part of its own.
    assert {p.group for p in outline(LEAD_INS.split("学习率过小的表现：")[0]).points} == {""}


def test_quoted_items_come_after_the_line_heading_their_list():
    hit = Hit("n.md", "n", "1", 1, "学习率怎么设置？", "", "", "text", 5.0, 0.8, section=LEAD_INS)
    lines = "".join(extractive_stream("学习率太大或太小有哪些表现？", [hit], "H", "L")).splitlines()
    heads = [i for i, line in enumerate(lines) if line.startswith("- 学习率过")]
    # Each heading line at the top level, right before its first item; never nested under the other list's item.
    assert [lines[i] for i in heads] == ["- 学习率过大的表现： [1]", "- 学习率过小的表现： [1]"]
    assert lines[heads[0] + 1].startswith("- 损失剧烈震荡") and lines[heads[1] + 1].startswith("- 损失下降非常缓慢")


def test_a_point_label_keeps_the_underscores_and_products_of_its_formula():
    from assistant.notes.keypoints import outline

    body = "1. 输入矩阵形状：(n_samples, dim_input)\n2. **输出**：z = b + w1*x1 + w2*x2\n"
    assert [p.label for p in outline(body).points] == ["输入矩阵形状：(n_samples, dim_input)", "输出：z = b + w1*x1 + w2*x2"]
    assert outline("- 参数量为 K×K×C_in×C_out\n- 另一点\n").points[0].label == "参数量为 K×K×C_in×C_out"


def test_a_sentence_that_only_introduces_an_example_or_a_figure_is_never_a_point():
    from assistant.notes.keypoints import outline

    section = ("以 FaceBook DeepFace 为例：\n\n"
               "DeepFace 先进行了两次全卷积加一次池化，提取了低层次的边缘和纹理等特征。\n\n"
               "在单变量的情形下，优化问题最直观的困难就是有很多局部极值，如\n\n"
               "后接了三个 Local-Conv 层，因为人脸不同区域的特征不同，Local-Conv 更适合提取这些特征。\n\n"
               "Local-Conv 不共享权值，每个区域的卷积核参数各不相同，所以参数比普通卷积多。\n")
    leads = [p.lead for p in outline(section).points]
    assert leads and not any("为例" in lead or lead.rstrip().endswith("如") for lead in leads), leads


def test_a_question_for_a_drawback_is_answered_by_the_sentence_that_names_one_first():
    from assistant.interview.notebook import Notebook
    from tests.conftest import CORPUS

    nb = Notebook.from_files([CORPUS])
    note = nb.by_number(32)
    hit = Hit("c.md", note.file_key, note.uid, 32, note.title, "", "", "text", 5.0, 0.8, section=nb.reference(note).body)
    bullets = [x for x in "".join(extractive_stream("sigmoid 有什么缺点？", [hit], "H", "L")).splitlines() if x.startswith("- ")]
    assert len(bullets) > 1 and "不足之处" in bullets[0]  # it came last of nine, in reading order
    plain = [x for x in "".join(extractive_stream("简单说下 sigmoid 激活函数", [hit], "H", "L")).splitlines() if x.startswith("- ")]
    assert "不足之处" not in plain[0]  # a question asking no aspect keeps the reading order


def test_a_forum_answers_opening_about_the_thread_is_not_quoted():
    """Blind CLI QA: answers quoted "这个条件前面很多答主都提到了，…" and "个人理解，…"; the rest of such a sentence is
    quoted without its opening, still verbatim. Lines written for this test."""
    from assistant.notes.markup import sentences_of

    lines = ["即梯度不会消失。这个性质前面好几位答主都讲过，是深层网络能训练的前提。",
             "个人理解，它让损失曲面更平滑。正如楼主所说，这类方法很多。我觉得效果一般。"]
    assert sentences_of(lines) == ["即梯度不会消失。", "是深层网络能训练的前提。", "它让损失曲面更平滑。", "这类方法很多。"]
    body = "\n".join(lines)
    assert all(s in body for s in sentences_of(lines))  # still verbatim


KERNEL_LISTS = """卷积核大小要按任务选择。

大 kernel 的特点：

- 感受野大，一层就能看到更大的范围；
- 参数多，计算量大；
- 容易过拟合。

小 kernel 的特点：

- 参数少，可以堆叠多层来扩大感受野；
- 非线性更多，表达能力更强。
"""


def test_a_list_whose_lead_in_line_the_question_names_is_its_focus():
    # The two lead-in lines differ in one character: too little for term overlap or e5 to tell the lists apart.
    o = outline(KERNEL_LISTS)
    small = focused("小 kernel 有什么好处？", o)
    assert [p.lead for p in small] == ["参数少，可以堆叠多层来扩大感受野；", "非线性更多，表达能力更强。"]
    # the first list holds more than half of the points: named by its lead-in line, it is still the focus
    assert len(focused("大 kernel 有什么缺点", o)) == 3
    assert focused("大 kernel 和小 kernel 各有什么特点", o) == []  # both lists: the whole section
    rates = outline(KERNEL_LISTS.replace("大 kernel", "学习率过大").replace("小 kernel", "学习率过小"))
    assert focused("学习率过大和过小分别会怎样", rates) == []  # "过小" names the second list too
