"""English deep-learning terms in Chinese, so an English question can share words with Chinese notes.

Chinese notes never use the English words of an English question ("exploding gradient" vs 梯度爆炸), so
BM25 matched only the notes' own English names (retriever.py now adds the Chinese terms to an English
query: tuning English hit@1 192 → 200 of 220), and the extractive answerer could not see which outline
point an English question names ("nonlinear" → 非线性, extractive.focused). `glossary.tsv` holds common
interview vocabulary, written from general knowledge, not from eval items; what was tried with it and
not kept is in eval/README.md.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from assistant.notes.terms import tokenize

_FILE = Path(__file__).with_name("glossary.tsv")


@lru_cache(maxsize=1)
def _entries() -> tuple[tuple[re.Pattern, tuple[str, ...]], ...]:
    """(pattern of an English phrase, its Chinese terms), longest phrase first."""
    rows = []
    for line in _FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        english, chinese = line.split("\t")
        words = [re.escape(w) for w in re.split(r"[\s-]+", english.strip())]
        # Spaces and hyphens interchangeable ("cross validation", "cross-validation"), a plural "s" or "es" allowed.
        pattern = re.compile(r"\b" + r"[\s-]+".join(words) + r"(?:e?s)?\b", re.I)
        rows.append((len(english), pattern, tuple(chinese.split("|"))))
    rows.sort(key=lambda r: -r[0])
    return tuple((pattern, terms) for _, pattern, terms in rows)


def chinese_terms(text: str) -> list[str]:
    """The Chinese terms of the glossary phrases in a text; a longer phrase hides the shorter ones inside it
    ("exploding gradient" gives 梯度爆炸, not also 梯度). Not cached: about 0.3 ms, twice per English question."""
    found: list[str] = []
    for pattern, terms in _entries():
        if pattern.search(text):
            found.extend(terms)
            text = pattern.sub(" ", text)
    return list(dict.fromkeys(found))


def chinese_tokens(text: str) -> list[str]:
    """The BM25 tokens of `chinese_terms(text)` (Chinese bigrams), each once and none the text has itself."""
    own = set(tokenize(text))
    return [t for t in dict.fromkeys(t for term in chinese_terms(text) for t in tokenize(term)) if t not in own]
