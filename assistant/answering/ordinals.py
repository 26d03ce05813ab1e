"""Ordinal follow-ups: "第二种方法展开说说", "第二个比第一个快在哪里", "tell me more about the second one".

An ordinal points at an item the conversation listed: one of the names the previous question enumerated
("R-CNN、Fast R-CNN 和 Faster R-CNN 的区别" → 第二个 is Fast R-CNN), else a point of the previous answer, whose list
answers give a section's outline points in order (`notes/keypoints.py`), so 第二种方法 after "怎么解决梯度爆炸？" is
第28题's second point, "使用 ReLU 激活函数". The ordinal is replaced by what it points at (the outline's topic
first), and the rewritten question is searched and shown as what was understood. Before, "第二种方法展开说说" was
declined as not in the notes (blind QA run 6, #9). Only ordinals with a classifier of items count: 第二层 (the second
layer) and 第28题 (a question number) are no reference to a list.
"""

from __future__ import annotations

import re
from typing import Callable

from assistant.answering.condense import topic_of
from assistant.notes.terms import to_simplified

_ZH_NUMBERS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_EN_NUMBERS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
               "ninth": 9, "tenth": 10, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6, "last": -1}
_ZH_ORDINAL = re.compile(r"(?:第\s*([一二两三四五六七八九十]|\d{1,2})|(最后))\s*(?:一)?(?:种方法|种办法|个方法|个办法|种|个|点|条|项|类|步|招)"
                         r"|(前者)|(后者)")
_EN_ORDINAL = re.compile(r"\bthe\s+(" + "|".join(_EN_NUMBERS) + r")(?:\s+(?:one|method|way|point|item|option|approach|"
                         r"technique|solution|fix|thing|idea|step|reason|sign|property|model))?\b"
                         r"|\b(?:point|item|number|method|option)\s+(?:no\.?\s*|#)?(\d{1,2})\b", re.I)
# The former / the latter: of two names the previous question listed, never of an answer's points.
_EN_PAIR = re.compile(r"\bthe\s+(former|latter)\b", re.I)
# Where a question lists names: 、 and commas, and the words for "and", "or", "versus".
_LIST_SEP = re.compile(r"\s*(?:[、，,/]|以及|还有|和|与|跟|及|或者|或|\band\b|\bor\b|\bvs\.?|\bversus\b)\s*", re.I)
# What the question asks of the names, which topic_of keeps after the last one ("SGD 各有什么特点" → "SGD 各 特点").
_ASKS = re.compile(r"\s*(?:有啥|是啥|啥|各自|各|分别|都|特点|优缺点|优点|缺点|异同|不同|不一样|差异|差别|关系|联系|作用).*$")
_COUNT = re.compile(r"[一二两三四五六七八九十\d]+\s*(?:个|种|者)|\b(?:two|three|four|both|all)\b", re.I)


def ordinals(question: str) -> list[tuple[re.Match, int, bool]]:
    """Each ordinal of a question: its match, its 1-based position (-1: the last), and whether it is 前者/后者 or
    the former/latter (which only a pair of listed names can resolve)."""
    found = []
    for m in _ZH_ORDINAL.finditer(question):
        if m.group(3) or m.group(4):
            found.append((m, 1 if m.group(3) else -1, True))
        else:
            found.append((m, -1 if m.group(2) else int(m.group(1)) if m.group(1).isdigit() else _ZH_NUMBERS[m.group(1)], False))
    found += [(m, 1 if m.group(1).lower() == "former" else -1, True) for m in _EN_PAIR.finditer(question)]
    found += [(m, _EN_NUMBERS[m.group(1).lower()] if m.group(1) else int(m.group(2)), False)
              for m in _EN_ORDINAL.finditer(question)]
    return sorted(found, key=lambda f: f[0].start())


def listed_names(question: str) -> list[str]:
    """The names a question enumerates (two or more), in order: "R-CNN、Fast R-CNN 和 Faster R-CNN 三个的区别是啥？"
    → R-CNN, Fast R-CNN, Faster R-CNN."""
    pieces = [_ASKS.sub("", topic_of(_COUNT.sub(" ", p))).strip() for p in _LIST_SEP.split(to_simplified(question))]
    # "What's" leaves "'s" behind (topic_of removes "what").
    names = [re.sub(r"\s+", " ", re.sub(r"^(?:'s\b|[^\w\u3400-\u9fff])+", "", p)).strip() for p in pieces]
    names = [n for n in names if n]
    return names if len(names) >= 2 else []


def listed_points(hit) -> tuple[str, list[str]]:
    """(topic, point labels) of the section a previous answer came from (a retrieval Hit, or None if it was declined),
    in the order a list answer gives them."""
    from assistant.notes.keypoints import outline

    if hit is None:
        return "", []
    return topic_of(hit.title), [point.label for point in outline(hit.section).points]


def resolve_ordinals(question: str, history: list[str], points_of_previous: Callable[[], tuple[str, list[str]]]) -> str:
    """The question with its ordinals replaced by what they point at, or unchanged when none can be resolved.
    `points_of_previous()`: (topic, point labels) of the previous answer's section, asked only when needed."""
    found = ordinals(question)
    if not found or not history:
        return question
    items, topic = listed_names(history[-1]), ""
    if any(pair for _, _, pair in found) and len(items) != 2:
        return question
    if not items:
        topic, items = points_of_previous()
    if not items or any(n > len(items) for _, n, _ in found):
        return question
    out, end = [], 0
    for m, n, _ in found:
        out += [question[end:m.start()], items[n - 1 if n > 0 else -1]]
        end = m.end()
    rewritten = "".join([*out, question[end:]]).strip()
    return f"{topic} {rewritten}".strip() if topic else rewritten
