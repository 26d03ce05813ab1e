"""Claims the notes quote in order to reject them: "深度神经网络 “容易收敛到局部最优”，很可能是一种想象".

Such a note sentence states the claim in quotation marks and calls it imagined, a misunderstanding or a view "many
people" hold. An answer that asserts the claim ("神经网络确实很容易收敛到局部最优") shares every word of it, so term
overlap and embeddings count it as covering the note, and no negation rule fires: the sentence has no negation cue.
Blind web QA: that answer to 第22题 was ✓ on the very point that rejects it. Here the claim is read out of the note,
and a statement asserts it when it uses each of the claim's terms and neither negates nor reports it (不/没/非…,
认为/以为/看法…, or the note's own 想象/误解). Chinese only: the quotation marks and cue words are Chinese.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.notes.terms import term_set
from assistant.notes.text import clauses, split_sentences

_QUOTED = r"[“\"「]([^”\"」]{2,40})[”\"」]"
_REJECTS = r"想象|误解|错觉|迷思|误区"  # what the notes call a claim they reject
_REPORTS = r"认为|以为|觉得|看法|说法"  # a claim someone holds, not one the text makes
# The claim, then within the sentence a word that rejects it; or a view "many people" hold, then the claim.
_REJECTED_AFTER = re.compile(_QUOTED + rf"[^。；;！!？?]{{0,16}}?(?:{_REJECTS}|不成立|并非如此|其实不然)")
_PEOPLE = r"很多人|许多人|有人|人们|一般人|大家"  # who holds a view the notes report
_HELD_BEFORE = re.compile(rf"(?:{_PEOPLE})[^。；;“\"「]{{0,12}}(?:{_REPORTS})[^。；;“\"「]{{0,6}}"
                          + _QUOTED)
# A sentence that opens by reporting what people believe or imagine ("人们直观的想象，高维的时候这样的局部极值会更多…",
# "很多人都有一种看法，就是…"): the notes state the view in order to argue against it, not as their own.
_REPORTED_VIEW = re.compile(rf"^\s*(?:{_PEOPLE})[^，,。；;“\"「]{{0,6}}(?:{_REPORTS}|想象|直观|印象)")
# A clause that negates, doubts or reports the claim does not assert it. Broader than the shared negation cues
# (cues.ZH_NEG leaves out 不容易, which is exactly how "并不容易收敛到局部最优" denies the claim); 非常 is no negation.
_NOT_ASSERTED = re.compile(rf"不|没|非(?!常)|无|未|别|{_REJECTS}|{_REPORTS}|据说|所谓|其实")


@lru_cache(maxsize=256)
def rejected_claims(text: str) -> tuple[frozenset[str], ...]:
    """The terms of each claim a text (a note sentence or a whole section) quotes in order to reject it."""
    found = [m.group(1) for pattern in (_REJECTED_AFTER, _HELD_BEFORE) for m in pattern.finditer(text)]
    return tuple(terms for terms in (frozenset(term_set(claim)) for claim in found) if len(terms) >= 2)


def asserts_rejected(statement: str, note: str, section: str | None = None) -> bool:
    """Does a clause of the statement assert a claim that the note unit states and its section rejects (every term of
    it, not negated or reported)? The section decides, since the grader's units are clauses: "深度神经网络 “容易收敛到局部
    最优”" and "很可能是一种想象" are two. By clause of the statement too: "局部最优就是神经网络优化的主要难点，而不是鞍点"
    negates the saddle points, not the claim."""
    units = term_set(note)
    claims = [claim for claim in rejected_claims(section or note) if claim <= units]
    if not claims:
        return False
    for clause in (c for sentence in split_sentences(statement) for c in clauses(sentence, 2)):
        said = term_set(clause)
        if not _NOT_ASSERTED.search(clause) and any(claim <= said for claim in claims):
            return True
    return False


def reported_view(sentence: str) -> bool:
    """Does a note sentence report a view people hold instead of stating one (`_REPORTED_VIEW`)? Blind CLI QA: "其实高维
    下真正的局部极小很少" was "!" against 第22题's "人们直观的想象，高维的时候这样的局部极值会更多…", which the notes go on to
    refute, and that sentence was one of the section's key points."""
    return bool(_REPORTED_VIEW.search(sentence))
