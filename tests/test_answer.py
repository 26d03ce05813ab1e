"""Extractive answers quote the notes verbatim; the citation filter keeps only valid [n]."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.answering.citations import CitationFilter, check_citations, filter_stream
from assistant.notes.text import candidate_sentences, strip_footnotes

QUOTE = re.compile(r"^- (.+) \[(\d+)\]$")


@pytest.mark.parametrize("question", [
    "如何修复梯度爆炸？", "What is the default clipnorm value in Keras?", "RNN 的 1 VS N 结构能做什么",
    "GRU 和 LSTM 的区别", "激活函数需要哪些性质", "为什么梯度下降容易陷入局部最优却还被广泛使用",
])
def test_every_quoted_sentence_is_verbatim_in_its_cited_section(offline_assistant, question):
    result = offline_assistant.ask(question)
    assert result.mode == "extractive" and result.covered
    quotes = [QUOTE.match(line) for line in result.answer.splitlines() if line.startswith("- ")]
    assert quotes and all(quotes)
    for m in quotes:
        n = int(m.group(2))
        assert 1 <= n <= len(result.hits)
        assert m.group(1) in strip_footnotes(result.hits[n - 1].section)
    assert result.citations and result.invalid_citations == []


def test_extractive_answer_says_it_is_quoting(offline_assistant):
    zh = offline_assistant.ask("什么是梯度爆炸？").answer
    en = offline_assistant.ask("What is gradient explosion?").answer
    assert "摘录模式" in zh.splitlines()[0]
    assert "Extractive mode" in en.splitlines()[0]


def test_not_covered_answer_has_no_citations(offline_assistant):
    result = offline_assistant.ask("今天天气怎么样？")
    assert not result.covered and result.citations == [] and "笔记中没有涉及" in result.answer


def test_a_formula_the_notes_do_not_write_is_declined_as_such(offline_assistant):
    result = offline_assistant.ask("Write out the formula of the GRU reset gate.")
    assert not result.covered and result.citations == []
    assert "do not write out the formula" in result.answer and "GRU" in result.answer  # the nearest section named


@pytest.mark.parametrize("question", ["梯度消失怎么解决？", "How do I fix vanishing gradients?"])
def test_a_question_about_the_twin_of_a_sections_topic_is_declined(offline_assistant, question):
    """Blind QA: "梯度消失怎么解决？" was answered with 第28题's fixes for exploding gradients, no warning."""
    result = offline_assistant.ask(question)
    assert not result.covered and result.citations == [] and "第28题" in result.answer
    assert "相反的情形" in result.answer or "opposite case" in result.answer
    assert offline_assistant.ask("梯度爆炸怎么解决？").covered


def test_candidate_sentences_skip_links_images_and_code():
    body = "> [src](http://x)\n\n<img src=\"a.png\">\n\n```\ncode line here\n```\n- **重点句子在这里**。另一句话也在这里！"
    assert candidate_sentences(body) == ["**重点句子在这里**。", "另一句话也在这里！"]


def test_citation_filter_handles_markers_split_across_pieces():
    f = CitationFilter(2)
    out = "".join(filter_stream(["答案 [", "1", "] 和 [", "3] 以及 [2", "]。"], f))
    assert out == "答案 [1] 和 以及 [2]。"  # the space before the removed [3] went with it
    assert f.used == [1, 2] and f.invalid == [3]


def test_check_citations_keeps_non_numeric_brackets():
    text, used, invalid = check_citations("见 [1][9]，数组 a[i] 和 [x]", 1)
    assert text == "见 [1]，数组 a[i] 和 [x]" and used == [1] and invalid == [9]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="[]0123456789 ab中。", max_size=60), st.lists(st.integers(0, 60), max_size=8), st.integers(0, 5))
def test_streaming_filter_equals_batch_and_leaves_no_invalid_marker(text, cuts, n_sources):
    points = sorted(set(cuts)) + [len(text)]
    pieces, start = [], 0
    for p in points:
        pieces.append(text[start:p])
        start = max(start, p)
    streamed = "".join(filter_stream(pieces, CitationFilter(n_sources)))
    batch, used, _ = check_citations(text, n_sources)
    assert streamed == batch
    assert all(1 <= int(n) <= n_sources for n in re.findall(r"\[(\d{1,3})\]", batch))
    assert all(1 <= n <= n_sources for n in used)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="ab 中文。.!？*-1>[]()", max_size=30), max_size=6))
def test_candidate_sentences_are_substrings_of_the_body(lines):
    body = "\n".join(lines)
    for sentence in candidate_sentences(body):
        assert sentence in strip_footnotes(body)
        # Bold stays balanced unless the source line itself is unbalanced.
        assert sentence.count("**") % 2 == 0 or any(sentence in strip_footnotes(ln) and ln.count("**") % 2 for ln in lines)


def test_footnote_markers_of_the_notes_never_look_like_citations(offline_assistant):
    result = offline_assistant.ask("激活函数为什么需要几乎处处可微？ReLU 的不可微点有影响吗")
    assert result.hits[0].question == 21 and "[1]" in result.hits[0].section
    for line in result.answer.splitlines():
        if line.startswith("- "):
            assert len(re.findall(r"\[\d+\]", line)) == 1  # only the assistant's own marker


def _hit(n: int, score: float, body: str):
    from assistant.retrieval.results import ChunkHit, Hit

    chunk = ChunkHit(f"c{n}", body, body, "", score, 0.9)
    return Hit("notes.md", "notes-1", str(n), n, f"题{n}", "", "", "text", score, 0.9, [chunk], body)


def test_a_second_section_is_quoted_only_when_close_and_answering_another_part():
    from assistant.answering.extractive import select_quotes
    from assistant.answering.params import AnswerParams

    gap = AnswerParams().second_source_gap
    first = _hit(28, 6.0, "梯度截断可以缓解梯度爆炸问题。")
    close = _hit(27, 6.0 - gap + 0.1, "训练中梯度爆炸问题会伴随一些信号。")
    far = _hit(27, 6.0 - gap - 0.1, "训练中梯度爆炸问题会伴随一些信号。")
    two_parts = "如何修复梯度爆炸问题？训练中有什么信号？"
    assert {q.n for q in select_quotes(two_parts, [first, close])} == {1, 2}
    assert {q.n for q in select_quotes(two_parts, [first, far])} == {1}
    assert {q.n for q in select_quotes("如何修复梯度爆炸问题？", [first, close])} == {1}, "nothing new in [2]"


def test_a_quoted_sentence_ending_in_a_colon_brings_what_it_introduces():
    from assistant.answering.extractive import select_quotes

    body = ("卷积层有两个要点。\n\n输出尺寸的计算公式为：\n\n`O = (W - K + 2P) / S + 1`\n\n其中 W 是输入尺寸。\n\n"
            + "".join(f"第{i}种卷积核的尺寸常用奇数，计算输出尺寸时要注意填充。\n\n" for i in range(8)))
    texts = [q.text for q in select_quotes("输出尺寸的计算公式是什么？", [_hit(7, 6.0, body)])]
    assert "输出尺寸的计算公式为：" in texts
    assert texts[texts.index("输出尺寸的计算公式为：") + 1] == "`O = (W - K + 2P) / S + 1`"



def test_a_list_question_on_a_long_section_in_parts_hears_of_every_part():
    """More points than an answer holds, in ### parts: one bullet per part title, not the first parts' items only."""
    from assistant.answering.extractive import select_quotes
    from assistant.answering.params import AnswerParams

    parts = {"1.1 编码器": ["输入序列逐步读入。", "每一步更新隐状态。", "最后得到上下文向量。"],
             "1.2 注意力": ["计算对齐分数。", "对分数做归一化。", "加权求和得到上下文。"],
             "1.3 解码器": ["把上下文向量作为初始状态。", "逐步生成输出序列。", "直到生成结束符。"]}
    body = "\n\n".join(f"### {title}\n\n" + "\n".join(f"- {item}" for item in items) for title, items in parts.items())
    quotes = select_quotes("这个模型由哪些部分组成？", [_hit(9, 6.0, body)], AnswerParams(max_points=4))
    assert [q.text for q in quotes if q.level == 0] == ["编码器", "注意力", "解码器"]
    assert all(q.text in body for q in quotes)
    few = select_quotes("这个模型由哪些部分组成？", [_hit(9, 6.0, body)], AnswerParams(max_points=10))
    # Few enough points to list them all: each part's items, after its title.
    assert [q.text for q in few if q.level == 0][:5] == ["编码器", "输入序列逐步读入。", "每一步更新隐状态。", "最后得到上下文向量。", "注意力"]


def test_a_question_about_a_bare_list_item_hears_that_the_notes_say_no_more(offline_assistant):
    """第38题 only lists "Dropout": asked why it works, the answer quotes the item alone and says the notes stop there,
    instead of quoting the list's other items as if they explained it."""
    zh = offline_assistant.ask("dropout为什么能防止过拟合").answer
    assert "只列出了「Dropout」" in zh
    assert [line for line in zh.splitlines() if line.startswith("- ")] == ["- Dropout [1]"]
    assert 'only list "Dropout"' in offline_assistant.ask("Why does dropout reduce overfitting?").answer
    # A question about the whole list, or about a point the notes explain, hears no such thing.
    assert "只列出了" not in offline_assistant.ask("防止过拟合有哪些办法").answer
    assert "只列出了" not in offline_assistant.ask("梯度截断是什么").answer


def test_a_question_naming_one_point_is_not_padded_with_the_other_points(offline_assistant):
    """Asked about gradient clipping, the answer quotes that point of 第28题, not the weight-regularisation point too."""
    answer = offline_assistant.ask("What is gradient clipping and when should I use it?").answer
    assert "clipnorm" in answer and "使用权重正则化" not in answer



def test_context_after_a_focused_answer_adds_something_asked(offline_assistant):
    """Blind web QA: a focused answer was followed by other central lines that answered nothing asked: "What is gradient
    clipping?" ended with 第28题's ReLU point, "激活函数为什么要非线性？" with the 计算简单 and 参数少 properties. The
    context lines now share a term of the question that the focus lacks."""
    clipping = offline_assistant.ask("What is gradient clipping?").answer
    assert "clipnorm" in clipping and "ReLU" not in clipping
    seq2seq = offline_assistant.ask("Explain how an encoder-decoder (seq2seq) RNN works.").answer
    assert "Decoder" in seq2seq and "最基本的单层网络" not in seq2seq


def test_no_sentence_is_quoted_twice(offline_assistant):
    """Blind web QA: "What is the difference between an RNN and a feedforward network?" quoted "RNNs 的目的使用来处理序列数据"
    twice in a row, as the definition's opening sentence and as the first point's lead."""
    answer = offline_assistant.ask("什么是RNN？它和普通的前馈神经网络有什么不同？").answer
    lines = [line.strip() for line in answer.splitlines() if line.strip().startswith("- ")]
    assert "RNNs 的目的使用来处理序列数据" in answer and len(lines) == len(set(lines))

def test_what_a_question_sets_aside_is_not_its_focus(offline_assistant):
    """"除了 Dropout，…" asks for the rest of 第38题's list, not about Dropout."""
    for question in ("除了 Dropout，还有什么办法防止过拟合？", "Apart from dropout, how else can I prevent overfitting?"):
        answer = offline_assistant.ask(question).answer
        assert "BatchNormalization" in answer and "网络bagging" in answer, question


def test_an_authors_disclaimer_is_never_quoted(offline_assistant):
    """第37题's answers opened with "断断续续接触 detection 几个月，…业余级新手，理解不对的地方还请指正。" (blind web QA)."""
    from assistant.notes.markup import DISCLAIMER

    answer = offline_assistant.ask("rcnn、fast-rcnn 和 faster-rcnn 的区别是什么？").answer
    assert "DPM" in answer and "指正" not in answer and "业余级" not in answer
    assert DISCLAIMER.search("理解不对的地方还请指正。") and not DISCLAIMER.search("RCNN 存在着重复计算的问题")


def test_a_quoted_sentence_that_points_back_brings_the_one_before_it():
    """"这也是激活函数的意义所在。" alone says nothing: the sentence it points back to comes with it, right before it."""
    from assistant.answering.extractive import select_quotes

    body = ("激活函数要满足几个性质。\n\n非线性保证多层网络不会退化成单层线性网络。这也是激活函数的意义所在。\n\n"
            + "".join(f"第{i}种常见的激活函数在实践中各有取舍，计算代价也不同。\n\n" for i in range(8)))
    texts = [q.text for q in select_quotes("激活函数有什么意义？", [_hit(21, 6.0, body)])]
    assert "这也是激活函数的意义所在。" in texts
    assert texts[texts.index("这也是激活函数的意义所在。") - 1] == "非线性保证多层网络不会退化成单层线性网络。"


def test_a_source_is_labelled_with_the_subsection_its_quotes_come_from(offline_assistant):
    """Blind CLI QA: an answer quoting 第31题's "31.3 N VS 1" was labelled "31.2 经典的RNN结构（N vs N）", its best
    chunk's subsection. The CLI, the web sources panel and --json name the subsection of the first line citing it."""
    from assistant.chats.record import answer_record

    result = offline_assistant.ask("What is the N vs 1 RNN structure used for?")
    assert result.hits[0].question == 31 and result.subsections()[1] == "31.3 N VS 1"
    assert result.to_json()["citations"][0]["section"] == "31.3 N VS 1"
    assert answer_record(result)["sources"][0]["section"] == "31.3 N VS 1"
    hit = result.hits[0]
    assert hit.subsection_of("") == hit.chunks[0].subsection and hit.subsection_of("not in the notes") == hit.subsection_of()
