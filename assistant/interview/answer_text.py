"""How the grader reads an answer: its sentences and comma clauses, whether it is only a keyword list, and whether
it only says the candidate does not know."""

from __future__ import annotations

import re

from assistant.notes.terms import STOP_WORDS, has_cjk, latin_words
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


def is_keyword_list(answer: str, max_chars: int) -> bool:
    """True for an answer that is only a list of short terms ("ReLU、LSTM、梯度截断"), no sentence among them."""
    items = [x.strip() for x in re.split(r"[、,，;；/\n]|\band\b", answer) if x.strip()]
    if len(items) < 3:
        return False
    lengths = sorted(len(x) for x in items)
    return lengths[len(lengths) // 2] <= max_chars and not re.search(r"[。！？.!?]\s*\S", answer.strip())


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
