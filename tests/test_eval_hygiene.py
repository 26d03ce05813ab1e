"""Evaluation hygiene: the frozen blind test set is unchanged, and nothing but `assistant eval` reads it."""

from __future__ import annotations

import hashlib
import re

import pytest

from assistant.errors import UserError
from assistant.evals import frozen
from tests.conftest import ROOT

# Ways code could reach the frozen set: its folder, the module that loads it, or its file names under eval/test.
_READS_TEST = re.compile(r"eval/test\b|eval\"\s*/\s*\"test|evals\.frozen|evals import frozen|test_folder\(|TEST_FOLDER")


def test_frozen_test_set_matches_its_checksums():
    frozen.verify(ROOT / "eval" / "test")  # raises if any listed file was edited or removed


def test_verify_rejects_an_edited_file(tmp_path):
    (tmp_path / "items.jsonl").write_text('{"id": "x1"}\n', encoding="utf-8")
    digest = hashlib.sha256((tmp_path / "items.jsonl").read_bytes()).hexdigest()
    (tmp_path / "SHA256SUMS").write_text(f"{digest}  items.jsonl\n", encoding="utf-8")
    frozen.verify(tmp_path)
    (tmp_path / "items.jsonl").write_text('{"id": "x2"}\n', encoding="utf-8")
    with pytest.raises(UserError, match="items.jsonl does not match"):
        frozen.verify(tmp_path)


def test_no_benchmark_or_test_reads_the_frozen_set():
    me = ROOT / "tests" / "test_eval_hygiene.py"
    offenders = [str(p.relative_to(ROOT)) for folder in ("bench", "tests") for p in (ROOT / folder).rglob("*.py")
                 if p != me and _READS_TEST.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_pattern_catches_a_reader():
    assert _READS_TEST.search('load_jsonl(ROOT / "eval" / "test" / "retrieval.jsonl")')
    assert _READS_TEST.search("from assistant.evals import frozen")
    assert not _READS_TEST.search('load_jsonl(ROOT / "eval" / "dev.jsonl")')


# Queries of the tuning sets (eval/*.jsonl, eval/dev/*.jsonl) that a frozen test item asks too, word for word after
# removing punctuation and case: found on 2026-12-02 (43 distinct strings, about 3 % of the tuning items, some of
# them the notes' own titles; eval/README.md). They are listed by hash so this file copies no test item; a new
# tuning item may not add to them.
_KNOWN_OVERLAP = frozenset({
    "024db292bbf5", "0ffadcbba351", "236f68023d8a", "38f4846c2d19", "45409e00f186", "47a8d247efe1", "4b705f73da47",
    "4dc0a584df77", "556ae51a99ae", "711ef9b04cb4", "75c8fae5987a", "79130becb64f", "791807c6189a", "7b3f95b5c0b8",
    "7f0c83ed5715", "85d6898b5080", "86e516f2d5cd", "8df325ff7366", "9464f0a7b135", "954ef986b55a", "9627fe78dfe1",
    "97e7c5a6a352", "9d7f2cb22579", "a1518b754de4", "a8b8f1533aaf", "acbc755f5b0b", "b1c6533acf4e", "b31007e960b5",
    "b40ec528d95e", "b85ae068b6b1", "c09a091d9d25", "c6f9424e1549", "d11aa2d2eb01", "d18814061e02", "d9f7593a243c",
    "dd8980f96760", "e38406dd675c", "ee244dcd9761", "f829fbccc2a5", "fb2a1415e2cb", "fb4ad14c66e9", "ff3ab1fd398e",
    "ff85a530902a",
})


def _queries(item: dict) -> list[str]:
    out = [item[k] for k in ("query", "q", "question") if isinstance(item.get(k), str)]
    return out + [t["q"] for t in item.get("turns") or [] if isinstance(t, dict) and isinstance(t.get("q"), str)]


def _normalised(folder, pattern: str) -> set[str]:
    import json

    return {re.sub(r"[\W_]+", "", q.lower()) for path in folder.glob(pattern)
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip() for q in _queries(json.loads(line))}


def test_no_new_tuning_item_asks_a_test_query():
    test = _normalised(ROOT / "eval" / "test", "*.jsonl")
    tuning = _normalised(ROOT / "eval", "*.jsonl") | _normalised(ROOT / "eval" / "dev", "*.jsonl")
    shared = {hashlib.sha256(q.encode()).hexdigest()[:12] for q in tuning & test if q}
    assert shared <= _KNOWN_OVERLAP, f"{len(shared - _KNOWN_OVERLAP)} tuning item(s) ask what a frozen test item asks"
