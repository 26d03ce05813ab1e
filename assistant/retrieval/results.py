"""What a search returns, shared by the CLI, the web app, the answer chain and the eval: the ranked question
sections (`Hit`, each with its matched chunks) and the coverage decision (`SearchResult`). Kept apart from the
retriever so that modules which only read results do not import the search machinery."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.retrieval.mentions import Mention


@dataclass
class ChunkHit:
    """One retrieved chunk with its fused score and the primary model's cosine."""

    id: str
    text: str
    body: str
    subsection: str
    fused: float
    cosine: float


@dataclass
class Hit:
    """One question section, with the chunks that matched it, best first."""

    file: str
    file_key: str
    uid: str
    question: int
    title: str
    source: str
    source_title: str
    kind: str
    score: float
    cosine: float
    chunks: list[ChunkHit] = field(default_factory=list)
    section: str = ""
    adjust: float = 0.0  # the ranking-only part of score (rare-term bonus, absent-name and no-text maluses), kept out of coverage

    @property
    def key(self) -> tuple[str, str]:
        """Which section this is (notes file, section uid): hits of two searches are compared by it."""
        return self.file_key, self.uid

    @property
    def label(self) -> str:
        """Citation label, e.g. '第28题 如何修复梯度爆炸问题？'."""
        from assistant.notes.parse import question_label

        return question_label(self.question, self.title)

    def subsection_of(self, text: str = "") -> str:
        """The `### N.M` subsection ("31.3 N VS 1") holding `text` (a quote of this section), else the one of the best
        matching chunk: an answer quoting 31.3 was labelled with the best chunk's 31.2 (blind CLI QA, 2026-12-06)."""
        from assistant.notes.text import SUBSECTION_RE

        at = self.section.find(text.strip()) if text.strip() else -1
        if at >= 0:
            heading = ""
            for line in self.section[: at + len(text.strip())].splitlines():
                if found := SUBSECTION_RE.match(line):
                    heading = f"{found.group(1)} {found.group(2)}".strip()
            return heading
        return self.chunks[0].subsection if self.chunks else ""

    def to_json(self) -> dict:
        """The search result shape shared by the CLI, the web API and the eval."""
        return {
            "question": self.question,
            "title": self.title,
            "score": round(self.score, 4),
            "cosine": round(self.cosine, 4),
            "section": self.subsection_of(),
            "file": self.file,
            "source": self.source,
            "excerpt": self.chunks[0].body if self.chunks else "",
        }


@dataclass
class Part:
    """One part of a multi-part question and the source that answers it (1-based, in `SearchResult.hits`); None: the
    notes do not (answering/parts.py)."""

    asked: str
    source: int | None


@dataclass
class SearchResult:
    """One search: the ranked sections, and whether (and how well) the notes cover the query."""

    query: str
    hits: list[Hit] = field(default_factory=list)
    coverage: float = float("-inf")  # the calibrated coverage score (a logit; see coverage.py)
    covered: bool = False
    near_misses: list[Hit] = field(default_factory=list)  # declined, but close: sections worth pointing to
    signals: dict[str, float | None] = field(default_factory=dict)  # the coverage model's features
    lacks: str = ""  # declined although on topic: what it asks for that the notes lack ("formula", "attribution", "twin", "name", "topic",
    # "number": a section number no notes file uses)
    unknown: list[str] = field(default_factory=list)  # the technical names it uses that the notes never do
    mentions: list[Mention] = field(default_factory=list)  # declined: sentences naming what it asks about
    weak: bool = False  # answered, but covered by less than `retrieval.weak_margin` over the threshold: maybe not answered
    parts: list[Part] = field(default_factory=list)  # a question whose parts go to different sections, or none

    def to_json(self) -> dict:
        """The `assistant search --json` shape."""
        return {"query": self.query, "covered": self.covered, "weak_match": self.weak, "results": [h.to_json() for h in self.hits]}
