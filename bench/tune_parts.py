"""Multi-part questions answered part by part (answering/parts.py): how often a part brings in its own section, and
how often that section is a gold one, over `retrieval.part_margin` and with or without the strong-coverage rule.

Reads the tuning items of bench/tuning_data.py only (never the frozen test set): every first-turn question of two or
more parts. Each part is searched once as the product does (`turn_search.with_parts`' readings); the decision
(`parts.split_search`) is then replayed for each setting. A section brought in is counted right when it is among
the item's gold sections (items list every section that answers them); a part said to be missing from the
notes, and a declined question answered for some of its parts, are counted on in-scope and out-of-scope items.
A second table sweeps `retrieval.part_missing_margin`: how many parts said missing are listed as missing by
eval/dev/retrieval5.jsonl (questions mixing covered and uncovered parts, written blind), how many it lists as
answered, and how many belong to items that do not say (in-scope items of the other sets: mostly answered in full);
how many of retrieval5's in-scope questions are answered completely (every gold section cited, exactly the
uncovered parts said missing); and how many out-of-scope multi-part questions are answered. A third table sweeps
`retrieval.english_part_ease` (how much lower the strong bar is for an English part, of a question declined as a whole
or answered)
at the shipped margins, with the same columns. Usage: python bench/tune_parts.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/, whose bench.py would shadow the bench package

from assistant.answering.parts import split_search  # noqa: E402
from assistant.answering.shapes import question_parts  # noqa: E402
from assistant.answering.turn_search import _condensed_search, part_readings  # noqa: E402
from bench.tuning_data import NOTES, items, retriever_for  # noqa: E402

MARGINS = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 6.0)
MISSING = (None, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0)  # retrieval.part_missing_margin; None: no coverage level says missing
EASE = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0)  # retrieval.english_part_ease


def readings() -> list[tuple[dict, object, list, float, float]]:
    """(item, whole search, part readings, strong coverage level, threshold) for every multi-part first turn."""
    out = []
    for name, rows in items().items():
        rows = [r for r in rows if not r.get("history") and len(question_parts(r["query"])) > 1]
        retriever = retriever_for(NOTES[name])
        strong = retriever.coverage.threshold + retriever.followup_margin
        for item in rows:
            query, whole = _condensed_search(retriever, item["query"], [])
            out.append((item, whole, part_readings(retriever, whole.query or query), strong, retriever.coverage.threshold))
    return out


def _is_missing(item: dict, part: str) -> bool | None:
    """Is this part one the item lists as not answered by the notes? None for items that do not say (all but
    eval/dev/retrieval5.jsonl): an in-scope one of those is mostly answered in full."""
    if "missing" not in item:
        return None if item["gold"] else True
    return any(part.strip() in m or m in part for m in item["missing"])


def main() -> None:
    cached = readings()
    print(f"{len(cached)} multi-part tuning questions "
          f"({sum('missing' in c[0] for c in cached)} of them say which parts the notes do not answer)")
    print("rule        margin  split  added: gold / not   part missing: in-scope / out-of-scope"
          "   declined whole, answered: in-scope / out-of-scope")
    for rule in ("covered", "strong"):
        for margin in MARGINS:
            _row(cached, f"{rule:<10}  {margin:>6}", margin, rule == "strong")
    oos = [c for c in cached if not c[0]["gold"]]
    print(f"\nparts said missing (answering/parts.py) by retrieval.part_missing_margin, at part_margin {MARGINS[4]} with the strong rule: right / wrong / "
          "unlabelled; retrieval5 in-scope questions answered completely (every gold section cited, exactly its uncovered "
          "parts said missing); out-of-scope multi-part questions answered")
    print(f"before (a declined question stays declined, no part said missing): out-of-scope answered "
          f"{sum(c[1].covered for c in oos)} of {len(oos)}")
    for missing in MISSING:
        _row(cached, f"missing {str(missing):>5}", MARGINS[4], True, missing, detail=True)
    print(f"\nthe same by retrieval.english_part_ease, at part_margin {MARGINS[4]} and part_missing_margin {MISSING[3]}")
    for ease in EASE:
        _row(cached, f"ease    {ease:>5}", MARGINS[4], True, MISSING[3], detail=True, ease=ease)


def _row(cached, label: str, margin: float, strong_rule: bool, missing: float | None = None, detail: bool = False,
         ease: float = 0.0) -> None:
    split = right = wrong = miss_in = miss_out = ans_in = ans_out = 0
    said_right = said_wrong = unlabelled = complete = labelled_in = oos_answered = oos = 0
    for item, whole, parts, strong, threshold in cached:
        below = float("-inf") if missing is None else threshold - missing
        result = split_search(whole, parts, margin, strong if strong_rule else float("-inf"), below, ease)
        gold = set(item["gold"])
        oos += not gold
        if "missing" in item and gold:
            labelled_in += 1
            asked_missing = {p for p, _ in parts if _is_missing(item, p)}
            said = {p.asked for p in result.parts if p.source is None}
            cited = {h.question for h in result.hits[:4]} if result.covered else set()
            complete += result.covered and gold <= cited and said == asked_missing
        if not result.covered:
            continue
        oos_answered += not gold
        if not result.parts:
            continue
        split += 1
        if not whole.covered:
            ans_in += bool(gold)
            ans_out += not gold
        # A section is added when it is not the whole question's best one (a declined question's sections are all the
        # parts' own). Not by its position: the parts' sections come first, in the order asked (parts._split).
        top = whole.hits[0].key if whole.covered and whole.hits else None
        added = {hit.question for p in result.parts if p.source is not None and (hit := result.hits[p.source - 1]).key != top}
        right += len(added & gold)
        wrong += len(added - gold)
        for p in result.parts:
            if p.source is None:
                miss_in += bool(gold)
                miss_out += not gold
                verdict = _is_missing(item, p.asked)
                said_right += verdict is True
                said_wrong += verdict is False
                unlabelled += verdict is None
    if detail:
        print(f"{label}  missing said {said_right} / {said_wrong} / {unlabelled}   complete {complete} of {labelled_in}"
              f"   out-of-scope answered {oos_answered} of {oos}   split {split}, gold added {right} / not {wrong}")
    else:
        print(f"{label}  {split:>5}  {right:>11} / {wrong:<4}  {miss_in:>19} / {miss_out:<12}  {ans_in:>23} / {ans_out}")


if __name__ == "__main__":
    main()
