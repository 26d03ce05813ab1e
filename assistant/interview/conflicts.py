"""Whether one answer segment contradicts the note sentences it is about: the rules, then the embedding edit tests;
and whether a ticked point's name was swapped for another of its family (`swaps`).

The grader (`grader.py`) decides which note units a segment is about and which point a contradiction is charged
to; this module decides, for those units, whether there is one and which rule found it.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.interview.grader_params import GraderParams
from assistant.notes.cues import only_removes
from assistant.notes.denials import about_another, said_of_other
from assistant.notes.families import swapped
from assistant.notes.keypoints import Point
from assistant.notes.polarity import Conflict, conflict, sides, swapped_sides
from assistant.notes.quantities import new_numbers, numbers, value_mismatch, valued, wordy
from assistant.notes.terms import term_set
from assistant.notes.text import clauses, readable


def segment_conflict(segment: str, about: list[str], body: str, denies: bool, flip: float, rise: float,
                     p: GraderParams, subject: frozenset[str] = frozenset()) -> Conflict | None:
    """How a segment contradicts the note units it is about (closest first), if it does: a negated claim must
    disagree with all of them (paraphrases negate freely); an antonym only with the closest one; roles and
    numbers with the unit that can decide them (`_deciding`); else the embedding edit tests. `subject`: what the
    sentence a clause segment was cut from speaks of (`denials.subject_at`)."""
    # A unit that speaks only of other names than the one a denial is about can neither confirm nor refute it.
    about = [text for text in about if not said_of_other(segment, text, subject)] or about
    if not about:
        return None
    found = [conflict(segment, text, body, added_negation=denies, subject=subject) for text in about]
    first = found[0] if found[0] is not None and found[0].rule != "number" else _deciding(found, about, segment, body)
    if first is not None and first.rule == "number":
        # Quoted as the clause that states the value ("动量系数一般取0.1"), not the whole sentence around it.
        new = [c for c in clauses(segment) if new_numbers(c, body)]
        return replace(first, statement=new[0]) if new else first
    if first is not None and first.rule == "antonym" and found[0] is first:
        # The notes say it the statement's way too, in another unit it is about: "几乎处处可微" against the closest
        # sentence's "有限的不可微点" beside "只满足几乎处处可微" is no swap (a correct answer was ! , blind web QA).
        swapped = swapped_sides(segment, about[0])
        if swapped is not None and any(swapped[0] in sides(text) for text in about[1:]):
            return None
    if first is not None:
        return first if first.rule != "negation" or all(found) else None
    # The embedding edit tests need a note unit that says something in words: a formula ("L = -Σ y log p")
    # cannot be denied, and an edit's small rise against it is chance. So is a rise of 0.01 across languages,
    # where the flip test took a correct English answer to 0/10 (dev figures: eval/README.md, 2026-12-02).
    if not wordy(about[0]):
        return None
    if flip >= p.flip_min and not about_another(segment, about[0], subject) and not only_removes(segment) \
            and term_set(segment) & term_set(about[0]):
        # Taking the negation out brings the segment closer to the notes: it denies what they say. Of the note unit it
        # is charged to, it must share a word: "不要使用LSTM。" was shown denying "导致 NaN 值。" (CLI QA).
        return Conflict("negation", segment, about[0], "negation")
    if rise >= p.opposite_min:
        # Its opposite ("更多" for "更少", the two names swapped) fits the notes better: it says the reverse.
        return Conflict("antonym", segment, about[0], "opposite")
    return None


def _deciding(found: list[Conflict | None], texts: list[str], segment: str, body: str) -> Conflict | None:
    """A conflict with a less close aligned note unit, for the rules the closest unit cannot decide.

    - Roles: crossing needs the whole two-clause note sentence, and one of its clauses is often closer.
    - Numbers: the closest unit often names the thing without its value ("β 是动量系数") while the one beside
      it states it ("最常用的取值是 0.9"), so the first unit that states a number decides "动量系数一般取0.1".
      Only that one: a clause about a sibling thing further down ("GRU 有两个门" under "LSTM 有三个门")
      cannot. On the dev grading sets (eval/dev/grading*.jsonl, bench/tune_points.py vague) partial > wrong
      132 → 135 of 178, every other rate unchanged; with lone 一 no longer a count (polarity._CN_COUNT) as
      well: correct ≤ 3 7 → 6 of 66, partial > wrong 134, vague ≤ 3 23 → 22 of 45, negated ≤ 3 and twin
      margin 26 of 34 as before; the judge's dev figures unchanged.
    Antonyms stay with the closest unit: the same first-that-can-decide rule caught 4 more wrong answers but took
    3 correct comparisons ("MSE 对异常值敏感，MAE 更鲁棒") to 0–6/10, since a segment about one option aligns
    with the other option's sentence."""
    roles = next((c for c in found if c is not None and c.rule == "roles"), None)
    if roles is not None and found[0] is None:
        return roles
    # Of the units that state a number, the one that gives a value to the same name ("beta1 = 0.9"), else the one
    # sharing most terms with the segment decides, the closest on a tie:
    # "Adam's default learning rate is 0.1" is about "Default hyperparameters: lr = 0.001 …", not the closer
    # "Bias correction: … (1 - beta^t)" (blind QA: the "!" was charged to bias correction).
    said, named = term_set(segment), valued(segment)
    stating = [k for k, text in enumerate(texts) if numbers(text)]
    if not stating:
        return None
    k = max(stating, key=lambda i: (len(named.keys() & valued(texts[i]).keys()), len(said & term_set(texts[i])), -i))
    decider = found[k]
    if decider is None or decider.rule == "number":
        return decider  # conflict() already asked every number rule of this unit, `value_mismatch` among them
    # Another rule came first there: the same name given a value the section never gives it still decides
    # ("beta1 = 0.5" for "beta1 = 0.9"; `value_mismatch`).
    mismatch = value_mismatch(segment, texts[k], body)
    return Conflict("number", segment, texts[k], mismatch) if mismatch else None


def swaps(points: list[Point], ticked: list[int], segments: list[str], answer: str) -> dict[int, Conflict]:
    """The ticked points whose family member the answer puts another in place of ("应该用 sigmoid 激活函数" for
    "使用 ReLU 激活函数"), the point's own name nowhere in it: close wording, another claim (notes/families.py). Checked
    for every ticked point, whichever point its sentence was aligned with ("梯度截断没用，应该用 tanh" is about clipping);
    the shortest segment naming the swap is quoted."""
    out = {}
    for i in ticked:
        point = points[i]
        others = [q.label for q in points if q is not point]
        swap = next(((seg, name) for seg in sorted(segments, key=len) if (name := swapped(point.label, seg, answer, others))),
                    None)
        if swap is not None:
            out[i] = Conflict("swap", swap[0], readable(point.lead), f"names {swap[1]}")
    return out
