"""Lexical adjustments of the ranking: a term only one section uses, a name a section never uses.

The dense encoders confuse short technical names: for multilingual-e5 "ReLU" sits next to "GRU",
so "dying ReLU 是什么？" ranked the GRU section first although only the activation-function section
says "dying ReLU", and BM25 at its small fusion weight could not outvote that. Two exact-term
facts settle such cases:
- a query term that only one section of the notes uses points at that section (`rare_terms`,
  `chunks_using`: those chunks get the "rare" bonus);
- a section that never uses a technical name of the query (one the notes do use elsewhere) is not
  about it (`known_names`, `section_terms`: that section gets the "absent" malus).
Both only reorder sections: the coverage decision is made on the ranking without them (retriever.py),
since the coverage model was fitted on it and a rare shared term is no evidence that the notes answer
a question (measured on the tuning queries: deciding on the adjusted ranking declined 0.742 → 0.705 of
516 out-of-scope ones; doing so only when the unadjusted top section lacks a name of the query, 0.742 →
0.729, with no in-scope query answered more). So "dying ReLU 是什么？" now points to 第21题 first, but
is still declined. For queries in English prose the malus is off and the bonus reads only the glossary's
Chinese for their phrases (retriever.py says why). Weights and the
section limit are in the "retrieval.weights" entry of tuned.json (bench/tune_retrieval.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from assistant.notes.glossary import chinese_terms
from assistant.notes.terms import technical_names, term_set, tokenize
from assistant.retrieval.intent import intents
from assistant.retrieval.lexical import Vocabulary


def rare_terms(query: str, vocabulary: Vocabulary, max_sections: int) -> set[str]:
    """The query's content terms that at least one and at most `max_sections` sections use, question-type words
    aside: "区别" (the glossary's Chinese for "difference") is what a question asks, which the intent agreement weighs
    (intent.py), not what it is about; as a rare term it put 第37题 (R-CNN, "三者的区别是什么") first for "What is the
    difference between an RNN and a feedforward network?" (blind web QA)."""
    counts = vocabulary.section_counts
    return {t for t in term_set(query) if 0 < counts.get(t, 0) <= max_sections and not intents(t)}


def rare_bonus(query: str, english: bool, catalogue, weight: float, max_sections: int, ids: Iterable[str]) -> dict[str, float]:
    """The rare-term bonus of the chunks among `ids` (catalogue: the retriever's `Catalogue`).

    The lexical adjustments are for queries with Chinese in them. In English prose a Latin word is ordinary English
    that Chinese notes quote only by chance, and even its technical names moved English queries to the wrong section
    more often than to the right one (bench/tune_report.py, tuning hit@1 en 0.869 → 0.857). The glossary's Chinese for
    an English question's phrases is no chance match, though: a term of it that only one section uses ("deep network"
    → 深层) earns the bonus. A small gain (tuning English hit@1 514 → 515 of 599, none lost; at twice the bonus 516,
    with one more out-of-scope question answered), kept since it is evidence, not chance."""
    if not weight:
        return {}
    rare = rare_terms(" ".join(chinese_terms(query)) if english else query, catalogue.vocabulary, max_sections)
    return {cid: weight for cid in chunks_using(rare, ids, catalogue.rows)}


def chunks_using(terms: set[str], ids: Iterable[str], rows) -> list[str]:
    """The chunks among `ids` whose text uses one of the terms (rows: the catalogue's id → (text, metadata))."""
    if not terms:
        return []
    return [cid for cid in ids if cid in rows and terms & set(tokenize(rows[cid][0]))]


def known_names(query: str, vocabulary: Vocabulary) -> set[str]:
    """The query's technical names (ReLU, GRU, VOC2007) that the notes use somewhere."""
    return {t for t in technical_names(query) if t in vocabulary.terms}


def section_terms(chunk_ids: Iterable[str], rows) -> set[str]:
    """Every BM25 term a section's chunks use."""
    return {t for cid in chunk_ids if cid in rows for t in tokenize(rows[cid][0])}
