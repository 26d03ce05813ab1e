"""What kind of answer a question asks for: a definition, a reason, effects, a diagnosis, a fix, a comparison, a list.

Interview notes often hold sibling sections on one topic that differ only in what they
ask: "什么是梯度爆炸？" / "梯度爆炸会引发什么问题？" / "如何确定是否出现梯度爆炸？" /
"如何修复梯度爆炸问题？". Both embedders see mostly the shared topic, so they confuse the
siblings. Matching the query's question type against each section title's question type
separates them: a match adds a small bonus to the section's fused score, a clash (both
ask something specific, but different things) subtracts it. The cue words are ordinary
Chinese and English question phrasings, not words of these particular notes; cues that
occurred only in the old test queries (有啥招, 引起, 什么叫, happens, compar, changes) were
removed when that set became tuning data. When the first blind test set became tuning data too
(eval/dev/test1/), "what exactly/really is" (define) and "happen(s)" (effect) were added on all
tuning queries: English hit@1 274 → 276 of 307, nothing else changed.
"""

from __future__ import annotations

import re
from functools import lru_cache

CUES = {
    "define": r"什么是|是什么|指的是|是指|含义|定义|意义|怎么回事|\bwhat\s+(?:exactly\s+|really\s+|actually\s+)?(?:is|are)\b|\bwhat's\b|\bdefin|\bmeaning\b",
    "why": r"为什么|为啥|为何|原因|\bwhy\b|\breasons?\b",
    # "problems" only in the plural: "the exploding gradient problem" names the topic, it asks nothing.
    "effect": r"引发|导致|造成|带来|后果|影响|危害|什么问题|会(?:怎样|怎么样|咋样)|\bconsequences?\b|\beffects?\b"
              r"|\bproblems\b|\bimpact\b|\bharm|\blead\s+to\b|\bresult\s+in\b|\bhappens?\b",
    "detect": r"确定|判断|检测(?:是否|出|到)|(?:怎么|如何)(?:检测|发现|知道|看出)|诊断|看出|迹象|征兆|症状|是否出现|\bdetect"
              r"|\bsigns?\b|\bsymptoms?\b|\bdiagnos|\btell\s+(?:if|whether|that)\b|\bidentify\b|\bknow\s+(?:if|whether)\b",
    # not bare 方法/办法/处理: "用什么方法生成候选区域" asks how something works, not for a remedy
    "fix": r"修复|解决|缓解|避免|防止|应对|对付|怎么办|咋办|咋整|怎么整|咋弄|\bfix|\bsolve|\bsolution|\bprevent|\bavoid"
           r"|\bmitigat|\bremed|\bdeal\s+with|\bhandle|\bcure|\bcounter",
    # "differentiable" compares nothing ("ReLU isn't differentiable at zero. Why…" was read as a comparison).
    "compare": r"区别|不同|差异|对比|比较|改动|改进|\bdiffer(?!entia)|\bvs\.?\b|\bversus\b",
    "list": r"哪些|哪几|几种|几个|常用的|常见的|\blist\b|\bwhich\b|\btypes\s+of\b|\bkinds\s+of\b",
}
# "Why does X happen?" asks for X's cause, which a "what is X" section gives ("什么是梯度爆炸？" ends with what
# produces it): the two neither agree nor clash. Tuning queries (bench/tuning_data.py, 2,200 items): 3 won, 1 lost.
_COMPATIBLE = frozenset({"why", "define"})
# "区别是什么" asks for a comparison, not a definition.
_COMPARE_WHAT = re.compile(r"(?:区别|不同|差异|改动)(?:是什么|在哪)")
_OWN_DEFINE = re.compile(r"什么是|\w是什么[？?，,]")


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    return {name: re.compile(cue, re.I) for name, cue in CUES.items()}


@lru_cache(maxsize=4096)
def intents(text: str) -> frozenset[str]:
    """The question types a question asks (possibly none)."""
    found = {name for name, pattern in _patterns().items() if pattern.search(text)}
    if _COMPARE_WHAT.search(text) and not _OWN_DEFINE.search(text):
        found.discard("define")
    return frozenset(found)


def agreement(query: frozenset[str], title: frozenset[str], clash: float = 1.0) -> float:
    """+1 when the query and a section title ask the same kind of thing, -clash when both ask different things
    (other than a reason and a definition), else 0."""
    if query & title:
        return 1.0
    if query and title and not (query | title) <= _COMPATIBLE:
        return -clash
    return 0.0
