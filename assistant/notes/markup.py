"""How a section's Markdown lines are read: its parts (`### N.M` headings, and short lines ending in a colon that head
a list like one), which lines are list items and of which marker, what prose belongs to which item, and its sentences.

Apart from `keypoints.py`, which turns what is read here into points: this module knows Markdown, that one knows
what a point is.
"""

from __future__ import annotations

import re

from assistant.notes.text import (
    BULLET_RE,
    IMG_RE,
    QUOTE_MARK_RE,
    SOURCE_RE,
    SUBSECTION_RE,
    Fences,
    plain_text,
    split_sentences,
    strip_footnotes,
)

_NUMBERED = re.compile(r"^ ?(\d{1,2})[.)、](?!\d)\s*\S")
_BULLETED = re.compile(r"^ ?[-*+•]\s+\S")
BOLD_LEAD = re.compile(r"^\*\*([^*]{1,40}?)\*\*")
FILLER = re.compile(r"本节|列举|如下|以下几|下面(?:几|介绍|列)|有很多方法|as follows|listed below|the following", re.I)
_LETTERED = re.compile(r"^[a-z][)）]")  # "a）圆圈…": an item of a lettered list, never a marker of its own
_NO_CLAIM = re.compile(r"^(?:\W*$|[—–-]{1,2})")  # empty or an attribution line ("——《深度学习》，2016.")
# Sentences nobody says in an interview (blind QA): a blog's asides ("首先膜拜 RBG 大神…", "btw，在本博客中…") and a
# short one that only points at a figure or introduces it ("如下图所示："). "上图将循环神经网络进行展开成一个全神经网络。"
# says something and stays, and so does "…往往假设当前的状态只与前面的几个状态相关，下图便是一个典型的RNNs：".
_BLOG = re.compile(r"膜拜|\bbtw\b|本博客|博客中", re.I)
# An author's disclaimer ("业余级新手，理解不对的地方还请指正": it opened 第37题's answers, blind web QA). Never quoted
# (`keypoints.Outline.sentences`, what answers quote), but kept among the outline's points: as one of 第37题's
# central points it stood for the section's topic, and without it three correct dev answers to 第37题 were graded
# ≤ 3 (eval/README.md, 2026-12-06).
DISCLAIMER = re.compile(r"指正|如有错误|如有不对|不对的地方|不当之处|业余级|仅供参考|\bcorrect me if\b", re.I)
_FIGURE = re.compile(r"下图|上图|如图|见图|图中|\b(?:figure|diagram|picture)\b", re.I)
# A sentence that is one HTML element ("<script>alert(1)</script>" in an uploaded file became a key point to recall).
_ELEMENT = re.compile(r"^<([A-Za-z][\w-]*)\b[^>]*>.*</\1\s*>$|^<[A-Za-z][^<>]*/?>$", re.S)


def aside(plain: str) -> bool:
    """Whether a sentence (plain text) is one nobody would say out loud: a blog's aside, or only about a figure (short,
    or introducing it with a colon). "…很多局部极值，如" (dangling before a picture) stays: it says something."""
    plain = plain.strip()
    figure = _FIGURE.search(plain)
    return bool(_BLOG.search(plain) or figure and (len(plain) <= 20 or plain.endswith(("：", ":")) and figure.start() <= 12))


def section_parts(section: str) -> list[tuple[str, list[str]]]:
    """(subsection title or '', prose lines) in order; fences, sources and images dropped."""
    groups: list[tuple[str, list[str]]] = [("", [])]
    fences = Fences()
    for line in section.split("\n"):
        if fences.step(line) or fences.inside or SOURCE_RE.match(line) or IMG_RE.search(line):
            continue
        heading = SUBSECTION_RE.match(line)
        if heading:
            groups.append((heading.group(2).strip(), []))
        elif line.strip():
            groups[-1][1].append(strip_footnotes(line))
    return [part for title, lines in groups if title or lines for part in (_lead_in_parts(lines) if not title else [(title, lines)])]


_LEAD_IN_MAX = 30  # plain characters of a line that heads a list like a heading ("学习率过大的表现：", "**缺点：**")


def _lead_in_parts(lines: list[str]) -> list[tuple[str, list[str]]]:
    """Prose without `###` parts in which two or more short lines ending in a colon each head a list ("大 batch
    的特点：" - …, "小 batch 的特点：" - …): each such line (verbatim, colon kept) titles a part like a heading, so
    its items are told apart from the other list's; as one list, the second line was "support" of the first list's
    last item. Prose after the last list (`_list_ends`) is not the last part's: it follows untitled."""
    heads = [i for i, ln in enumerate(lines) if _heads_list(lines, i)]
    if len(heads) < 2:
        return [("", lines)]
    parts = [("", lines[: heads[0]])] if heads[0] else []
    for a, b in zip(heads, [*heads[1:], len(lines)]):
        body = lines[a + 1 : b]
        ends = _list_ends(body, list_marker(body, 1))
        cut = min(ends, default=len(body))
        parts.append((lines[a].strip(), body[:cut]))
        if body[cut:]:
            parts.append(("", body[cut:]))
    return parts


def _heads_list(lines: list[str], i: int) -> bool:
    line = lines[i]
    title = plain_text(line).strip()
    return (not _line_kind(line) and len(line) - len(line.lstrip(" ")) <= 1 and title.endswith(("：", ":"))
            and 2 <= len(title) - 1 <= _LEAD_IN_MAX and i + 1 < len(lines) and _line_kind(lines[i + 1]) in ("bullet", "item"))


def _line_kind(line: str) -> str:
    stripped = line.lstrip(" ")
    if len(line) - len(stripped) > 1:
        return ""  # indented: content of the item above
    if _BULLETED.match(line):
        return "bullet"
    if _NUMBERED.match(line):
        return "item"
    if BOLD_LEAD.match(stripped) and len(sentences_of([stripped])) > 1 or re.match(r"^\*\*\d{1,2}[.)、]", stripped):
        return "bold"
    return ""


def list_marker(lines: list[str], min_items: int) -> str:
    """The item marker of the outermost list: of the markers used min_items times or more, the first one used."""
    kinds = [_line_kind(ln) for ln in lines]
    for kind in kinds:
        if kind and kinds.count(kind) >= min_items:
            return kind
    return ""


def list_items(lines: list[str], kind: str) -> tuple[list[str], list[tuple[str, str, list[str]]]]:
    """(prose before the first item, [(kind, lead, support)]): every unindented marked line starts a point (a
    section may hold two lists, e.g. the steps and then the caveats); other lines support the point above.
    Unindented prose after the last item of a list (`_list_ends`: no item follows, or the next one starts its
    numbering again) is a 'central' point of its own: Markdown ends the list there, and that prose
    is not about the last item (the hidden state of an RNN was "support" of "时间序列问题。")."""
    pre: list[str] = []
    items: list[tuple[str, str, list[str]]] = []
    nested = ""
    ends = _list_ends(lines, kind)
    in_prose = False
    for i, line in enumerate(lines):
        if i in ends:  # prose after a list: a point of its own, its first sentence the lead, in reading order
            sentences = [s for s in sentences_of([line]) if not FILLER.search(s)]
            if in_prose:
                items[-1][2].extend(sentences)
            elif sentences:
                items.append(("central", sentences[0], sentences[1:]))
                in_prose = True
            continue
        in_prose = False
        line_kind = _line_kind(line)
        if line_kind and line_kind != kind and items and (line_kind == nested or _introduces(items[-1])):
            nested, line_kind = line_kind, ""  # a nested list ("作用主要有两个：" then 1. 2.): it supports the point above
        elif line_kind:
            nested = ""
        if line_kind and (items or line_kind == kind):
            sentences = sentences_of([line], min_chars=2)
            if sentences:
                items.append((line_kind, sentences[0], sentences[1:]))
                continue
        (items[-1][2] if items else pre).extend(sentences_of([line]))
    return pre, items


def _list_ends(lines: list[str], kind: str) -> set[int]:
    """Indexes of the unindented prose lines that follow the last item of a list of `kind` (see `list_items`), up to
    the next marked line of any kind (another list's items still start points). A list whose items are followed
    by paragraphs of their own ("1. **学习率不能太大**", a paragraph, "2. …", a paragraph) keeps its last one too."""
    if kind == "bold":
        return set()  # bold leads head paragraphs: what follows them is theirs
    kinds = [_line_kind(ln) for ln in lines]
    prose = [not k and len(ln) - len(ln.lstrip(" ")) <= 1 and not _LETTERED.match(ln.lstrip())
             for k, ln in zip(kinds, lines)]
    starts = [i for i, k in enumerate(kinds) if k == kind]
    runs: list[list[int]] = []
    for i in starts:  # one run per list: a numbered list that starts again at 1 is another list
        if runs and not (kind == "item" and _number(lines[i]) <= _number(lines[runs[-1][-1]])):
            runs[-1].append(i)
        else:
            runs.append([i])
    out: set[int] = set()
    for run in runs:
        if any(prose[j] for a, b in zip(run, run[1:]) for j in range(a + 1, b)):
            continue
        end = next((s for s in starts if s > run[-1]), len(lines))
        first = next((j for j in range(run[-1] + 1, end) if prose[j]), None)
        if first is not None:
            out.update(range(first, next((j for j in range(first, end) if kinds[j]), end)))
    return out


def _number(line: str) -> int:
    """The number of a numbered item (0 for any other line)."""
    m = _NUMBERED.match(line)
    return int(m.group(1)) if m else 0


def _introduces(item: tuple[str, str, list[str]]) -> bool:
    """True when a point's last sentence ends with a colon: it announces the list that follows."""
    last = (item[2] or [item[1]])[-1]
    return plain_text(last).rstrip().endswith(("：", ":"))


# A forum answer's opening clause about the thread, not the topic ("正如题主所说，", "这个条件前面很多答主都提到了，",
# "个人理解，"): the rest of the sentence is quoted without it, still verbatim (blind CLI QA, 2026-12-06: "none of that
# can be said in an interview").
_CHATTER = re.compile(r"^(?:(?:正如|就像)[^，,。]{0,8}(?:所说|说的|提到的)|[^，,。*]{0,12}(?:答主|题主|楼主)[^，,。]{0,10})[，,]\s*|"
                      r"^(?:个人(?:理解|认为|觉得|感觉)|我(?:认为|觉得))[，,]?\s*")


def sentences_of(lines: list[str], min_chars: int = 6) -> list[str]:
    out = []
    for line in lines:
        text = BULLET_RE.sub("", QUOTE_MARK_RE.sub("", line.strip()))
        for s in split_sentences(text):
            s = _CHATTER.sub("", s, count=1)
            plain = plain_text(s).strip(" -•|：:")
            if len(plain) >= min_chars and not _NO_CLAIM.match(plain) and not aside(plain) and not _ELEMENT.match(s.strip()):
                out.append(s)
    return out
