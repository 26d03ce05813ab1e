"""The same question in other words, so a user cannot pass by recognising the title.

Offline: templates per question type (`retrieval/intent.py`) in `prompts/interview_variants.<lang>.md`,
one `type: template` per line, filled with the question's subject (the title without its question
words: "如何修复梯度爆炸问题？" → "梯度爆炸问题"). A variant is kept only when it still asks the
same kind of thing (its question types overlap the title's). With an LLM configured, paraphrases
are generated (`prompts/interview_paraphrase.md`) and kept only when retrieval still finds the
same section first; otherwise the templates are used.
"""

from __future__ import annotations

import re
from typing import Callable

from assistant.answering.prompts import Prompts
from assistant.retrieval.intent import intents

# Question words stripped to get a title's subject (ordinary phrasings, longest first).
_QUESTION_WORDS = re.compile(
    r"在神经网络中，?|在深度学习中，?|什么是|是什么|究竟是怎样的|是怎么|怎么样|怎样|如何|为什么|为啥|"
    r"需要具有哪些|需要具备哪些|具有哪些|具备哪些|有哪些|哪些|有什么用|有什么作用|有什么|常见的|常用的|"  # whole verbs: 具有哪些 minus 有哪些 left "需要具必要的属性"
    r"会引发什么问题|会导致什么问题|什么问题|简单说下|简单说说|请详细说说|详细说说|说说|请问|确定是否出现|确定|修复|解决|办法|方法|防止|避免|"
    r"三者的区别|的区别|区别|做了哪些改动|改动|"
    r"\bwhat\s+(?:is|are)\b|\bhow\s+(?:do|does|can)\s+(?:you|we|i)\b|\bhow\s+(?:do|does|can|to)\b|\bwhy\b|\bwhich\b"
    r"|\bexplain\b|\bfix(?:es)?\b|\bprevent\b|\bavoid\b|\bsolve\b|\bdetect\b", re.I)
# One question type per clause of a title, the most specific first ("有哪些办法防止过拟合" asks for fixes).
_PRIORITY = ("fix", "compare", "detect", "effect", "why", "define", "list")
_HOW_VERB = re.compile(r"(?:怎么|怎样|如何)(?![的？?]*$)")  # a how-word with a verb after it, not a final "是怎样的"
_EDGES = re.compile(r"^[\s，,、：:的]+|[\s，,、：:？?。.的]+$")


def subject_of(title: str, kind: str | None = None) -> str:
    """The topic a question title asks about: its first clause (or the first asking `kind`) without question words."""
    clauses = [c for c in re.split(r"[？?，,]", title.strip()) if c.strip()] or [title]
    i = next((i for i, c in enumerate(clauses) if kind and kind in intents(c)), 0)
    first = clauses[i]
    subject = _EDGES.sub("", _QUESTION_WORDS.sub("", first))
    # A trailing modal or copula is the question's, not the subject's: "LSTM 的结构是怎样的" left "LSTM 的结构是", and
    # "请谈谈你对LSTM 的结构是的理解" is not Chinese.
    subject = _EDGES.sub("", re.sub(r"(会|能|要|该|是)$", "", subject)).strip()
    context = _EDGES.sub("", _QUESTION_WORDS.sub("", clauses[i - 1])) if i else ""
    if len(context) >= 2 and len(subject) < 6 and not intents(clauses[i - 1]):  # "…局部最优，为什么应用广泛": keep it
        subject = f"{clauses[i - 1].strip()}，{subject}"  # (not a scope alone: "在神经网络中，有哪些办法防止过拟合")
    return subject if len(subject) >= 2 else _EDGES.sub("", first)


def templates(prompts: Prompts, lang: str) -> dict[str, list[str]]:
    """Question type → templates, from `prompts/interview_variants.<lang>.md` (`type: template` lines)."""
    out: dict[str, list[str]] = {}
    for line in prompts.get("interview_variants", lang).template.splitlines():
        kind, sep, text = line.partition(":")
        if sep and text.strip() and not line.startswith("#"):
            out.setdefault(kind.strip(), []).append(text.strip())
    return out


def offline_variants(prompts: Prompts, title: str, lang: str) -> list[str]:
    """Rewordings of a title from the templates of its question types ('any' when it has none). A title that
    asks several things ("CNN是什么，关键的层有哪些？") gets one template per type, joined, so nothing is dropped."""
    kinds = intents(title)
    questions = [q for q in re.split(r"[？?]", title) if q.strip()]
    if len(questions) > 1 and not all(intents(q) for q in questions):
        # A question of the title that no template type fits ("…是什么？有什么作用？") would be dropped from the wording
        # while the grade still expects its points: the title is asked as written.
        return []
    table = templates(prompts, lang)
    clauses = [c for c in re.split(r"[？?，,]", title) if intents(c)]
    chosen = [next(k for k in _PRIORITY if k in intents(c)) for c in clauses] or sorted(kinds)
    if len(set(chosen)) < len(chosen):
        # Two clauses of one type ("需要具有哪些必要的属性？还有哪些属性是好的属性但不必要的？") share one template, which
        # dropped the second: the question would no longer ask for points it is graded on, so it is asked as written.
        return []
    per_kind = []
    for kind in chosen or ["any"]:
        subject = subject_of(title, kind)
        if kind == "any" and (re.search(r"怎么|怎样|如何|该", subject) or _HOW_VERB.search(title)):
            # A how-to no template type fits ("样本类别不平衡该怎么处理", "…是怎样计算的"): with the how-word stripped,
            # "请谈谈你对…是计算的理解" is not Chinese. ("…是怎样的" has no verb after it: "对…的理解" reads.)
            return []
        filled = [t.replace("{subject}", subject) for t in table.get(kind, [])]
        per_kind.append([x for x in filled if not kinds or intents(x) & {kind}])
    per_kind = [x for x in per_kind if x]
    if not per_kind:
        return []
    width = min(len(x) for x in per_kind)
    out = [("" if lang == "zh" else " ").join(x[i] for x in per_kind) for i in range(width)]
    return [x for x in dict.fromkeys(out) if x != title]


def llm_variants(llm, prompts: Prompts, title: str, lang: str, same_section: Callable[[str], bool],
                 n: int = 3) -> list[str]:
    """Paraphrases from the model that still retrieve the same section first; [] on any failure."""
    try:
        reply = llm.invoke([("human", prompts.render("interview_paraphrase", title=title, n=n,
                                                     language="Chinese" if lang == "zh" else "English"))])
        lines = [re.sub(r"^\s*(?:[-*•]|\d+[.)、])\s*", "", x).strip() for x in str(getattr(reply, "content", reply)).splitlines()]
    except Exception:  # a dead endpoint only means no paraphrases
        return []
    kept = [x for x in dict.fromkeys(lines) if 4 <= len(x) <= 120 and x != title]
    return [x for x in kept[:n] if same_section(x)]
