"""The questions an interview can ask: indexed notes with their topic and a way to fetch the body.

In the app the notes come from `Assistant.notes()` / `Assistant.section()` (so a Chroma
server works too); the grading eval and unit tests parse the Markdown files directly,
which needs no index. Link-only and image-only sections have no reference answer and are
never asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from assistant.interview.topics import Topic, classify, load_topics
from assistant.notes.parse import question_label

if TYPE_CHECKING:
    from assistant.interview.grades import Reference


@dataclass(frozen=True)
class Note:
    """One interview question: where it is, its heading, kind and topic."""

    file_key: str
    uid: str
    number: int
    title: str
    kind: str
    topic: str
    file: str = ""  # the notes file's path, as the index stores it: `--file NAME` picks a file by it

    @property
    def key(self) -> str:
        """Stable id across sessions: 'file_key:uid'."""
        return f"{self.file_key}:{self.uid}"

    @property
    def label(self) -> str:
        """Citation label, e.g. '第28题 如何修复梯度爆炸问题？'."""
        return question_label(self.number, self.title)


class Notebook:
    """The notes as interview material: listing, lookup by key or number, and section bodies."""

    def __init__(self, rows: list[dict], body: Callable[[str, str], str], topics: tuple[Topic, ...] | None = None,
                 complete: bool = False) -> None:
        self.topics = topics or load_topics()
        # True when the rows are every indexed note (the Assistant's list), not only some files: then a question not
        # here is not in the notes at all (its section or file was removed) rather than in a file not read.
        self.complete = complete
        self._body = body
        self._bodies: dict[str, str] = {}
        self.notes: list[Note] = []
        for r in rows:
            uid = str(r["uid"])
            text = self.body_of(r["file_key"], uid) if r["kind"] == "text" else ""
            topic = classify(r["title"], text, self.topics)
            self.notes.append(Note(r["file_key"], uid, int(r["question"]), r["title"], r["kind"], topic.id, r.get("file", "")))

    @classmethod
    def from_assistant(cls, assistant, topics: tuple[Topic, ...] | None = None) -> "Notebook":
        """The indexed notes of an Assistant."""
        return cls(assistant.notes(), assistant.section, topics, complete=True)

    @classmethod
    def from_files(cls, paths, topics: tuple[Topic, ...] | None = None) -> "Notebook":
        """Notes parsed straight from Markdown files or folders (no index needed), each repeated section once
        as the index has it; raises CorpusError for the first file that cannot be read."""
        from assistant.notes.corpus import Corpus
        from assistant.notes.parse import CorpusError

        corpus = Corpus.read(paths)
        if corpus.errors:
            raise CorpusError(corpus.errors[0][1])
        questions = [q for qs in corpus.parsed.values() for q in qs]
        bodies = {(q.file_key, q.uid): q.body for q in questions}
        rows = [{"file": q.file, "file_key": q.file_key, "uid": q.uid, "question": q.number, "title": q.title,
                 "kind": q.kind} for q in questions]
        return cls(rows, lambda key, uid: bodies[(key, uid)], topics)

    def body_of(self, file_key: str, uid: str) -> str:
        """The Markdown body of a section (cached)."""
        key = f"{file_key}:{uid}"
        if key not in self._bodies:
            self._bodies[key] = self._body(file_key, uid)
        return self._bodies[key]

    def reference(self, note: Note) -> Reference:
        """What an answer to this note is graded against."""
        from assistant.interview.grades import Reference

        return Reference(note.number, note.title, self.body_of(note.file_key, note.uid))

    def references(self) -> list[Reference]:
        """Every askable section as a grading reference: what an off-topic answer may be about instead."""
        return [self.reference(n) for n in self.askable()]

    def askable(self, topic: str | None = None, file: str | None = None) -> list[Note]:
        """Text sections (never link- or image-only), optionally of one topic and of one notes file (its name, stem or
        path, as `--file NAME` takes it: parse.same_file), in notes order."""
        from assistant.notes.parse import same_file

        return [n for n in self.notes if n.kind == "text" and (topic is None or n.topic == topic)
                and (file is None or same_file(n.file, file))]

    def files(self) -> list[str]:
        """The names of the notes files with askable sections, sorted: what `interview --file` may name."""
        from pathlib import Path

        return sorted({Path(n.file).name for n in self.askable() if n.file})

    def point_ids(self, note: Note) -> list[str]:
        """The ids of a question's key points in today's outline (srs.point_id of each lead)."""
        from assistant.interview.grades import points_of
        from assistant.interview.srs import point_id

        return [point_id(p.lead) for p in points_of(self.reference(note))]

    def live_cards(self, cards: dict[str, dict]) -> dict[str, dict]:
        """The cards that still describe the notes: a point card whose point is no longer in its question's outline
        (the note was edited, or the outline is read differently) is left out, so mastery ("3/5 key points known"),
        the schedule and the weakest point count only points the cards and the grader show. In a `complete` notebook
        the cards of a question no longer in the notes (`removed`) are left out too, as an interview, which plans from
        the notebook's questions only, never asks them (`interview --weak` skipped them while `history` listed them as
        due now: blind QA). The cards stay stored: an edit undone, or the file ingested again, brings them back. Read
        from some files only, the notebook cannot tell a removed question from one in another file: it keeps them."""
        current: dict[str, set[str]] = {}
        for note in self.askable():
            current[note.key] = set(self.point_ids(note))
        return {key: card for key, card in cards.items()
                if (card["note_key"] not in current and not self.complete)
                or (card["note_key"] in current and (not card.get("point") or card["point"] in current[card["note_key"]]))}

    def removed(self, cards: dict[str, dict]) -> list[dict]:
        """The question cards of questions a `complete` notebook no longer asks (their section or notes file was
        removed), for a line saying their reviews are kept but not scheduled; [] for a notebook of some files."""
        if not self.complete:
            return []
        asked = {note.key for note in self.askable()}
        return [card for key, card in cards.items() if key.startswith("q:") and card["note_key"] not in asked]

    def get(self, key: str) -> Note | None:
        """A note by its 'file_key:uid' key."""
        return next((n for n in self.notes if n.key == key), None)

    def by_number(self, number: int) -> Note | None:
        """The first note numbered `number` (any kind), or None."""
        return next((n for n in self.notes if n.number == number), None)

    def topic(self, topic_id: str) -> Topic:
        """The Topic with this id (unknown ids, e.g. from an old database, count as 'other')."""
        return next((t for t in self.topics if t.id == topic_id), self.topics[-1])
