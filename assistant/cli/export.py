"""The `export` commands: `export anki` writes the key points as an Anki deck, `export markdown` a session report.

Registered on the main group by `assistant/cli/__init__.py`. genanki and the index are imported
only when a command runs. Bad input (unknown topic, unknown session, unwritable path) exits 2
with one line.
"""

from __future__ import annotations

from pathlib import Path

import click

from assistant.cli.common import open_store, topic_id_of, usage_error


@click.group("export")
def export() -> None:
    """Export practice material: an Anki deck of the key points, or a session report."""


@export.command("anki")
@click.option("--topic", help="Only one topic: a topic id or part of its name (e.g. rnn, 梯度爆炸).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("dl-interview.apkg"),
              show_default=True, help="The .apkg file to write.")
@click.pass_context
def anki(ctx: click.Context, topic, output: Path) -> None:
    """One Anki note per key point (front: question + cue, back: the point verbatim with its citation).

    Note ids are stable, so importing a new export updates the cards instead of duplicating them.
    """
    from assistant.cli.common import open_assistant, settings_from
    from assistant.interview.anki import write_apkg
    from assistant.interview.notebook import Notebook

    topic_id = topic_id_of(topic)
    _check_output(output)
    if output.suffix.lower() != ".apkg":
        raise usage_error(f"{output} must end in .apkg")
    notebook = Notebook.from_assistant(open_assistant(settings_from(ctx), progress=True))
    try:
        count = write_apkg(notebook, output, topic_id)
    except OSError as exc:
        raise usage_error(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"wrote {count} notes to {output}")


@export.command("markdown")
@click.option("--session", "session_id", type=int, help="Session number (default: the latest).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: print to stdout).")
@click.pass_context
def markdown(ctx: click.Context, session_id, output: Path | None) -> None:
    """A session's report as Markdown: scores, time taken, each answer's checklist and follow-up."""
    from assistant.cli.common import settings_from
    from assistant.interview.report_md import render
    from assistant.interview.session_report import session_report
    if output is not None:
        _check_output(output)
    store = open_store(settings_from(ctx))
    sid = session_id or next((s["id"] for s in store.sessions_summary(1)), None)
    if sid is None or store.session(sid) is None:
        raise usage_error(f"no interview session {sid}" if sid else "there are no interview sessions yet")
    text = render(session_report(store, sid), details=True)
    if output is None:
        click.echo(text)
        return
    try:
        output.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise usage_error(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"wrote the report of session #{sid} to {output}")


COMMANDS = (export,)


def _check_output(output: Path) -> None:
    """A file name in a folder that exists: a mistyped folder is an error, not a new directory tree (blind QA)."""
    if output == Path(".") or not output.name:
        raise usage_error("the output file name is empty")
    if not output.parent.is_dir():
        raise usage_error(f"no such folder: {output.parent} (create it first, or write somewhere else)")
