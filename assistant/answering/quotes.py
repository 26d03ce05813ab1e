"""A quoted sentence, and the length bound: which quotes an extractive answer keeps when they are too long.

Apart from `extractive.py` (what to quote) because it is about the answer's size alone: it reads only the quotes'
levels and ranks; and what a chosen sentence brings with it to be understood (`continued`, `led`), kept or cut with it;
and, once the quotes are chosen and bounded, which of them a drawback or advantage question hears first (`aspect_first`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answering.shapes import ASPECTS, aspects
from assistant.notes.keypoints import Outline
from assistant.notes.text import plain_text

# A sentence ending in a colon introduces the next one ("输出尺寸的计算公式为：" before the formula).
INTRODUCES = re.compile(r"[：:]\s*$")
# A sentence opening with a word that points back ("这也是激活函数的意义所在。", "This is why…") says little without the
# sentence before it. Conjunctions (但, 因此, however) were left out: with them the answers grew by up to 98 characters
# (median, eval/dev/keypoints3.jsonl) for no more key points (eval/README.md, 2026-12-04 evening).
REFERS_BACK = re.compile(r"^\s*(?:这|此|该|其(?!他|它|实|次)|(?:this|that|these|those|it)\b)", re.I)


@dataclass
class Quote:
    """A sentence quoted verbatim from a cited section; level 1 is a supporting sentence under a lead.

    `rank`: how much the answer needs it, 0 most (the sentence's place in the relevance ranking, or a point's
    place in its list); an answer over its length bound leaves out the highest ranks first (`bounded`)."""

    n: int
    text: str
    level: int = 0
    rank: float = 0.0
    # Set on the lead of a point the notes only name (`focus.bare_points`), to its label: the answer says so.
    only_named: str = ""
    # A sentence of a one-fact answer (onefact.py): shown in the order given, with no lead-in line before it.
    one_fact: bool = False


def bounded(quotes: list[Quote], max_chars: int) -> tuple[list[Quote], list[int]]:
    """The quotes that fit in max_chars, and the sources with quotes left out.

    Supporting sentences go first, from the last point backwards, so every lead stays; then,
    if that is still too long, the quotes the answer needs least (highest `rank`, the later on a tie),
    a sentence and the one it introduces together; the best-ranked quote always stays. Cutting the last
    quotes in reading order instead left a long section's answer with its opening remarks and without the
    sentences that answer the question (第37题: the region proposal network, quoted last, was cut).
    """
    kept = list(quotes)
    size = sum(len(q.text) for q in kept)
    for q in reversed(quotes):
        if size <= max_chars:
            break
        if q.level == 1:
            kept = [k for k in kept if k is not q]
            size -= len(q.text)
    while size > max_chars and len(kept) > 1:
        best = min(range(len(kept)), key=lambda j: (kept[j].rank, j))
        i = max((j for j in range(len(kept)) if j != best), key=lambda j: (kept[j].rank, j))
        gone = [kept.pop(i)]
        # A sentence introducing the one just left out ("公式为：") says nothing alone.
        if i > 0 and i - 1 != best and INTRODUCES.search(plain_text(kept[i - 1].text)):
            gone.append(kept.pop(i - 1))
        size -= sum(len(q.text) for q in gone)
    ids = {id(q) for q in kept}
    left_out = list(dict.fromkeys(q.n for q in quotes if id(q) not in ids))
    return kept, left_out


def led(picked: dict[int, int], sentences: list[str], o: Outline) -> dict[int, int]:
    """The picked sentences plus the lead of each list item whose support they are, at the same rank: "这样的好处是
    使得输出的幅值不会…" quoted without "**7. 接近恒等变换（identity）：**" does not say what it is the good of."""
    lead_of = {s: pt.lead for pt in o.points if pt.kind in ("item", "bold", "bullet") for s in pt.support}
    index = {s: i for i, s in enumerate(sentences)}
    out = dict(picked)
    for i, by in picked.items():
        j = index.get(lead_of.get(sentences[i], ""))
        if j is not None:
            out.setdefault(j, by)
    return out


def continued(chosen: list[int], sentences: list[str], back: int = 0) -> dict[int, int]:
    """The chosen sentences with what they need to be understood, each mapped to the chosen one that brought it: a
    sentence ending in a colon brings the one it introduces ("输出尺寸的计算公式为：" quoted without the formula says
    nothing), and one that points back ("这也是激活函数的意义所在。") brings the one before it, up to `back` steps."""
    picked = {i: i for i in chosen}
    for i in chosen:
        if i + 1 < len(sentences) and INTRODUCES.search(plain_text(sentences[i])):
            picked.setdefault(i + 1, i)
        j = i
        while j > 0 and i - j < back and REFERS_BACK.search(plain_text(sentences[j])):
            j -= 1
            picked.setdefault(j, i)
    return picked


def aspect_first(question: str, quotes: list[Quote]) -> list[Quote]:
    """Quotes of a prose answer reordered so the sentences that name the aspect the question asks for (a drawback, an
    advantage) come first; the rest keep their order. Only the order changes: what is quoted was chosen already."""
    # A list, or an answer focused on named points or on the aspect's own sentences (rank -1, extractive.py), is in
    # the order it was built for: "输出范围有限有什么好处和坏处？" opened with another property's "这样的好处是…".
    if not quotes or any(q.level or q.rank < 0 for q in quotes):
        return quotes
    for aspect in aspects(question):  # "sigmoid 有什么缺点？": "不足之处是…" came last of nine quotes in reading order
        first = [q for q in quotes if q.n == quotes[0].n and ASPECTS[aspect][1].search(q.text)]
        if first and len(first) < len(quotes):
            return first + [q for q in quotes if q not in first]
    return quotes
