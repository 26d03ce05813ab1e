"""Search every tuning query once and keep what tuning scripts need, so experiments run in seconds.

Two indexes: the shipped notes alone (for the older tuning sets, whose out-of-scope labels
refer to them) and the shipped notes plus `eval/dev/notes/` (for `eval/dev/retrieval2.jsonl`
and `eval/dev/conversations.jsonl`, which also cover sections 201–214, notes nobody tuned
on before; `coverage2.jsonl` and `conversations2.jsonl`, written blind later, add near-domain
out-of-scope questions and follow-ups, and so does `conversations3.jsonl` (written blind on 2026-12-03);
`coverage3.jsonl`, the hard case: questions that reuse the
notes' own terms but ask what they do not say, beside detailed questions they do answer), and the
questions of the key-point sets (`keypoints3.jsonl` written blind on 2026-12-03). A third index,
the shipped notes plus `eval/dev/test1/notes/`, serves `eval/dev/test1/` (the first blind test set,
tuning data since its successor was frozen: its retrieval queries and conversations), a fourth, the shipped
notes plus `eval/dev/test2/notes/`, serves `eval/dev/test2/` (the second, retired 2026-12-05), and a fifth
`eval/dev/test3/` (the third, retired 2026-12-07). Never reads the
frozen test set. Usage: `python bench/tuning_data.py OUT.pkl`.
"""

from __future__ import annotations

import pickle
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.answering.turn_search import condensed_search  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.evals.retrieval import TUNING_SETS, load_jsonl, load_sets  # noqa: E402
from assistant.retrieval.ingest import ingest  # noqa: E402
from assistant.retrieval.retriever import Retriever  # noqa: E402
from assistant.retrieval.store import client  # noqa: E402

DEV = ROOT / "eval" / "dev"
TEST1 = DEV / "test1"
TEST2 = DEV / "test2"  # the second blind test set, tuning data since the third was frozen (2026-12-05)
TEST3 = DEV / "test3"  # the third, tuning data since the fourth was frozen (2026-12-07)
# Which notes each group of tuning items was written against (its out-of-scope labels refer to them).
NOTES = {"shipped": (ROOT / "corpus",), "with_dev_notes": (ROOT / "corpus", DEV / "notes"),
         "with_test1_notes": (ROOT / "corpus", TEST1 / "notes"), "with_test2_notes": (ROOT / "corpus", TEST2 / "notes"),
         "with_test3_notes": (ROOT / "corpus", TEST3 / "notes")}


def retriever_for(corpus: tuple[Path, ...], k: int = 8) -> Retriever:
    settings = Settings.from_env({}, home=Path(tempfile.mkdtemp(prefix="tuning-")), corpus=corpus, k=k)
    ingest(settings, progress=False)
    return Retriever(settings, client(settings))


def turns(conversations: list[dict]) -> list[dict]:
    """Conversations flattened to one item per turn, each with the earlier questions as history."""
    out = []
    for conv in conversations:
        asked: list[str] = []
        for i, turn in enumerate(conv["turns"]):
            out.append({"id": f"{conv['id']}.{i + 1}", "query": turn["q"], "gold": turn["gold"], "history": list(asked),
                        "kind": "conversation" if i else "conversation_first", "lang": conv.get("lang", "")})
            asked.append(turn["q"])
    return out


# The key-point sets' questions are interview questions with a gold section too: their retrieval counts here.
KEYPOINT_SETS = ("keypoints.jsonl", "keypoints2.jsonl", "keypoints3.jsonl", "keypoints4.jsonl")


def keypoint_queries(folder: Path, names: tuple[str, ...]) -> list[dict]:
    """The questions of key-point sets as retrieval items (kind "keypoints"; their points are not needed here)."""
    return [{"id": item["id"], "query": item["query"], "gold": item["gold"], "lang": item.get("lang", ""),
             "kind": "keypoints"} for name in names for item in load_jsonl(folder / name)]


def items() -> dict[str, list[dict]]:
    """Tuning items by index (the keys of NOTES), conversations flattened."""
    return {"shipped": load_sets(ROOT / "eval", TUNING_SETS) + load_jsonl(DEV / "retrieval6.jsonl")
            + load_jsonl(DEV / "retrieval7.jsonl"),
            "with_dev_notes": load_jsonl(DEV / "retrieval2.jsonl") + load_jsonl(DEV / "coverage2.jsonl")
            + load_jsonl(DEV / "coverage3.jsonl") + load_jsonl(DEV / "retrieval4.jsonl") + load_jsonl(DEV / "retrieval5.jsonl")
            + keypoint_queries(DEV, KEYPOINT_SETS)
            + turns(load_jsonl(DEV / "conversations.jsonl") + load_jsonl(DEV / "conversations2.jsonl")
                    + load_jsonl(DEV / "conversations3.jsonl")),
            "with_test1_notes": load_jsonl(TEST1 / "retrieval.jsonl") + keypoint_queries(TEST1, ("keypoints.jsonl",))
            + turns(load_jsonl(TEST1 / "conversations.jsonl")),
            "with_test2_notes": load_jsonl(TEST2 / "retrieval.jsonl") + keypoint_queries(TEST2, ("keypoints.jsonl",))
            + turns(load_jsonl(TEST2 / "conversations.jsonl")),
            "with_test3_notes": load_jsonl(TEST3 / "retrieval.jsonl") + keypoint_queries(TEST3, ("keypoints.jsonl",))
            + turns(load_jsonl(TEST3 / "conversations.jsonl"))}


def collect(retriever: Retriever, rows: list[dict]) -> list[dict]:
    out = []
    for item in rows:
        query, result = condensed_search(retriever, item["query"], item.get("history", []))
        out.append({**item, "standalone": query, "result": result})
    return out


def build() -> dict[str, list[dict]]:
    """Every tuning item with its standalone query and SearchResult, by index."""
    return {name: collect(retriever_for(NOTES[name]), rows) for name, rows in items().items()}


def main() -> None:
    out = Path(sys.argv[1])
    cache = build()
    out.write_bytes(pickle.dumps(cache))
    print(f"wrote {out}: " + " + ".join(f"{len(rows)} {name}" for name, rows in cache.items()) + " items")


if __name__ == "__main__":
    main()
