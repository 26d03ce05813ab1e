"""Chunking: a question section becomes title-prefixed pieces of about `chunk_chars`, the unit stored in Chroma.

Chunks follow the section's line structure (paragraphs, whole code fences, never across `### N.M`
subsections), so every body line lands in exactly one chunk (property-tested in tests/test_corpus.py) and a
quote can be checked verbatim against the chunk it cites. Parsing the notes into sections is parse.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.notes.parse import Question
from assistant.notes.text import SUBSECTION_RE, Fences


@dataclass(frozen=True)
class Chunk:
    """A title-prefixed piece of one question, the unit stored in Chroma."""

    id: str
    question: Question
    index: int
    start: int
    end: int
    subsection: str

    @property
    def body(self) -> str:
        """The verbatim body lines of this chunk."""
        return "\n".join(self.question.lines[self.start : self.end]).strip("\n")

    @property
    def text(self) -> str:
        """What is embedded and stored: the question label, the subsection, then the body."""
        head = self.question.label + (f"\n{self.subsection}" if self.subsection else "")
        return f"{head}\n{self.body}"

    def metadata(self) -> dict:
        """Chroma metadata (scalars only) used to collapse results back to questions."""
        q = self.question
        return {
            "file": q.file,
            "file_key": q.file_key,
            "question": q.number,
            "uid": q.uid,
            "title": q.title,
            "subsection": self.subsection,
            "chunk": self.index,
            "head": 2 if self.subsection else 1,
            "qhash": q.content_hash,
            "kind": q.kind,
            "source": q.sources[0].url if q.sources else "",
            "source_title": q.sources[0].title if q.sources else "",
        }


def chunk_question(q: Question, target_chars: int = 300) -> list[Chunk]:
    """Split a question into title-prefixed chunks of about `target_chars`, never across subsections."""
    groups: list[list[int]] = []  # line-index blocks (paragraphs, whole code fences)
    block: list[int] = []
    fences = Fences()
    for i, line in enumerate(q.lines):
        fences.step(line)
        in_fence = fences.inside
        starts_sub = bool(SUBSECTION_RE.match(line)) and not in_fence
        if starts_sub and block:
            groups.append(block)
            block = []
        block.append(i)
        if not line.strip() and not in_fence:
            groups.append(block)
            block = []
    if block:
        groups.append(block)
    chunks: list[Chunk] = []
    start = None
    size = 0
    for g in groups:
        g_chars = sum(len(q.lines[i]) for i in g)
        new_sub = SUBSECTION_RE.match(q.lines[g[0]]) is not None
        if start is not None and (size + g_chars > target_chars or new_sub) and size > 0:
            chunks.append(_make_chunk(q, len(chunks), start, g[0]))
            start, size = None, 0
        if start is None:
            start = g[0]
        size += g_chars
    if start is not None:
        chunks.append(_make_chunk(q, len(chunks), start, len(q.lines)))
    if not chunks:  # an empty section still gets one chunk so its title is searchable
        chunks.append(_make_chunk(q, 0, 0, len(q.lines)))
    return chunks


def _make_chunk(q: Question, index: int, start: int, end: int) -> Chunk:
    sub = q.subsection_at(start)
    label = f"{sub.number} {sub.title}".strip() if sub else ""
    return Chunk(f"{q.file_key}:{q.uid}:{index}", q, index, start, end, label)
