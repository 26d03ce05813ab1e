"""Why the model failed, said in the answer's language (the notice above the quotes that replace its answer).

The notice's frame came from prompts/ in the answer's language, but the reason inside it was English (an exception's
class and message, or a reply check's sentence), so a Chinese answer read "（语言模型调用失败：the model repeated the
same line over and over。…）" (blind QA). Each kind of failure has its own prompt, `llm_reason_<kind>.<lang>.md`; only
what the server itself said (an HTTP error's message, an unexpected exception's text) stays as it was written, inside
brackets, since it is what one searches for.
"""

from __future__ import annotations

from assistant.answering.deadline import NoReplyInTime
from assistant.answering.prompts import Prompts
from assistant.answering.replies import UnusableReply
from assistant.errors import first_line


def failure_reason(exc: BaseException, prompts: Prompts, lang: str, timeout: float | None = None) -> str:
    """The reason a model call failed, as a clause of the answer's language (no final stop: the notice adds one);
    `timeout`: the client's, named when it gave up waiting."""
    if isinstance(exc, UnusableReply):
        return prompts.render(f"llm_reason_{exc.kind}", lang)
    if isinstance(exc, NoReplyInTime):
        return prompts.render("llm_reason_timeout_first" if exc.first else "llm_reason_timeout_gap", lang,
                              seconds=f"{exc.seconds:g}")
    kind = _openai_kind(exc)
    if kind == "timeout":
        return prompts.render("llm_reason_timeout_first", lang, seconds=f"{timeout:g}" if timeout else "?")
    if kind == "connection":
        return prompts.render("llm_reason_connection", lang)
    detail = first_line(exc, limit=160).rstrip("。. ") if str(exc).strip() else type(exc).__name__
    if (status := getattr(exc, "status_code", None)) is not None:
        return prompts.render("llm_reason_status", lang, status=status, detail=detail)
    return prompts.render("llm_reason_other", lang, detail=f"{type(exc).__name__}: {detail}" if str(exc).strip() else detail)


def _openai_kind(exc: BaseException) -> str:
    """'timeout' or 'connection' for the openai client's errors of that kind (imported only if loaded), else ''."""
    import sys

    openai = sys.modules.get("openai")
    if openai is None:
        return ""
    if isinstance(exc, openai.APITimeoutError):  # a subclass of APIConnectionError: checked first
        return "timeout"
    if isinstance(exc, openai.APIConnectionError):
        return "connection"
    return ""
