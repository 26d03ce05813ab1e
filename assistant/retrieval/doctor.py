"""Is the index what the notes say, and is the interview database sound? The checks behind `assistant doctor`.

Every section of the notes must be stored at its current hash, with all its chunks, in
every embedder's collection; no collection may hold sections the notes dropped, or an id
twice; a snapshot saved at a collection's current fingerprint (snapshot.py) must list exactly
its chunks (repair drops it); the interview database must pass SQLite's integrity check. The index checks use
the same per-collection plan as ingest (sync.py), so what `check` reports is exactly what
`repair` (the normal incremental ingest) fixes. The CLI and the web Settings page only
render a `Health`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.config import Settings
from assistant.notes.corpus import Corpus
from assistant.notes.parse import find_notes
from assistant.retrieval.sync import Wanted, absolute, at_or_under, plan


@dataclass(frozen=True)
class Problem:
    """One thing wrong, as one line; `repairable` when an ingest fixes it."""

    kind: str  # missing, outdated, half-written, duplicated, orphan, no-collection, notes, unread-heading, gone, database
    where: str  # a collection name, notes file or database path
    message: str
    repairable: bool


@dataclass
class Health:
    """The outcome of a check: the problems, and what was looked at."""

    problems: list[Problem] = field(default_factory=list)
    sections: int = 0
    chunks: dict[str, int] = field(default_factory=dict)  # collection → chunks stored
    database: str = "absent"  # "ok", "absent" or what is wrong
    notices: list[str] = field(default_factory=list)  # worth knowing, not wrong: sections repeated across files
    others: list[str] = field(default_factory=list)  # notes indexed from files this check did not read
    added: list[Path] = field(default_factory=list)  # files ingested by hand and checked with the configured notes
    updating: bool = False  # an ingest was running and the check did not wait for it: the index was not checked

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems

    @property
    def repairable(self) -> bool:
        """True when an ingest would fix at least one problem."""
        return any(p.repairable for p in self.problems)

    def summary(self) -> str:
        """One line: healthy, or how many problems; what was checked."""
        if self.updating:
            return (f"the index is being updated (an ingest is running), so it is checked once that finishes; "
                    f"interview database {self.database}")
        stored = ", ".join(f"{name} {n} chunks" for name, n in self.chunks.items()) or "no collections"
        head = "healthy" if self.ok else f"{len(self.problems)} problem(s)"
        repeats = f" ({len(self.notices)} repeated section(s) indexed once)" if self.notices else ""
        return (f"{head}: {self.sections} section(s) in the notes{repeats}; {stored}; "
                f"interview database {self.database}")

    def to_json(self) -> dict:
        """A JSON-ready dict for `assistant doctor --json`."""
        return {"ok": self.ok, "updating": self.updating, "summary": self.summary(), "sections": self.sections,
                "chunks": self.chunks, "database": self.database, "problems": [asdict(p) for p in self.problems],
                "notices": self.notices, "others": self.others}


def check(settings: Settings, paths=None, chroma=None, wait: bool = True) -> Health:
    """Check every collection of the recipe against the notes (default: the configured corpus) and the database.

    A running ingest finishes first (its half-written state is not a finding). `wait=False` does not wait for it:
    the web app's health line is part of every page load, and waiting there held back the whole load (the saved
    model, the answer modes) for as long as an upload was being indexed. The Health then says `updating`."""
    from assistant.retrieval.ingest_lock import IngestRunning, ingest_lock
    from assistant.retrieval.store import client

    health = Health()
    roots = absolute(paths or settings.corpus_paths)
    find_notes(roots)  # a missing path is a one-line error before anything is locked (parsed once, below)
    chroma = chroma or client(settings)
    try:
        with ingest_lock(settings, timeout=300.0 if wait else 0):
            indexed = check_index(settings, chroma, roots, paths is None, health)
    except IngestRunning:
        health.updating = True
    else:
        health.problems += elsewhere_problems(indexed, roots, health.others)
    problem = database_problem(settings.db_path)
    health.database = "absent" if not settings.db_path.exists() else "ok" if problem is None else "damaged"
    if problem is not None:
        health.problems.append(problem)
    return health


def check_index(settings: Settings, chroma, roots: list[Path], configured: bool, health: Health) -> list[dict]:
    """The index checks, under the ingest lock: problems, sections and chunks into `health`; returns the metadatas of
    the first collection. `configured`: the configured notes are checked, so every other indexed file is too."""
    from assistant.retrieval.store import collection_name, fingerprint, get_collection, index_error, is_missing

    found: dict[str, tuple] = {}  # model → (collection, its rows), for the collections that exist
    for model in settings.dense_models:
        try:
            col = get_collection(chroma, settings, model, create=False)
            found[model] = (col, col.get(include=["metadatas"]))
        except Exception as exc:
            if not is_missing(exc):
                raise index_error(settings, exc) from None
            name = collection_name(settings, model)
            health.problems.append(Problem("no-collection", name, f"{name}: collection missing", True))
    # As ingest does: repeats are judged against the first collection (none: every section is missing).
    first = next(iter(found.values()), (None, {"metadatas": []}))[1]
    if configured:
        # Every notes file indexed and still on disk is checked too, not only the configured notes: "healthy: 20
        # section(s)" beside 33 indexed read as a clean bill for sections never looked at (blind QA).
        health.added = added_files(first["metadatas"], roots)
        roots += health.added  # in place: the caller reads these roots too (elsewhere_problems)
    corpus = Corpus.read(roots)
    health.problems += [Problem("notes", f, f"notes file not indexable: {message}", False) for f, message in corpus.errors]
    # Text under a numbered heading that is not read as a question is in the notes but in no section: only an
    # edit of the heading fixes it, so it is a problem an ingest cannot repair.
    health.problems += [Problem("unread-heading", s.file, str(s), False) for s in corpus.skipped]
    wanted = Wanted.of(corpus, first, roots, settings.chunk_chars)
    for model, (col, rows) in found.items():
        name = collection_name(settings, model)
        health.chunks[name] = len(rows["ids"])
        health.problems += snapshot_problems(settings, name, fingerprint(col), rows)
        todo = plan(rows, wanted)
        health.problems += [Problem(i.state, name, i.line(name), True) for i in todo.issues]
        listed = {f"{i.key[0]}:{i.key[1]}" for i in todo.issues}
        for cid in todo.duplicates:
            if cid.rsplit(":", 1)[0] not in listed:  # outside the checked notes: reported, left alone
                health.problems.append(Problem("duplicated", name, f"{name}: chunk id {cid} stored twice", False))
    health.sections = len(wanted.sections)
    health.notices = [str(r) for r in corpus.repeats]
    return first["metadatas"]


def added_files(metadatas: list[dict], roots: list[Path]) -> list[Path]:
    """The notes files indexed from outside `roots` (`assistant ingest FILE`) that still exist."""
    files = {meta["file"] for meta in metadatas if not at_or_under(meta["file"], roots)}
    return [p for p in absolute(sorted(files)) if p.is_file()]


def elsewhere_problems(metadatas: list[dict], roots: list[Path], others: list[str]) -> list[Problem]:
    """Notes indexed from files outside the checked ones (`assistant ingest FILE`): a file deleted since is a problem
    (its sections still answer questions; `ingest --remove` takes them out), one still there a notice of how to
    check it. Without this, `doctor` said "healthy: 20 section(s)" over thousands of sections it never looked at."""
    sections: dict[str, set] = {}
    for meta in metadatas:
        if not at_or_under(meta["file"], roots):
            sections.setdefault(meta["file"], set()).add((meta["file_key"], meta.get("question")))
    problems = []
    for file, keys in sorted(sections.items()):
        if Path(file).exists():
            others.append(f"{len(keys)} section(s) indexed from {file}, not checked here: run `assistant doctor {file}`")
        else:
            problems.append(Problem("gone", file, f"{file} was deleted, but its {len(keys)} section(s) are still indexed: "
                                    f"take them out with `assistant ingest --remove {file}`", False))
    return problems


def snapshot_problems(settings: Settings, name: str, key: str, rows: dict) -> list[Problem]:
    """A snapshot taken at the collection's current fingerprint must hold exactly its chunks (snapshot.py)."""
    from assistant.retrieval import snapshot

    problems = []
    stored = dict(zip(rows["ids"], (m.get("qhash") for m in rows["metadatas"])))
    saved = snapshot.load(snapshot.path(settings.home, name, "rows"), key)
    if saved is not None and dict(zip(saved["ids"], (m.get("qhash") for m in saved["metadatas"]))) != stored:
        problems.append(Problem("snapshot", name, f"{name}: the saved chunk list disagrees with the collection", True))
    lexical = snapshot.load(snapshot.path(settings.home, name, "lexical"), key)
    if lexical is not None and set(lexical["rows"]) != set(stored):
        problems.append(Problem("snapshot", name, f"{name}: the saved BM25/vocabulary disagree with the collection", True))
    return problems


def database_problem(path: Path) -> Problem | None:
    """SQLite's integrity check of the interview database, read-only; None when it passes or there is none."""
    if not path.exists():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            rows = [str(r[0]) for r in db.execute("PRAGMA integrity_check")]
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        return Problem("database", str(path), f"interview database {path}: {exc}", False)
    if rows == ["ok"]:
        return None
    first = " ".join(rows[0].replace("*** in database main ***", "").split())  # SQLite's report spans lines
    more = f" (and {len(rows) - 1} more)" if len(rows) > 1 else ""
    return Problem("database", str(path), f"interview database {path}: integrity check failed: {first}{more}", False)


def repair(settings: Settings, paths=None, chroma=None):
    """Run the normal incremental ingest when a check finds repairable problems; returns (report or None, health after)."""
    from assistant.retrieval import snapshot
    from assistant.retrieval.ingest import ingest

    before = check(settings, paths, chroma)
    if not before.repairable:
        return None, before
    for name in {p.where for p in before.problems if p.kind == "snapshot"}:
        snapshot.drop(settings.home, name)  # rebuilt from Chroma by the ingest below
    report = ingest(settings, paths, progress=False, chroma=chroma)
    if paths is None and before.added:  # the files added by hand, checked with the configured notes
        report.absorb(ingest(settings, before.added, progress=False, chroma=chroma))
    return report, check(settings, paths, chroma)
