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


def test_the_parts_scored_are_those_the_checksums_list(tmp_path):
    (tmp_path / "grading2.jsonl").write_text('{"id": "x1"}\n', encoding="utf-8")
    (tmp_path / "SHA256SUMS").write_text("0" * 64 + "  grading.jsonl\n", encoding="utf-8")
    assert frozen.listed(tmp_path) == {"grading.jsonl"}  # a file beside the set is not part of it until listed
    (tmp_path / "SHA256SUMS").write_text("0" * 64 + "  grading.jsonl\n" + "1" * 64 + "  grading2.jsonl\n\n",
                                         encoding="utf-8")
    assert frozen.listed(tmp_path) == {"grading.jsonl", "grading2.jsonl"}


def test_no_benchmark_or_test_reads_the_frozen_set():
    me = ROOT / "tests" / "test_eval_hygiene.py"
    offenders = [str(p.relative_to(ROOT)) for folder in ("bench", "tests") for p in (ROOT / folder).rglob("*.py")
                 if p != me and _READS_TEST.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_pattern_catches_a_reader():
    assert _READS_TEST.search('load_jsonl(ROOT / "eval" / "test" / "retrieval.jsonl")')
    assert _READS_TEST.search("from assistant.evals import frozen")
    assert not _READS_TEST.search('load_jsonl(ROOT / "eval" / "dev.jsonl")')


# No tuning item (eval/*.jsonl, eval/dev/**/*.jsonl) may ask what a frozen test item asks, word for word after
# removing punctuation and case. The first blind set shared 43 queries with tuning files (eval/README.md); its
# successor was frozen after dropping every item that a tuning item (the first set included) already asked.


def _queries(item: dict) -> list[str]:
    # A grading item's "question" is a section number ("28"), which many items of both kinds share: not a query.
    out = [item[k] for k in ("query", "q", "question") if isinstance(item.get(k), str) and not item[k].isdigit()]
    return out + [t["q"] for t in item.get("turns") or [] if isinstance(t, dict) and isinstance(t.get("q"), str)]


def _normalised(folder, pattern: str) -> set[str]:
    import json

    return {re.sub(r"[\W_]+", "", q.lower()) for path in folder.glob(pattern)
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip() for q in _queries(json.loads(line))}


def test_no_new_tuning_item_asks_a_test_query():
    test = _normalised(ROOT / "eval" / "test", "*.jsonl")
    tuning = _normalised(ROOT / "eval", "*.jsonl") | _normalised(ROOT / "eval" / "dev", "**/*.jsonl")
    # Failures name counts and files, never the sets: pytest prints an assertion's operands, and a failure message that
    # printed the frozen queries showed them to whoever read the log (2026-12-06, tenth session).
    found = bool(test) and bool(tuning)
    assert found, "no frozen test or tuning queries were read"
    leaked = len({q for q in tuning & test if q})
    assert leaked == 0, f"{leaked} tuning item(s) ask what a frozen test item asks"


def _literals(path) -> set[str]:
    """Every string constant of a Python file (or of the files under a folder), normalised as the queries are."""
    import ast

    paths = path.rglob("*.py") if path.is_dir() else [path]
    return {re.sub(r"[\W_]+", "", node.value.lower()) for file in paths
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def test_no_unit_test_or_benchmark_asks_a_test_query():
    """A question written in a test or a benchmark may not be one the frozen set asks: that would be tuning on, or
    guarding, a test item. Single terms ("LSTM", under 8 characters once normalised) and the notes' own section
    titles, which a blind writer may ask word for word as the code may, are not counted."""
    titles = {re.sub(r"[\W_]+", "", m.group(1).lower()) for path in (ROOT / "corpus").glob("*.md")
              for m in re.finditer(r"^##\s*\d+\.\s*(.+)$", path.read_text(encoding="utf-8"), re.M)}
    test = {q for q in _normalised(ROOT / "eval" / "test", "*.jsonl") if len(q) >= 8} - titles
    found = bool(test)
    assert found, "no frozen test queries were read"
    files = sorted(str(path.relative_to(ROOT)) for folder in (ROOT / "tests", ROOT / "bench") for path in folder.rglob("*.py")
                   if test & _literals(path))
    assert files == [], "a string constant in these files asks what a frozen test item asks (the item is not shown)"
