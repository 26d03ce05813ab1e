"""Cause rule of the contradiction check (polarity.conflict): a statement that gives, for an effect the notes
explain, a cause the notes do not give.

"在深度多层感知机中，梯度爆炸主要是因为网络层数太少" uses words of the notes only, negates nothing and swaps no
antonym, yet the notes blame the activation function ("梯度爆炸的发生可能是因为激活函数"). The negation, antonym
and role rules cannot see it, and neither can e5 (0.96 against the note sentence it borrows 层数 from). This rule
reads both sides as (effect, cause) pairs split at a causal word (因为, 由于, 所以, 导致, 之所以…是因为, 这也是为什么
…, because, due to …) and flags a statement whose effect is one the notes explain (half its terms, weighted by
rarity, in the effect of a causal note sentence) while its cause shares almost nothing with what the notes give as
the cause of it, nor with any note sentence about that effect. Terms are `terms.term_set` (Chinese bigrams, Latin words), and a statement is
compared only with note sentences in its own language: the rule cannot read across languages.

Written after reading the wrong_cause items of the dev sets eval/dev/answers2.jsonl and answers3.jsonl
(2026-12-06); its constants and dev figures are in `wrong_cause` and eval/README.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.notes.terms import inverse_frequency, language_of, term_set
from assistant.notes.text import LIST_NUMBER_RE, clauses, plain_text, split_sentences

# Each pattern splits a sentence into its effect ("e") and cause ("c"); the first that matches wins, so the
# specific forms ("之所以…是因为", "这也是为什么") come before the plain ones ("因为", "所以").
_SPLITS = tuple(re.compile(p, re.I) for p in (
    r"^(?P<c>.+?)[，,；;]?\s*(?:这|此)(?:也|就)?(?:正)?(?:是)?为什么(?P<e>.+)$",
    r"^(?P<c>.*?)(?:这|此)(?:也|就)?是(?P<e>.+?)的(?:其中)?(?:一个|主要)?原因",
    r"^(?P<e>.*?)之所以(?P<e2>.+?)[，,]?\s*(?:主要|正|恰恰|就|也)?(?:是)?(?:因为|由于)(?P<c>.+)$",
    r"^(?:正)?(?:由于|因为)(?P<c>.+?)[，,](?:所以|因此|因而|于是|才)?(?P<e>.+)$",
    r"^(?P<e>.+?)[，,]?\s*(?:主要|正|恰恰|就|也|都|可能)*(?:是)?(?:因为|由于)(?P<c>.+)$",
    r"^(?P<e>.+?)的原因(?:是|在于|，|,)(?P<c>.+)$",
    r"^(?P<e>.+?)(?:源于|来源于|源自|归因于|来自于)(?P<c>.+)$",
    r"^(?P<c>.+?)[，,]\s*(?:所以|因此|因而|于是|从而|以至于|以致)(?P<e>.+)$",
    r"^(?P<c>.+?)(?:导致|造成|引起|引发|使得|致使)(?P<e>.+)$",
    r"^(?P<e>.+?)\b(?:mainly |largely |chiefly |partly |simply )?(?:because(?: of)?|due to|owing to|stems? from|"
    r"comes? from|results? from|(?:is|are|can be) caused by)\b(?P<c>.+)$",
    r"^.*?\battribut\w* (?P<e>.+?) (?:mainly |largely )?to (?P<c>.+)$",
    r"^(?:since|because) (?P<c>.+?),\s*(?P<e>.+)$",
    r"^(?P<c>.+?)[,;]\s*(?:so|therefore|hence|thus|which is why)\b(?P<e>.+)$",
    r"^(?P<c>.+?)\b(?:causes?|caused|leads? to|led to|results? in|resulted in)\b(?P<e>.+)$",
))
# A side that only points back ("由于这个限制的存在", "但这会导致…", "this is why": a demonstrative and at most
# `_THIN` terms) names its content in the sentence before: the notes' pairs take that sentence in; a statement's is
# too thin to judge. "它" is not one: it names the sentence's own subject ("由于它在几乎所有位置的梯度都为 0").
_POINTER = re.compile(r"^\s*(?:但|而|正|也|就)?\s*(?:这|此|该|that\b|this\b|these\b)", re.I)
_THIN = 3


# A link said to be prevented is no cause the statement gives: "非饱和性，避免梯度接近零导致梯度消失" names the notes' own
# cause of 梯度消失, as what is avoided (blind web QA, 2026-12-06: a correct answer marked as contradicting the notes).
_PREVENTED = re.compile(r"避免|防止|以免|免得|不至于|\b(?:avoid|prevent)")


def _points_back(side: str) -> bool:
    return not side or bool(_POINTER.match(side)) and len(term_set(side)) <= _THIN


@dataclass(frozen=True)
class Causal:
    """One sentence read as an effect and its cause."""

    effect: str
    cause: str


def causal(sentence: str) -> Causal | None:
    """The sentence's (effect, cause), split at its causal word; None when it states no cause. Each side keeps the
    `_REACH` clauses next to the causal word: a long note sentence chains several statements, and only the nearest
    one is what the word links ("RCNN 存在重复计算的问题（…），于是 RBG … 也由于 …")."""
    text = sentence.strip().rstrip("。.!！?？")
    for pattern in _SPLITS:
        found = pattern.match(text)
        if found:
            parts = found.groupdict()
            effect = ((parts.get("e") or "") + (parts.get("e2") or "")).strip(" ，,")
            cause = (parts.get("c") or "").strip(" ，,")
            effect_first = found.start("e") < found.start("c")
            return Causal(_near(effect, not effect_first), _near(cause, effect_first)) if effect or cause else None
    return None


_REACH = 2


def _near(side: str, leading: bool) -> str:
    """The `_REACH` clauses of a side nearest the causal word: its first ones when it follows the word."""
    pieces = clauses(side)  # clauses of four characters or more: "然后" is not one
    return "，".join(pieces[:_REACH] if leading else pieces[-_REACH:])


@dataclass(frozen=True)
class _NoteCause:
    """A causal note sentence as the term sets of its two sides."""

    effect: frozenset[str]
    cause: frozenset[str]
    sentence: str


@lru_cache(maxsize=256)
def _note_sentences(section: str) -> tuple[str, ...]:
    return tuple(split_sentences(plain_text(LIST_NUMBER_RE.sub("", section))))


@lru_cache(maxsize=256)
def _note_causes(section: str) -> tuple[_NoteCause, ...]:
    """The causal sentences of a section as term sets, a pointing side completed with the sentence before it."""
    sentences = _note_sentences(section)
    out = []
    for i, sentence in enumerate(sentences):
        pair = causal(sentence)
        if pair is None:
            continue
        before = sentences[i - 1] if i else ""
        effect = before + pair.effect if _points_back(pair.effect) else pair.effect
        cause = before + pair.cause if _points_back(pair.cause) else pair.cause
        out.append(_NoteCause(frozenset(term_set(effect)), frozenset(term_set(cause)), sentence))
    return tuple(out)


def _share(terms: set[str], pool: frozenset[str] | set[str]) -> float:
    return len(terms & pool) / len(terms) if terms else 0.0


@lru_cache(maxsize=256)
def _rarity(section: str) -> dict[str, float]:
    """Each term's inverse sentence frequency in the section: an effect matches by its rare terms ("受欢迎"), not by
    "函数" or "ReLU", which half the sentences of the activation-function section use."""
    sentences = [term_set(s) for s in _note_sentences(section)]
    counts: dict[str, int] = {}
    for terms in sentences:
        for term in terms:
            counts[term] = counts.get(term, 0) + 1
    return {term: inverse_frequency(n, len(sentences)) for term, n in counts.items()}


def _rare_share(terms: set[str], pool: frozenset[str], rarity: dict[str, float]) -> float:
    """`_share` with each term weighted by its rarity in the section (a term the section lacks weighs most)."""
    top = max(rarity.values(), default=1.0)
    weight = {t: rarity.get(t, top) for t in terms}
    total = sum(weight.values())
    return sum(weight[t] for t in terms & pool) / total if total else 0.0


def wrong_cause(statement: str, section: str, effect_min: float = 0.5, cause_max: float = 0.15,
                support_min: float = 0.6) -> tuple[str, str]:
    """(reason, the note sentence giving the cause) when the statement gives an effect the section explains a cause
    the section does not give, else ("", "").

    The effect must share `effect_min` of its terms, weighted by their rarity in the section, with the effect of a
    causal note sentence in the statement's language; the statement's cause then must
    share at most `cause_max` of its terms with the cause of every causal note sentence its effect matches, and
    no note sentence sharing `effect_min` of the effect's terms may hold `support_min` of the cause's (notes that
    give a second cause without a causal word). A cause of under three terms, or one that only points back
    ("因为这个"), is not judged."""
    pair = causal(statement)
    if pair is None or _points_back(pair.cause) or _PREVENTED.search(pair.cause):
        return "", ""
    effect, cause = term_set(pair.effect), term_set(pair.cause)
    if len(cause) < 3 or len(effect) < 2:
        return "", ""
    rarity = _rarity(section)
    about = [note for note in _note_causes(section)
             if _rare_share(effect, note.effect, rarity) >= effect_min and language_of(note.sentence) == language_of(statement)]
    if not about or any(_share(cause, note.cause) > cause_max for note in about):
        return "", ""
    for sentence in _note_sentences(section):
        terms = term_set(sentence)
        if _share(effect, terms) >= effect_min and _share(cause, terms) >= support_min:
            return "", ""
    return "a cause the notes do not give for this", about[0].sentence
