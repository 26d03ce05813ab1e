"""Multi-part questions answered part by part (answering/parts.py): how often a part brings in its own section, and
how often that section is a gold one, over `retrieval.part_margin` and with or without the strong-coverage rule.

Reads the tuning items of bench/tuning_data.py only (never the frozen test set): every first-turn question of two or
more parts. Each part is searched once as the product does (`turn_search.with_parts`' readings); the decision
(`parts.split_search`) is then replayed for each setting. A section brought in is counted right when it is among
the item's gold sections (items list every section that answers them); a part said to be missing from the
notes, and a declined question answered for some of its parts, are counted on in-scope and out-of-scope items. Usage: python bench/tune_parts.py
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


def readings() -> list[tuple[dict, object, list, float]]:
    """(item, whole search, part readings, strong coverage level) for every multi-part first turn."""
    out = []
    for name, rows in items().items():
        rows = [r for r in rows if not r.get("history") and len(question_parts(r["query"])) > 1]
        retriever = retriever_for(NOTES[name])
        strong = retriever.coverage.threshold + retriever.followup_margin
        for item in rows:
            query, whole = _condensed_search(retriever, item["query"], [])
            out.append((item, whole, part_readings(retriever, whole.query or query), strong))
    return out


def main() -> None:
    cached = readings()
    print(f"{len(cached)} multi-part tuning questions")
    print("rule        margin  split  added: gold / not   part missing: in-scope / out-of-scope"
          "   declined whole, answered: in-scope / out-of-scope")
    for rule in ("covered", "strong"):
        for margin in MARGINS:
            split = right = wrong = miss_in = miss_out = ans_in = ans_out = 0
            for item, whole, parts, strong in cached:
                result = split_search(whole, parts, margin, strong if rule == "strong" else float("-inf"))
                if not result.parts:
                    continue
                split += 1
                gold = set(item["gold"])
                if not whole.covered:
                    ans_in += bool(gold)
                    ans_out += not gold
                first = 1 if whole.covered else 0  # a declined question's sections are all the parts' own
                added = {result.hits[p.source - 1].question for p in result.parts if p.source not in (None, first)}
                right += len(added & gold)
                wrong += len(added - gold)
                missing = sum(p.source is None for p in result.parts)
                miss_in += missing if gold else 0
                miss_out += 0 if gold else missing
            print(f"{rule:<10}  {margin:>6}  {split:>5}  {right:>11} / {wrong:<4}  {miss_in:>19} / {miss_out:<12}"
                  f"  {ans_in:>23} / {ans_out}")


if __name__ == "__main__":
    main()
