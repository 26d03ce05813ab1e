"""`assistant doctor`: every kind of index damage is reported in one line per problem, and --repair fixes it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from assistant.cli import cli
from assistant.config import Settings
from assistant.retrieval.doctor import check
from assistant.retrieval.ingest import ingest
from assistant.retrieval.store import client, get_collection
from tests.test_cli import assert_one_line_error, run

FIXTURES = Path(__file__).parent / "fixtures"


def doctor(*args):
    return CliRunner().invoke(cli, ["doctor", *map(str, args)])


def damage(s: Settings) -> dict[str, str]:
    """Half-write, outdate, orphan and drop sections the way a killed ingest or a stale index would."""
    chroma = client(s)
    e5, use = (get_collection(chroma, s, m) for m in ("e5", "use"))
    rows = e5.get(include=["metadatas", "documents", "embeddings"])
    by_q = {}
    for cid, meta in zip(rows["ids"], rows["metadatas"]):
        if meta["file"].endswith("small-notes.md"):
            by_q.setdefault(meta["question"], []).append(cid)
    use.delete(ids=[by_q[2][-1]])  # one chunk of question 2 never reached the USE collection
    use.delete(ids=by_q[4])  # question 4 not in USE at all
    first = rows["ids"].index(by_q[1][0])
    e5.update(ids=[by_q[1][0]], metadatas=[{**rows["metadatas"][first], "qhash": "0" * 16 + "-1-150"}])
    orphan = by_q[1][0].rsplit(":", 2)[0] + ":99:0"  # a section the file no longer has
    e5.add(ids=[orphan], documents=["old"], embeddings=[rows["embeddings"][first]],
           metadatas=[{**rows["metadatas"][first], "uid": "99", "question": 99}])
    return {"half": by_q[2][-1], "orphan": orphan}


def test_doctor_reports_damage_and_repair_fixes_it(home, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    for name in ("small-notes.md", "other-notes.md"):
        shutil.copy(FIXTURES / name, notes / name)
    s = Settings.from_env({}, home=home)
    ingest(s, [notes], progress=False)
    assert check(s, [notes]).ok
    damage(s)

    health = check(s, [notes])
    kinds = sorted((p.where, p.kind) for p in health.problems)
    assert kinds == [("notes-e5", "orphan"), ("notes-e5", "outdated"),
                     ("notes-use", "half-written"), ("notes-use", "missing")], health.problems
    found = doctor(notes)
    assert found.exit_code == 1
    lines = found.output.strip().splitlines()
    assert len(lines) == 5 and lines[-1].startswith("4 problem(s)")
    assert any("notes-use: half-written section" in ln and "第2题" in ln and "chunk(s) stored at its current hash" in ln for ln in lines), lines
    assert any("notes-e5: orphan section" in ln and "第99题" in ln for ln in lines)

    repaired = doctor(notes, "--repair")
    assert repaired.exit_code == 0, repaired.output
    assert "repaired by ingest:" in repaired.output and "3 new or changed" in repaired.output
    assert repaired.output.strip().splitlines()[-1].startswith("healthy:")
    after = json.loads(doctor(notes, "--json").output)
    assert after["ok"] and after["problems"] == [] and after["chunks"]["notes-e5"] == after["chunks"]["notes-use"]
    again = ingest(s, [notes], progress=False)
    assert again.chunks_embedded == 0 and again.added == 0


def test_outdated_section_after_an_edit(home, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    shutil.copy(FIXTURES / "small-notes.md", notes / "small-notes.md")
    s = Settings.from_env({}, home=home, recipe="e5")
    ingest(s, [notes], progress=False)
    f = notes / "small-notes.md"
    f.write_text(f.read_text().replace("这就是过拟合。", "这就是过拟合（overfitting）。"))
    [problem] = check(s, [notes]).problems
    assert problem.kind == "outdated" and "第1题" in problem.message and problem.repairable


def test_missing_collections_and_json(home, tmp_path):
    notes = tmp_path / "n.md"
    shutil.copy(FIXTURES / "small-notes.md", notes)
    result = CliRunner().invoke(cli, ["--recipe", "e5", "doctor", str(notes), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["ok"] is False and [p["kind"] for p in data["problems"]] == ["no-collection"]
    fixed = CliRunner().invoke(cli, ["--recipe", "e5", "doctor", str(notes), "--repair", "--json"])
    data = json.loads(fixed.output)
    assert fixed.exit_code == 0 and data["ok"] and data["repair"]["found"][0]["kind"] == "no-collection"
    assert "4 new or changed" in data["repair"]["ingest"]


def test_a_repeated_section_is_a_note_not_a_problem(home, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    shutil.copy(FIXTURES / "small-notes.md", notes / "a.md")
    shutil.copy(FIXTURES / "small-notes.md", notes / "b.md")
    ingested = CliRunner().invoke(cli, ["--recipe", "e5", "ingest", str(notes)])
    assert ingested.exit_code == 0 and "4 repeated section(s) indexed once" in ingested.output
    result = CliRunner().invoke(cli, ["--recipe", "e5", "doctor", str(notes)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert sum(line.startswith("note: ") and "b.md" in line for line in lines) == 4
    assert lines[-1].startswith("healthy: 4 section(s) in the notes (4 repeated section(s) indexed once)")


def test_ingest_warns_of_a_numbered_heading_it_does_not_read(home, tmp_path):
    notes = tmp_path / "mine.md"
    notes.write_text("## 1. 什么是过拟合？\n训练集好，测试集差。\n\n## 2 什么是欠拟合？\n训练集也差。\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--recipe", "e5", "ingest", str(notes)])
    assert result.exit_code == 0, result.output
    assert "1 question(s)" in result.stdout and "1 numbered heading(s) not read as questions" in result.stdout
    assert result.stderr.strip() == (f"warning: {notes}:4: '## 2 什么是欠拟合？' is not read as a question "
                                     "(write '## N. question'), so the text under it is not indexed")
    # doctor names it too, as a problem an ingest cannot repair (only an edit of the heading does)
    checked = CliRunner().invoke(cli, ["--recipe", "e5", "doctor", str(notes), "--repair"])
    assert checked.exit_code == 1 and result.stderr.strip()[len("warning: "):] in checked.output.splitlines()
    assert "repaired by ingest" not in checked.output
    assert checked.output.splitlines()[-1].startswith("1 problem(s): 1 section(s) in the notes")


def test_damaged_interview_database_is_reported_not_repaired(built_copy):
    db = built_copy / "assistant.db"
    from assistant.interview.store import Store

    Store(db).close()
    raw = bytearray(db.read_bytes())
    page = 3 * 4096  # the sessions table's b-tree page: a bad cell count, the file still opens
    raw[page: page + 8] = b"\x0d\x00\x00\x00\x09\xff\xff\x00"
    db.write_bytes(bytes(raw))
    result = doctor("--repair")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert any(ln.startswith(f"interview database {db}: integrity check failed: ") for ln in lines), result.output
    assert "repaired by ingest" not in result.output and "interview database damaged" in lines[-1]


def test_doctor_on_a_missing_path_is_one_line(tmp_path):
    assert_one_line_error(run(["doctor", str(tmp_path / "none")], tmp_path / "h"), 1, "no such file or folder")


def test_a_deleted_notes_file_is_reported_and_ingest_remove_takes_it_out(home, tmp_path):
    keep, solo = tmp_path / "keep.md", tmp_path / "solo.md"
    keep.write_text("## 1. 什么是过拟合？\n训练集上好，测试集上差。\n", encoding="utf-8")
    solo.write_text("## 2. 什么是欠拟合？\n训练集上也差。\n\n## 3. 什么是早停？\n验证误差不再下降时停止训练。\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["--recipe", "e5", "ingest", str(keep), str(solo)]).exit_code == 0
    solo.unlink()
    checked = CliRunner().invoke(cli, ["--recipe", "e5", "doctor", str(keep)])
    assert checked.exit_code == 1
    assert (f"{solo} was deleted, but its 2 section(s) are still indexed: take them out with "
            f"`assistant ingest --remove {solo}`") in checked.output.splitlines()
    removed = CliRunner().invoke(cli, ["--recipe", "e5", "ingest", "--remove", str(solo)])
    assert removed.exit_code == 0 and "removed 2 section(s) from the index" in removed.output
    after = CliRunner().invoke(cli, ["--recipe", "e5", "doctor", str(keep)])
    assert after.exit_code == 0 and after.output.splitlines()[-1].startswith("healthy: 1 section(s)")
    again = CliRunner().invoke(cli, ["--recipe", "e5", "ingest", "--remove", str(solo)])
    assert again.exit_code == 2 and "nothing in the index comes from" in again.output
    configured = CliRunner().invoke(cli, ["--recipe", "e5", "ingest", "--remove", str(Settings.from_env({}).corpus_paths[0])])
    assert configured.exit_code == 2 and "is part of the configured notes" in configured.output


def test_notes_ingested_by_a_relative_path_are_checked_from_any_directory(home, tmp_path, monkeypatch):
    """`assistant ingest mynotes/a.md` stored "mynotes/a.md": from another directory `doctor` said the file was
    deleted and `ingest --remove ../mynotes/a.md` found nothing (blind QA). Paths are stored absolute, and a plain
    `doctor` checks the files added by hand with the configured notes."""
    (tmp_path / "mynotes").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "mynotes" / "a.md").write_text("## 1. 什么是过拟合？\n训练集上好，测试集上差。\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["--recipe", "e5", "ingest", "mynotes/a.md"]).exit_code == 0
    monkeypatch.chdir(tmp_path / "elsewhere")
    checked = CliRunner().invoke(cli, ["--recipe", "e5", "doctor", "--repair"])
    assert "was deleted" not in checked.output and "not checked here" not in checked.output
    assert checked.exit_code == 0, checked.output
    assert checked.output.splitlines()[-1].startswith("healthy: 21 section(s)")  # 20 configured + the added one
    removed = CliRunner().invoke(cli, ["--recipe", "e5", "ingest", "--remove", "../mynotes/a.md"])
    assert removed.exit_code == 0 and "removed 1 section(s)" in removed.output


def test_a_section_stored_under_a_relative_path_is_stored_again_under_its_absolute_one(home, tmp_path, monkeypatch):
    """An index written before paths were absolute: the next ingest of the file re-stores its sections."""
    note = tmp_path / "a.md"
    note.write_text("## 1. 什么是过拟合？\n训练集上好，测试集上差。\n", encoding="utf-8")
    s = Settings.from_env({}, home=home, recipe="e5")
    ingest(s, [note], progress=False)
    col = get_collection(client(s), s, "e5")
    rows = col.get(include=["metadatas"])
    col.update(ids=rows["ids"], metadatas=[{**m, "file": "a.md"} for m in rows["metadatas"]])
    shutil.rmtree(home / "snapshots")  # as an old index has them: written with the relative path
    assert ingest(s, [note], progress=False).added == 1
    assert {m["file"] for m in col.get(include=["metadatas"])["metadatas"]} == {str(note)}
