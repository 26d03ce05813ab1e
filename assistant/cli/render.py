"""Terminal rendering of answers and search results, shared by `ask`, `chat` and `search`."""

from __future__ import annotations

import click


def mode_badge(mode: str) -> str:
    """A short line saying which answerer produced the text."""
    if mode.startswith("extractive"):
        return f"[{mode}: verbatim quotes from the notes]"
    return f"[{mode}: generated, grounded in the notes]"


def stream_answer(assistant, question: str, history: list[dict], k: int | None = None):
    """Print an answer as it streams, then its sources; returns the AnswerResult."""
    from assistant.service import AnswerResult, merge_chunks

    chunks = []
    for chunk in assistant.stream(question, history, k):
        if "mode" in chunk:
            click.secho(mode_badge(chunk["mode"]), fg="cyan", err=False)
        if "answer" in chunk:
            click.echo(chunk["answer"], nl=False)
        chunks.append(chunk)
    result = AnswerResult.from_chunks(merge_chunks(chunks))
    click.echo()
    print_sources(result)
    return result


def print_sources(result) -> None:
    """The cited sections, then a note about any removed citation numbers."""
    cited = result.cited_hits()
    if cited:
        click.secho("\nSources:", bold=True)
        for n, hit in cited:
            sub = hit.chunks[0].subsection if hit.chunks else ""
            line = f"[{n}] {hit.label}" + (f" · {sub}" if sub else "")
            click.echo(line)
            if hit.source:
                click.echo(f"    {hit.source}")
    if result.invalid_citations:
        nums = ", ".join(f"[{n}]" for n in result.invalid_citations)
        click.secho(f"(removed citation(s) {nums}: no such source)", fg="yellow")


def print_search(query: str, hits, covered: bool) -> None:
    """Ranked sections with fused score and cosine."""
    click.secho(f"{query}", bold=True)
    if not covered:
        click.secho("  (the notes probably do not cover this; best matches below)", fg="yellow")
    for i, h in enumerate(hits, start=1):
        click.echo(f"  {i}. {h.label}  score={h.score:.4f} cos={h.cosine:.3f}")
