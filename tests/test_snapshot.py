"""Snapshots keyed on the collection fingerprint: unchanged re-ingest and start-up read no chunks from Chroma."""

from __future__ import annotations

import pickle

import pytest
from chromadb.api.models.Collection import Collection

from assistant.config import Settings
from assistant.retrieval import snapshot
from assistant.retrieval.doctor import check, repair
from assistant.retrieval.ingest import ingest
from assistant.retrieval.store import client, get_collection


@pytest.fixture
def gets(monkeypatch):
    """Counts Collection.get calls that fetch documents or metadatas (a full read)."""
    calls: list[tuple] = []
    real = Collection.get

    def counting(self, *args, **kwargs):
        if kwargs.get("include"):
            calls.append((self.name, tuple(kwargs["include"])))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Collection, "get", counting)
    return calls


def _fingerprints(settings):
    chroma = client(settings)
    return {m: get_collection(chroma, settings, m).metadata["fingerprint"] for m in settings.dense_models}


def test_unchanged_reingest_reads_no_rows_and_keeps_the_fingerprint(built_copy, gets):
    settings = Settings.from_env({}, home=built_copy)
    ingest(settings, progress=False)  # the snapshots of an index built before them are written here
    before = _fingerprints(settings)
    gets.clear()
    report = ingest(settings, progress=False)
    assert report.unchanged == 20 and report.chunks_embedded == 0
    assert gets == [] and _fingerprints(settings) == before


def test_start_up_loads_the_catalogue_snapshot(built_copy, gets):
    from assistant.retrieval.retriever import Retriever

    settings = Settings.from_env({}, home=built_copy)
    ingest(settings, progress=False)
    fresh = Retriever(settings, client(settings))
    gets.clear()
    hits = fresh.search("如何修复梯度爆炸问题？").hits
    assert hits and hits[0].question == 28 and "梯度" in hits[0].section
    assert gets == []


def test_an_edit_changes_the_fingerprint_and_the_snapshots_follow(built_copy, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    page = notes / "n.md"
    page.write_text("## 1. 什么是梯度裁剪？\n\n按范数缩放梯度。\n\n## 2. 什么是早停？\n\n验证集不再提升就停。\n", encoding="utf-8")
    settings = Settings.from_env({"ASSISTANT_CORPUS": str(notes)}, home=built_copy)
    ingest(settings, progress=False)
    first = _fingerprints(settings)
    page.write_text("## 1. 什么是梯度裁剪？\n\n按阈值截断梯度范数，防止爆炸。\n\n## 2. 什么是早停？\n\n验证集不再提升就停。\n",
                    encoding="utf-8")
    report = ingest(settings, progress=False)
    assert report.added == 1 and _fingerprints(settings) != first
    from assistant.retrieval.retriever import Retriever

    hits = Retriever(settings, client(settings)).search("梯度裁剪").hits
    assert "防止爆炸" in hits[0].section
    assert check(settings).ok


def test_doctor_finds_and_repair_drops_a_snapshot_that_disagrees(built_copy):
    settings = Settings.from_env({}, home=built_copy)
    ingest(settings, progress=False)
    file = snapshot.path(settings.home, "notes-e5", "rows")
    saved = pickle.loads(file.read_bytes())
    saved["data"]["ids"] = saved["data"]["ids"][1:]
    saved["data"]["metadatas"] = saved["data"]["metadatas"][1:]
    file.write_bytes(pickle.dumps(saved))
    health = check(settings)
    assert [p.kind for p in health.problems] == ["snapshot"] and health.repairable
    _, after = repair(settings)
    assert after.ok


def test_a_snapshot_never_vouches_for_a_dirty_or_blank_fingerprint(tmp_path):
    file = tmp_path / "s.pickle"
    for key in ("dirty-1:3", ":3"):
        snapshot.save(file, key, {"x": 1})
        assert snapshot.load(file, key) is None
    snapshot.save(file, "abc-1:3", {"x": 1})
    assert snapshot.load(file, "abc-1:3") == {"x": 1} and snapshot.load(file, "abc-1:4") is None
    file.write_bytes(b"garbage")
    assert snapshot.load(file, "abc-1:3") is None



def test_a_catalogue_snapshot_of_row_dicts_is_converted_once_and_answers_the_same(built_copy, gets):
    """Snapshots written before the rows were kept by column (one dict per chunk) still load, and are rewritten."""
    from assistant.retrieval.catalogue import Rows
    from assistant.retrieval.retriever import Retriever
    from assistant.retrieval.store import collection_name

    settings = Settings.from_env({}, home=built_copy)
    ingest(settings, progress=False)
    file = snapshot.path(settings.home, collection_name(settings, settings.dense_models[0]), "lexical")
    saved = pickle.loads(file.read_bytes())
    rows = saved["data"]["rows"]
    assert isinstance(rows, Rows)
    expected = Retriever(settings, client(settings)).search("如何修复梯度爆炸问题？")
    old = {k: v for k, v in saved["data"].items() if k not in ("chinese", "sections")}
    old["rows"] = {cid: rows[cid] for cid in rows}
    snapshot.save(file, saved["fingerprint"], old)
    gets.clear()
    got = Retriever(settings, client(settings)).search("如何修复梯度爆炸问题？")
    assert gets == [], "an old snapshot is converted, not replaced by a read of every chunk"
    assert [(h.question, h.score, h.section) for h in got.hits] == [(h.question, h.score, h.section) for h in expected.hits]
    rewritten = pickle.loads(file.read_bytes())["data"]
    assert isinstance(rewritten["rows"], Rows) and rewritten["sections"] == saved["data"]["sections"]
    assert {cid: rewritten["rows"][cid] for cid in rows} == old["rows"]


def test_rows_by_column_give_back_each_row_as_stored():
    from assistant.retrieval.catalogue import Rows

    stored = {"a": ("doc a", {"question": 1, "chunk": 0}), "b": ("doc b", {"question": 2, "uid": "u2", "chunk": 1})}
    rows = pickle.loads(pickle.dumps(Rows.of(stored)))
    assert dict(rows) == stored and "b" in rows and "c" not in rows and list(rows) == ["a", "b"]
    assert rows.column("uid") == [None, "u2"] and rows.column("head", 1) == [1, 1]
    with pytest.raises(KeyError):
        rows["c"]


def test_rows_keep_one_string_per_repeated_value_through_a_snapshot():
    """Chroma returns a new string per row; the columns share equal ones, so pickle writes and reads each once."""
    from assistant.retrieval.catalogue import Rows

    stored = {f"c{i}": (f"doc {i}", {"file": "".join(["notes", ".md"]), "title": "".join(["题", "目"]), "chunk": i})
              for i in range(3)}
    assert len({id(meta["file"]) for _, meta in stored.values()}) == 3
    rows = pickle.loads(pickle.dumps(Rows.of(stored)))
    assert dict(rows) == stored
    assert len({id(v) for v in rows.columns["file"]}) == 1 and len({id(v) for v in rows.columns["title"]}) == 1
