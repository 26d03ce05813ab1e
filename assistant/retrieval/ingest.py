"""Incremental, idempotent ingest of notes into the Chroma index, and building it on first use.

One collection per dense embedder of the recipe (`notes-e5`, `notes-use`, ...), each
holding the same chunks. Every chunk carries the content hash of its question, so a
re-ingest skips unchanged questions, re-embeds changed ones and deletes removed ones.
Files that fail to parse are reported and left as they were in the index: nothing
already indexed is lost. Opening Chroma and translating its errors is vectorstore.py.
"""

from __future__ import annotations

import hashlib
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from assistant.config import Settings
from assistant.notes.parse import Chunk, CorpusError, chunk_question, find_notes, read_notes
from assistant.notes.text import plain_text
from assistant.retrieval.store import IndexStoreError, client, get_collection, index_error, while_locked

CHUNKER_VERSION = "1"
BATCH = 16


@dataclass
class IngestReport:
    """What an ingest did, for the CLI and the benchmark."""

    files: int = 0
    questions: int = 0
    added: int = 0
    unchanged: int = 0
    removed: int = 0
    chunks_embedded: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the terminal."""
        return (
            f"{self.files} file(s), {self.questions} question(s): {self.added} new or changed, "
            f"{self.unchanged} unchanged, {self.removed} removed ({self.chunks_embedded} chunks embedded)"
        )


@contextmanager
def ingest_lock(settings: Settings, timeout: float = 300.0):
    """Serialise ingests of one data directory across processes."""
    from filelock import FileLock, Timeout

    settings.home.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(settings.home / "ingest.lock"))
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise IndexStoreError(f"another ingest holds {settings.home / 'ingest.lock'}; try again when it finishes") from None
    try:
        yield
    finally:
        lock.release()


def ingest(settings: Settings, paths=None, progress: bool = True, chroma=None) -> IngestReport:
    """Sync the given notes files/folders (default: the configured corpus) into every collection of the recipe."""
    roots = [Path(p).expanduser() for p in (paths or settings.corpus_paths)]
    files = find_notes(roots)
    report = IngestReport()
    parsed: dict[str, list] = {}
    for f in files:
        try:
            parsed[str(f)] = read_notes(f)
        except CorpusError as exc:
            report.errors.append(str(exc))
    report.files = len(parsed)
    chunks = [c for qs in parsed.values() for q in qs for c in chunk_question(q, settings.chunk_chars)]
    report.questions = sum(len(qs) for qs in parsed.values())
    from assistant.retrieval.embeddings import embedder

    chroma = chroma or client(settings)
    with ingest_lock(settings):
        for model in settings.dense_models:
            first = model == settings.dense_models[0]

            # Bind this iteration's model: the closure is retried later, after the loop variable moved on.
            def sync_one(model: str = model, first: bool = first) -> IngestReport:
                part = IngestReport()  # a retried attempt must not count what a failed one counted
                col = get_collection(chroma, settings, model)
                _sync(col, embedder(model, settings), chunks, parsed, roots, settings, part, progress and first)
                _stamp(col)
                return part

            try:
                part = while_locked(sync_one)
            except Exception as exc:
                raise index_error(settings, exc) from None
            if first:
                report.added, report.unchanged, report.removed = part.added, part.unchanged, part.removed
                report.chunks_embedded = part.chunks_embedded
        if paths is None:  # the configured notes are now indexed as they are on disk
            _stamp_file(settings).write_text(notes_stamp(settings), encoding="utf-8")
    return report


def notes_stamp(settings: Settings) -> str:
    """Paths, sizes and modification times of the configured notes files; changes when one is edited, added or removed."""
    try:
        files = find_notes(settings.corpus_paths)
    except CorpusError:
        return ""
    digest = hashlib.sha1(f"chunk_chars={settings.chunk_chars}\n".encode())
    for f in files:
        st = f.stat()
        digest.update(f"{f.resolve()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _stamp_file(settings: Settings) -> Path:
    return settings.home / f"notes-stamp-{settings.collection}-{'+'.join(settings.dense_models)}.txt"


def ensure_index(settings: Settings, chroma=None, progress: bool = True):
    """Build the index from the configured corpus on first use, and re-sync it when those notes changed.

    Returns (client, report or None). A change is seen from the files' paths, sizes and
    modification times (a few stat calls), and the re-sync is the incremental ingest: only
    edited sections are re-embedded.
    """
    chroma = chroma or client(settings)
    with ingest_lock(settings):
        pass  # an ingest running in another process finishes first: its half-written index cannot be read
    stamp = _stamp_file(settings)
    stale = not stamp.exists() or stamp.read_text(encoding="utf-8") != notes_stamp(settings)
    for model in settings.dense_models:
        try:
            if get_collection(chroma, settings, model, create=False).count() == 0:
                stale = True
        except Exception:
            stale = True
    report = ingest(settings, progress=progress, chroma=chroma) if stale else None
    if report is not None and report.errors and report.questions == 0:
        # Otherwise every question would be "not in the notes" with no hint why.
        raise IndexStoreError(f"nothing could be indexed from the configured notes: {report.errors[0]}")
    return chroma, report


def _sync(col, ef, chunks: list[Chunk], parsed, roots, settings: Settings, report: IngestReport, show: bool) -> None:
    existing = col.get(include=["metadatas"])
    by_question: dict[tuple[str, str], tuple[str, list[str]]] = {}
    files_seen: dict[str, str] = {}
    for cid, meta in zip(existing["ids"], existing["metadatas"]):
        key = (meta["file_key"], str(meta.get("uid", meta["question"])))
        tag, ids = by_question.get(key, (meta.get("qhash", ""), []))
        ids.append(cid)
        by_question[key] = (tag, ids)
        files_seen[meta["file_key"]] = meta["file"]
    tag_suffix = f"-{CHUNKER_VERSION}-{settings.chunk_chars}"
    wanted: dict[tuple[str, str], list[Chunk]] = {}
    for c in chunks:
        wanted.setdefault((c.question.file_key, c.question.uid), []).append(c)
    to_delete: list[str] = []
    to_add: list[Chunk] = []
    for key, cs in wanted.items():
        old = by_question.get(key)
        if old and old[0] == cs[0].question.content_hash + tag_suffix:
            report.unchanged += 1
            continue
        if old:
            to_delete.extend(old[1])
        to_add.extend(cs)
        report.added += 1
    parsed_keys = {qs[0].file_key for qs in parsed.values() if qs}
    for key, (_, ids) in by_question.items():
        if key in wanted:
            continue
        file_key, file_path = key[0], files_seen.get(key[0], "")
        # Sections removed from a re-ingested file, or files deleted from an ingested folder.
        if file_key in parsed_keys or (_under(file_path, roots) and not Path(file_path).exists()):
            to_delete.extend(ids)
            report.removed += 1
    if to_delete:
        col.delete(ids=to_delete)
    _add(col, ef, to_add, tag_suffix, show)
    report.chunks_embedded += len(to_add)


def _add(col, ef, chunks: list[Chunk], tag_suffix: str, show: bool) -> None:
    if not chunks:
        return
    with _progress(show, len(chunks)) as advance:
        for i in range(0, len(chunks), BATCH):
            batch = chunks[i : i + BATCH]
            metas = []
            for c in batch:
                meta = c.metadata()
                meta["qhash"] += tag_suffix
                metas.append(meta)
            vectors = ef([plain_text(c.text) for c in batch])
            col.add(ids=[c.id for c in batch], documents=[c.text for c in batch], metadatas=metas, embeddings=vectors)
            advance(len(batch))


def _stamp(col) -> None:
    digest = hashlib.sha1(",".join(sorted(col.get(include=[])["ids"])).encode()).hexdigest()[:12]
    import time

    col.modify(metadata={"fingerprint": f"{digest}-{time.time_ns()}"})


@contextmanager
def _progress(show: bool, total: int):
    if not show or not sys.stderr.isatty():
        yield lambda n: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("embedding"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True) as bar:
        task = bar.add_task("embed", total=total)
        yield lambda n: bar.advance(task, n)


def _under(path: str, roots) -> bool:
    try:
        p = Path(path).resolve()
    except OSError:
        return False
    return any(r.is_dir() and p.is_relative_to(r.resolve()) for r in roots)
