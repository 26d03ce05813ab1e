"""A declined question is pointed to the sentences that name what it asks about (retrieval/mentions.py)."""

from __future__ import annotations

from assistant.answering.turn_search import condensed_search
from assistant.retrieval.mentions import MAX_SECTIONS, find_mentions, names_in


def section(question: int, body: str, title: str = "某个问题？") -> tuple[int, str, str, str, str]:
    return question, title, "notes-1", str(question), body


def test_the_names_of_a_question():
    assert names_in("Leaky ReLU 和 PReLU 的区别，还有 batch size 的影响") == ["Leaky ReLU", "PReLU", "batch size"]
    assert names_in("这个 model 怎么样？") == []  # one plain English word is no name
    # In English prose only its technical names count: the whole sentence is one Latin run.
    assert names_in("What is SELU and how does it compare with ReLU?") == ["SELU", "ReLU"]


def test_a_name_is_found_as_written_and_in_few_sections_only():
    sections = [section(1, "每一层的输出称为 feature map。检测用 mAP 衡量精度，VOC 上能到 43% 的 mAP。"),
                section(2, "另一节。这里也提到了 Seq2Seq 模型。")]
    got = find_mentions("mAP 是怎么计算的？", sections)
    # "map" of "feature map" is not "mAP": the first sentence that writes it with its capitals is quoted verbatim.
    assert [(m.question, m.name, m.sentence) for m in got] == [(1, "mAP", "检测用 mAP 衡量精度，VOC 上能到 43% 的 mAP。")]
    assert [m.question for m in find_mentions("seq2seq 能干嘛", sections)] == [2]  # lower case finds Seq2Seq
    everywhere = [section(n, f"第{n}节也讲 ReLU 激活函数。") for n in range(1, MAX_SECTIONS + 2)]
    assert find_mentions("ReLU 的缺点？", everywhere) == []  # used all over: points nowhere in particular
    assert find_mentions("SELU 是什么", [section(1, "正文没有提到它。", title="SELU 的由来？")]) == []  # title only


def test_a_name_the_notes_spell_otherwise_is_found_by_its_glossary_spellings():
    from assistant.notes.glossary import spellings

    assert {"batch normalization", "BatchNormalization", "批归一化"} <= set(spellings("BatchNorm"))
    assert "门控循环单元" in spellings("GRU")  # an abbreviation: the rows it stands for
    assert spellings("ReLU") == [] and spellings("Leaky") == []  # no row spells them whole
    sections = [section(1, "比如 Batch Normalization 也用了这种思想。"), section(2, "- BatchNormalization\n- 网络bagging"),
                section(3, "- BN 层，缓解梯度弥散")]
    got = find_mentions("BatchNorm 为什么有效？", sections)
    assert [(m.question, m.name, m.sentence) for m in got] == [
        (1, "BatchNorm", "比如 Batch Normalization 也用了这种思想。"), (2, "BatchNorm", "BatchNormalization")]
    # Written as asked in one section: only that one, though other spellings would find all three.
    assert [m.question for m in find_mentions("BN 在推理时怎么算？", sections)] == [3]


def test_a_declined_question_quotes_where_the_notes_name_it(offline_assistant):
    result = offline_assistant.ask("SELU 有什么特点")
    assert not result.covered and result.citations == []
    assert "只在下面的地方提到了「SELU」" in result.answer
    assert "第21题" in result.answer and "对应的激活函数是 SELU，主要思想是使样本分布自动归一化" in result.answer
    # Blind web QA: it opened with "笔记中没有涉及这个问题" (the notes do not touch on it), then quoted the sentence that
    # does, then listed "closest sections" further off than that sentence (第40题 GRU for dying ReLU).
    dying = offline_assistant.ask("dying ReLU 是什么？")
    assert not dying.covered and dying.answer.startswith("笔记中没有专门讲这个问题的章节")
    for text in (result.answer, dying.answer):
        assert "没有涉及" not in text and "最接近的章节" not in text and "assistant ingest" in text
    english = offline_assistant.ask("What is SELU?")
    assert not english.covered and "they only mention SELU here" in english.answer
    spelled = offline_assistant.ask("BatchNorm 为什么有效？")  # the notes write Batch Normalization, BatchNormalization
    assert not spelled.covered and "第21题" in spelled.answer and "第38题" in spelled.answer
    assert "比如 Batch Normalization" in spelled.answer


def test_a_follow_up_is_pointed_to_its_own_names_or_to_what_it_refers_to(offline_assistant):
    retriever = offline_assistant.retriever
    # Its own name, which the notes never use: not the earlier turn's Faster-RCNN, which its reading carries.
    reading, result = condensed_search(retriever, "那么 Mask R-CNN 呢？", ["Faster-RCNN 做了哪些改进？"])
    assert "Faster-RCNN" in reading and not result.covered and result.mentions == []
    # No name of its own: "它" is the earlier turn's SELU.
    reading, result = condensed_search(retriever, "它是谁提出的？", ["SELU 有什么特点"])
    assert not result.covered and [(m.name, m.question) for m in result.mentions] == [("SELU", 21)]
