"""Where the notes mention a declined question's name: "SELU 有什么特点？" is not answered, but the notes do name SELU.

A declined question still deserves the one place its name occurs. The coverage model declines a question about
a fine point that a long section only mentions in passing ("dying ReLU 是什么？", "SELU 有什么特点" in 第21题), and
answering such questions was measured to answer out-of-scope ones too (eval/README.md, "Declined searches whose
best section gets the exact-term bonus"). So the decision stays a decline, and the decline quotes the sentence that
names it, with its section, as a pointer: the user sees at once what the notes say, and that it is not an answer.

A name here is a run of Latin words in a Chinese question ("dying ReLU", "Leaky ReLU", "batch size") or a
technical name in any question ("SELU", "PReLU", "R-CNN"); a single plain English word ("model") is not. Only
a name that at most `MAX_SECTIONS` sections use points somewhere: "ReLU" alone, used all over the notes, says
nothing about where the answer would be. A name the notes never write as asked is looked up by the glossary's
other spellings of it ("BatchNorm": Batch Normalization, BatchNormalization, 批归一化; `glossary.spellings`): on the
682 declined tuning searches, pointers 59 → 75, each new one read and naming what was asked (one question
naming both BatchNorm and BN now shows BatchNorm's two instead of BN's one). The glossary's Chinese names as names
too (批归一化, 随机森林) gave 15 more, but several only to something related ("BERT 预训练用了哪两个任务？" to
ImageNet pretraining, U-Net's 跳跃连接 to residual connections): not kept, a pointer must name what was asked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.notes.glossary import spellings
from assistant.notes.terms import has_cjk, is_name, mostly_latin
from assistant.notes.text import candidate_sentences, plain_text

MAX_SECTIONS = 2  # a name used in more sections than this points nowhere in particular
MAX_MENTIONS = 2  # sections quoted under one decline
MAX_NAMES = 8  # names of one question looked up: each reads every section, and a pasted paragraph has dozens

_LATIN_RUN = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z][A-Za-z0-9-]*(?:[ \t]+[A-Za-z][A-Za-z0-9-]*)*")
# A name written with capitals inside it is matched only where the notes write capitals too: "mAP" is not the
# "map" of "feature map", "ZeRO" not "zero", "BN" not "bn"; "seq2seq" still finds "Seq2Seq".
_CASED = re.compile(r"[A-Z].*[A-Z]|[a-z][A-Z]")


@dataclass(frozen=True)
class Mention:
    """One sentence of a section that names what a declined question asks about."""

    name: str  # as the question spells it
    question: int
    title: str
    file_key: str
    uid: str
    sentence: str  # verbatim from the section (list bullet and footnote markers removed, as quotes are)

    @property
    def label(self) -> str:
        from assistant.notes.parse import question_label

        return question_label(self.question, self.title)


def names_in(query: str) -> list[str]:
    """The names a question asks about, in its order: Latin runs of a Chinese question, technical names of any."""
    english = mostly_latin(query)
    out: list[str] = []
    for run in _LATIN_RUN.findall(query):
        words = run.split()
        if not english and (len(words) > 1 or is_name(run)):
            out.append(" ".join(words))
        else:
            out.extend(w for w in words if is_name(w))
    return list(dict.fromkeys(out))


def _any_of(names: list[str]) -> Callable[[str], bool]:
    spelled = [name_matcher(name) for name in names]
    return lambda text: any(uses(text) for uses in spelled)


def name_matcher(name: str) -> Callable[[str], bool]:
    """Whether a text uses a name as a whole word or phrase: any case (but see _CASED), any spacing between words;
    a Chinese one anywhere."""
    if has_cjk(name):
        return lambda text: name in text
    first = name.split()[0].lower()
    pattern = re.compile(r"(?<![A-Za-z0-9])" + r"\s+".join(re.escape(w) for w in name.split()) + r"(?![A-Za-z0-9])",
                         re.IGNORECASE)
    cased = bool(_CASED.search(name))

    def names(text: str) -> bool:
        if first not in text.lower():  # most sections: rejected before the Markdown is reduced to text
            return False
        return any(not cased or _CASED.search(m.group()) for m in pattern.finditer(plain_text(text)))

    return names


def _using(names: Callable[[str], bool], sections: list[tuple[int, str, str, str, str]]) -> list[tuple]:
    """The sections whose title or body uses the name."""
    return [s for s in sections if names(f"{s[1]}\n{s[4]}")]


def find_mentions(asked: str, sections: list[tuple[int, str, str, str, str]], reading: str = "") -> list[Mention]:
    """The first sentence naming each of the question's names, for names that 1 to MAX_SECTIONS sections use.

    `sections` are (question, title, file_key, uid, body), in the order to prefer (the search's ranking first).
    A follow-up read with the conversation's words (`reading`) is pointed to the names it asks about itself ("那
    Cascade R-CNN 又改进了什么？" not to the Faster-RCNN of the turn before); one naming nothing ("它是谁提出的？")
    to the names of its reading, which are what "it" stands for.
    """
    found: list[Mention] = []
    for name in (names_in(asked) or names_in(reading))[:MAX_NAMES]:
        names = name_matcher(name)
        using = _using(names, sections)
        if not using and (others := spellings(name)):
            # Not written as asked: the glossary's other spellings ("BatchNorm": Batch Normalization, 批归一化). Only
            # then, so "BN" still points to the one section writing BN, not to every section naming batch norm.
            names = _any_of(others)
            using = _using(names, sections)
        if not using or len(using) > MAX_SECTIONS:
            continue
        for question, title, file_key, uid, body in using:
            if any(m.file_key == file_key and m.uid == uid for m in found):
                continue
            sentence = next((s for s in candidate_sentences(body) if names(s)), "")
            if sentence:  # named only in the title: the nearest-sections pointer covers it
                found.append(Mention(name, question, title, file_key, uid, sentence))
    return found[:MAX_MENTIONS]


def catalogue_sections(catalogue, hits) -> list[tuple[int, str, str, str, str]]:
    """Every indexed section as `find_mentions` reads it, the search's hits first."""
    first = list(dict.fromkeys(h.key for h in hits))
    seen = set(first)
    keys = first + [key for key in catalogue.sections if key not in seen]
    out = []
    for file_key, uid in keys:
        cids = catalogue.sections.get((file_key, uid))
        if cids and cids[0] in catalogue.rows:
            meta = catalogue.rows[cids[0]][1]
            out.append((int(meta["question"]), meta["title"], file_key, uid, catalogue.section_text(file_key, uid)))
    return out
