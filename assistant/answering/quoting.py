"""The extractive answer as the text a user reads: the header, the references of a link-only section, one quoted
bullet per line with its `[n]`, the "more in [n]" pointers, and for a question whose parts go to different sections
(answering/parts.py) each part's quotes under the part as asked.

Apart from `extractive.py`, which decides what to quote; this decides how it is laid out.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Iterator

from assistant.answering.extractive import select_quotes
from assistant.answering.onefact import pointed
from assistant.answering.params import AnswerParams
from assistant.answering.parts import part_groups
from assistant.answering.quotes import aspect_first, bounded
from assistant.answering.relevance import Relevance
from assistant.notes.figures import refers_to_figure, without_closing_lead_in
from assistant.notes.text import IMG_RE, SOURCE_RE
from assistant.retrieval.results import Hit, Part


def extractive_stream(question: str, hits: list[Hit], header: str, links_note: str,
                      more: Callable[[int], str] | None = None, params: AnswerParams | None = None,
                      relevance: Relevance | None = None, bare: Callable[[int, list[str]], str] | None = None,
                      parts: list[Part] | None = None, part_line: Callable[[str, bool], str] | None = None,
                      figure: str = "", others_note: str = "") -> Iterator[str]:
    """The extractive answer as a stream of pieces: the header, then one quote per line, then the pointer.

    When the best section is link-only or image-only it has nothing to quote: its references are
    listed first, then quotes from the next sections under `others_note` (without it, those quotes read as the
    answer: "如何理解LSTM网络？" ran on into 第29题's shapes, blind web QA), so the answer is never just a header. `bare(n, labels)`
    renders the line saying the notes only name what the question is about (`focus.bare_points`), before the quotes.
    A question whose parts go to different sections (`parts`, answering/parts.py) is answered part by part, each
    under `part_line(part)`, from its own section alone. A quote's closing lead-in to a figure, which is
    never shown, is left out, and `figure` follows the quotes when one still names a figure (notes/figures.py).
    """
    p = params or AnswerParams()
    if header:  # none after the LLM-failure notice, which already says quotes follow
        yield header + "\n\n"
    if not parts:
        yield from _block(question, hits, p, relevance, more, bare, links_note, figure=figure, others_note=others_note)
        return
    for i, (asked, answered_by) in enumerate(part_groups(parts)):
        if part_line is not None:
            yield ("\n" if i else "") + part_line(asked, answered_by is not None) + "\n\n"
        if answered_by is None:
            continue
        yield from _block(asked, [hits[answered_by - 1]], p, relevance, more, bare, links_note, n=answered_by,
                          figure=figure, others_note=others_note)


def _block(question: str, hits: list[Hit], p: AnswerParams, relevance: Relevance | None,
           more: Callable[[int], str] | None, bare: Callable[[int, list[str]], str] | None, links_note: str,
           n: int = 0, figure: str = "", others_note: str = "") -> Iterator[str]:
    """The quotes answering one question from `hits`, numbered as they are (or all as source `n`), then the pointers."""
    links_first = bool(hits) and hits[0].kind != "text"
    if links_first:
        yield links_note + "\n"
        for line in hits[0].section.split("\n"):
            source, image = SOURCE_RE.match(line), IMG_RE.search(line)
            if source:
                yield f"- [{source.group(1)}]({source.group(2)}) [{n or 1}]\n"  # verbatim Markdown link
            elif image:
                yield f"- {image.group(1) or image.group(2)} [{n or 1}]\n"
        yield "\n"
    selected = select_quotes(question, hits, p, relevance)
    quotes, left_out = bounded(selected, p.max_chars)
    left_out += [k for k in pointed(quotes, hits) if k not in left_out]  # a one-fact answer points to the rest
    quotes = aspect_first(question, quotes)
    if links_first and quotes and others_note:
        yield others_note + "\n\n"
    if n:  # one part's section, numbered as it is among all the sources
        selected, quotes = [replace(q, n=n) for q in selected], [replace(q, n=n) for q in quotes]
        left_out = [n] if left_out else []
    named = [q for q in selected if q.only_named]
    if bare is not None and named:
        yield bare(named[0].n, [q.only_named for q in named]) + "\n\n"
    unseen = False
    for q in quotes:
        text = without_closing_lead_in(q.text)
        unseen = unseen or refers_to_figure(text)
        yield f"{'  ' * q.level}- {text} [{q.n}]\n"
    if figure and unseen:
        yield "\n" + figure + "\n"
    if more is not None:
        for k in left_out:
            yield "\n" + more(k) + "\n"
