"""A set of notes files read as one corpus: parse errors per file, and sections repeated across files.

A user who copies the shipped notes into their own folder, or uploads a file that is already
indexed under another name, would otherwise get every section indexed twice. Two identical
hits then push a third section out of the top 3, and the coverage features (the dense
cosines of the best and runner-up sections) see one section as two. Measured with
`assistant eval --set retrieval` (tuning set eval/retrieval.jsonl: 97 in scope, 19 out of
scope) on the shipped notes plus a copy of them in a second folder: with both copies indexed,
hit@3 0.969, MRR 0.932, out-of-scope declined 0.947 (18/19); with each section indexed once,
0.990, 0.945 and 1.000, exactly the figures without the copy.

So a section is indexed once: a section whose number, title and body equal those of one
already kept (earlier in this corpus, files in sorted order, or stored in the index from a
file this ingest does not cover) is left out and reported. The copy that is kept is the
one a citation names. `ingest` and `doctor` both read the notes through here, so doctor
never reports a left-out repeat as missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.notes.chunks import Chunk, chunk_question
from assistant.notes.parse import (
    HASH_CHARS,
    CorpusError,
    Question,
    Skipped,
    file_key,
    find_notes,
    read_notes,
    section_key,
)


@dataclass(frozen=True)
class Repeat:
    """A section left out because the notes already have it word for word."""

    file: str
    label: str
    kept_file: str  # where the copy that is indexed lives (a file of this corpus, or one stored by an earlier ingest)
    kept_label: str
    kept_key: str  # that copy's section key (parse.section_key), e.g. to show it in the Notes tab

    def __str__(self) -> str:
        return f"{self.file} {self.label}: the same as {self.kept_file} {self.kept_label}; indexed once"


@dataclass
class Corpus:
    """Parsed notes files (path → sections, repeats left out), the files that failed, and the repeats."""

    parsed: dict[str, list[Question]] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, one-line message)
    repeats: list[Repeat] = field(default_factory=list)  # the sections left out
    file_keys: set[str] = field(default_factory=set)  # every parsed file, even one left empty by repeats
    skipped: list[Skipped] = field(default_factory=list)  # numbered headings not read as questions

    @classmethod
    def read(cls, roots) -> "Corpus":
        """Parse every notes file under `roots` (find_notes raises CorpusError for a missing path); a section
        repeated in a later file is left out."""
        corpus = cls()
        for f in find_notes(roots):
            try:
                corpus.parsed[str(f)] = read_notes(f, corpus.skipped)
            except CorpusError as exc:
                corpus.errors.append((str(f), str(exc)))
                continue
            corpus.file_keys.add(file_key(f))
        corpus.drop_repeats({})
        return corpus

    def drop_repeats(self, kept: dict[str, tuple[str, str, str]]) -> None:
        """Leave out every section whose content hash is in `kept` (hash → file, label and section key of the
        copy kept) or was seen earlier in this corpus."""
        seen = dict(kept)
        for path, questions in self.parsed.items():
            keep = []
            for q in questions:
                mine = (path, q.label, section_key(q.file_key, q.uid))
                where = seen.setdefault(q.content_hash, mine)
                if where == mine:
                    keep.append(q)
                else:
                    self.repeats.append(Repeat(path, q.label, *where))
            self.parsed[path] = keep

    @property
    def questions(self) -> int:
        """Sections kept."""
        return sum(len(qs) for qs in self.parsed.values())

    @property
    def renumbered(self) -> list[str]:
        """A line per section whose number its file already used: it is kept as N~2, N~3 … (parse.py), and said, or
        it could not be asked for by number."""
        return [f"{path}: question {q.number} is numbered more than once; this one ('{q.title[:40]}') is {q.uid} "
                f"(`assistant notes {q.uid}`)" for path, qs in self.parsed.items() for q in qs if "~" in q.uid]

    def chunks(self, chunk_chars: int) -> list[Chunk]:
        """Every kept section's chunks, in notes order, less any chunk that repeats an earlier one of its section word
        for word: identical vectors add nothing to a search, and thousands of them break the vector index's recall
        (blind QA: a section repeating one paragraph 2,728 times filled every search's pool with it, and covered
        questions were declined). The section keeps the paragraph once."""
        out: list[Chunk] = []
        for qs in self.parsed.values():
            for q in qs:
                seen: set[str] = set()
                for c in chunk_question(q, chunk_chars):
                    if c.text not in seen:
                        seen.add(c.text)
                        out.append(c)
        return out


def content_hash_of(stored_hash: str) -> str:
    """The section hash inside a stored chunk's `qhash` (ingest appends the chunker's version and size)."""
    return stored_hash[:HASH_CHARS]
