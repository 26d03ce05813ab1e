"""What one collection lacks or has too much of, compared with the notes: the plan shared by ingest and doctor.

A section counts as ingested in a collection only when that collection holds exactly the
section's chunk ids (`file_key:uid:index`, fixed by the section's content) and every one
of them carries the section's current hash. Nothing else is trusted: no marker that
could be written before the chunks, no count copied from another collection. So an
ingest killed at any moment (mid-batch, between collections, mid-delete) leaves
sections that the next ingest sees as incomplete and writes again, and `assistant doctor`
reports them from this same plan. Every collection is checked on its own, so a section is
skipped only when every embedder's collection holds all of it.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from assistant.notes.chunks import Chunk
from assistant.notes.corpus import Corpus, content_hash_of
from assistant.notes.parse import question_label, section_key
from assistant.retrieval.catalogue import section_uid

CHUNKER_VERSION = "1"
Key = tuple[str, str]  # (file_key, section uid)


@dataclass
class Wanted:
    """The chunks the notes call for, by section, and what lets a sync remove a stored section."""

    sections: dict[Key, list[Chunk]]
    parsed_files: set[str]  # file keys of the files parsed now: their other stored sections were removed
    roots: list[Path]  # stored files under these folders that no longer exist were deleted
    tag_suffix: str  # chunker version and size, appended to each stored section hash
    removing: list[Path] = field(default_factory=list)  # `ingest --remove`: stored files at or under these go

    @classmethod
    def of(cls, corpus: Corpus, existing: dict, roots: list[Path], chunk_chars: int,
           removing: list[Path] | None = None) -> "Wanted":
        """The corpus's chunks by section, once a section already stored from a file this sync leaves alone
        is left out of the corpus too (corpus.py: each section indexed once). `existing` is a collection's rows."""
        wanted = cls({}, set(corpus.file_keys), roots, f"-{CHUNKER_VERSION}-{chunk_chars}", list(removing or []))
        kept: dict[str, tuple[str, str, str]] = {}
        removed: dict[str, bool] = {}  # per file, not per chunk row: `removes` resolves paths
        for meta in existing["metadatas"]:
            key = meta["file_key"]
            if key not in removed:
                removed[key] = wanted.removes(key, meta["file"])
            if not removed[key]:
                kept.setdefault(content_hash_of(str(meta.get("qhash", ""))),
                                (meta["file"], question_label(meta["question"], meta["title"]),
                                 section_key(key, section_uid(meta))))
        corpus.drop_repeats(kept)
        for c in corpus.chunks(chunk_chars):
            wanted.sections.setdefault((c.question.file_key, c.question.uid), []).append(c)
        return wanted

    def removes(self, key: str, file: str) -> bool:
        """Does a sync delete a stored section of this file that the notes no longer have? Yes for a file parsed
        now and for a file deleted from an ingested folder; a section of any other file is left alone."""
        folders = [r for r in self.roots if r.is_dir()]
        return key in self.parsed_files or (at_or_under(file, folders) and not Path(file).exists()) \
            or at_or_under(file, self.removing)

    def tag(self, key: Key) -> str:
        """The hash every stored chunk of this section must carry."""
        return self.sections[key][0].question.content_hash + self.tag_suffix


@dataclass(frozen=True)
class Issue:
    """One section that a collection does not hold as the notes say: missing, outdated, half-written, removed."""

    key: Key
    state: str
    detail: str
    label: str
    file: str

    def line(self, collection: str) -> str:
        """One line for the terminal."""
        return f"{collection}: {self.state} section {self.file} {self.label}: {self.detail}"


@dataclass
class Plan:
    """What a sync writes to one collection: ids to delete first, then chunks to (re)write."""

    delete: list[str] = field(default_factory=list)
    upsert: list[Chunk] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # ids stored more than once
    unchanged: set[Key] = field(default_factory=set)

    @property
    def empty(self) -> bool:
        """True when the collection already holds exactly the notes' chunks."""
        return not (self.delete or self.upsert)


def plan(existing: dict, wanted: Wanted) -> Plan:
    """Compare a collection's rows (`col.get(include=["metadatas"])`) with the notes' chunks."""
    ids, metas = existing["ids"], existing["metadatas"]
    copies = Counter(ids)
    stored: dict[Key, list[tuple[str, str]]] = {}
    shown: dict[Key, tuple[str, str]] = {}
    for cid, meta in zip(ids, metas):
        key = (meta["file_key"], section_uid(meta))
        stored.setdefault(key, []).append((cid, str(meta.get("qhash", ""))))
        shown.setdefault(key, (meta["file"], question_label(meta["question"], meta["title"])))
    result = Plan(duplicates=sorted(cid for cid, n in copies.items() if n > 1))
    duplicated = set(result.duplicates)
    for key, chunks in wanted.sections.items():
        expect, tag = {c.id for c in chunks}, wanted.tag(key)
        have = stored.get(key, [])
        have_ids = {cid for cid, _ in have}
        dups = have_ids & duplicated
        q = chunks[0].question
        moved = bool(have) and shown[key][0] != q.file  # stored under another path (a relative one, before absolute())
        if have_ids == expect and not dups and all(h == tag for _, h in have) and not moved:
            result.unchanged.add(key)
            continue
        current = {cid for cid, h in have if h == tag and cid in expect}
        if not have:
            state, detail = "missing", f"none of its {len(expect)} chunk(s) stored"
        elif moved and not dups and current == have_ids == expect:
            state, detail = "outdated", f"stored under another path ({shown[key][0]})"
        elif dups:
            state, detail = "duplicated", f"chunk id(s) stored twice: {', '.join(sorted(dups))}"
        elif not current:
            state, detail = "outdated", "stored from an older version of the section"
        else:
            state, detail = "half-written", f"{len(current)} of {len(expect)} chunk(s) stored at its current hash"
            if have_ids - expect:
                detail += f", {len(have_ids - expect)} stale chunk(s)"
        result.issues.append(Issue(key, state, detail, q.label, q.file))
        result.delete.extend(sorted((have_ids - expect) | dups))
        result.upsert.extend(chunks)
    for key, rows in stored.items():
        if key in wanted.sections:
            continue
        file = shown[key][0]
        if wanted.removes(key[0], file):  # removed from a re-ingested file, or its file deleted from a folder
            result.issues.append(Issue(key, "orphan", f"{len(rows)} chunk(s) of a section no longer in the notes",
                                       shown[key][1], file))
            result.delete.extend(sorted({cid for cid, _ in rows}))
    return result


def absolute(paths) -> list[Path]:
    """Notes paths as given, made absolute (symlinks kept, ~ expanded): a section stores its file's path, and a relative
    one ("mynotes/a.md") read from another directory made `doctor` report the file deleted (blind QA)."""
    return [Path(os.path.abspath(Path(p).expanduser())) for p in paths]


def at_or_under(path: str, roots) -> bool:
    """Is a stored file one of `roots` or inside one (whether or not it still exists)?"""
    if not roots:
        return False
    try:
        p = Path(path).resolve()
    except OSError:
        return False
    return any(p.is_relative_to(r.resolve()) for r in roots)  # a path is relative to itself
