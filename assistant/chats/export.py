"""A saved conversation as a Markdown file: each question, its answer, and the sections the answer cites.

What a candidate takes away from a chat (to revise from, or to paste into their own notes):
the answers keep their inline `[n]`, and under each answer its sources are listed with the
notes section, the matched subsection, the excerpt shown in the app and the original link,
all read from the saved records (`record.answer_record`), so an export needs no index.
"""

from __future__ import annotations

import re

RATING_TEXT = {"up": "👍 helpful", "down": "👎 not helpful"}


def markdown(conversation: dict, messages: list[dict]) -> str:
    """The conversation as Markdown (questions as headings, answers, their cited sources, your feedback)."""
    title = " ".join(str(conversation.get("title", "")).split()) or "Conversation"
    lines = [f"# {title}", "", f"*Exported from the DL interview assistant · started {_day(conversation.get('created_at'))}*", ""]
    question, n = "", 0
    for m in messages:
        if m["role"] == "user":
            question = m["content"]
            continue
        n += 1
        record = m.get("sources") or {}
        lines += [f"## {n}. {_one_line(question)}", "", m["content"].strip(), ""]
        standalone = _one_line(m.get("standalone") or record.get("standalone", ""))
        if standalone and standalone != _one_line(question):
            lines += [f"*Interpreted as: {standalone}*", ""]
        lines += [f"*Answer mode: {m.get('mode') or record.get('mode', 'extractive')}*", ""]
        if record.get("weak"):
            lines += [f"> ⚠ {_one_line(record['weak'])}", ""]
        # The chain writes each notice (the model failed, the reply was cut, it cites nothing) into the answer, so
        # quoting it again showed it twice (QA); one the answer does not carry is still said.
        if record.get("notice") and _one_line(record["notice"]) not in _one_line(m["content"]):
            lines += [f"> ⚠ {_one_line(record['notice'])}", ""]
        sources = record.get("sources") or []
        if sources:
            # An extractive answer is made of the excerpts already: list its sources without repeating them.
            quoted = str(m.get("mode") or record.get("mode", "")).startswith("extractive")
            lines += ["**Sources**", ""]
            for s in sources:
                lines += _source(s, excerpt=not quoted)
            lines.append("")
        elif record and not record.get("covered", True):
            lines += ["*The notes do not cover this question.*", ""]
        if m.get("rating") in RATING_TEXT:
            reason = f": {_one_line(m['reason'])}" if m.get("reason") else ""
            lines += [f"*Your feedback: {RATING_TEXT[m['rating']]}{reason}*", ""]
    if n == 0:
        lines += ["*No answers yet.*", ""]
    return "\n".join(lines).rstrip() + "\n"


def file_name(conversation: dict) -> str:
    """A safe download name, e.g. `chat-12-如何修复梯度爆炸问题.md` (letters of any script kept, the rest dropped)."""
    slug = re.sub(r"[^\w]+", "-", str(conversation.get("title", "")), flags=re.UNICODE).strip("-_")[:40]
    return f"chat-{int(conversation['id'])}{'-' + slug if slug else ''}.md"


def _source(s: dict, excerpt: bool = True) -> list[str]:
    head = f"[{s.get('n')}] {s.get('label') or s.get('title', '')}"
    extras = [f"matched: {s['section']}"] if s.get("section") else []
    if s.get("relevance") is not None:
        extras.append(f"relevance {float(s['relevance']):.2f}")
    out = [f"- {head}" + (f" ({', '.join(extras)})" if extras else "")]
    if s.get("url"):
        out.append(f"  - original: <{s['url']}>")
    if excerpt:
        lines = [line.strip().removeprefix("- ").strip() for line in str(s.get("excerpt", "")).splitlines() if line.strip()]
        out += [f"  > {line}" for line in lines[:6]]
    return out


def _one_line(text: str) -> str:
    return " ".join(str(text or "").split())


def _day(stamp) -> str:
    return str(stamp or "")[:16].replace("T", " ") + (" UTC" if stamp else "")
