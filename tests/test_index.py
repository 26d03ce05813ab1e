"""Ingest: idempotent, incremental, namespaced per file, loses nothing on bad input; Chroma server mode."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.notes.parse import CorpusError
from assistant.retrieval.ingest import ingest
from assistant.retrieval.retriever import Retriever
from assistant.retrieval.store import client, collection_name, get_collection

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def notes(tmp_path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    shutil.copy(FIXTURES / "small-notes.md", folder / "small-notes.md")
    return folder


def settings_for(home: Path, **kw) -> Settings:
    return Settings.from_env({}, home=home, recipe="e5", **kw)


def chunk_ids(s: Settings) -> list[str]:
    return sorted(get_collection(client(s), s, "e5").get(include=[])["ids"])


def test_ingest_is_idempotent(home, notes):
    s = settings_for(home)
    first = ingest(s, [notes], progress=False)
    assert (first.files, first.questions, first.added, first.errors) == (1, 4, 4, [])
    ids = chunk_ids(s)
    again = ingest(s, [notes], progress=False)
    assert (again.added, again.unchanged, again.removed, again.chunks_embedded) == (0, 4, 0, 0)
    assert chunk_ids(s) == ids


def test_ingest_keeps_the_title_of_every_askable_section_for_the_grader(home, notes, monkeypatch):
    from assistant.notes.corpus import Corpus
    from assistant.retrieval.vector_cache import note_vectors

    s = settings_for(home)
    ingest(s, [notes], progress=False)
    questions = [q for qs in Corpus.read([notes]).parsed.values() for q in qs]
    askable = [q.title for q in questions if q.kind == "text"]
    kept = note_vectors(home, "titles").get([q.title for q in questions])
    assert set(kept) == set(askable) and len(askable) < len(questions)  # the image-only section has no reference
    import assistant.runtime

    def no_model():
        raise AssertionError("an unchanged re-ingest embeds no title")

    monkeypatch.setattr(assistant.runtime, "e5_model", no_model)
    ingest(s, [notes], progress=False)


def test_changed_and_removed_sections_are_synced(home, notes):
    s = settings_for(home)
    ingest(s, [notes], progress=False)
    f = notes / "small-notes.md"
    text = f.read_text().replace("这就是过拟合。", "这就是过拟合，也叫 overfitting。")
    text = text[: text.index("## 4.")]  # drop question 4
    f.write_text(text)
    report = ingest(s, [notes], progress=False)
    assert (report.added, report.unchanged, report.removed) == (1, 2, 1)
    docs = get_collection(client(s), s, "e5").get(include=["documents"])["documents"]
    assert any("overfitting" in d for d in docs)
    assert not any("只有图片的题目" in d for d in docs)


def test_deleted_file_in_ingested_folder_is_removed(home, notes):
    s = settings_for(home)
    shutil.copy(FIXTURES / "other-notes.md", notes / "other-notes.md")
    ingest(s, [notes], progress=False)
    (notes / "other-notes.md").unlink()
    report = ingest(s, [notes], progress=False)
    assert report.removed == 1
    assert not any("批归一化" in d for d in get_collection(client(s), s, "e5").get(include=["documents"])["documents"])


def test_two_files_may_share_question_numbers(home, notes):
    s = settings_for(home)
    shutil.copy(FIXTURES / "other-notes.md", notes / "other-notes.md")
    ingest(s, [notes], progress=False)
    questions = Retriever(s, client(s)).questions()
    ones = [q for q in questions if q["question"] == 1]
    assert len(ones) == 2 and len({q["file_key"] for q in ones}) == 2


def sections(s: Settings) -> set[tuple[str, int]]:
    return {(q["file_key"], q["question"]) for q in Retriever(s, client(s)).questions()}


def test_a_section_repeated_in_another_file_is_indexed_once(home, notes):
    """A copy of the notes (the shipped file copied into the user's folder) would crowd the top hits with twins."""
    s = settings_for(home)
    text = (notes / "small-notes.md").read_text()
    (notes / "z-copy.md").write_text(text.replace("这就是过拟合。", "这就是过拟合，也叫 overfitting。"))
    report = ingest(s, [notes], progress=False)
    # Sections 2-4 are the same text: the first file in sorted order keeps them; the edited section 1 is new.
    assert (report.questions, len(report.repeats)) == (5, 3) and "repeated section(s) indexed once" in report.summary()
    assert all(r.file.endswith("z-copy.md") and r.kept_file.endswith("small-notes.md") for r in report.repeats)
    assert len(sections(s)) == 5
    hits = Retriever(s, client(s)).search("What is gradient clipping?").hits
    assert [h.question for h in hits].count(2) == 1
    again = ingest(s, [notes], progress=False)
    assert (again.added, again.unchanged, again.chunks_embedded, len(again.repeats)) == (0, 5, 0, 3)


def test_a_copy_ingested_on_its_own_adds_nothing_and_takes_over_when_the_original_goes(home, notes, tmp_path):
    s = settings_for(home)
    ingest(s, [notes], progress=False)
    ids = chunk_ids(s)
    copy = tmp_path / "upload" / "copy.md"  # as the web upload does: one file, ingested alone
    copy.parent.mkdir()
    shutil.copy(notes / "small-notes.md", copy)
    report = ingest(s, [copy], progress=False)
    assert (report.questions, report.added, len(report.repeats)) == (0, 0, 4)
    assert {r.kept_file for r in report.repeats} == {str(notes / "small-notes.md")}
    assert chunk_ids(s) == ids
    # The original goes: a sync of its folder deletes its sections, and the copy is then indexed in full.
    (notes / "small-notes.md").unlink()
    assert ingest(s, [notes], progress=False).removed == 4
    assert ingest(s, [copy], progress=False).added == 4
    assert len(sections(s)) == 4


def test_bad_file_is_reported_and_nothing_indexed_is_lost(home, notes):
    s = settings_for(home)
    ingest(s, [notes], progress=False)
    before = chunk_ids(s)
    (notes / "small-notes.md").write_bytes((FIXTURES / "bad-encoding.md.bin").read_bytes())
    (notes / "plain.md").write_text((FIXTURES / "no-headings.md.txt").read_text())
    report = ingest(s, [notes], progress=False)
    assert len(report.errors) == 2
    assert any("small-notes.md: not valid UTF-8" in e for e in report.errors)
    assert any("plain.md: no '## N. question' headings" in e for e in report.errors)
    assert chunk_ids(s) == before


def test_missing_path_raises(home):
    with pytest.raises(CorpusError, match="no such file"):
        ingest(settings_for(home), [home / "missing"], progress=False)


def test_reopened_collection_knows_its_embedding_function(home, notes):
    s = settings_for(home)
    ingest(s, [notes], progress=False)
    reopened = client(s).get_collection(collection_name(s, "e5"))  # no embedding_function passed
    res = reopened.query(query_texts=["gradient clipping clipnorm"], n_results=1, include=["metadatas"])
    assert res["metadatas"][0][0]["question"] == 2


def test_index_is_built_on_first_use(home):
    from assistant.service import Assistant

    a = Assistant(Settings.from_env({}, home=home, recipe="e5"), progress=False)
    assert a.first_ingest is not None and a.first_ingest.questions == 20
    assert Assistant(Settings.from_env({}, home=home, recipe="e5"), progress=False).first_ingest is None


@pytest.mark.slow
def test_chroma_server_mode(chroma_server, notes, tmp_path):
    host, port = chroma_server
    s = Settings.from_env({}, home=tmp_path / "h", recipe="e5", chroma_host=host, chroma_port=port, collection="srv")
    report = ingest(s, [notes], progress=False)
    assert report.added == 4
    assert not (tmp_path / "h" / "chroma").exists()  # nothing stored locally in server mode
    hits = Retriever(s, client(s)).search("What is gradient clipping?", 2).hits
    assert hits[0].question == 2
    assert ingest(s, [notes], progress=False).unchanged == 4


def test_unreachable_chroma_server_is_a_clear_error(home):
    from assistant.retrieval.store import IndexStoreError
    from tests.support.servers import free_port

    s = Settings.from_env({}, home=home, chroma_host="127.0.0.1", chroma_port=free_port())
    with pytest.raises(IndexStoreError, match="cannot reach the Chroma server"):
        client(s)


def test_edited_notes_are_resynced_on_next_start(tmp_path):
    """The configured notes are re-ingested incrementally when a file changed since the last ingest."""
    from assistant.retrieval.ingest import ensure_index

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("## 1. 什么是批归一化？\n\n批归一化对每层输入做标准化。\n", encoding="utf-8")
    s = Settings.from_env({}, home=tmp_path / "home", recipe="e5", corpus=(notes,))
    _, first = ensure_index(s, progress=False)
    assert first is not None and first.questions == 1
    _, again = ensure_index(s, progress=False)
    assert again is None  # nothing changed: no ingest at all
    (notes / "a.md").write_text("## 1. 什么是批归一化？\n\n批归一化对每层输入做标准化。\n\n## 2. 什么是层归一化？\n\n层归一化对每个样本做标准化。\n", encoding="utf-8")
    chroma, report = ensure_index(s, progress=False)
    assert report is not None and report.questions == 2 and report.added == 1 and report.unchanged == 1
    assert Retriever(s, chroma).search("层归一化", 1).hits[0].title == "什么是层归一化？"


def test_collections_save_their_hnsw_index_every_100_writes(home, notes):
    """A cold start re-inserts the writes since the last save: new collections save every 100, an older
    collection (Chroma's default, 1,000) is switched by its next ingest."""
    from assistant.retrieval.embeddings import embedder
    from assistant.retrieval.store import SYNC_THRESHOLD

    s = Settings.from_env({}, home=home, recipe="e5+use")
    old = client(s).create_collection(collection_name(s, "use"), embedding_function=embedder("use", s),
                                      configuration={"hnsw": {"space": "cosine"}})
    assert old.configuration["hnsw"]["sync_threshold"] == 1000
    ingest(s, [notes], progress=False)
    for model in ("e5", "use"):
        assert get_collection(client(s), s, model).configuration["hnsw"]["sync_threshold"] == SYNC_THRESHOLD == 100


def test_an_ingest_leaves_every_hnsw_index_saved(home, notes):
    """After an ingest that wrote, no write is left in Chroma's log for a cold start to re-insert (store.save_vectors):
    each collection's vector segment is saved up to the sequence number its metadata segment has applied. Read from
    Chroma's own tables (segments, max_seq_id), since that is what its cold start compares."""
    import sqlite3

    s = Settings.from_env({}, home=home, recipe="e5+use")

    def check() -> None:
        with sqlite3.connect(f"file:{s.chroma_path / 'chroma.sqlite3'}?mode=ro", uri=True) as db:
            rows = db.execute("SELECT s.collection, s.scope, m.seq_id FROM segments s "
                              "LEFT JOIN max_seq_id m ON m.segment_id = s.id").fetchall()
        seqs = {(c, scope): seq or 0 for c, scope, seq in rows}
        assert len({c for c, _ in seqs}) == 2
        assert all(seqs[c, "VECTOR"] == seqs[c, "METADATA"] > 0 for c, _ in seqs)

    first = ingest(s, [notes], progress=False)
    check()
    ids = chunk_ids(s)
    assert len(ids) == first.chunks_embedded and not any(i.startswith("save-hnsw:") for i in ids)
    edited = notes / "small-notes.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("过拟合。", "过拟合现象。", 1), encoding="utf-8")
    assert ingest(s, [notes], progress=False).added == 1
    check()
    assert chunk_ids(s) == ids  # the same chunks (one section re-embedded), nothing added by the saves
