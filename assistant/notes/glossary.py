"""English deep-learning terms in Chinese, so an English question can share words with Chinese notes.

Chinese notes never use the English words of an English question ("exploding gradient" vs 梯度爆炸), so
BM25 matched only the notes' own English names (retriever.py now adds the Chinese terms to an English
query: tuning English hit@1 192 → 200 of 220), and the extractive answerer could not see which outline
point an English question names ("nonlinear" → 非线性, extractive.focused). `glossary.tsv` holds common
interview vocabulary, written from general knowledge, not from eval items; what was tried with it and
not kept is in eval/README.md. Rows flagged `name` (abbreviations, and near-domain names a set of notes may lack)
also tell the coverage check what a question names (`names_in`, retrieval/answerable.py).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from assistant.notes.terms import has_cjk, tokenize

_FILE = Path(__file__).with_name("glossary.tsv")
_EDGE_BEFORE, _EDGE_AFTER = r"(?<![A-Za-z0-9])", r"(?![A-Za-z0-9])"


class Row(NamedTuple):
    english: str
    source: str  # the regular expression of the English phrase, compiled on first need (`pattern`)
    first: str  # its first word, lower-cased: a text without it cannot match, so nothing is compiled for it
    chinese: tuple[str, ...]
    name: bool  # a technical name: the optional third column `name` (see `names_in`)

    @property
    def pattern(self) -> re.Pattern:
        return _compiled(self.source)


@lru_cache(maxsize=None)
def _compiled(source: str) -> re.Pattern:
    # Compiling all ~400 phrases took 0.07 s of every cold start; a question needs a few of them.
    return re.compile(source, re.I)


@lru_cache(maxsize=1)
def _rows() -> tuple[Row, ...]:
    """The glossary's rows, longest English phrase first."""
    rows = []
    for line in _FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        english, chinese, *flag = line.split("\t")
        words = re.split(r"[\s-]+", english.strip())
        # Spaces and hyphens interchangeable ("cross validation", "cross-validation"), a plural "s" or "es" allowed.
        # Bounded by Latin letters and digits only: `\b` counts a Chinese character as a word character, so
        # "用ReLU激活" or "另外Adam是什么" had no boundary and wrote no glossary phrase.
        source = _EDGE_BEFORE + r"[\s-]+".join(re.escape(w) for w in words) + r"(?:e?s)?" + _EDGE_AFTER
        rows.append(Row(english.strip(), source, words[0].lower(), tuple(chinese.split("|")), flag == ["name"]))
    return tuple(sorted(rows, key=lambda r: -len(r.english)))


def chinese_terms(text: str) -> list[str]:
    """The Chinese terms of the glossary phrases in a text; a longer phrase hides the shorter ones inside it
    ("exploding gradient" gives 梯度爆炸, not also 梯度). Not cached: about 0.3 ms, twice per English question."""
    return list(dict.fromkeys(term for _, terms in phrases_in(text) for term in terms))


def phrases_in(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """The glossary phrases a text writes (as written, each with its row's Chinese terms), longer first; a longer
    phrase hides the shorter ones inside it."""
    found: list[tuple[str, tuple[str, ...]]] = []
    lowered = text.lower()
    for row in _rows():
        if row.first in lowered and row.pattern.search(text):
            found.extend((m.group(0), row.chinese) for m in row.pattern.finditer(text))
            text = row.pattern.sub(" ", text)
            lowered = text.lower()
    return found


def synonyms(text: str) -> list[str]:
    """The Chinese terms of the glossary rows a text uses, by their English phrase or by one of their Chinese terms:
    "梯度裁剪" also gives 梯度截断 (one row), so a grader can read a Chinese answer's wording as the notes' (blind QA:
    "梯度裁剪和换ReLU" covered none of 第28题's points)."""
    found = chinese_terms(text)
    for row in _rows():
        if len(row.chinese) > 1 and any(has_cjk(term) and term in text for term in row.chinese):
            found.extend(row.chinese)
    return list(dict.fromkeys(found))


def chinese_tokens(text: str) -> list[str]:
    """The BM25 tokens of `chinese_terms(text)` (Chinese bigrams), each once and none the text has itself."""
    own = set(tokenize(text))
    return [t for t in dict.fromkeys(t for term in chinese_terms(text) for t in tokenize(term)) if t not in own]


def initials(english: str) -> str:
    """The initials of a glossary phrase of two or more words ("long short-term memory" → "lstm"), else "": notes
    often use only the abbreviation of what a question writes out ("门控循环单元" where the notes write GRU)."""
    words = re.findall(r"[a-z]+", english.lower())
    return "".join(w[0] for w in words) if len(words) > 1 else ""


@lru_cache(maxsize=1)
def _name_terms() -> tuple[list[tuple[str, Row]], list[Row]]:
    """(each Chinese term of a name row, lower-cased, with its row, longest first; the name rows), built once."""
    names = [row for row in _rows() if row.name]
    chinese = sorted(((t.lower(), r) for r in names for t in r.chinese if has_cjk(t)), key=lambda pair: -len(pair[0]))
    return chinese, names


def is_chinese_name(term: str) -> bool:
    """Whether a Chinese term is the whole Chinese of a glossary name ("预热" of warmup; "梯度" is a word, not a name)."""
    return term.lower() in _chinese_names()


@lru_cache(maxsize=1)
def _chinese_names() -> frozenset[str]:
    return frozenset(t for t, _ in _name_terms()[0])


def abbreviated(text: str) -> list[str]:
    """The Chinese terms of the glossary names a text writes as their initials ("LSTM" for long short-term memory →
    长短期记忆, "GRU" → 门控循环单元): an English answer names the method by its abbreviation where Chinese notes write
    it out ("使用长短期记忆网络")."""
    # Written in capitals, as abbreviations are: "in" and "as" are words, not instance normalization's "IN".
    words = {w.lower() for w in re.findall(r"(?<![A-Za-z])([A-Z]{2,6})s?(?![A-Za-z])", text)}  # "LSTMs", "RNNs"
    _, names = _name_terms()
    return list(dict.fromkeys(t for row in names if initials(row.english) in words for t in row.chinese))


def names_in(text: str) -> list[tuple[str, Row]]:
    """The glossary's technical names a text uses, in English or in Chinese: (as the text writes it, lower-cased;
    its row). Longer first; a longer name hides the shorter ones inside it (深度可分离卷积 hides 深度卷积)."""
    lowered, found = text.lower(), []
    chinese, names = _name_terms()
    for term, owner in chinese:
        if term in lowered:  # a Chinese term: a plain substring
            found.append((term, owner))
            lowered = lowered.replace(term, " ")
    for row in names:
        if row.first in lowered and (match := row.pattern.search(lowered)):
            found.append((match.group(0), row))
            lowered = row.pattern.sub(" ", lowered)
    return found


def spellings(name: str) -> list[str]:
    """Other ways to write a name, from the glossary rows it is written as in full ("BatchNorm" is the row
    `batchnorm`) or abbreviates ("GRU": gated recurrent unit): their Chinese terms (批归一化) and the rows sharing one
    (batch normalization, BatchNormalization).
    Empty for a name no row spells whole: a phrase inside a longer name ("ReLU" of "Leaky ReLU") is not a synonym."""
    name = name.strip()
    rows = [row for row in _rows() if row.pattern.fullmatch(name) or initials(row.english) == name.lower()]
    terms = {t for row in rows for t in row.chinese}
    out = [t for row in _rows() if terms & set(row.chinese) for t in (row.english, *row.chinese)]
    return [t for t in dict.fromkeys(out) if t.lower() != name.lower()]


@lru_cache(maxsize=1)
def _chinese_bigrams() -> frozenset[str]:
    """Every Chinese bigram of the glossary's Chinese terms."""
    return frozenset(t for row in _rows() for term in row.chinese if has_cjk(term) for t in tokenize(term))


def english_writable(terms: frozenset[str]) -> frozenset[str]:
    """The terms (`keypoints.key_terms`) an English text can share with Chinese notes: its Latin words and numbers, and
    the bigrams of the glossary's Chinese, which its phrases bring in (`chinese_terms`)."""
    bigrams = _chinese_bigrams()
    return frozenset(t for t in terms if not has_cjk(t) or t in bigrams)
