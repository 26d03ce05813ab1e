"""The language-model connection chosen in the web app's Settings: saved in the data directory, applied live.

`llm.json` holds the base URL and model; the API key goes to its own file `llm.key`, created
with mode 0600 and never shown back. `apply()` overlays the saved choice on the settings from
the environment; `check()` asks the model for a one-word reply and reports it (or the error)
in one line. No Gradio here: the Settings page is a thin form over these functions.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from assistant.config import Settings

CONFIG_FILE = "llm.json"
KEY_FILE = "llm.key"
PRESETS: dict[str, tuple[str, str]] = {  # name → (base URL, model)
    "OpenAI": ("https://api.openai.com/v1", "gpt-4o-mini"),
    "Ollama": ("http://127.0.0.1:11434/v1", "llama3.2"),
}


def saved(home: Path) -> dict:
    """The saved {'base_url', 'model', 'has_key'} ({} when nothing was saved)."""
    try:
        data = json.loads((home / CONFIG_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {"base_url": str(data.get("base_url") or ""), "model": str(data.get("model") or ""),
            "has_key": (home / KEY_FILE).exists()}


def saved_key(home: Path) -> str:
    """The saved API key, or ''."""
    try:
        return (home / KEY_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def save(home: Path, base_url: str, model: str, key: str | None = None) -> None:
    """Save the endpoint and model; a non-empty `key` replaces the saved one (file mode 0600)."""
    home.mkdir(parents=True, exist_ok=True)
    (home / CONFIG_FILE).write_text(json.dumps({"base_url": base_url.strip(), "model": model.strip()}), encoding="utf-8")
    if key and key.strip():
        path = home / KEY_FILE
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(key.strip())
        os.chmod(path, 0o600)  # an existing file keeps its old mode through O_CREAT


def clear(home: Path) -> None:
    """Forget the saved endpoint, model and key: answers quote the notes."""
    for name in (CONFIG_FILE, KEY_FILE):
        (home / name).unlink(missing_ok=True)


def configured(settings: Settings, base_url: str, model: str, key: str | None = None) -> Settings:
    """The settings answering through this endpoint and model (key: the given one, else the saved one).

    A malformed base URL is named as the form names it: Settings' own check names the environment variable
    (blind web QA: "✗ OPENAI_BASE_URL 'not a url' is not an http(s) URL" under a field labelled "Base URL")."""
    from assistant.config import URL_EXAMPLES, ConfigError, http_url

    if base_url.strip() and not http_url(base_url):
        raise ConfigError(f"The base URL {base_url.strip()[:80]!r} is not an http(s) URL; {URL_EXAMPLES}")
    key = (key or "").strip() or saved_key(settings.home) or settings.openai_api_key or ""
    return settings.replace(openai_base_url=base_url.strip() or None, openai_api_key=key or None,
                            model=model.strip() or settings.model)


def apply(settings: Settings) -> Settings:
    """The settings with the saved connection (if any) overlaid."""
    from assistant.errors import UserError

    data = saved(settings.home)
    if not data.get("base_url"):
        return settings
    try:
        return configured(settings, data["base_url"], data.get("model", ""))
    except UserError:  # a malformed URL saved before Settings checked it: answers stay extractive, the app starts
        return settings


def fill(settings: Settings) -> Settings:
    """The CLI's settings: the connection saved from the web app when the environment names no endpoint or key
    (blind QA: `ask` in the same data directory said "no language model configured"). OPENAI_BASE_URL or
    OPENAI_API_KEY in the environment, or ASSISTANT_MODE=extractive, win: a command line is the more explicit choice."""
    if settings.llm_configured or settings.mode == "extractive":
        return settings
    return apply(settings)


def check(settings: Settings, timeout: float = 20.0) -> tuple[bool, str]:
    """Ask the model for a one-word reply: (True, 'model replied: …') or (False, the error in one line)."""
    from assistant.answering.llm import build_llm
    from assistant.errors import first_line

    if not settings.openai_base_url:
        return False, "Enter a base URL first (or pick a preset)."
    try:
        llm = build_llm(settings.replace(llm_timeout=timeout, llm_retries=0))
        reply = llm.invoke("Reply with the single word: ok").content
    except Exception as exc:  # any failure is reported, in one line
        if status := getattr(exc, "status_code", None):  # reached, and refused (blind QA: a 401 read "Could not reach")
            return False, f"{settings.openai_base_url} answered {status} for {settings.model}: {first_line(exc, 200)}"
        return False, f"Could not reach {settings.model} at {settings.openai_base_url}: {first_line(exc, 200)}"
    text = " ".join(str(reply).split())[:120] or "(empty reply)"
    return True, f"{settings.model} replied: {text}"
