"""Prompts as data: every text shown to a model or to the user as boilerplate lives in `prompts/`.

A prompt is loaded by name (`answer_system`, or `not_covered` resolved per language to
`not_covered.zh.md`); a missing file, a missing variable or an unknown variable is an
error, so a typo in a template never reaches a model silently.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import UserError


class PromptError(UserError, LookupError):
    """A prompt file is missing or was formatted with the wrong variables."""


@dataclass(frozen=True)
class Prompt:
    """A template with `{name}` placeholders (`{{` for a literal brace)."""

    name: str
    template: str

    @property
    def variables(self) -> set[str]:
        """The placeholder names the template needs."""
        return {field for _, field, _, _ in string.Formatter().parse(self.template) if field}

    def format(self, **values) -> str:
        """Fill every placeholder; missing or unexpected values raise PromptError."""
        missing = self.variables - values.keys()
        extra = values.keys() - self.variables
        if missing or extra:
            raise PromptError(f"prompt {self.name!r}: missing {sorted(missing)}, unexpected {sorted(extra)}")
        return self.template.format(**values).strip()


class Prompts:
    """Loads prompt files from one folder, caching them."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._cache: dict[str, Prompt] = {}

    def get(self, name: str, lang: str | None = None) -> Prompt:
        """The prompt `name` (or its `name.<lang>` variant when lang is given)."""
        key = f"{name}.{lang}" if lang else name
        if key not in self._cache:
            path = self.folder / f"{key}.md"
            if not path.is_file():
                raise PromptError(f"prompt file {path} is missing")
            self._cache[key] = Prompt(key, path.read_text(encoding="utf-8"))
        return self._cache[key]

    def render(self, name: str, lang: str | None = None, /, **values) -> str:
        """Load and fill a prompt in one call."""
        return self.get(name, lang).format(**values)


LANGUAGE_NAMES = {"zh": "Chinese (简体中文)", "en": "English"}
