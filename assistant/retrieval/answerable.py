"""Does the best section hold the kind of answer the question asks for?

The coverage model (coverage.py) asks "are the notes about this?". A question can be about a
topic the notes cover and still ask for something they do not hold: "LSTM 遗忘门的计算公式是什么？"
lands on the LSTM section, which explains the gates in words and gives no equation. Such
near-domain questions were the commonest covered-but-unanswerable kind on the tuning sets, so
one answer type is checked here: a question that asks for a formula is covered only when its best
section states one in text. Chosen on the tuning queries (bench/tuning_data.py, all three indexes):
of 30 queries asking for a formula, 25 out of scope, 16 of them answered; the rule declines 9 of
those and none of the 5 in-scope ones. Asking for a number ("多少") was tried the same way and
not kept: 1 more out-of-scope query declined for 7 in-scope ones lost, because sections state
most numbers in words or in figures.
"""

from __future__ import annotations

import re

# The question asks for a formula (not "how is it computed", which sections answer in words).
_ASKS_FORMULA = re.compile(r"公式|表达式|formula|equation", re.I)
# An equation in text: "x = …", "o_t = softmax(V s_t)", LaTeX, or a function applied to a term.
_STATES_FORMULA = re.compile(
    r"[A-Za-z0-9_)\]]\s*[=＝]\s*[-A-Za-z0-9_(σ√\[]|\\frac|\$[^$\n]+\$|[σΣ∑]\s*\(|\b(?:exp|log|softmax|tanh|sigmoid)\s*\(",
    re.I,
)


def asks_formula(question: str) -> bool:
    """True when the question asks for a formula or an equation."""
    return bool(_ASKS_FORMULA.search(question))


def states_formula(section: str) -> bool:
    """True when a section's text writes out at least one equation."""
    return bool(_STATES_FORMULA.search(section))


def lacking(question: str, section: str) -> str:
    """The kind of answer the question asks for that the section does not hold ("formula"), or ""."""
    return "formula" if asks_formula(question) and not states_formula(section) else ""
