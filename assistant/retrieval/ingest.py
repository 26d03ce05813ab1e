"""Incremental, idempotent ingest of notes into the Chroma index, and building it on first use.

One collection per dense embedder of the recipe (`notes-e5`, `notes-use`, ...), each
holding the same chunks. Every chunk carries the content hash of its question, so a
re-ingest skips unchanged questions, re-embeds changed ones and deletes removed ones.
What counts as "unchanged" is decided per collection from the stored chunks themselves
(sync.py), so an ingest killed at any moment is finished by the next one. Files that fail
to parse are reported and left as they were in the index: nothing already indexed is
lost. Opening Chroma and translating its errors is store.py; the batches are embedded on every
core ahead of the writes by pipeline.py.
"""

from __future__ import annotations

import hashlib
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from assistant.config import Settings
from assistant.notes.chunks import Chunk
from assistant.notes.corpus import Corpus
from assistant.notes.parse import CorpusError, find_notes
from assistant.notes.text import plain_text
from assistant.retrieval.ingest_lock import ingest_lock
from assistant.retrieval.ingest_progress import large_file_warnings, line_progress
from assistant.retrieval.ingest_report import IngestReport, check_removable, count
from assistant.retrieval.pipeline import EmbeddingPool
from assistant.retrieval.store import (
    IndexStoreError,
    client,
    get_collection,
    index_error,
    keep_synced,
    save_vectors,
    while_locked,
)
from assistant.retrieval.sync import CHUNKER_VERSION, Plan, Wanted, absolute, plan
from assistant.testhooks import pause_point

__all__ = ["CHUNKER_VERSION", "IngestReport", "ensure_index", "ingest", "ingest_lock", "notes_stamp"]
BATCH = 16


def ingest(settings: Settings, paths=None, progress: bool = True, chroma=None,
           on_progress: Callable[[int, int], None] | None = None, remove: bool = False) -> IngestReport:
    """Sync the given notes files/folders (default: the configured corpus) into every collection of the recipe.
    `on_progress(done, total)` is called as chunks are embedded and written (all collections counted; the web app's bar).

    Crash-consistent: each collection is compared with the notes on its own (sync.py), so a
    section interrupted anywhere (mid-batch, between collections, mid-delete) is written
    again by the next ingest, and the notes stamp that lets `ensure_index` skip the sync
    is removed before the first write and written last.

    `remove=True` (`assistant ingest --remove`): the sections of the given files, or of the files under the given
    folders, are deleted from the index, whether or not those files still exist (a single file ingested and then
    deleted could not be taken out). The configured notes cannot be removed: the next run would index them again.
    """
    roots = absolute(paths or settings.corpus_paths)
    if remove:
        check_removable(settings, roots)
    corpus = Corpus() if remove else Corpus.read(roots)
    report = IngestReport(files=len(corpus.parsed), errors=[message for _, message in corpus.errors])
    chroma = chroma or client(settings)
    with ingest_lock(settings):
        pause_point("locked")
        try:
            rows = while_locked(lambda: {m: _rows(settings, get_collection(chroma, settings, m), m)
                                         for m in settings.dense_models})
        except Exception as exc:
            raise index_error(settings, exc) from None
        wanted = Wanted.of(corpus, rows[settings.dense_models[0]], roots, settings.chunk_chars, roots if remove else None)
        plans = {m: plan(rows[m], wanted) for m in settings.dense_models}
        report.questions, report.repeats, report.skipped = corpus.questions, corpus.repeats, corpus.skipped
        report.renumbered = corpus.renumbered
        count(report, wanted, list(plans.values()))
        stamp = _stamp_file(settings)
        if any(not p.empty for p in plans.values()):
            stamp.unlink(missing_ok=True)  # a kill from here on must leave the index marked as not in sync
        total, done = sum(len(p.upsert) for p in plans.values()), 0
        if progress:
            for line in large_file_warnings(corpus, plans[settings.dense_models[0]]):
                print(f"warning: {line}", file=sys.stderr, flush=True)
        lines = line_progress(progress, total)  # off a terminal, where no bar is drawn

        def step(n: int) -> None:
            nonlocal done
            done = min(total, done + n)  # a retried collection writes its batches again
            if on_progress is not None:
                on_progress(done, total)
            if lines is not None:
                lines.update(done)

        with EmbeddingPool(_threads_for(settings)) as pool:
            _sync(settings, chroma, wanted, plans, pool, progress, step)
        if lines is not None:
            lines.finish()
        _embed_titles(settings, corpus, progress)
        if paths is None:  # the configured notes are now indexed as they are on disk
            stamp.write_text(notes_stamp(settings), encoding="utf-8")
        _save_catalogue(settings, chroma)
    return report


def _sync(settings: Settings, chroma, wanted: Wanted, plans: dict[str, Plan], pool: EmbeddingPool, progress: bool,
          step: Callable[[int], None]) -> None:
    """Write each collection's plan: deletes, then the chunks embedded by the pool, then the new fingerprint."""
    from assistant.retrieval.embeddings import OFFLINE, embedder

    # A collection with nothing to write is left alone: no second read, and its fingerprint (the caches' key) stays.
    todo_models = [m for m in settings.dense_models if not plans[m].empty]
    for model in todo_models[1:]:
        if model in OFFLINE:  # a remote endpoint would be sent (and bill) a request for nothing
            pool.warm(embedder(model, settings))  # loads (USE: ≈ 1 s) while the first model's batches run
    for model in todo_models:
        show = progress and model == settings.dense_models[0]

        # Bind this iteration's model: the closure is retried later, after the loop variable moved on.
        def sync_one(model: str = model, show: bool = show) -> None:
            col = get_collection(chroma, settings, model)
            todo = plan(col.get(include=["metadatas"]), wanted)  # again: a retry sees what the failed attempt wrote
            if todo.empty:
                return
            keep_synced(col)
            # Before the first write: no snapshot (keyed on the old fingerprint) may vouch for what follows.
            col.modify(metadata={"fingerprint": f"dirty-{time.time_ns()}"})
            if todo.delete:
                col.delete(ids=todo.delete)
                pause_point("deleted")
            _add(col, pool, embedder(model, settings), todo.upsert, wanted.tag_suffix, show, step)
            if not settings.chroma_host:  # a server keeps its indexes in memory and saves them itself
                save_vectors(col)  # else each cold start re-inserts the last writes (store.save_vectors)
            _stamp(settings, col, model)

        try:
            # A retry starts after the failed attempt's running batches finish on the shared pool (bounded look-ahead).
            while_locked(sync_one)
        except Exception as exc:
            raise index_error(settings, exc) from None
        pause_point("collection")


def _embed_titles(settings: Settings, corpus: Corpus, progress: bool = False) -> None:
    """Keep the e5 vector of every askable section's title in the data directory (HOME/cache/titles.sqlite).

    The interview grader compares an answer with the sections whose questions are nearest to it
    (interview/topicality.py); embedding every title there would hold up a grade (e5: about 74 titles a
    second here, 2 minutes for 10,000), so they are embedded here, once: a title already kept is read,
    not embedded (an unchanged re-ingest loads no model). Offline vectors, whatever the recipe: the
    grader is e5's. Running on every ingest also fills the cache for notes indexed before it existed."""
    from assistant.retrieval.vector_cache import note_vectors
    from assistant.runtime import e5_passages

    titles = list(dict.fromkeys(q.title for qs in corpus.parsed.values() for q in qs if q.kind == "text"))
    cache = note_vectors(settings.home, "titles")
    kept = cache.get(titles)
    missing = [t for t in titles if t not in kept]
    if missing:  # a bar of its own: 10,000 new titles take minutes after the chunks' bar has finished
        with _progress(progress, len(missing), lines="titles") as advance:
            cache.fill(missing, e5_passages, on_batch=advance)


def _rows(settings: Settings, col, model: str) -> dict:
    """The collection's ids and metadatas: from the rows snapshot when it matches the fingerprint, else from Chroma."""
    from assistant.retrieval import snapshot
    from assistant.retrieval.store import collection_name, fingerprint

    key = fingerprint(col)
    file = snapshot.path(settings.home, collection_name(settings, model), "rows")
    rows = snapshot.load(file, key)
    if rows is None:
        got = col.get(include=["metadatas"])
        rows = {"ids": got["ids"], "metadatas": got["metadatas"]}
        snapshot.save(file, key, rows)  # under the ingest lock: no writer can have moved on since `key`
    return rows


def _save_catalogue(settings: Settings, chroma) -> None:
    """Build (or find current) the lexical snapshot, so the next process start reads nothing but it."""
    from assistant.retrieval import snapshot
    from assistant.retrieval.catalogue import Catalogue
    from assistant.retrieval.store import collection_name

    model = settings.dense_models[0]
    col = get_collection(chroma, settings, model)
    Catalogue(lambda: col, bm25="bm25" in settings.recipe_parts,
              snapshot=snapshot.path(settings.home, collection_name(settings, model), "lexical")).refresh()


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
    empty = False
    for model in settings.dense_models:
        try:
            empty = empty or get_collection(chroma, settings, model, create=False).count() == 0
        except Exception:
            empty = True
    if (stale or empty) and progress:  # the first run embeds every section (about 10 s for the shipped notes)
        doing = "building the index of the notes" if empty else "checking the index against the notes"
        print(f"{doing} in {settings.home} …", file=sys.stderr, flush=True)
    stale = stale or empty
    report = ingest(settings, progress=progress, chroma=chroma) if stale else None
    if report is not None and report.errors and report.questions == 0:
        # Otherwise every question would be "not in the notes" with no hint why.
        raise IndexStoreError(f"nothing could be indexed from the configured notes: {report.errors[0]}")
    return chroma, report


def _add(col, pool: EmbeddingPool, ef, chunks: list[Chunk], tag_suffix: str, show: bool,
         step: Callable[[int], None]) -> None:
    if not chunks:
        return
    texts = [plain_text(c.text) for c in chunks]
    with _progress(show, len(chunks)) as advance:
        for n, vectors in enumerate(pool.batches(ef, texts, BATCH)):
            batch = chunks[n * BATCH : (n + 1) * BATCH]
            metas = []
            for c in batch:
                meta = c.metadata()
                meta["qhash"] += tag_suffix
                metas.append(meta)
            pause_point("embedded")
            # upsert: a chunk left by an interrupted ingest is overwritten, not a duplicate-id error
            col.upsert(ids=[c.id for c in batch], documents=[c.text for c in batch], metadatas=metas, embeddings=vectors)
            pause_point("written")
            advance(len(batch))
            step(len(batch))


def _threads_for(settings: Settings) -> int | None:
    """Embedding threads: one per core for the offline models; one for a recipe with a remote endpoint,
    whose batches would otherwise go out as parallel requests (rate limits, and no CPU to save)."""
    from assistant.retrieval.embeddings import OFFLINE

    return None if all(m in OFFLINE for m in settings.dense_models) else 1


def _stamp(settings: Settings, col, model: str) -> None:
    """A new fingerprint after the last write, and the rows snapshot taken at it."""
    from assistant.retrieval import snapshot
    from assistant.retrieval.store import collection_name, fingerprint

    got = col.get(include=["metadatas"])
    digest = hashlib.sha1(",".join(sorted(got["ids"])).encode()).hexdigest()[:12]
    col.modify(metadata={"fingerprint": f"{digest}-{time.time_ns()}"})
    snapshot.save(snapshot.path(settings.home, collection_name(settings, model), "rows"), fingerprint(col),
                  {"ids": got["ids"], "metadatas": got["metadatas"]})


@contextmanager
def _progress(show: bool, total: int, lines: str = ""):
    """A bar on a terminal; off one, with `lines` (what is counted), a progress line now and then (ingest_progress.py).
    The chunks' lines are the ingest's own (every collection counted), so their per-collection bars pass none."""
    if not show or not sys.stderr.isatty():
        counter = line_progress(show and bool(lines), total, lines)
        if counter is None:
            yield lambda n: None
            return
        yield lambda n: counter.update(counter.done + n)
        counter.finish()
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("embedding"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True) as bar:
        task = bar.add_task("embed", total=total)
        yield lambda n: bar.advance(task, n)
