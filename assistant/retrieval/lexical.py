"""Lexical signals of the coverage decision: do the notes (or the best section) use the query's own words?

The terms themselves (Chinese bigrams, Latin words) are defined once in `notes/terms.py`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.notes.terms import content_terms, has_cjk, inverse_frequency, technical_names, term_set, tokenize

# Words asking for one side of a topic (its advantages, drawbacks, uses): what the question asks, not what it is
# about, and notes rarely use them for it ("ReLU 有什么缺点？" is answered by "…其梯度恒为 0…dying ReLU", and was declined).
# Left out of the coverage signals: on the tuning data (bench/tuning_data.py) none of the 48 queries using one changed
# its decision or its best section; the blind CLI QA's "ReLU 有什么缺点？" is now answered. (answering/shapes.ASPECTS
# finds the same asks in a question's text; this list is of the bigrams the coverage signals count.)
_ASPECT = re.compile(r"优点|缺点|好处|坏处|弊端|劣势|优势|长处|短处|缺陷|优缺|用处|用途")


def _topical(terms: Iterable[str]) -> list[str]:
    """The terms without the aspect words (`_ASPECT`): what the coverage signals weigh."""
    return [t for t in terms if not _ASPECT.fullmatch(t)]


@dataclass(frozen=True)
class Vocabulary:
    """Every term the indexed notes use (Latin words and Chinese bigrams), and in how many sections."""

    terms: frozenset[str]
    section_counts: dict[str, int] = field(default_factory=dict)  # content term → sections that use it
    sections: int = 0

    @classmethod
    def of_sections(cls, sections: Iterable[str]) -> "Vocabulary":
        """The vocabulary of whole sections, with how many sections use each content term."""
        terms: set[str] = set()
        counts: Counter[str] = Counter()
        n = 0
        for text in sections:
            n += 1
            terms.update(tokenize(text))
            counts.update(term_set(text))
        return cls(frozenset(terms), dict(counts), n)

    def idf(self, term: str) -> float:
        """How rare a content term is across sections (a term no section uses is the rarest)."""
        return inverse_frequency(self.section_counts.get(term, 0), self.sections)

    @classmethod
    def of(cls, texts: Iterable[str]) -> "Vocabulary":
        """The vocabulary of some texts (the indexed chunks)."""
        return cls(frozenset(t for text in texts for t in tokenize(text)))

    def known(self, terms: list[str]) -> float | None:
        """Share of the terms that the notes use; None when there are no terms to judge."""
        return sum(t in self.terms for t in terms) / len(terms) if terms else None


def lexical_features(query: str, vocabulary: Vocabulary) -> dict[str, float | None]:
    """How much of the query's own wording the notes use; None marks a feature with nothing to measure.

    - `cjk_known`: share of the query's Chinese content bigrams found in the notes.
    - `latin_known`: share of its Latin terms found in the notes, only for Chinese queries —
      there a Latin word is a technical term (Transformer, GCN, INT8), while in an English
      query it is ordinary English that Chinese notes never contain.
    - `has_cjk`: 1 for a Chinese query, 0 otherwise.
    - `latin_unknown`: 1 when a Chinese query has a Latin term the notes never use ("ReLU6", "StratifiedKFold"),
      else 0. A share hides it: "Spatial Dropout 和普通 dropout 有什么不同" knows half its Latin terms.
    - `names_unknown`: 1 when the query, in any language, names something the notes never do (a token like
      PyTorch, ReLU6, L2 — `terms.technical_names`), else 0: the one lexical signal an English query has.
    These two are candidates of bench/tune_coverage.py, written for the hard near-domain dev queries of
    eval/dev/coverage3.jsonl; the shipped model does not use them (eval/README.md says why).
    """
    latin, cjk = content_terms(query)
    cjk = _topical(cjk)
    chinese = has_cjk(query)
    names = technical_names(query)
    # When the notes write every Latin term of a Chinese query, some of them in Chinese, the query's terms are all known:
    # "k-fold cross validation 的 k 一般取几？" of notes that write 交叉验证, "为什么不能拿 test set 反复调模型？" of notes
    # that write 测试集 (both declined, eval/dev/keypoints4.jsonl). Only then: counting the translated terms of a query
    # that also writes unknown ones ("One-cycle policy 里 learning rate…") raised its share of known terms, and on the
    # tuning data four such near-domain questions were answered for the five in-scope ones gained (eval/README.md).
    known = vocabulary.terms
    if chinese and latin and any(t not in known for t in latin):
        translated = _translated(query, vocabulary)
        if all(t in known or t in translated for t in latin):
            known = known | translated
    return {
        "cjk_known": vocabulary.known(cjk),
        "latin_known": sum(t in known for t in latin) / len(latin) if chinese and latin else None,
        "has_cjk": 1.0 if chinese else 0.0,
        "latin_unknown": 1.0 if chinese and any(t not in known for t in latin) else 0.0,
        "names_unknown": 1.0 if any(t not in vocabulary.terms for t in names) else 0.0,
    }


def _translated(query: str, vocabulary: Vocabulary) -> set[str]:
    """The Latin words of the query's glossary phrases whose Chinese term the notes use, every bigram of it."""
    from assistant.notes.glossary import phrases_in

    known: set[str] = set()
    for phrase, chinese in phrases_in(query):
        if any(has_cjk(term) and (tokens := tokenize(term)) and all(t in vocabulary.terms for t in tokens)
               for term in chinese):
            known.update(content_terms(phrase)[0])
    return known


def section_answers(query: str, section: str, vocabulary: Vocabulary) -> float | None:
    """Rarity-weighted share of the query's content terms that a section uses; None with no terms.

    "Dropout 在推理阶段为什么要缩放？" shares the common terms (Dropout) with the overfitting
    section, but not the rare ones (推理, 缩放) that say what is asked: weighting terms by
    how few sections use them (absent terms weigh most) separates "the section answers this"
    from "the section mentions the topic". Added on the tuning data (bench/tune_coverage.py).
    """
    terms = set(_topical(term_set(query)))
    if not terms:
        return None
    used = term_set(section)
    total = sum(vocabulary.idf(t) for t in terms)
    return sum(vocabulary.idf(t) for t in terms if t in used) / total if total > 0 else None
