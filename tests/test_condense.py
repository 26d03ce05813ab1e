"""Offline condensing of follow-up questions."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant.answering.condense import condense_offline, continues, needs_history, topic_of


@pytest.mark.parametrize("question, anaphoric", [
    ("那怎么解决它？", True), ("How does it differ from the older design?", True), ("为什么？", True),
    ("如何修复梯度爆炸问题？", False), ("What is a recurrent neural network?", False),
])
def test_needs_history(question, anaphoric):
    assert needs_history(question) is anaphoric


def test_condense_keeps_the_topic_of_the_last_standalone_question():
    assert topic_of("什么是梯度爆炸？") == "梯度爆炸"
    assert condense_offline("那怎么解决它？", ["什么是梯度爆炸？"]) == "梯度爆炸 那怎么解决它？"
    assert condense_offline("那要是碰上了该如何处理？", ["什么是梯度爆炸？", "它对训练有什么危害？"]).startswith("梯度爆炸")
    assert condense_offline("GRU是什么？", ["什么是梯度爆炸？"]) == "GRU是什么？"  # a new topic stands alone


def test_a_question_word_holding_an_intent_cue_leaves_nothing_behind():
    # 哪些 is a list cue and 有哪些 a question word: removing the cue first left "过拟合有" as the topic.
    assert topic_of("防止过拟合有哪些办法？") == "过拟合"
    assert condense_offline("其中 bagging 具体是怎么做的？", ["防止过拟合有哪些办法？"]).startswith("过拟合 ")


def test_the_follow_up_keeps_the_topic_but_asks_its_own_question():
    # The earlier question's type (解决 = fix) must not travel with its topic.
    standalone = condense_offline("那该怎么发现它？", ["梯度消失怎么解决？"])
    assert standalone.startswith("梯度消失") and "解决" not in standalone


@pytest.mark.parametrize("question", ["批量很小的时候呢？", "怎么缓解？", "And what about dropout?", "Why is the former slower?"])
def test_elliptical_and_topicless_follow_ups_need_history(question):
    assert needs_history(question)


def test_a_follow_up_of_function_words_names_no_topic():
    """"大了会有什么问题？" is about the earlier topic: 了, 会 and 问题 name nothing, so the next turn keeps dropout."""
    assert needs_history("大了会有什么问题？")
    assert "dropout" in condense_offline("这时候学习率要跟着改吗？", ["dropout 的比例怎么选？", "大了会有什么问题？"])


def test_a_new_topic_with_its_own_question_stands_alone():
    assert not needs_history("卷积层的参数量怎么计算？")
    assert condense_offline("What is batch normalization?", ["什么是梯度爆炸？"]) == "What is batch normalization?"


def test_a_choice_among_earlier_options_refers_back():
    assert needs_history("样本很少时选哪个？")
    assert needs_history("Which one trains faster?")
    assert condense_offline("样本很少时选哪个？", ["分类任务常用什么评价指标？"]).startswith("分类任务")


def test_a_continuation_with_its_own_topic_gets_the_topic_but_anchors_later_turns():
    history = ["卷积层有什么作用？"]
    assert condense_offline("那池化层一般放在哪里？", history).startswith("卷积层")
    assert not needs_history("那池化层一般放在哪里？")  # its own topic: the next follow-up is about pooling
    later = condense_offline("它有可学习的参数吗？", [*history, "那池化层一般放在哪里？"])
    assert later.startswith("池化层")


def test_the_latest_follow_up_that_moved_on_is_what_it_refers_to():
    """"它" after "那 tanh 呢？" is tanh, not the ReLU the chain started from; a Chinese aspect joins the topic."""
    history = ["ReLU 有什么优点？", "那 tanh 呢？"]
    assert condense_offline("它的输出范围是多少？", history).startswith("tanh")
    assert condense_offline("What about its derivative?", ["What is the sigmoid function?", "How does tanh compare with it?"]
                            ).startswith("tanh")
    moved = condense_offline("它的门有几个？", ["RNN 是什么？", "它和 LSTM 比有什么不同？"])  # an upper-case name too
    assert "LSTM" in moved and "RNN" not in moved
    aspect = condense_offline("怎么缓解？", ["sigmoid 激活函数有什么缺点？", "那为什么它会导致梯度消失？"])
    assert aspect.startswith("sigmoid") and "梯度消失" in aspect


def test_a_chinese_follow_up_about_a_term_the_notes_never_use_stands_alone():
    """The earlier topic would get "Transformer 里也会这样吗？" answered from the RNN notes; alone it can be declined."""
    known = {"rnn", "lstm"}.__contains__
    history = ["RNN 为什么会梯度消失？"]
    assert condense_offline("Transformer 里也会这样吗？", history, known) == "Transformer 里也会这样吗？"
    assert condense_offline("LSTM 里也会这样吗？", history, known).startswith("RNN")
    assert condense_offline("Transformer 里也会这样吗？", history).startswith("RNN")  # no vocabulary: as before
    assert condense_offline("What about Transformers?", history, known).startswith("RNN")  # English words: not judged


def test_an_english_follow_up_naming_only_words_the_notes_never_use_is_read_with_the_earlier_topic():
    """"Any drawbacks?" names no topic the notes could answer alone, so it keeps the earlier question's."""
    known = {"dropout", "rate", "batch"}.__contains__
    history = ["What does dropout do during training?"]
    assert condense_offline("Any drawbacks?", history, known).startswith("dropout")
    assert condense_offline("Which rate do people pick?", history, known) == "Which rate do people pick?"  # a known word
    assert condense_offline("Any drawbacks?", history) == "Any drawbacks?"  # no vocabulary: as before
    # nor is it the topic that later follow-ups go back to
    assert condense_offline("And in CNNs?", [*history, "Any drawbacks?", "Why?"], known).startswith("dropout")


def test_an_english_question_naming_a_place_or_person_the_notes_never_use_stands_alone():
    """"What's the capital of Peru?" after a dropout question is a new subject (a name the notes never use), not an
    aspect of dropout: it is not read as "dropout … capital of Peru?"."""
    known = {"dropout", "rate", "lstm"}.__contains__
    history = ["What does dropout do during training?"]
    assert condense_offline("What's the capital of Peru?", history, known) == "What's the capital of Peru?"
    assert condense_offline("Who was Napoleon?", history, known) == "Who was Napoleon?"
    assert condense_offline("Any drawbacks?", history, known).startswith("dropout")  # no name: as before


def test_a_question_that_changes_the_subject_stands_alone():
    known = {"dropout", "rate"}.__contains__
    history = ["What does dropout do during training?"]
    assert condense_offline("By the way, which city hosts the Olympics next?", history, known) == \
        "By the way, which city hosts the Olympics next?"
    assert condense_offline("顺便问一下，它的作者是谁？", ["Dropout 是谁提出的？"]) == "顺便问一下，它的作者是谁？"
    assert condense_offline("它的作者是谁？", ["Dropout 是谁提出的？"]).startswith("Dropout")


def test_the_chain_declines_a_follow_up_about_something_the_notes_never_mention(offline_assistant):
    history = [{"role": "user", "content": "LSTM 是怎么缓解梯度消失的？"}, {"role": "assistant", "content": "…"}]
    assert offline_assistant.retriever.knows("lstm") and not offline_assistant.retriever.knows("transformer")
    result = offline_assistant.ask("Transformer 里也有这个问题吗？", history=history)
    assert not result.covered and result.standalone == "Transformer 里也有这个问题吗？"


def test_a_name_the_notes_never_use_does_not_come_along_with_the_topic(offline_assistant):
    """Blind CLI QA: after "What is gradient explosion, and how does Adam work?", "How do I fix it?" was read as "gradient
    explosion and Adam work How do I fix it?" and declined for Adam, though 第28题 answers it. The topic keeps the parts
    that name nothing the notes never use; a question of nothing else stays whole, so its follow-up is declined as it was."""
    history = [{"role": "user", "content": "What is gradient explosion, and how does Adam work?"},
               {"role": "assistant", "content": "…"}]
    result = offline_assistant.ask("How do I fix it?", history=history, mode="extractive")
    assert result.covered and "adam" not in result.standalone.lower(), result.standalone
    assert result.cited_hits()[0][1].question == 28
    chinese = [{"role": "user", "content": "梯度爆炸是什么？Adam怎么工作？"}, {"role": "assistant", "content": "…"}]
    fixed = offline_assistant.ask("怎么修复它？", history=chinese, mode="extractive")
    assert fixed.covered and "adam" not in fixed.standalone.lower() and fixed.cited_hits()[0][1].question == 28
    # Nor does a whole earlier question of nothing the notes name, while another remains; alone, it stays.
    chain = [{"role": "user", "content": "What is a Transformer?"}, {"role": "assistant", "content": "…"},
             {"role": "user", "content": "How do I fix exploding gradients?"}, {"role": "assistant", "content": "…"}]
    detect = offline_assistant.ask("And how do I detect them?", history=chain, mode="extractive")
    assert detect.covered and detect.cited_hits()[0][1].question == 27, detect.standalone
    alone = offline_assistant.ask("How do I fix it?", history=chain[:2], mode="extractive")
    assert not alone.covered


def test_an_elliptical_follow_up_without_a_question_type_keeps_the_earlier_one():
    # "那在小数据集上呢？" asks the earlier kind of question (effects) of a narrower case.
    assert "后果" in condense_offline("那在小数据集上呢？", ["过拟合会带来什么后果？"])
    # A follow-up asking its own kind of question lets that one win, as before.
    assert "后果" not in condense_offline("那为什么呢？", ["过拟合会带来什么后果？"])


def test_a_weakly_covered_follow_up_is_also_read_in_the_conversation(offline_assistant):
    """"输入输出长度不一样怎么办？" names its own topic, so it stands alone, where it lands on the LSTM input/output
    section only weakly; read with the earlier topic (RNN structures) it is the section that builds N-vs-M."""
    alone = offline_assistant.search("输入输出长度不一样怎么办？")
    assert alone.covered and alone.hits[0].question == 29
    history = [{"role": "user", "content": "RNN 有哪些结构？"}, {"role": "assistant", "content": "…"}]
    result = offline_assistant.ask("输入输出长度不一样怎么办？", history=history, mode="extractive")
    assert result.covered and result.hits[0].question == 31
    assert result.standalone.startswith("RNN") and result.standalone.endswith("输入输出长度不一样怎么办？")
    # A follow-up the notes answer strongly on its own keeps its own reading.
    strong = offline_assistant.ask("如何修复梯度爆炸问题？", history=history, mode="extractive")
    assert strong.standalone == "如何修复梯度爆炸问题？" and strong.hits[0].question == 28


def test_traditional_chinese_follow_ups_are_condensed_like_simplified_ones(offline_assistant):
    from assistant.answering.turn_search import condensed_search

    query, _ = condensed_search(offline_assistant.retriever, "它會引發什麼問題？", ["什麼是梯度爆炸？"])
    # The earlier question's question words (什么是) are removed once it is folded to Simplified.
    assert query == "梯度爆炸 它会引发什么问题？"
    # The same in condense_offline itself, which the LLM condenser falls back on when the model fails.
    assert condense_offline("它會引發什麼問題？", ["什麼是梯度爆炸？"]) == "梯度爆炸 它会引发什么问题？"


def test_a_declined_follow_up_is_answered_in_context_when_it_stays_on_the_section_it_pointed_to(offline_assistant):
    """"最慢的是哪一步？" alone is declined, though its best section is the R-CNN comparison; in the conversation
    about the R-CNNs it is that section, covered. A new request the notes do not cover stays declined."""
    alone = offline_assistant.search("最慢的是哪一步？")
    assert not alone.covered and alone.hits[0].question == 37
    history = [{"role": "user", "content": "R-CNN 三者有什么区别？"}, {"role": "assistant", "content": "…"}]
    result = offline_assistant.ask("最慢的是哪一步？", history=history, mode="extractive")
    assert result.covered and result.hits[0].question == 37 and result.standalone.startswith("R-CNN")
    assert not offline_assistant.ask("推荐一部好看的科幻电影", history=history, mode="extractive").covered


def test_a_follow_up_that_only_continues_the_conversation_is_answered_alone_when_that_is_clear(offline_assistant):
    """"那局部最优为什么不可怕？" names its own topic; "那" only continues the talk about exploding gradients, so the
    earlier topic is not glued on when the question alone is covered strongly."""
    history = [{"role": "user", "content": "梯度爆炸会引发什么问题？"}, {"role": "assistant", "content": "…"}]
    result = offline_assistant.ask("那局部最优为什么不可怕？", history=history, mode="extractive")
    assert result.standalone == "那局部最优为什么不可怕？" and result.hits[0].question == 22
    # A continuing follow-up that names too little to stand alone keeps the topic.
    vague = offline_assistant.ask("那真正的原因呢？", history=history, mode="extractive")
    assert vague.standalone.startswith("梯度爆炸")


def test_a_new_question_whose_pronoun_points_inside_it_is_answered_alone_when_the_context_declines_it(offline_assistant):
    """"…what properties should they have?" has a pronoun, so it was read with the chat's topic ("梯度爆炸 检测 What
    activation functions …") and declined, though alone it is 第21题's question (blind web QA). A follow-up the
    context answers keeps its reading in context."""
    history = [{"role": "user", "content": "什么是梯度爆炸？"}, {"role": "assistant", "content": "…"},
               {"role": "user", "content": "那怎么检测它？"}, {"role": "assistant", "content": "…"}]
    question = "What activation functions are good and what properties should they have?"
    result = offline_assistant.ask(question, history=history, mode="extractive")
    assert result.covered and result.hits[0].question == 21 and result.standalone == question
    fix = offline_assistant.ask("How do I fix it?", history=history[:2], mode="extractive")
    assert fix.covered and fix.hits[0].question == 28 and fix.standalone != "How do I fix it?"


def test_among_them_is_a_continuation_not_a_reference():
    """"其中…" (among them) continues the talk but names its own topic: the 其 of 其中/其实/其次 points back at
    nothing, unlike 其 alone ("其原因是什么？")."""
    assert not needs_history("其中 LSTM 的门有几个？")
    assert not needs_history("其实 ReLU 也会饱和吗？")
    assert needs_history("其原因是什么？")
    assert condense_offline("其中 LSTM 的门有几个？", ["RNN 有哪些变体？"]).startswith("RNN")  # the topic still joins


def test_a_comparison_of_degree_with_that_refers_back():
    """"参数为什么会少那么多？" compares with something said earlier ("that much"), so it needs the earlier topic."""
    assert needs_history("参数为什么会少那么多？")
    assert condense_offline("参数为什么会少那么多？", ["卷积层和全连接层有什么区别？"]).startswith("卷积层")
    assert not needs_history("那么学习率应该怎么设置？")  # 那么 as "so, then" refers to nothing


class _Scripted:
    """A retriever whose search results are scripted by query: coverage over a threshold of 0, one hit each."""

    followup_margin = 3.5
    coverage = SimpleNamespace(threshold=0.0)

    def __init__(self, results: dict[str, tuple[int, float]]) -> None:
        self._results = results
        self.reranked: dict[str, bool] = {}  # query → whether it was searched with the learned order

    def knows(self, term: str) -> bool:
        return True

    def never_named(self, query: str) -> list[str]:
        return []

    def search(self, query: str, k=None, rerank=True, point=True):
        self.reranked[query] = rerank
        section, coverage = self._results[query]
        from assistant.retrieval.results import Hit, SearchResult

        hit = Hit(file="notes.md", file_key="notes", uid=str(section), question=section, title="", source="",
                  source_title="", kind="text", score=1.0, cosine=0.5)
        return SearchResult(query=query, hits=[hit], covered=coverage >= 0, coverage=coverage)

    def mentions(self, result, asked: str) -> list:
        return []


def test_a_weakly_covered_follow_up_keeps_its_own_reading_unless_the_context_is_stronger_by_the_margin():
    """The earlier topic's words raise the coverage of any reading they join, so reading a weakly covered follow-up in
    context must win by the follow-up margin, not by any amount."""
    from assistant.answering.turn_search import condensed_search

    history = ["特征图的通道数由什么决定？"]
    question = "填充之后输出尺寸会变吗"
    in_context = condense_offline(question, history, in_context=True)
    assert in_context != question
    close = _Scripted({question: (7, 1.0), in_context: (8, 3.0)})  # stronger by 2.0 < 3.5: its own reading stays
    assert condensed_search(close, question, history)[0] == question
    clear = _Scripted({question: (7, 1.0), in_context: (8, 5.0)})  # stronger by 4.0: read in context
    assert condensed_search(clear, question, history)[0] == in_context
    # The learned order is for a question as asked; the earlier topic's words would drive its term-share signal.
    assert clear.reranked == {question: True, in_context: False}


def test_a_weak_follow_up_that_the_context_confirms_is_shown_and_quoted_as_asked():
    """Blind web QA: "YOLO 在 VOC2007 上 mAP 多少？" after a question on Faster R-CNN was shown as "Interpreted as: Faster
    R-CNN 相比 Fast R-CNN 什么 YOLO…" although both readings found the same section. The context now only lends its
    coverage: the question stays as asked (its words choose the quotes)."""
    from assistant.answering.turn_search import condensed_search

    history = ["特征图的通道数由什么决定？"]
    question = "填充之后输出尺寸会变吗"
    in_context = condense_offline(question, history, in_context=True)
    shown, result = condensed_search(_Scripted({question: (7, 1.0), in_context: (7, 5.0)}), question, history)
    assert shown == question and result.covered and result.coverage == 5.0 and result.hits[0].question == 7


def test_a_declined_follow_up_is_answered_from_the_section_under_discussion_when_it_names_what_it_says(offline_assistant):
    """"为什么用批尺寸更小的训练？" alone is declined (its best section is another); after the question on fixing
    exploding gradients its reading in context is that section, strongly covered, and 批尺寸 is a word of it. A request
    about something else lands there just as strongly with the topic glued on, but names nothing the section says."""
    alone = offline_assistant.search("为什么用批尺寸更小的训练？")
    assert not alone.covered and alone.hits[0].question != 28
    history = [{"role": "user", "content": "如何修复梯度爆炸问题？"}, {"role": "assistant", "content": "…"}]
    result = offline_assistant.ask("为什么用批尺寸更小的训练？", history=history, mode="extractive")
    assert result.covered and result.hits[0].question == 28 and result.standalone.startswith("梯度爆炸")
    gru = [{"role": "user", "content": "GRU 对 LSTM 做了哪些改动？"}, {"role": "assistant", "content": "…"}]
    assert not offline_assistant.ask("今天天气怎么样？", history=gru, mode="extractive").covered


def test_an_ordinary_english_word_in_a_follow_up_does_not_become_the_next_topic():
    """"What are its drawbacks?" after "What is an LSTM?": the next "it" is still the LSTM, not "drawbacks" (blind QA).
    A name the notes use does move the conversation on ("How does GRU improve on it?" → the next "it" is GRU)."""
    knows = {"lstm", "gru"}.__contains__
    history = ["What is an LSTM?", "What are its drawbacks?"]
    assert condense_offline("How does GRU improve on it?", history, knows).startswith("LSTM")
    moved = condense_offline("How many gates does it have?", [*history, "How does GRU improve on it?"], knows)
    assert moved.startswith("GRU")



def test_an_english_question_the_chinese_notes_name_in_chinese_stays_the_topic():
    """Chinese notes write 梯度爆炸, never "exploding gradients": the English question still names their topic, so the
    third turn is about it, not about "it" of the second (blind CLI QA: declined as "it what problems does it cause?").
    An English question whose words the notes use in no language is still read with the earlier topic."""
    knows = {"梯度", "度爆", "爆炸", "lstm", "缺点"}.__contains__
    history = ["How to fix exploding gradients?", "how do I detect it"]
    assert condense_offline("what problems does it cause?", history, knows) == \
        "exploding gradients what problems does it cause?"
    assert condense_offline("How does it compare?", ["What is an LSTM?", "Any downsides?"], knows).startswith("LSTM")

def test_an_elliptical_follow_up_about_it_keeps_the_earlier_topic_for_the_next_turn():
    """"那它的缺点呢" asks an aspect of the earlier topic, unlike "那 GRU 呢？", which moves on: the next "怎么办" is still
    about tanh (blind CLI QA: the third turn was read as "缺点 怎么办" and answered with another section's fixes)."""
    assert condense_offline("那怎么办", ["tanh 是什么", "那它的缺点呢"]).startswith("tanh")
    assert condense_offline("它有几个门", ["LSTM 是什么", "那 GRU 呢？"]).startswith("GRU")



def test_an_elliptical_follow_up_naming_another_member_asks_about_it_instead():
    """"sigmoid有什么缺点？" → "那 tanh 呢？" asks tanh's drawbacks: read as "sigmoid 缺点 那 tanh 呢？" it was answered with
    sigmoid's again (blind CLI QA). The earlier member goes, the aspect stays; a topic of another kind stays whole."""
    assert condense_offline("那 tanh 呢？", ["sigmoid有什么缺点？"]) == "缺点 那 tanh 呢？"
    assert "LSTM" not in condense_offline("那 GRU 呢？", ["LSTM 有几个门？"])
    assert "sigmoid" not in condense_offline("What about tanh?", ["What are the drawbacks of sigmoid?"]).lower() \
        .replace("what about tanh?", "")
    assert condense_offline("那 LSTM 呢？", ["梯度爆炸怎么解决？"]).startswith("梯度爆炸")

def test_a_subject_change_marker_is_not_part_of_the_topic():
    knows = {"gradient", "explosion"}.__contains__
    assert condense_offline("How can I detect it?", ["Now switch topics: what is gradient explosion?"], knows) == \
        "gradient explosion How can I detect it?"
    assert condense_offline("Switching topics, what is an RNN?", ["What is gradient clipping?"], knows) == \
        "Switching topics, what is an RNN?"


def test_an_ordinal_points_at_a_name_the_previous_question_listed():
    from assistant.answering.ordinals import resolve_ordinals

    def no_points():
        raise AssertionError("the previous question's own list is used first")

    history = ["Adam、RMSProp 和 SGD 各有什么特点？"]
    assert resolve_ordinals("第三个为什么泛化更好？", history, no_points) == "SGD为什么泛化更好？"
    assert resolve_ordinals("Is the first one faster?", ["What's the difference between bagging and boosting?"],
                            no_points) == "Is bagging faster?"
    assert resolve_ordinals("后者在测试时怎么处理？", ["Dropout 和 BatchNorm 有什么区别？"], no_points) == "BatchNorm在测试时怎么处理？"
    assert resolve_ordinals("Why is the former slower?", ["SGD or Adam?"], no_points) == "Why is SGD slower?"
    # A layer or a question number is no reference to a list; an ordinal beyond the list is left alone.
    for question in ("第二层卷积的输出多大？", "第28题讲的是什么？", "第五个呢？"):
        assert resolve_ordinals(question, history, no_points) == question


def test_an_ordinal_points_at_a_point_of_the_previous_answer(offline_assistant):
    history = [{"role": "user", "content": "梯度爆炸有哪些解决办法？"}, {"role": "assistant", "content": "…"}]
    result = offline_assistant.ask("第三种方法具体怎么做？", history=history, mode="extractive")
    assert "长短期记忆网络" in result.standalone and result.covered and result.hits[0].question == 28
    history += [{"role": "user", "content": "第三种方法具体怎么做？"}, {"role": "assistant", "content": "…"}]
    last = offline_assistant.ask("最后一种呢？", history=history, mode="extractive")  # resolved again for the next turn
    assert "权重正则化" in last.standalone and last.hits[0].question == 28


def test_a_bare_why_after_a_comparison_of_it_asks_about_both():
    """"为什么？" after "它和 LSTM 比…" is about GRU and LSTM; a follow-up with its own 它 is about the newer name."""
    history = ["GRU 是什么？", "它和 LSTM 比有什么不同？"]
    assert condense_offline("为什么？", history).startswith("GRU")
    assert "RNN" not in condense_offline("它的门有几个？", ["RNN 是什么？", "它和 LSTM 比有什么不同？"])


def test_a_question_naming_no_topic_asks_for_one_unless_a_conversation_gives_it(offline_assistant):
    """"那怎么解决？" opening a chat used to get the whole of 第28题 under the weak-match line (blind CLI QA); now the
    reply asks for the topic. After "梯度爆炸是什么？" the same words are answered from the fixing section."""
    alone = offline_assistant.ask("那怎么解决？", mode="extractive")
    assert not alone.covered and not alone.hits and "没有说出在问什么" in alone.answer
    assert "does not say what it is about" in offline_assistant.ask("What about it?", mode="extractive").answer
    history = [{"role": "user", "content": "梯度爆炸是什么？"}, {"role": "assistant", "content": "…"}]
    followed = offline_assistant.ask("那怎么解决？", history=history, mode="extractive")
    assert followed.covered and followed.hits[0].question == 28


def test_a_setting_with_a_verb_left_without_its_object_continues_the_topic():
    """"Keras 里怎么用？" after "梯度截断是什么？" (blind CLI QA) names a setting, not a topic: what is used is the earlier
    topic, so it is searched and answered with it ("在 RNN 里怎么修复？" alone found 第31题 on RNNs; "Keras 里怎么用？" alone
    quoted all five fixes of 第28题). A question that names its object ("PyTorch 里怎么加 dropout？") is
    untouched, and a continuing follow-up that names its own ("那 GRU 呢" aside) is still answered alone."""
    from assistant.answering.turn_search import condensed_search

    assert condense_offline("TensorFlow 里怎么用？", ["权重衰减是什么？"]).startswith("权重衰减")
    assert condense_offline("在 CNN 中如何实现？", ["注意力机制是什么？"]).startswith("注意力机制")
    assert condense_offline("PyTorch 里怎么加 dropout？", ["权重衰减是什么？"]) == "PyTorch 里怎么加 dropout？"
    history, question = ["权重衰减是什么？"], "TensorFlow 里怎么用？"
    read = condense_offline(question, history)
    shown, result = condensed_search(_Scripted({question: (9, 8.0), read: (9, 9.0)}), question, history)
    assert shown == read and result.hits[0].question == 9
    shown, result = condensed_search(_Scripted({question: (5, 8.0), read: (9, 3.0)}), question, history)
    assert shown == read and result.hits[0].question == 9  # not the section its setting names
    history, question = ["卷积和全连接有什么区别？"], "那卷积之后输出尺寸怎么算？"
    read = condense_offline(question, history)
    shown, _ = condensed_search(_Scripted({question: (9, 8.0), read: (9, 9.0)}), question, history)
    assert shown == question  # names its object: answered as asked


def test_an_aspect_asked_of_nothing_named_asks_for_the_topic_unless_a_conversation_gives_it(offline_assistant):
    """"那它的缺点呢" opening a chat was declined as "not in the notes" (blind CLI QA): 缺点 was read as its topic. An
    aspect (缺点, drawbacks, 好处) names no topic; after a question that names one, it is asked of that."""
    assert "没有说出在问什么" in offline_assistant.ask("那它的缺点呢", mode="extractive").answer
    assert "does not say what it is about" in offline_assistant.ask("What are its drawbacks?", mode="extractive").answer
    assert condense_offline("有什么好处？", ["梯度截断是什么？"]).startswith("梯度截断")
    assert condense_offline("tanh 有什么缺点？", ["sigmoid 是什么？"]) == "tanh 有什么缺点？"  # a topic of its own: as asked


def test_a_follow_up_is_searched_without_the_joint_that_opens_it():
    """"另外标签平滑的系数一般取多少" was declined (dev conversations): "另外" ("besides") is how the follow-up is asked, not
    what, and the search read it as a word. A subject change ("另外问一下…") keeps its marker for `condense.SWITCH`."""
    from assistant.answering.turn_search import condensed_search

    history = ["迁移学习为什么可行"]
    scripted = _Scripted({"标签平滑的系数一般取多少": (508, 5.0), "另外标签平滑的系数一般取多少": (508, -1.0)})
    shown, result = condensed_search(scripted, "另外标签平滑的系数一般取多少", history)
    assert shown == "标签平滑的系数一般取多少" and result.covered
    switch = "另外问一下，标签平滑的系数一般取多少"
    assert condensed_search(_Scripted({switch: (508, 5.0)}), switch, history)[0] == switch


def test_a_question_that_only_goes_on_about_the_one_before_it():
    """`continues`: the parts of one question decided together (parts.py). It refers back and names nothing of its own;
    a Chinese 这个 before a topic of its own points at nothing earlier (a tuning question's "梯度爆炸这个概念最早是哪篇论文提出的？"
    was taken for a continuation of its first part and the whole question declined)."""
    assert continues("how does it work?") and continues("它怎么用？") and continues("又该怎么解决？")
    assert not continues("what did it change compared with LSTM?") and not continues("why do Transformers use it?")
    assert not continues("梯度爆炸这个概念最早是哪篇论文提出的？") and not continues("那 GRU 呢？")
