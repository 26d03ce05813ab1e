""""And in English?": a follow-up that asks for the previous answer again in another language.

Such a turn names no topic, so it was read as a question of its own: "用英文说一下" was "not in the notes", and
"And in English?" was searched as "梯度爆炸 什么是 And in English?" and answered with the same Chinese quotes under
an English header, without a word on why they were not in English (blind QA, 2026-12-05). Now the previous question
is asked again, with the history before it, and answered in the language asked for: a model writes it in that
language; extractive mode says the notes are quoted as written (`extractive_untranslated`), then quotes them.
"""

from __future__ import annotations

import re

# A request is a language named once and nothing else but these words (longest Chinese ones removed first): a
# topic of its own ("How do I say LSTM in English?", "英文论文里…") leaves a word outside them.
_LANGUAGES = {"english": "en", "英文": "en", "英语": "en", "chinese": "zh", "mandarin": "zh", "中文": "zh", "汉语": "zh"}
_EN_WORDS = frozenset(
    "and now ok okay so then but can could would will you u please pls plz say explain answer repeat give put write tell "
    "translate do it that this them the your me us again in into to version instead thanks thank a an same one reply "
    "response rewrite just".split())
_ZH_WORDS = sorted(
    "能不能 能否 可以 可不可以 请 麻烦 你 再 用 换成 换 改用 翻译成 翻成 译成 翻译 版本 版 来 说 讲 回答 解释 答 表述 写 一下 下 一遍 一次 "
    "吗 吧 呢 嘛 能 给个 给 个 谢谢 刚才 刚刚 那段 这段 那 那么 好 好的 的 问题 答案 上面 这个 重新 成 一 遍".split(),
    key=len, reverse=True)


def asked_language(question: str) -> str | None:
    """'en' or 'zh' when the question only asks for the previous answer in that language, else None (Traditional
    characters are read as Simplified: "用英文說一下")."""
    from assistant.notes.terms import to_simplified

    text = re.sub(r"[\W_]+", " ", to_simplified(question).lower())
    latin = re.findall(r"[a-z]+", text)
    chinese = "".join(re.findall(r"[^\sa-z0-9]+", text))
    named = [_LANGUAGES[w] for w in latin if w in _LANGUAGES]
    for word in ("英文", "英语", "中文", "汉语"):
        named += [_LANGUAGES[word]] * chinese.count(word)
        chinese = chinese.replace(word, "")
    if len(set(named)) != 1 or any(w not in _EN_WORDS and w not in _LANGUAGES for w in latin) or re.search(r"\d", text):
        return None
    for word in _ZH_WORDS:
        chinese = chinese.replace(word, "")
    return named[0] if not chinese else None


def restated(inputs: dict) -> dict:
    """The chain's inputs, with a language request turned into the previous question asked again: its history is
    what came before that question, `language` the one asked for and `asked` the request as typed (shown as the
    question). Unchanged when it is not one, or when there is no earlier question."""
    language = asked_language(inputs.get("question", ""))
    history = list(inputs.get("history") or [])
    # The last question that is not itself such a request ("And in English?" after "用英文说一下").
    last = max((i for i, m in enumerate(history) if m.get("role") == "user" and m.get("content")
                and asked_language(m["content"]) is None), default=None)
    if language is None or last is None:
        return inputs
    return {**inputs, "question": history[last]["content"], "history": history[:last], "language": language,
            "asked": inputs["question"]}
