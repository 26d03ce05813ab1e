"""Terminal rendering of answers and search results, shared by `ask`, `chat` and `search`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from assistant.cli.common import several_files

if TYPE_CHECKING:
    from assistant.answering.response import AnswerResult
    from assistant.retrieval.results import SearchResult
    from assistant.service import Assistant


def mode_badge(mode: str, covered: bool = True) -> str:
    """A short line saying which answerer produced the text; for a declined question, that nothing was answered
    from the notes (as the web's badge says): "[extractive: verbatim quotes…]" over "not in the notes" misled."""
    if not covered:
        return "[not in the notes: nothing quoted or generated]"
    if mode.startswith("extractive"):
        return f"[{mode}: verbatim quotes from the notes]"
    return f"[{mode}: generated, grounded in the notes]"


def stream_answer(assistant: Assistant, question: str, history: list[dict], k: int | None = None) -> AnswerResult:
    """Print an answer as it streams, then its sources; returns the AnswerResult."""
    from assistant.answering.response import rewritten

    stream = assistant.stream(question, history, k)
    badge, restarts = False, 0
    for delta in stream:
        if not badge:  # the mode is known with the sources, before the first text
            snapshot = stream.snapshot()
            click.secho(mode_badge(snapshot.mode, snapshot.covered), fg="cyan", err=False)
            if read := rewritten(question, snapshot.standalone):
                click.secho(f"↳ interpreted as: {read}", dim=True)
                _name_the_others(assistant.numbered(question))
            if snapshot.weak:
                click.secho(f"⚠ {snapshot.weak}", fg="yellow")
            badge = True
        elif stream.restarts != restarts:  # the model failed mid-answer: its text above is not part of the answer
            restarts = stream.restarts
            click.echo()
            click.secho("[the model's unfinished answer above is withdrawn]", fg="yellow")
            click.secho(mode_badge(stream.snapshot().mode), fg="cyan", err=False)
        click.echo(delta, nl=False)
    result = stream.result()
    click.echo()
    print_sources(result, files=several_files(assistant.notes()))
    return result


def _name_the_others(named: list[dict]) -> None:
    """When notes files share the number a question names ("第21题"), which file answered and the others' sections.

    The first one is answered (retrieval/catalogue.numbered: the one `assistant notes` lists first), rather than
    refusing as `notes 21` and `grade --question 21` do: those commands take `--file`, but a question has nowhere to
    say which file, and a refused turn ends a chat on a question the notes answer. It was answered without a word about
    the other file (blind QA), so this line names both, with the question to type for the other."""
    if len(named) < 2:
        return
    others = "; ".join(f"「第{r['question']}题 {r['title']}」 ({Path(r['file']).name})" for r in named[1:])
    click.secho(f"↳ question {named[0]['question']} is in {len(named)} notes files: answering from "
                f"{Path(named[0]['file']).name}; for the other, ask {others}", fg="yellow")


def print_sources(result: AnswerResult, files: bool = False) -> None:
    """The cited sections (with `files`, each with its notes file's name), then a note about any removed citation
    numbers."""
    cited = result.cited_hits()
    if cited:
        click.secho("\nSources:", bold=True)
        subsections = result.subsections()
        for n, hit in cited:
            sub = subsections.get(n, "")
            line = f"[{n}] {hit.label}" + (f" · {sub}" if sub else "") + (f"  ({Path(hit.file).name})" if files else "")
            click.echo(line)
            if hit.source:
                click.echo(f"    {hit.source}")
    if result.uncited:  # the sections it was given, to check it against (its notice says so)
        click.secho("\nRetrieved (not cited):", bold=True)
        for n, hit in enumerate(result.hits, start=1):
            click.echo(f"[{n}] {hit.label}" + (f"  ({Path(hit.file).name})" if files else ""))
    if result.invalid_citations:
        nums = ", ".join(f"[{n}]" for n in result.invalid_citations)
        click.secho(f"(removed citation(s) {nums}: no such source)", fg="yellow")


def print_search(result: SearchResult, typed: str = "") -> None:
    """Ranked sections with fused score and cosine, under the query as typed and, if the search read it otherwise
    (a typing slip corrected, Traditional folded), as read."""
    from assistant.answering.response import rewritten

    click.secho(typed or result.query, bold=True)
    if typed and (read := rewritten(typed, result.query)):
        click.secho(f"↳ interpreted as: {read}", dim=True)
    if not result.covered:
        click.secho("  (the notes probably do not cover this; best matches below)", fg="yellow")
    elif result.weak:
        click.secho("  (a weak match: the notes may not answer this exactly)", fg="yellow")
    for i, h in enumerate(result.hits, start=1):
        click.echo(f"  {i}. {h.label}  score={h.score:.4f} cos={h.cosine:.3f}")
