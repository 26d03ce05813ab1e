"""What an ingest did (`IngestReport`, counted from the per-collection plans) and what it may remove.

Kept apart from ingest.py, which writes the index: the report is what the CLI, the web upload and the benchmark read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant.config import Settings
from assistant.notes.corpus import Repeat
from assistant.notes.parse import Skipped
from assistant.retrieval.sync import Plan, Wanted


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
    repeats: list[Repeat] = field(default_factory=list)  # sections left out: the same as one already indexed
    skipped: list[Skipped] = field(default_factory=list)  # numbered headings not read as questions
    renumbered: list[str] = field(default_factory=list)  # "file: question 102 is numbered twice; …" (parse: 102~2)

    def absorb(self, other: "IngestReport") -> None:
        """Count another ingest's work into this report (`doctor --repair` runs one per set of notes)."""
        for name in ("files", "questions", "added", "unchanged", "removed", "chunks_embedded"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors += other.errors
        self.repeats += other.repeats
        self.skipped += other.skipped
        self.renumbered += other.renumbered

    def summary(self) -> str:
        """One line for the terminal."""
        repeats = f"; {len(self.repeats)} repeated section(s) indexed once" if self.repeats else ""
        skipped = f"; {len(self.skipped)} numbered heading(s) not read as questions" if self.skipped else ""
        return (
            f"{self.files} file(s), {self.questions} question(s): {self.added} new or changed, "
            f"{self.unchanged} unchanged, {self.removed} removed ({self.chunks_embedded} chunks embedded){repeats}{skipped}"
        )


def count(report: IngestReport, wanted: Wanted, plans: list[Plan]) -> None:
    """A section is unchanged only when no collection needs it; chunks count once however many embedders redo them."""
    redo = {i.key for p in plans for i in p.issues if i.state != "orphan"}
    report.added = len(redo)
    report.unchanged = len(wanted.sections) - len(redo)
    report.removed = len({i.key for p in plans for i in p.issues if i.state == "orphan"})
    report.chunks_embedded = len({c.id for p in plans for c in p.upsert})


def check_removable(settings: Settings, roots: list[Path]) -> None:
    """A path to remove must not be (or hold) the configured notes, which every run indexes again."""
    from assistant.errors import UserError

    if not roots:
        raise UserError("name the notes files or folders to remove")
    for root in roots:
        for configured in settings.corpus_paths:
            c, r = configured.resolve(), root.resolve()
            if c == r or c.is_relative_to(r) or r.is_relative_to(c):
                raise UserError(f"{root} is part of the configured notes ({configured}), which every run indexes again; "
                                "set ASSISTANT_CORPUS to leave them out")
