"""The streamed answer as one object, in the spirit of simonw/llm's `Response`.

The chain streams dict chunks (retrieval first, then text pieces, then the citation report).
Every front end used to add those up by hand; `AnswerStream` does it once: iterate it for
the text deltas, read `.search` / `.snapshot()` as soon as retrieval is done, and call
`.result()` for the finished `AnswerResult` (it drains whatever is left).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from assistant.retrieval.results import Hit

# An answer line that cites one source at its end ("- N VS 1 [1]", "  - 实际上，我们只在最后一个 h 上… [1]").
_CITED_LINE = re.compile(r"^\s*(?:[-*+]\s+)?(?P<text>.+?)\s*\[(?P<n>\d+)\]\s*$")


def rewritten(question: str, standalone: str) -> str:
    """The question as the search read it when that differs from the typed one (a follow-up given its topic, a
    typing slip corrected, Traditional characters folded), else '': the "interpreted as" line of every front end."""
    typed, read = " ".join((question or "").split()), " ".join((standalone or "").split())
    return read if read and read != typed else ""


@dataclass
class AnswerResult:
    """A finished (or, from `snapshot()`, partial) answer with its sources, as every front end shows it."""

    question: str
    answer: str = ""
    mode: str = "extractive"
    covered: bool = False
    standalone: str = ""
    hits: list[Hit] = field(default_factory=list)
    citations: list[int] = field(default_factory=list)
    invalid_citations: list[int] = field(default_factory=list)
    notice: str = ""
    weak: str = ""  # the weak-match line when the notes may not answer it exactly (retriever.weak_margin), else ''
    # A declined question's pointers: the sections that name what it asks about (with the sentence) and the nearest
    # ones, as {"label", "note" (section key), "sentence"}. Not sources: nothing is cited from them.
    pointers: list[dict] = field(default_factory=list)

    @property
    def uncited(self) -> bool:
        """A generated answer that cites none of the sections it was given: its notice says it was not checked against
        them, and the CLI and the web list those sections to check it against."""
        return self.covered and bool(self.hits) and not self.citations and not (self.mode or "extractive").startswith("extractive")

    def cited_hits(self) -> list[tuple[int, Hit]]:
        """(n, hit) for every source the answer cites, in citation order."""
        return [(n, self.hits[n - 1]) for n in self.citations if 0 < n <= len(self.hits)]

    def subsections(self) -> dict[int, str]:
        """Per cited source, the subsection the answer drew on: the one holding the first line that cites it (a quote,
        in extractive mode), else its best chunk's. The CLI, the web sources panel and `--json` all show this one."""
        first: dict[int, str] = {}
        for line in self.answer.splitlines():
            if cited := _CITED_LINE.match(line):
                first.setdefault(int(cited["n"]), cited["text"])
        return {n: hit.subsection_of(first.get(n, "")) for n, hit in self.cited_hits()}

    def to_json(self) -> dict:
        """The `assistant ask --json` shape."""
        subsections = self.subsections()
        return {
            "question": self.question,
            "answer": self.answer,
            "mode": self.mode,
            "covered": self.covered,
            "standalone_question": self.standalone,
            "citations": [
                {
                    "n": n, "question": h.question, "section": subsections.get(n, ""),
                    "title": h.title, "label": h.label, "source": h.source, "file": h.file, "score": round(h.score, 4),
                }
                for n, h in self.cited_hits()
            ],
            "invalid_citations": self.invalid_citations,
            "notice": self.notice,
            "weak_match": bool(self.weak),
            "weak_match_note": self.weak,
            "pointers": self.pointers,
            "contexts": [h.section for h in self.hits],
        }


class AnswerStream:
    """One answer being streamed: iterate for text deltas; `result()` for the whole answer."""

    def __init__(self, chunks: Iterable[dict[str, Any]]) -> None:
        self._chunks = iter(chunks)
        self._fields: dict[str, Any] = {}
        self._text: list[str] = []
        self._done = False
        self.restarts = 0  # times the text so far was withdrawn (a model failing mid-answer: chain.py's `discard`)

    def __iter__(self) -> Iterator[str]:
        for chunk in self._chunks:
            self._fields.update((k, v) for k, v in chunk.items() if k not in ("answer", "discard"))
            if chunk.get("discard") and self._text:
                self._text = []  # `text` and `result()` hold only what replaces it; a terminal says it was withdrawn
                self.restarts += 1
            if chunk.get("answer"):
                self._text.append(chunk["answer"])
                yield chunk["answer"]
        self._done = True

    def close(self) -> None:
        """Stop reading: the chain's stream is closed, and with it the model's connection (the web chat's Stop)."""
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()
        self._done = True

    @property
    def retrieved(self) -> bool:
        """True once the sources are known (the chain's first chunk)."""
        return "hits" in self._fields

    @property
    def text(self) -> str:
        """The answer text streamed so far."""
        return "".join(self._text)

    def snapshot(self) -> AnswerResult:
        """What is known so far, as a (possibly partial) result."""
        f = self._fields
        mode = f.get("mode", "extractive")
        if f.get("fallback"):
            mode = f"extractive (fallback from {mode})"
        return AnswerResult(
            question=f.get("question", ""), answer=self.text.strip(), mode=mode, covered=bool(f.get("covered")),
            standalone=f.get("standalone", ""), hits=list(f.get("hits", [])), citations=list(f.get("citations", [])),
            invalid_citations=list(f.get("invalid_citations", [])), notice=f.get("notice", ""), weak=f.get("weak", ""),
            pointers=list(f.get("pointers", [])),
        )

    def result(self) -> AnswerResult:
        """The finished answer; drains the rest of the stream first."""
        if not self._done:
            for _ in self:
                pass
        return self.snapshot()
