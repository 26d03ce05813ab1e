"""Padding in an interview answer: sentences said over and over, and sentences that say nothing of the section.

An interviewer marks down a pasted answer followed by "我很喜欢打篮球。这个问题很重要。" forty times; the grader gave
it 10/10 with no comment (blind QA run 6, #13), because e5 puts any Chinese sentence within 0.86-0.93 of every note
sentence and the precision factor barely moved. What tells padding apart is plainer: a sentence repeated three times
or more, or (in the notes' language) a sentence that shares no term with the section, even through the glossary.
On the Chinese dev grading answers to Chinese notes no correct or partial answer has any such sentence (0 of 126);
only off-topic and generic ones do. English answers to Chinese notes are checked for repeats only: the glossary
does not reach every English word, and a third of one correct English answer shared no term with its notes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from assistant.interview.answer_text import answer_terms
from assistant.notes.keypoints import key_terms

REPEAT_MIN = 3  # a sentence said this often is padding beyond its first time (twice can be emphasis)
MIN_CHARS = 4  # shorter pieces ("好的。", "OK.") are left alone


@dataclass(frozen=True)
class Padding:
    """How much of an answer is padding (a share of its characters) and an example to quote back."""

    share: float = 0.0
    example: str = ""
    times: int = 1  # how often the example was said

    def quoted(self, lang: str) -> str:
        """The example as the feedback quotes it: 「我很喜欢打篮球。」 ×40."""
        text = f"「{self.example}」" if lang == "zh" else f'"{self.example}"'
        return text + (f" ×{self.times}" if self.times > 1 else "")


def padding(sentences: list[str], body: str, same_language: bool) -> Padding:
    """The padding among an answer's sentences, measured against the section `body`."""
    def norm(s: str) -> str:
        return re.sub(r"[\s\W_]+", "", s).lower()

    sentences = [s.strip() for s in sentences if len(norm(s)) >= MIN_CHARS]
    total = sum(len(s) for s in sentences)
    if not total:
        return Padding()
    counts = Counter(norm(s) for s in sentences)
    note_terms = key_terms(body)
    seen: Counter[str] = Counter()
    padded, example, times = 0, "", 1
    for s in sentences:
        key = norm(s)
        seen[key] += 1
        repeat = counts[key] >= REPEAT_MIN and seen[key] > 1
        unrelated = same_language and not answer_terms(s, cross_lingual=False) & note_terms
        if repeat or unrelated:
            padded += len(s)
            # The example quoted back: the most repeated sentence, else the first unrelated one.
            if counts[key] > times or not example:
                example, times = s, counts[key]
    return Padding(padded / total, example, times)
