"""Families of interchangeable names (activations, optimisers, recurrent cells …): the swap rule of grading.

An answer that puts another member of a family where the notes name one ("应该用 sigmoid 激活函数" for 第28题's
"使用 ReLU 激活函数") says something else, however close its wording: the grader's similarity ticked such a point.
The families are data (families.tsv), written from general knowledge, not from eval items.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_FILE = Path(__file__).with_name("families.tsv")


@lru_cache(maxsize=1)
def _members() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(family, spellings) per member, spellings lower-cased, longest first within a member."""
    out = []
    for line in _FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        family, members = line.split("\t")
        for member in members.split("|"):
            out.append((family, tuple(sorted(_fold(member).split("="), key=len, reverse=True))))
    return tuple(out)


@lru_cache(maxsize=1)
def _spellings() -> tuple[tuple[re.Pattern, int], ...]:
    """Every spelling as a pattern (a Latin one as a whole word, a Chinese one as written) with its member's index,
    longest first: built once, read for every point and segment an answer is graded on."""
    out = []
    for i, (_, spellings) in enumerate(_members()):
        for s in spellings:
            pattern = rf"(?<![a-z0-9]){re.escape(s)}(?![a-z0-9])" if re.search(r"[a-z]", s) else re.escape(s)
            out.append((len(s), re.compile(pattern), i))
    return tuple((p, i) for _, p, i in sorted(out, key=lambda x: -x[0]))


def _fold(text: str) -> str:
    """Lower case, hyphens as spaces: "Cross-Entropy" is "cross entropy", "R-CNN" is "r cnn"."""
    return text.lower().replace("-", " ")


@lru_cache(maxsize=1024)
def _found(text: str) -> tuple[tuple[int, int, int, int], ...]:
    """(order of the spelling, start, end, member index) of every member named. Longer spellings are read first and
    hide the shorter ones inside them: "leaky relu" is not also "relu", "faster r-cnn" not also "r-cnn"."""
    low = _fold(text)  # as long as the text: positions are the text's
    taken: list[tuple[int, int, int, int]] = []
    for k, (pattern, i) in enumerate(_spellings()):
        for a, b in (m.span() for m in pattern.finditer(low)):
            if not any(x <= a and b <= y for _, x, y, _ in taken):
                taken.append((k, a, b, i))
    return tuple(taken)


def mentions(text: str) -> list[tuple[int, int, int]]:
    """Where the text names family members: (start, end, member index), in text order."""
    return sorted((a, b, i) for _, a, b, i in _found(text))


def named(text: str) -> tuple[tuple[str, int], ...]:
    """The family members a text names, as (family, member index), each once, longest spelling first. Cached (in
    `_found`): the grader asks of the same answer and labels for every segment."""
    members = _members()
    return tuple(dict.fromkeys((members[i][0], i) for *_, i in _found(text)))


def swapped(point_label: str, segment: str, answer: str, other_points: list[str]) -> str:
    """The name a segment puts in place of the one a point names, or '': the point names a family member, the
    answer never names it, and the segment names another member of that family that no other point of the section
    names (a section listing activations has a point for each: an answer on ReLU swaps nothing for its tanh point;
    第28题 names Sigmoid only as the cause, so "use sigmoid" for its ReLU point is a swap)."""
    mine = named(point_label)
    if not mine:
        return ""
    said = named(answer)
    if any(m in said for m in mine):
        return ""
    families = {f for f, _ in mine}
    own = named(" | ".join(other_points))
    others = [i for f, i in named(segment) if f in families and (f, i) not in mine and (f, i) not in own]
    return _members()[others[0]][1][-1] if others else ""
