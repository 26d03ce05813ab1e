"""How the interviewer names one key point: by its label (a follow-up), or by its label with the key term blanked
(a recall turn).

A follow-up about a point the answer missed or contradicted ("能再展开说说「…」这一点吗？") names the point by the outline's
label, cut at a clause boundary when it is long. Blind QA found cues cut at a few characters or a comma ("「xt 表示第 t」",
"「可以将…」"): a phrase picked out of the point's sentences, cut at 12 characters, did not say which point was meant.
A recall turn asks again for points missed last time; "（第 4 点，共 9 点）" expected the candidate to know the notes'
numbering, so each point is cued by the start of its label with the key term blanked ("使用梯____（____）"), which
says which point without giving it away.
"""

from __future__ import annotations

import re

from assistant.notes.keypoints import Point

LABEL_CHARS = 30  # a label cue longer than this is cut at a clause boundary (or a word boundary, with "…")
BLANK = "____"
# Clause ends: Chinese punctuation, or ASCII punctuation followed by a space ("t,t=1,2,3" is one clause).
_CLAUSE_END = re.compile(r"[，；：、]|[,;:](?=\s)")
# Before these words a long clause can be cut without splitting a word ("…重复相乘|导致的指数级增长").
_BREAK_BEFORE = re.compile(r"(?=导致|从而|以至于|并且|而且|因此|所以|使得|用于|来预测)")
_USE = re.compile(r"^(?:使用|采用|利用|引入|加入|添加|应用|用|加)")
_GLOSS = re.compile(r"[（(][^）)]*[）)]")


def label_cue(point: Point) -> str:
    """The point's label as a follow-up names it: whole when short, else its leading clauses up to LABEL_CHARS (a
    first clause longer than that cut before a linking word or at a word boundary), with "…" for what is left out."""
    label = point.label.rstrip("。；;，,. ")
    if len(label) <= LABEL_CHARS:
        return label
    head = ""
    for match in _CLAUSE_END.finditer(label):
        if match.start() > LABEL_CHARS:
            break
        head = label[: match.start()]
    if len(head) >= 4:
        return head + "…"
    return _cut_clause(label) + "…"


def _cut_clause(text: str) -> str:
    """The start of a clause too long to quote, ending before a linking word, else outside any Latin word or bracket."""
    breaks = [m.start() for m in _BREAK_BEFORE.finditer(text, 8, LABEL_CHARS + 1)]
    head = text[: breaks[-1]] if breaks else text[:LABEL_CHARS]
    if not breaks and text[len(head):len(head) + 1].isascii() and text[len(head):len(head) + 1].isalnum():
        head = re.sub(r"[A-Za-z0-9_]+$", "", head)
    for opening, closing in (("（", "）"), ("(", ")")):  # never end inside a bracket: "…梯度（值大于…" reads broken
        if head.count(opening) > head.count(closing):
            head = head[: head.rfind(opening)]
    return head.rstrip(" ，,（(")


def blanked(point: Point) -> str:
    """The point's label with its key term blanked, for a recall question: a short name keeps its verb and first
    character ("使用梯____（____）", "D____", "非____"); a sentence keeps its first clause, or the first third of it."""
    cue = label_cue(point).rstrip("…")
    core = _GLOSS.sub("", cue).strip()
    if point.names and (len(core) <= 12 or re.fullmatch(r"[A-Za-z][\w-]*", core)):  # a name, "BatchNormalization" too
        verb = _USE.match(core)
        verb_text = verb.group(0) if verb and len(core.strip()) > len(verb.group(0)) + 1 else ""  # "加L1/L2正则化": "加L"
        rest = core[len(verb_text):]
        kept = core[: len(verb_text) + len(rest) - len(rest.lstrip()) + 1]  # "使用 ReLU 激活函数": "使用 R"
        glosses = "".join(g[0] + BLANK + g[-1] for g in _GLOSS.findall(cue))
        return kept + BLANK + glosses
    first = _CLAUSE_END.split(cue, maxsplit=1)
    if len(first) > 1 and 2 <= len(first[0]) < len(cue) * 0.7:
        return first[0] + cue[len(first[0])] + BLANK
    keep = max(2, len(cue) // 3)
    head = cue[:keep]
    if cue[keep:keep + 1].isascii() and cue[keep:keep + 1].isalnum():  # never inside a Latin word: "DeepFace____"
        word = re.match(r"[A-Za-z0-9_]*", cue[keep:])
        head = re.sub(r"[A-Za-z0-9_]+$", "", head) or head + (word.group(0) if word else "")
    return head.rstrip(" （(") + BLANK
