"""The assistant as one object: settings in, streamed cited answers and search results out.

CLI and web both call `Assistant.stream()` / `ask()` / `search()`; this is where the index
is opened (and built on first use), the retriever, prompts and chat model are created once,
and the chain's output chunks are turned into an `AnswerResult`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterator

from assistant.answering.prompts import Prompts
from assistant.config import Settings
from assistant.errors import UserError

MAX_QUESTION_CHARS = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


class QuestionError(UserError, ValueError):
    """The question cannot be asked as given (empty, too long); shown as a usage error."""


def clean_question(text: str, max_chars: int = MAX_QUESTION_CHARS) -> str:
    """Normalise a user question: NFC, control and bidi characters removed, whitespace folded.

    Rejects empty questions and questions longer than `max_chars` (a 200,000-character paste
    would take minutes to embed and is never a real interview question).
    """
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", text or ""))  # NFC: NFKC would rewrite ？ to ?
    text = re.sub(r"[ \t]+", " ", text).strip()
    if not text:
        raise QuestionError("the question is empty")
    if len(text) > max_chars:
        raise QuestionError(f"the question is too long ({len(text):,} characters; the limit is {max_chars:,})")
    return text


def merge_chunks(chunks) -> dict:
    """Add up the chain's streamed chunks into one dict (answer pieces concatenate, other keys arrive once)."""
    from langchain_core.runnables.utils import AddableDict

    merged = AddableDict()
    for chunk in chunks:
        merged = merged + chunk
    return merged


@dataclass
class AnswerResult:
    """A finished answer with its sources, as shown by every front end."""

    question: str
    answer: str = ""
    mode: str = "extractive"
    covered: bool = False
    standalone: str = ""
    hits: list = field(default_factory=list)
    citations: list[int] = field(default_factory=list)
    invalid_citations: list[int] = field(default_factory=list)
    notice: str = ""

    @classmethod
    def from_chunks(cls, merged: dict) -> "AnswerResult":
        """Build from the added-up chain output."""
        mode = merged.get("mode", "extractive")
        if merged.get("fallback"):
            mode = f"extractive (fallback from {mode})"
        return cls(
            question=merged.get("question", ""), answer=merged.get("answer", "").strip(), mode=mode,
            covered=bool(merged.get("covered")), standalone=merged.get("standalone", ""),
            hits=list(merged.get("hits", [])), citations=list(merged.get("citations", [])),
            invalid_citations=list(merged.get("invalid_citations", [])), notice=merged.get("notice", ""),
        )

    def cited_hits(self) -> list[tuple[int, object]]:
        """(n, hit) for every source the answer cites, in citation order."""
        return [(n, self.hits[n - 1]) for n in self.citations if 0 < n <= len(self.hits)]

    def to_json(self) -> dict:
        """The `assistant ask --json` shape."""
        return {
            "question": self.question,
            "answer": self.answer,
            "mode": self.mode,
            "covered": self.covered,
            "standalone_question": self.standalone,
            "citations": [
                {
                    "n": n, "question": h.question, "section": h.chunks[0].subsection if h.chunks else "",
                    "title": h.title, "label": h.label, "source": h.source, "file": h.file, "score": round(h.score, 4),
                }
                for n, h in self.cited_hits()
            ],
            "invalid_citations": self.invalid_citations,
            "notice": self.notice,
            "contexts": [h.section for h in self.hits],
        }


class Assistant:
    """Opens the index and builds the chain once; answers many questions."""

    def __init__(self, settings: Settings, llm=None, progress: bool = True) -> None:
        from assistant.answering.chain import build_chain
        from assistant.retrieval.ingest import ensure_index
        from assistant.retrieval.retriever import Retriever

        self.settings = settings
        self.prompts = Prompts(settings.prompts_path)
        self.chroma, self.first_ingest = ensure_index(settings, progress=progress)
        self.retriever = Retriever(settings, self.chroma)
        if llm is None and settings.answer_mode == "llm":
            from assistant.answering.llm import build_llm

            llm = build_llm(settings)
        encoding = None
        if llm is not None:
            from assistant.answering.tokens import get_encoding

            encoding = get_encoding(settings.tiktoken_dir)
        self.llm = llm
        self.chains = {"extractive": build_chain(None, self.retriever, self.prompts)}
        if llm is not None:
            self.chains["llm"] = build_chain(llm, self.retriever, self.prompts, settings.context_tokens, encoding, settings.model)

    @property
    def mode(self) -> str:
        """Which answerer is active by default: 'extractive' or 'llm:<model>'."""
        return f"llm:{self.settings.model}" if self.llm is not None else "extractive"

    @property
    def modes(self) -> list[str]:
        """The answer modes available: 'extractive', plus 'llm' when a model is configured."""
        return list(self.chains)

    def stream(self, question: str, history: list[dict] | None = None, k: int | None = None,
               mode: str | None = None) -> Iterator[dict]:
        """The chain's output chunks: retrieval first, then answer pieces, then the citation report.

        `mode` picks 'extractive' or 'llm' for this question (default: the configured mode).
        """
        chain = self.chains.get(mode or ("llm" if self.llm is not None else "extractive"))
        if chain is None:
            raise QuestionError(f"answer mode {mode!r} is not available; configure OPENAI_BASE_URL for 'llm'")
        question = clean_question(question)
        yield from chain.stream({"question": question, "history": history or [], "k": k})

    def ask(self, question: str, history: list[dict] | None = None, k: int | None = None,
            mode: str | None = None) -> AnswerResult:
        """The whole answer at once."""
        return AnswerResult.from_chunks(merge_chunks(self.stream(question, history, k, mode)))

    def search(self, query: str, k: int | None = None) -> tuple[list, bool]:
        """Ranked question sections for a query and whether the notes cover it."""
        hits = self.retriever.search(clean_question(query), k)
        return hits, self.retriever.covered(hits)

    def notes(self) -> list[dict]:
        """Every indexed question: file, file_key, uid, question, title, kind ('text', 'link-only', 'image-only'), source."""
        return self.retriever.questions()

    def section(self, file_key: str, uid: str) -> str:
        """The Markdown body of one indexed question section."""
        return self.retriever.section_text(file_key, uid)
