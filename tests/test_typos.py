"""Chinese typing slips (homophones from a pinyin input method) read as the notes' words: retrieval/typos.py."""

from __future__ import annotations

import pytest

from assistant.retrieval.lexical import Vocabulary
from assistant.retrieval.typos import Respeller, readings, words

# Made-up notes: what a slip may be corrected to must be a word these use.
NOTES = ["防止过拟合的办法有很多，比如数据增强。", "梯度截断：梯度超过阈值时按比例缩小，可以缓解梯度爆炸。",
         "激活函数引入非线性。接着说一下指正的意见。", "动量法利用了历史梯度。", "GRU 把两个门合一个更新门。"]


class Dictionary:
    """jieba's two-character words through the seam the retriever uses, counting the reads."""

    def __init__(self) -> None:
        self.reads = 0

    def __call__(self):
        self.reads += 1
        return words()


@pytest.fixture
def speller():
    vocabulary = Vocabulary.of_sections(NOTES)
    dictionary = Dictionary()
    return Respeller(vocabulary.terms, vocabulary.section_counts, dictionary, lambda p: any(p in n for n in NOTES)), dictionary


@pytest.mark.parametrize("typed, meant", [
    ("模型过你合了该咋办", "模型过拟合了该咋办"),  # two characters, both slips
    ("梯度接断有啥用处", "梯度截断有啥用处"),  # 接 reads jie like 截
    ("鸡活函数起什么作用", "激活函数起什么作用"),
    ("超过预值就缩放吗", "超过阈值就缩放吗"),
])
def test_a_homophone_slip_is_read_as_the_notes_word(speller, typed, meant):
    respeller, _ = speller
    assert respeller.respell(typed) == meant


@pytest.mark.parametrize("typed", [
    "讲讲知识蒸馏的思路",  # 识蒸 reads like the notes' 指正, but 知识 and 蒸馏 are words
    "有啥招数能用",
    "数据增强有哪些办法",  # nothing to correct
    "卷积和一个全连接层",  # 和一 sounds like 合一, but 卷积 and 一个 are words on either side
    "Transformer 里用什么归一化",  # 里用 sounds like the notes' 利用, but they never write 利用什
    "会给训练带来啥",
    "Dropout 和 ReLU",
])
def test_words_and_chance_homophones_are_left_alone(speller, typed):
    respeller, _ = speller
    assert respeller.respell(typed) == typed


def test_the_dictionary_is_read_only_when_a_homophone_of_the_notes_is_in_sight(speller):
    respeller, dictionary = speller
    respeller.respell("数据增强有哪些办法")
    assert dictionary.reads == 0
    respeller.respell("梯度接断有啥用处")
    respeller.respell("模型过你合了该咋办")
    assert dictionary.reads == 1


def test_the_readings_table_is_pypinyins():
    """The shipped readings.tsv is what scripts/make_readings.py writes from the installed pypinyin."""
    pytest.importorskip("pypinyin")
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "scripts" / "make_readings.py"
    spec = importlib.util.spec_from_file_location("make_readings", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shipped = (Path(__file__).resolve().parents[1] / "assistant" / "retrieval" / "readings.tsv").read_text(encoding="utf-8")
    assert module.table() == shipped
    first, group = readings()
    assert first["接"] == "jie" and first["拟"] == "ni" and first["给"] == "gei" and "拟" in group["ni"]


def test_the_word_list_is_cached_in_the_data_directory(tmp_path):
    listed = words.__wrapped__(tmp_path)
    assert all(w in listed for w in ("拟合", "知识", "截断", "一丁", "龟鳖")) and "过你" not in listed and "" not in listed
    assert len(list(tmp_path.glob("words2-*.txt"))) == 1
    again = words.__wrapped__(tmp_path)
    assert len(again) == len(listed) > 100_000 and all(w in again for w in ("拟合", "知识")) and "过你" not in again


def test_a_typed_slip_is_answered_from_its_section_and_shown_as_read(offline_assistant):
    result = offline_assistant.ask("网络过你合的时候能用哪些办法？")
    assert result.covered and result.hits[0].question == 38
    assert result.standalone == "网络过拟合的时候能用哪些办法？"
    plain = offline_assistant.ask("网络过拟合的时候能用哪些办法？")
    assert plain.standalone == "网络过拟合的时候能用哪些办法？" and plain.answer == result.answer


# Made-up notes writing acronyms, one of them ("mAP") not in capitals.
ACRONYM_NOTES = ["GRU 把两个门合一个更新门，LSTM 有三个门。", "检测的 mAP 提高了。", "CNN 和 RNN 都很常用。"]


@pytest.mark.parametrize("typed, meant", [
    ("GUR 和 LTSM 有什么区别", "GRU 和 LSTM 有什么区别"),  # two neighbouring letters swapped, each
    ("LSTM 的门", "LSTM 的门"),  # written by the notes: as typed
    ("AMP 是什么", "AMP 是什么"),  # MAP only as "mAP" in the notes: not an acronym of theirs
    ("NRN 和 CNN", "RNN 和 CNN"),
    ("CNNN", "CNNN"),  # no swap of two different letters gives a name of the notes
    ("LSTMs 和 GURs", "LSTMs 和 GURs"),  # inside longer words: as typed
])
def test_an_acronym_with_two_letters_swapped_is_read_as_the_notes_one(typed, meant):
    vocabulary = Vocabulary.of_sections(ACRONYM_NOTES)
    speller = Respeller(vocabulary.terms, vocabulary.section_counts, words,
                        capitals=lambda w: any(f"{w}" in n for n in ACRONYM_NOTES))
    assert speller.respell(typed) == meant


def test_an_acronym_typed_with_two_letters_swapped_is_answered_from_its_section(offline_assistant):
    result = offline_assistant.ask("GUR 和 LTSM 有什么区别")  # declined before: both names unknown to the notes
    assert result.covered and result.hits[0].question == 40 and result.standalone == "GRU 和 LSTM 有什么区别"
