"""How the grader reads an answer: its sentences and comma clauses, whether it is only a keyword list, and whether
it only says the candidate does not know."""

from __future__ import annotations

import re

from assistant.notes.terms import STOP_WORDS, has_cjk, language_of, latin_words
from assistant.notes.text import clauses, split_sentences


def answer_parts(answer: str) -> tuple[list[str], list[int]]:
    """Sentences of an answer, then their comma clauses (short list-style key points match a clause best),
    with the index of the sentence each part belongs to."""
    sentences = [s for s in split_sentences(re.sub(r"[；;]", "；\n", answer)) if s.strip()]
    parts, parent = list(sentences), list(range(len(sentences)))
    for i, sentence in enumerate(sentences):
        for c in clauses(sentence):
            if c not in sentences:
                parts.append(c)
                parent.append(i)
    return parts, parent


def graded_language(answer: str, notes: str) -> str:
    """The language an answer is graded in: its own, but a few Latin words and no Chinese ("Dropout", "ReLU, LSTM") are
    names, in the notes' language too. Graded as English, "Dropout" skipped the own-terms check and also ticked 第38题's
    BatchNormalization (blind QA run 7)."""
    if not has_cjk(answer) and len(re.findall(r"[A-Za-z][A-Za-z0-9-]*", answer)) <= 3:
        return language_of(notes)
    return language_of(answer)


def answer_terms(text: str, cross_lingual: bool) -> frozenset[str]:
    """The key terms an answer's text is matched with: its own, plus the Chinese terms of its glossary phrases (an
    English answer to Chinese notes, `cross_lingual`) or of its glossary rows (`glossary.synonyms`: "梯度裁剪" also
    brings 梯度截断, and an English phrase its Chinese terms). An English answer's abbreviations of glossary names
    bring their Chinese terms too ("LSTM" → 长短期记忆: "Use LSTM units" was ✗ against "使用长短期记忆网络", blind QA)."""
    from assistant.notes.glossary import abbreviated, chinese_terms, synonyms
    from assistant.notes.keypoints import key_terms

    translated = [*chinese_terms(text), *abbreviated(text)] if cross_lingual else synonyms(text)
    return key_terms(text) | key_terms(" ".join(translated))


def says_anything(answer: str) -> bool:
    """False for an answer too short to say anything: under two Chinese characters and no Latin word or number of two
    characters or more ("x", "?", "对"). A single letter ticked "输入的 X 就是图像的特征" (4.1/10 for "x")."""
    return len(re.findall(r"[\u3400-\u9fff]", answer)) >= 2 or bool(re.search(r"[A-Za-z0-9]{2,}", answer))


def names_nothing_of(answer: str, body: str) -> bool:
    """True for an English answer to Chinese notes that uses no glossary phrase and no Latin word of the notes' own
    ("asdf qwer zxcv", "hello world"): nothing in it can be matched to a point. Without this, e5's nearness of any
    short text to every sentence ticked three of 第28题's five points for "asdf qwer zxcv" (6.2/10); none of the 179
    English answers of the dev grading sets is caught (each names at least two such terms)."""
    from assistant.notes.glossary import chinese_terms

    if has_cjk(answer) or not has_cjk(body) or chinese_terms(answer):
        return False
    words = {w for w in latin_words(answer.lower()) if len(w) > 1 and w not in STOP_WORDS}
    return not words & set(latin_words(body.lower()))


# A clause says something of its terms: a verb, copula or connective ("激活函数换成ReLU", "RNN里用LSTM", "uses
# a memory cell"). A list item with none of them is a bare term. Before, every comma-separated answer whose pieces
# were short was a keyword list, and Chinese clauses are short: "GRU是门控循环单元，是RNN的一种，它只有更新门和重置门两个门…"
# was capped at half of every point (5.8/10) while the same answer in English scored 10 (blind QA run 6, #3).
_CLAUSE_ZH = re.compile(r"是|有|用|把|将|会|能|可以|让|使|做|加|换|成|通过|因为|所以|因此|就|被|比|要|导致|避免|防止|减少|减小"
                        r"|增加|增大|提高|降低|变|出现|叫|指|没|不|对|给|当|如果|来|去|得到|需要|包括|属于|采用")
_CLAUSE_EN = re.compile(r"\b(?:is|are|was|were|be|has|have|had|use[sd]?|using|make[s]?|help[s]?|can|could|will|would"
                        r"|should|must|to|by|because|so|which|that|it|they|this|when|if|gives?|avoids?|reduces?"
                        r"|increases?|prevents?|means?|does|do|not|no)\b", re.I)


def is_keyword_list(answer: str, max_chars: int) -> bool:
    """True for an answer that is only a list of terms ("ReLU、LSTM、梯度截断"): at least three short items, nearly
    all of them bare terms (no clause word), and no sentence among them."""
    items = [x.strip(" 。.!?！？") for x in re.split(r"[、,，;；/\n]|\band\b", answer) if x.strip(" 。.!?！？")]
    if len(items) < 3:
        return False
    lengths = sorted(len(x) for x in items)
    bare = sum(1 for x in items if not _CLAUSE_ZH.search(x) and not _CLAUSE_EN.search(x))
    return (lengths[len(lengths) // 2] <= max_chars and bare >= 0.75 * len(items)
            and not re.search(r"[。！？.!?]\s*\S", answer.strip()))


# An answer that only says "I don't know" ("不知道", "这题不会", "忘了", "no idea", "pass"): in an interview it is a
# skip, not an answer whose every point was missed, and a follow-up probe of it would only ask again. Whole answers
# only: "不知道对不对，梯度截断可以…" is an answer. Written from how candidates say it, not from any eval item.
_OPENER = r"(?:(?:嗯+|呃+|额+|啊+|唉|抱歉|不好意思|对不起|sorry|um+|uh+|hmm+|honestly|sadly)\s*[，,.。…]*\s*)*"
_GIVE_UP_ZH = (r"(?:我|这题|这道题|这个|这个问题)?(?:我)?(?:真的|确实|实在|完全|还|暂时)?"
               r"(?:不知道|不清楚|不太清楚|不会|不太会|不懂|不太懂|不记得|不太记得|记不[得清住]|忘[了记]|想不起来"
               r"|没[有]?印象|没学过|没复习|答不[上出]来|回答不了|跳过|过)(?:了|啊|呢|耶|诶|哈|呀)*")
_GIVE_UP_EN = (r"(?:i\s+)?(?:really\s+|honestly\s+)?(?:don'?t|do not|dont)\s+know(?:\s+(?:this|that|it))?"
               r"|dunno|idk|no idea|no clue|not sure|i'?m not sure|i have no idea|(?:i\s+)?(?:forgot|can'?t remember)"
               r"|pass|skip|next")
GIVE_UP_RE = re.compile(rf"^\s*{_OPENER}(?:{_GIVE_UP_ZH}|{_GIVE_UP_EN})\s*[。.！!？?…~～,，]*\s*$", re.I)


def gives_up(answer: str) -> bool:
    """True when the whole answer only says the candidate does not know (or passes)."""
    return bool(GIVE_UP_RE.match(answer))
