"""The assistant as one object: settings in, streamed cited answers and search results out.

CLI and web both call `Assistant.stream()` / `ask()` / `search()`; this is where the index
is opened (and built on first use), the retriever, prompts and chat model are created once,
and answers come back as an `AnswerStream` (answering/response.py).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import cached_property

from assistant.answering.prompts import Prompts
from assistant.answering.response import AnswerResult, AnswerStream
from assistant.config import Settings
from assistant.errors import UserError
from assistant.retrieval.results import SearchResult

MAX_QUESTION_CHARS = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


class QuestionError(UserError, ValueError):
    """The question cannot be asked as given (empty, too long); shown as a usage error."""


NOT_UTF8 = "the text is not valid UTF-8 (saved or typed in another encoding, e.g. GBK?)"


def is_utf8(text: str) -> bool:
    """False for text read from bytes that are not UTF-8: Python keeps them as lone surrogates, which
    nothing downstream (the embedder, SQLite, the terminal) can encode."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def printable(text: str) -> str:
    """`text` safe to print: undecodable input bytes shown as U+FFFD."""
    if is_utf8(text):
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")


def clean_question(text: str, max_chars: int = MAX_QUESTION_CHARS) -> str:
    """Normalise a user question: NFC, control and bidi characters removed, whitespace folded.

    Rejects empty questions and questions longer than `max_chars` (a 200,000-character paste
    would take minutes to embed and is never a real interview question).
    """
    if not is_utf8(text or ""):
        raise QuestionError(NOT_UTF8)
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", text or ""))  # NFC: NFKC would rewrite ？ to ?
    text = re.sub(r"[ \t]+", " ", text).strip()
    if not text:
        raise QuestionError("the question is empty")
    if len(text) > max_chars:
        raise QuestionError(f"the question is too long ({len(text):,} characters; the limit is {max_chars:,})")
    return text


class Assistant:
    """Opens the index and builds the chain once; answers many questions."""

    def __init__(self, settings: Settings, llm=None, progress: bool = True) -> None:
        from assistant.retrieval.ingest import ensure_index
        from assistant.retrieval.retriever import Retriever

        self.settings = settings
        self.prompts = Prompts(settings.prompts_path)
        self.chroma, self.first_ingest = ensure_index(settings, progress=progress)
        self.retriever = Retriever(settings, self.chroma)
        if llm is None and settings.answer_mode == "llm":
            from assistant.answering.llm import build_llm

            llm = build_llm(settings)
        self.llm = llm
        self._chains: dict | None = None
        self._chains_lock = threading.Lock()
        self._prefetch: threading.Thread | None = None
        # Bumped when the model connection or the notes change: whoever built something from the old ones
        # (the web Interview tab's grader and question list) compares it and rebuilds.
        self.generation = 0

    @property
    def chains(self) -> dict:
        """The LCEL chains by mode, built on first answer: `search`, `notes` and grading never import LangChain."""
        if self._chains is None:
            with self._chains_lock:
                if self._chains is None:
                    self._chains = self._build_chains()
        return self._chains

    def _build_chains(self) -> dict:
        from assistant.answering.chain import build_chain

        settings, llm = self.settings, self.llm
        params, relevance = self._answer_params(), self.relevance
        # With a model configured, quotes are a choice (Settings' radio, ASSISTANT_MODE=extractive): the header says so
        # rather than "no language model is configured" (blind QA).
        header = "extractive_chosen" if settings.llm_configured else "extractive_header"
        chains = {"extractive": build_chain(None, self.retriever, self.prompts, answer_params=params, relevance=relevance,
                                            header=header)}
        if llm is not None:
            from assistant.answering.tokens import get_encoding
            from assistant.answering.window import fit, probe_window

            # The prompt and the reply inside the model's window (answering/window.py): read once per connection.
            window = settings.model_context or probe_window(settings.openai_base_url, min(settings.llm_timeout, 5.0))
            budgets = fit(window, settings.context_tokens, settings.answer_tokens, settings.tuned["llm.token_slack"])
            if budgets.reply != settings.answer_tokens:
                llm = llm.bind(max_completion_tokens=budgets.reply)
            chains["llm"] = build_chain(llm, self.retriever, self.prompts, settings.context_tokens,
                                        get_encoding(settings.tiktoken_dir), settings.model, answer_params=params,
                                        relevance=relevance, fit=budgets, timeout=settings.llm_timeout)
        return chains

    def _answer_params(self):
        """The extractive answerer's tuned parameters (the "answers.extractive" entry of tuned.json)."""
        from assistant.answering.params import AnswerParams

        return self.settings.tuned.params("answers.extractive", AnswerParams)

    @cached_property
    def relevance(self):
        """The note-sentence scorer of both chains (an LLM failure falls back to quotes), built once: a new model
        connection rebuilds the chains but keeps its vectors (in memory, and on disk in HOME/cache)."""
        from assistant.answering.relevance import Relevance
        from assistant.retrieval.vector_cache import note_vectors

        return Relevance(disk=note_vectors(self.settings.home))

    def prefetch(self, question: str, k: int | None = None) -> None:
        """Search a first question now, then score the note sentences its extractive answer quotes in a background
        thread, while this thread's first `stream()` imports LangChain and builds the chain (`stream` waits for it).

        A one-shot `assistant ask` spends ≈ 0.25 s importing LCEL and, for a question no process answered before,
        ≈ 0.4 s embedding the sentences of its section with e5 (answering/relevance.py). The encoder is native code
        that releases the GIL, so the two overlap on a second core; the search stays in this thread, since searching
        is Python and Rust that hold the GIL and would only slow the import down. The chain then repeats the search
        and the quote selection on warm caches (the same functions, so it answers exactly what it would have).
        Anything that fails here is left for the chain to raise. Measured: docs/performance.md."""
        if self.llm is not None or self._chains is not None:
            return  # the model writes the answer, or the chain is built already: nothing to overlap
        from assistant.answering.extractive import select_quotes
        from assistant.answering.turn_search import condensed_search

        try:
            standalone, found = condensed_search(self.retriever, clean_question(question), [], k)
        except Exception:  # noqa: BLE001 - `stream` repeats this and reports the error in one line
            return
        if not found.covered:
            return
        params, relevance = self._answer_params(), self.relevance

        def run() -> None:
            try:
                select_quotes(standalone, found.hits, params, relevance)
            except Exception:  # noqa: BLE001 - a warm-up only: the chain repeats it and reports any error
                pass

        self._prefetch = threading.Thread(target=run, name="prefetch", daemon=True)
        self._prefetch.start()

    def warm_up(self) -> None:
        """Load what a first answer needs (both embedders, the vector indexes, the chain) before anyone asks, so a
        server's first visitor waits no longer than the next one: a search of the first section's title, then the
        chain. Measured: docs/performance.md."""
        notes = self.notes()
        if notes:
            self.search(notes[0]["title"])
        _ = self.chains

    def use_settings(self, settings: Settings) -> None:
        """Apply a new model connection without a restart: the chains are rebuilt on the next answer, the index stays open."""
        llm = None
        if settings.answer_mode == "llm":
            from assistant.answering.llm import build_llm

            llm = build_llm(settings)
        with self._chains_lock:  # swapped whole: a running stream keeps the chain it started with
            self.settings, self.llm, self._chains = settings, llm, None
            self.generation += 1

    def add_notes(self, name: str, data: bytes, on_progress=None):
        """Add an uploaded notes file (retrieval/uploads.py) and answer from it at once: (path, report, questions)."""
        from assistant.retrieval.uploads import add

        try:
            return add(self.settings, name, data, chroma=self.chroma, on_progress=on_progress)
        finally:
            self.retriever.reopen()  # the next question sees the new fingerprint (a failed ingest may have written too)
            self.generation += 1

    @property
    def mode(self) -> str:
        """Which answerer is active by default: 'extractive' or 'llm:<model>'."""
        return f"llm:{self.settings.model}" if self.llm is not None else "extractive"

    @property
    def modes(self) -> list[str]:
        """The answer modes available: 'extractive', plus 'llm' when a model is configured."""
        return ["extractive", "llm"] if self.llm is not None else ["extractive"]

    def stream(self, question: str, history: list[dict] | None = None, k: int | None = None,
               mode: str | None = None) -> AnswerStream:
        """The answer as it streams: iterate for text, `.result()` for the finished `AnswerResult`.

        `mode` picks 'extractive' or 'llm' for this question (default: the configured mode).
        The question is checked here, before anything streams.
        """
        chain = self.chains.get(mode or ("llm" if self.llm is not None else "extractive"))
        if chain is None:
            raise QuestionError(f"answer mode {mode!r} is not available; configure OPENAI_BASE_URL for 'llm'")
        question = clean_question(question)
        if self._prefetch is not None:  # the Chroma client, e5 and the caches are used by one thread at a time
            self._prefetch.join()
            self._prefetch = None
        return AnswerStream(chain.stream({"question": question, "history": history or [], "k": k}))

    def ask(self, question: str, history: list[dict] | None = None, k: int | None = None,
            mode: str | None = None) -> AnswerResult:
        """The whole answer at once."""
        return self.stream(question, history, k, mode).result()

    def search(self, query: str, k: int | None = None) -> SearchResult:
        """Ranked question sections for a query and whether the notes cover it."""
        return self.retriever.search(clean_question(query), k)

    def notes(self) -> list[dict]:
        """Every indexed question: file, file_key, uid, question, title, kind ('text', 'link-only', 'image-only', 'empty'), source."""
        return self.retriever.questions()

    def numbered(self, question: str) -> list[dict]:
        """The sections a question that only names a number ("第21题") names (`notes()` rows), the answered one first:
        more than one when notes files share the number. [] for any other question."""
        from assistant.notes.terms import to_simplified
        from assistant.retrieval.catalogue import numbered

        return numbered(to_simplified(clean_question(question)), self.notes())

    def section(self, file_key: str, uid: str) -> str:
        """The Markdown body of one indexed question section."""
        return self.retriever.section_text(file_key, uid)
