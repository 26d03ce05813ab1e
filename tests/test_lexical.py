"""Terms of a text: BM25 tokens, topic-bearing terms, and the notes' vocabulary check."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.notes.terms import content_terms, tokenize
from assistant.retrieval.lexical import Vocabulary, lexical_features


def test_tokenize_mixes_latin_words_and_cjk_bigrams():
    assert tokenize("梯度爆炸 clipnorm=1.0 VOC2007") == ["clipnorm", "1.0", "voc2007", "梯度", "度爆", "爆炸"]


def test_a_hyphen_between_letters_is_spelling_not_a_term_of_its_own():
    # Notes write one method "RCNN", "R-CNN" or "Fast-RCNN"; a minus in a number or an index stays.
    assert tokenize("R-CNN vs RCNN, Fast-RCNN") == ["rcnn", "vs", "rcnn", "fastrcnn"]
    assert tokenize("eps 1e-7, k-1, s_{t-1}") == ["eps", "1e-7", "k-1", "s", "t-1"]
    assert content_terms("Leaky-ReLU 和 one-hot")[0] == ["leakyrelu", "onehot"]


def test_content_terms_drop_function_characters_and_stop_words():
    latin, cjk = content_terms("What is the Transformer 的自注意力是怎么算的？")
    assert latin == ["transformer"]
    assert cjk == ["自注", "注意", "意力"]  # "力是", "是怎", "算的" carry no topic


def test_vocabulary_share_of_known_terms():
    vocab = Vocabulary.of(["梯度爆炸会引发什么问题", "gradient clipping 梯度截断"])
    assert vocab.known(["梯度", "爆炸", "天气"]) == pytest.approx(2 / 3)
    assert vocab.known([]) is None


@pytest.mark.parametrize("query, expected", [
    ("梯度爆炸 clipping", {"cjk_known": 1.0, "latin_known": 1.0, "has_cjk": 1.0, "latin_unknown": 0.0,
                         "names_unknown": 0.0}),
    ("Transformer 的天气", {"cjk_known": 0.0, "latin_known": 0.0, "has_cjk": 1.0, "latin_unknown": 1.0,
                         "names_unknown": 0.0}),
    # Half the Latin terms known is still an unknown one; "ReLU6" is a name the notes never use.
    ("ReLU6 和 clipping", {"cjk_known": None, "latin_known": 0.5, "has_cjk": 1.0, "latin_unknown": 1.0,
                         "names_unknown": 1.0}),
    # In an English query, Latin words are ordinary English that Chinese notes never use: not judged;
    # only its technical names are ("PyTorch" is unknown; the Title-case "How" is no name).
    ("how to fix exploding gradients", {"cjk_known": None, "latin_known": None, "has_cjk": 0.0, "latin_unknown": 0.0,
                                        "names_unknown": 0.0}),
    ("How do I clip gradients in PyTorch", {"cjk_known": None, "latin_known": None, "has_cjk": 0.0,
                                            "latin_unknown": 0.0, "names_unknown": 1.0}),
])
def test_lexical_features(query, expected):
    vocab = Vocabulary.of(["梯度爆炸会引发什么问题", "gradient clipping 梯度截断 ReLU"])
    assert lexical_features(query, vocab) == expected


def test_a_latin_term_the_notes_write_in_chinese_is_known():
    # The glossary reads "test set" as 测试集 and "cross validation" as 交叉验证: notes that write those know the terms.
    vocab = Vocabulary.of(["测试集只在最后使用一次", "k 折交叉验证把数据分成 k 份"])
    assert lexical_features("为什么 test set 只能用一次", vocab)["latin_unknown"] == 0.0
    assert lexical_features("cross validation 一般分几份", vocab)["latin_known"] == 1.0
    unknown = lexical_features("cross validation 一般分几份", Vocabulary.of(["测试集只在最后使用一次"]))
    assert unknown["latin_unknown"] == 1.0 and unknown["latin_known"] == 0.0


def test_technical_names_are_tokens_with_inner_capitals_or_digits():
    from assistant.notes.terms import technical_names

    assert technical_names("What is the PyTorch twin of Keras clipnorm, ReLU6, L2 or Fast-RCNN?") == [
        "pytorch", "relu6", "l2", "fast-rcnn"]


def test_traditional_chinese_is_folded_to_simplified():
    from assistant.notes.terms import to_simplified

    assert to_simplified("如何確定是否出現梯度爆炸？") == "如何确定是否出现梯度爆炸？"
    assert to_simplified("梯度爆炸会引发什么问题") == "梯度爆炸会引发什么问题"  # Simplified stays as it is
    assert to_simplified("What is ReLU?") == "What is ReLU?"


def test_the_simplified_shortcut_returns_what_the_conversion_would():
    """Text with none of the convertible characters skips OpenCC; the result must be the same either way."""
    import json
    from importlib.resources import files

    from opencc_purepy import OpenCC

    from assistant.notes.terms import _t2s, _t2s_keys, has_cjk, to_simplified

    keys = _t2s_keys()
    assert keys is not None and "確" in keys[0] and "确" not in keys[0] and "一目瞭然" in keys[1] and keys[2] is not None
    tables = json.loads((files("opencc_purepy") / "dicts" / "dictionary_maxlength.json").read_text(encoding="utf-8"))
    for name, known in (("ts_characters", keys[0]), ("ts_phrases", set(keys[1]))):  # what OpenCC("t2s") converts with
        table = tables[name][0] if isinstance(tables[name], list) else tables[name]
        assert {key for key, value in table.items() if value != key} <= known, name
    lines = [line for f in sorted(Path("corpus").glob("*.md")) for line in f.read_text(encoding="utf-8").splitlines()]
    traditional = [OpenCC("s2t").convert(line) for line in lines[:80]]
    assert sum(t != line for t, line in zip(traditional, lines)) > 20
    for line in traditional + ["著名的乾燥劑", "後來發現梯度爆炸"]:
        assert to_simplified(line) == (_t2s().convert(line) if has_cjk(line) else line), line
    for line in lines:  # the notes are Simplified: folding leaves them as they are
        assert to_simplified(line) == line, line


def test_folding_is_idempotent_on_words_simplified_and_traditional_share():
    """著 is Traditional in 看著 but Simplified in 显著: t2s's character table alone turned 显著 into 显着."""
    from assistant.notes.terms import to_simplified

    assert to_simplified("BN 的效果显著吗？") == "BN 的效果显著吗？"
    assert to_simplified("BN 的效果顯著嗎？") == "BN 的效果显著吗？"
    assert to_simplified("隨著訓練進行，著名的模型") == "随着训练进行，著名的模型"
    for text in ("乾燥的显著差异", "看著顯著變化"):
        assert to_simplified(to_simplified(text)) == to_simplified(text)


def test_section_answers_weighs_rare_terms():
    from assistant.retrieval.lexical import Vocabulary, section_answers

    sections = ["防止过拟合：Dropout、正则化、数据增强", "Dropout 的原理：随机丢弃神经元", "梯度爆炸的修复：梯度截断"]
    vocabulary = Vocabulary.of_sections(sections)
    # Both queries name Dropout, which two sections use; only the second one's rarer words are in section 1.
    asks_inference = section_answers("Dropout 推理阶段缩放", sections[0], vocabulary)
    asks_overfitting = section_answers("Dropout 防止过拟合", sections[0], vocabulary)
    assert asks_inference is not None and asks_overfitting is not None
    assert asks_overfitting > 0.9 > asks_inference
    assert section_answers("？", sections[0], vocabulary) is None  # no content terms: nothing to measure
