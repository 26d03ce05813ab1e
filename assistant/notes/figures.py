"""Sentences that point at a figure the reader cannot see.

The notes' figures are not shipped (web/html.py draws a "figure not included" box in the Notes tab), and an
extractive answer quotes sentences, never the image lines between them. A quoted sentence that leads into a
figure ("…只与前面的几个状态相关，下图便是一个典型的RNNs：") or talks about one ("上图将循环神经网络进行展开…")
then points at nothing (blind QA). Two remedies, both keeping every quote verbatim (the eval checks quotes as
substrings of their section, evals/claims.py):

- a lead-in clause at the end of a quote ("，下图便是…：") is left out: what comes before it is the quote; so is a
  closing "，如" / "，比如：" / "for example:" that leads into a figure or a list the quote does not show
  ("…有很多局部极值，如" stood before an image; "…应用的范围非常广泛，比如：" before a list left unquoted);
- a quote that still names a figure gets one line after the quotes saying the figure is not included
  (answering/quoting.py; the wording is prompts/extractive_figure.<lang>.md).

Kept apart from the answer's layout so that the cue list can grow without touching it.
"""

from __future__ import annotations

import re

# A figure named as such: 下图 / 上图 / 如图 / 见图 / 图中 / 图示 / 此图 / 下面的图, and the English ways of saying it.
# Not a bare 图 (图像, 图片, 计算图, 特征图 are subjects, not a figure on the page).
FIGURE_REF = re.compile(
    r"[上下左右]图|如图|见图|图中|图示|[这此该][张幅个]?图(?![像片谱])|下面的图|上面的图|"
    r"\b(?:the\s+)?(?:figure|diagram|picture|image)\s+(?:below|above)\b|\bthe\s+following\s+(?:figure|diagram)\b|"
    r"\bas\s+shown\s+(?:below|above|in\s+the\s+(?:figure|diagram))\b|\b(?:see|in)\s+(?:fig\.|figure\s+\d)", re.I)
# The clause a lead-in sits in: after the last clause break, up to the colon that ends the sentence.
_LAST_CLAUSE = re.compile(r"[，,；;。.!！?？]\s*(?P<clause>[^，,；;。!！?？]*)[：:]\s*$")
MIN_KEPT = 6  # characters that must remain for a trimmed quote still to say something
# A closing clause that is only an example word: what it introduces follows on later lines.
_EXAMPLES_NEXT = re.compile(r"(?:[，,]\s*(?:如|比如|例如|譬如|诸如|如下)|,?\s*\b(?:for example|for instance|such as|e\.g\.|"
                            r"as follows))\s*[：:]?\s*$", re.I)


def refers_to_figure(sentence: str) -> bool:
    """Whether a sentence points at a figure ("下图便是…", "如上图所示", "the figure below")."""
    return bool(FIGURE_REF.search(sentence or ""))


def without_closing_lead_in(sentence: str) -> str:
    """The sentence without a closing clause that only leads into a figure ("…相关，下图便是一个典型的RNNs：" →
    "…相关") or into examples on the lines after it ("…非常广泛，比如：" → "…非常广泛"), a verbatim prefix of it;
    unchanged when there is no such clause or too little would be left."""
    m = _LAST_CLAUSE.search(sentence or "")
    if m and refers_to_figure(m.group("clause")):
        kept = sentence[:m.start()].rstrip()
    elif example := _EXAMPLES_NEXT.search(sentence or ""):
        kept = sentence[:example.start()].rstrip()
    else:
        return sentence
    return kept if len(kept) >= MIN_KEPT else sentence
