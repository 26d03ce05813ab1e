"""What the Notes tab's search shows of a match: a snippet under each listed question and the searched words
marked in the section it opens.

Blind QA: the search listed the matching questions with nothing to say where the words were, and the opened
section did not show them either. Both use the page's own matching (case-insensitive, Traditional folded to
Simplified, notes/terms.to_simplified), so what is marked is what made the question match.
Pure functions, no Gradio.
"""

from __future__ import annotations

import re

from assistant.notes.terms import to_simplified

_SENTENCE_END = re.compile(r"[。！？；]|(?<!\d)[.!?;](?=\s)")
SNIPPET_CHARS = 36  # each side of the first match: a line or two of the list at 1280 px and on a phone
# Markdown that reads as noise in a one-line snippet: emphasis and code ticks (dropped: they sit inside a phrase),
# quote marks, headings, bullets, links and tags (a space); a link keeps its text. Underscores stay (clip_norm).
_EMPHASIS = re.compile(r"[*`]+")
_MARKUP = re.compile(r"[#>]+|^\s*(?:[-+]|\d+[.)])\s+|!?\[([^\]]*)\]\([^)]*\)|<[^>]+>", re.M)
_TAGS_OR_ENTITIES = re.compile(r"(<[^>]*>|&[#\w]+;)")


def search_words(text: str) -> list[str]:
    """The words of a search, folded as the page matches them (lower case, Simplified)."""
    return to_simplified((text or "").lower()).split()


def _folded(text: str) -> str:
    """`text` lower-cased and folded to Simplified when that keeps every position (OpenCC may change a phrase's
    length; then the text is matched as written)."""
    folded = to_simplified(text.lower())
    return folded if len(folded) == len(text) else text.lower()


def _spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    """Where the words occur in `text`, merged and in order."""
    folded = _folded(text)
    found = sorted((m.start(), m.start() + len(w)) for w in words if w for m in re.finditer(re.escape(w), folded))
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def snippet(body: str, words: list[str], width: int = SNIPPET_CHARS) -> str:
    """The body's text around the first searched word ("…the words around it…"), on one line; '' when only the
    title matched."""
    plain = " ".join(_MARKUP.sub(lambda m: m.group(1) or " ", _EMPHASIS.sub("", body or "")).split())
    spans = _spans(plain, words)
    if not spans:
        return ""
    start, end = spans[0]
    lo, hi = max(0, start - width), min(len(plain), end + width)
    # From the start of the match's sentence when it begins in the window: "…016. 在 Keras…" opened on a number's tail
    # (blind web QA).
    ends = list(_SENTENCE_END.finditer(plain, lo, start))
    lo = ends[-1].end() if ends else lo
    return ("…" if lo else "") + plain[lo:hi].strip() + ("…" if hi < len(plain) else "")


def with_snippet(label: str, body: str, words: list[str]) -> str:
    """A list entry: the question's label, and on the next line where the words occur in its body."""
    found = snippet(body, words)
    return f"{label}\n{found}" if found else label


def highlight(rendered: str, words: list[str]) -> str:
    """Rendered (escaped) HTML with each searched word in its text wrapped in <mark class="hl">: tags and entities
    are left whole, so the markup stays valid."""
    if not words:
        return rendered
    pieces = _TAGS_OR_ENTITIES.split(rendered)
    out = []
    for i, piece in enumerate(pieces):
        if i % 2 or not piece:  # a tag or an entity (re.split with one group alternates text and separators)
            out.append(piece)
            continue
        at = 0
        for start, end in _spans(piece, words):
            out.append(piece[at:start] + f'<mark class="hl">{piece[start:end]}</mark>')
            at = end
        out.append(piece[at:])
    return "".join(out)
