"""The `history` command: past interview sessions, progress per topic and the FSRS review schedule.

Apart from cli/interview.py because it reads the interview database and the notes' question list, and asks nothing:
it never builds a grader. Registered on the main group by `assistant/cli/__init__.py`; only click loads at import.
"""

from __future__ import annotations

import click

from assistant.cli.common import open_store
from assistant.config import Settings


@click.command()
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True, help="Sessions to show.")
@click.pass_context
def history(ctx: click.Context, limit) -> None:
    """Past interview sessions and per-topic progress."""
    from rich.console import Console
    from rich.table import Table

    from assistant.cli.common import settings_from
    from assistant.interview.topics import load_topics

    store = open_store(settings_from(ctx))
    summary = store.sessions_summary(limit)
    if not summary:  # three empty tables said nothing a new user could act on
        click.echo("No interview sessions yet: start one with `assistant interview` (e.g. --topic 梯度 --n 3).")
        return
    names = {t.id: t.display for t in load_topics()}
    sessions = Table(title="Interview sessions")
    for col in ("#", "started", "topic", "answered", "mean score", "status"):
        sessions.add_column(col)
    for s in summary:
        mean = "-" if s["mean"] is None else f"{s['mean']:.1f}/10"
        # Every question answered but a follow-up still open (blind CLI QA: "answered 3/3" beside "unfinished" read as a
        # contradiction).
        status = "finished" if s["finished_at"] else \
            "follow-up open (--resume)" if s["answered"] >= s["planned"] else "unfinished (--resume)"
        sessions.add_row(str(s["id"]), s["started_at"][:16].replace("T", " "), names.get(s["topic"], "all"),
                         f"{s['answered']}/{s['planned']}", mean, status)
    topics = Table(title="Progress per topic (weakest first)")
    for col in ("topic", "answers", "questions", "mean score", "last score"):
        topics.add_column(col)
    for t in store.topic_progress():
        topics.add_row(names.get(t["topic"], t["topic"]), str(t["answers"]), str(t["questions"]),
                       f"{t['mean']:.1f}", f"{t['last']:g}")
    console = Console(soft_wrap=True)
    console.print(sessions)
    console.print(topics)
    console.print(_schedule_table(store, names, settings_from(ctx)))


def _notebook(settings: Settings):
    """The notes the schedule is read against: the index's question list when there is an index (every file, those
    ingested by hand and taken out with `ingest --remove` too: a `complete` notebook, which knows a removed question),
    else the configured notes files; None when neither can be read (the schedule is then shown as stored)."""
    from assistant.errors import UserError
    from assistant.interview.notebook import Notebook

    try:
        if settings.chroma_host or settings.chroma_path.exists():
            from assistant.cli.common import open_assistant

            return Notebook.from_assistant(open_assistant(settings))
        return Notebook.from_files(settings.corpus_paths)
    except (UserError, OSError):  # notes unreadable, index unreachable (CorpusError and IndexStoreError are UserErrors)
        return None


def _schedule_table(store, names: dict, settings):
    """What is due when, and how well each question and its weakest point are known now (FSRS); under it, the questions
    whose cards are kept but no longer scheduled, their sections having left the notes (Notebook.live_cards)."""
    from rich.table import Table

    from assistant.interview.schedule_view import schedule_rows

    cards, notebook = store.cards(), _notebook(settings)
    live = cards if notebook is None else notebook.live_cards(cards)
    table = Table(title="Review schedule (FSRS, soonest first)")
    for col in ("question", "topic", "due", "known now", "points due", "weakest point"):
        table.add_column(col)
    for r in schedule_rows(live, store.answered_topics()):
        table.add_row(r["label"], names.get(r["topic"], r["topic"]), r["due"], f"{r['known']:.0%}",
                      f"{r['points_due']}/{r['points']}", r["weakest"])
    removed = [] if notebook is None else notebook.removed(cards)
    if removed:  # the review rows stay stored: ingesting the notes again schedules them as they were
        labels = ", ".join(sorted(card["label"] or card["note_key"] for card in removed))
        table.caption_justify = "left"
        table.caption = (f"not scheduled, no longer in the notes (their reviews are kept; ingest the notes again to bring "
                         f"them back): {labels}")
    return table


COMMANDS = (history,)
