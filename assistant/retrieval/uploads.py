"""Notes added from the browser: check an uploaded file, keep it in the data directory, ingest it.

An upload is checked before anything is written: a Markdown name (.md / .markdown), at most
MAX_BYTES, UTF-8, at least one `## N. question` section; the messages for the last two are
the ones `assistant ingest` prints (notes/parse.py), naming the file as uploaded. A good file
is saved under `Settings.notes_dir` (`<home>/notes/<name>`; the same name again replaces it)
and indexed by the same incremental ingest as `assistant ingest <file>`, so only new or changed
sections are embedded. If the ingest fails, the folder is put back as it was (a new file
removed, a replaced one restored), so the notes folder never holds a file the index lacks.
A restart keeps the notes: the index is persistent, and the start-up sync only touches the
configured corpus.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable

from assistant.config import Settings
from assistant.notes.parse import CorpusError, Question, parse_notes_bytes
from assistant.retrieval.ingest import IngestReport
from assistant.retrieval.ingest_progress import MAX_BYTES, size_of

__all__ = ["MAX_BYTES", "add", "check", "check_file", "safe_name", "shown_name"]  # MAX_BYTES: the limit the web names
SUFFIXES = (".md", ".markdown")
_UNSAFE = re.compile(r"[^\w.\-]+")


def safe_name(name: str) -> str:
    """The file name to store an upload under: its base name, letters (any script), digits, '-', '_' and '.'."""
    base = Path(str(name).replace("\\", "/")).name
    stem, suffix = os.path.splitext(base)
    stem = _UNSAFE.sub("-", stem).strip("-.") or "notes"
    return f"{stem[:80]}{suffix.lower() if suffix.lower() in SUFFIXES else '.md'}"


def shown_name(name: str) -> str:
    """How an upload is named in messages: its base name as the user chose it."""
    return Path(str(name).replace("\\", "/")).name or "the file"


def check_file(name: str, size: int) -> None:
    """The checks that need no content (name, size), before a large upload is read."""
    shown = shown_name(name)
    if Path(shown).suffix.lower() not in SUFFIXES:
        raise CorpusError(f"{shown}: not a Markdown file; notes are .md files with one '## N. question' section each")
    if size > MAX_BYTES:
        raise CorpusError(f"{shown}: too big ({size_of(size)}; the limit is {size_of(MAX_BYTES)}); "
                          "split it into smaller notes files")


def check(name: str, data: bytes, path: Path | None = None) -> list[Question]:
    """The questions of an upload, or CorpusError with one line naming the file (as the CLI words it)."""
    check_file(name, len(data))
    shown = shown_name(name)
    return parse_notes_bytes(data, path or Path(safe_name(shown)), shown)


def add(settings: Settings, name: str, data: bytes, chroma=None,
        on_progress: Callable[[int, int], None] | None = None) -> tuple[Path, IngestReport, list[Question]]:
    """Check, save into the notes folder and ingest one uploaded notes file; returns (path, report, questions)."""
    from assistant.retrieval.ingest import ingest

    folder = settings.notes_dir
    path = folder / safe_name(name)
    questions = check(name, data, path)
    folder.mkdir(parents=True, exist_ok=True)
    previous = path.read_bytes() if path.is_file() else None
    tmp = path.with_name(f".{path.name}.upload-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    try:
        report = ingest(settings, [path], progress=False, chroma=chroma, on_progress=on_progress)
        if report.errors:
            raise CorpusError(report.errors[0])
    except BaseException:
        if previous is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(previous)
        raise
    return path, report, questions
