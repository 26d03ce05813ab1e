"""The prompt and the reply kept inside the model's context window.

ASSISTANT_CONTEXT_TOKENS budgets the sources and ASSISTANT_ANSWER_TOKENS the reply, each on its own; a local model's
window holds both, and counts with its own tokenizer. Blind QA: SmolLM2 behind llama.cpp (4,096 tokens) got a
3,636-token prompt and max_tokens 1024, so the reply could not fit, and a model answering at the edge of its window
is the one that loops. So when the window is known (ASSISTANT_MODEL_CONTEXT, or read from a llama.cpp server's
/props) the reply gets at most a quarter of it and the sources what is left after the rest of the prompt, both
counted in cl100k tokens and divided by `token_slack`, how many model tokens one cl100k token may take
(tuned.json `llm.token_slack`, bench/token_slack.py). Unknown, the two settings apply as before (a context-window
error still gets one retry with half the sources: chain.py).
"""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

REPLY_SHARE = 4  # the reply gets at most 1/REPLY_SHARE of the window: 1,024 of 4,096, the default answer budget
MARGIN = 64  # model tokens kept free for the chat template's role markers
MIN_SOURCES = 100  # cl100k tokens: below this the sources are too short to answer from, and the retry is left to try


@dataclass(frozen=True)
class Fit:
    """The budgets for one model: `sources` (ASSISTANT_CONTEXT_TOKENS), `prompt` (cl100k tokens the whole prompt may
    use) and `reply` (max_tokens); `window` is the model's context window, None when unknown."""

    window: int | None
    sources: int
    prompt: int | None
    reply: int

    def sources_after(self, fixed: int) -> int:
        """The sources' budget once the prompt's fixed part (`fixed` cl100k tokens: instructions and question) is in."""
        if self.prompt is None:
            return self.sources
        return max(min(self.sources, self.prompt - fixed), MIN_SOURCES)


def fit(window: int | None, context_tokens: int, answer_tokens: int, slack: float) -> Fit:
    """The budgets for a model with a `window`-token context (None: unknown, the settings as they are)."""
    if not window:
        return Fit(None, context_tokens, None, answer_tokens)
    reply = max(min(answer_tokens, window // REPLY_SHARE), 16)
    room = int((window - reply - MARGIN) / max(slack, 1.0))  # cl100k tokens the whole prompt may use
    return Fit(window, context_tokens, room, reply)


def probe_window(base_url: str | None, timeout: float) -> int | None:
    """The context window a llama.cpp server reports at /props (n_ctx), or None (not llama.cpp, unreachable, odd)."""
    if not base_url:
        return None
    parts = urlsplit(base_url.rstrip("/"))
    path = parts.path.removesuffix("/v1")  # /props is at the server's root, beside /v1
    url = urlunsplit((parts.scheme, parts.netloc, f"{path}/props", "", ""))
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - the configured http(s) endpoint
            props = json.load(response)
    except Exception:  # noqa: BLE001 - any other server (OpenAI, Ollama) has no /props: the window stays unknown
        return None
    settings = props.get("default_generation_settings") if isinstance(props, dict) else None
    for value in ((settings or {}).get("n_ctx"), props.get("n_ctx") if isinstance(props, dict) else None):
        if isinstance(value, int) and value > 0:
            return value
    return None
