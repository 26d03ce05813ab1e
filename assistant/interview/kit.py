"""The one interview factory: what a mock interview needs, built once from the shared Assistant.

CLI and web both build an `InterviewKit` (notebook of askable questions, prompts, grader)
and open sessions through it, so the two front ends cannot drift apart in how they grade.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.answering.prompts import Prompts
from assistant.config import Settings
from assistant.interview.notebook import Notebook
from assistant.interview.session import Interview
from assistant.interview.store import Store

if TYPE_CHECKING:
    from assistant.service import Assistant


@dataclass(frozen=True)
class InterviewKit:
    """Notebook, prompts and grader for interviews; sessions are opened against a Store."""

    notebook: Notebook
    prompts: Prompts
    grader: Any  # OfflineGrader or LLMGrader: both have .grade(ref, answer) and .name
    assistant: Any = None  # checks that a model's paraphrase of a question still finds its section

    @classmethod
    def build(cls, settings: Settings, assistant: Assistant) -> InterviewKit:
        """The kit for this Assistant's notes and model (the LLM grader when a model is configured)."""
        from assistant.interview.grader import build_grader

        notebook = Notebook.from_assistant(assistant)
        return cls(notebook, assistant.prompts,
                   build_grader(settings, assistant.prompts, assistant.llm, sections=notebook.references), assistant)

    @property
    def grader_name(self) -> str:
        """'offline' or the model that grades."""
        return getattr(self.grader, "name", "offline")

    def same_section(self, note_key: str, text: str) -> bool:
        """True when retrieval finds the note's section first for `text` (a model's paraphrase must)."""
        if self.assistant is None:
            return False
        hits = self.assistant.search(text, 1).hits
        return bool(hits) and f"{hits[0].file_key}:{hits[0].uid}" == note_key

    def start(self, store: Store, topic: str | None = None, n: int = 5, seed: int | None = None,
              time_limit: float | None = None, weak: bool = False, file: str | None = None) -> Interview:
        """Plan a new session (due questions first, or with `weak` only the weakest answered ones), optionally with a
        per-question time limit, of one topic and of one notes file's questions (`file`, named as `--file` names it)."""
        return Interview.start(store, self.notebook, self.grader, self.prompts, topic, n, seed,
                               time_limit=time_limit, same_section=self.same_section, weak=weak, file=file)

    def resume(self, store: Store) -> Interview | None:
        """The latest unfinished session, if any."""
        return Interview.resume(store, self.notebook, self.grader)

    def open(self, store: Store, session_id: int) -> Interview:
        """An existing session by id."""
        return Interview(store, self.notebook, self.grader, session_id)
