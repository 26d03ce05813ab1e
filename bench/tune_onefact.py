"""One-fact questions on the DEV files only: does the extractive answer state the fact, first, and stop soon after?

Reads eval/dev/onefact.jsonl (one-fact, yes/no and "what is X for" questions on the shipped notes, the dev notes
201–214 and eval/dev/onefact_notes/ 401–403, each with the verbatim substrings of the notes that answer it) and
builds a throw-away index of those notes. Prints, each rate with n and a 95 % Wilson interval:
- found: a fact substring is in the answer (a declined answer finds nothing);
- first: it is in the first quoted line;
- gold: the first quote cites a gold section;
- the median answer length in characters (the whole answer, as `tune_points.py keypoints` counts it) and the
  median number of quoted lines.
Usage: python bench/tune_onefact.py [-v] [--home=DIR]   (-v prints each answer; --home keeps the index for the next run)
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.evals.points import Rate  # noqa: E402

DEV = ROOT / "eval" / "dev"
ITEMS = DEV / "onefact.jsonl"
NOTES = (ROOT / "corpus", DEV / "notes", DEV / "onefact_notes")
QUOTE = re.compile(r"^\s*- (.*) \[(\d+)\]$")


def load() -> list[dict]:
    """The one-fact items; nothing else under eval/ is read."""
    return [json.loads(line) for line in ITEMS.read_text(encoding="utf-8").splitlines() if line.strip()]


def rows(items: list[dict]) -> list[dict]:
    from assistant.config import Settings
    from assistant.service import Assistant

    given = [a.split("=", 1)[1] for a in sys.argv if a.startswith("--home=")]
    home = Path(given[0]) if given else Path(tempfile.mkdtemp(prefix="tune-onefact-"))
    settings = Settings.from_env({}, home=home, corpus=NOTES, mode="extractive")
    assistant = Assistant(settings, progress=False)
    out = []
    for item in items:
        result = assistant.ask(item["query"], mode="extractive")
        answer = result.answer if result.covered else ""
        quotes = [(m.group(1), int(m.group(2))) for m in map(QUOTE.match, answer.splitlines()) if m]
        first_n = quotes[0][1] if quotes else 0
        first_q = result.hits[first_n - 1].question if 0 < first_n <= len(result.hits) else None
        out.append({"id": item["id"], "lang": item["lang"], "kind": item["kind"], "query": item["query"],
                    "answer": result.answer, "chars": len(result.answer), "quotes": len(quotes),
                    "found": any(f in answer for f in item["facts"]),
                    "first": bool(quotes) and any(f in quotes[0][0] for f in item["facts"]),
                    "gold": first_q in item["gold"]})
    return out


def report(rs: list[dict], label: str) -> None:
    def rate(key: str) -> Rate:
        return Rate(sum(r[key] for r in rs), len(rs))

    print(f"  {label:8} n={len(rs):3}  found {rate('found')}  first {rate('first')}  gold first {rate('gold')}  "
          f"median chars {median(r['chars'] for r in rs) if rs else '-'}  "
          f"median quotes {median(r['quotes'] for r in rs) if rs else '-'}")


def main() -> None:
    rs = rows(load())
    print("== one-fact answers (eval/dev/onefact.jsonl)")
    report(rs, "all")
    for lang in ("zh", "en"):
        report([r for r in rs if r["lang"] == lang], lang)
    for kind in sorted({r["kind"] for r in rs}):
        report([r for r in rs if r["kind"] == kind], kind)
    for r in rs:
        if "-v" in sys.argv or not r["first"]:
            mark = "ok " if r["first"] else ("mid" if r["found"] else "MISS")
            print(f"--- {r['id']} {mark} {r['query']}\n{r['answer'] if '-v' in sys.argv else ''}")


if __name__ == "__main__":
    main()
