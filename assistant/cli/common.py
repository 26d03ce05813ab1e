"""What every `assistant` subcommand shares: settings from the click context, one-line failures,
question cleaning and opening the Assistant. Kept apart from cli.py so feature modules
(cli_eval, cli_interview, cli_web) can import it without a circular import.
"""

from __future__ import annotations

from typing import Callable, TypeVar

import click

from assistant.config import Settings
from assistant.errors import UserError
from assistant.llmsetup import fill

T = TypeVar("T")


class Failure(click.ClickException):
    """A runtime error shown as one line with exit code 1."""

    exit_code = 1

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def settings_from(ctx: click.Context, **overrides) -> Settings:
    """Settings from the environment, the group's flags (ctx.obj) and a command's own overrides; without an endpoint
    in the environment, the one saved from the web app's Settings (llmsetup.fill)."""
    base: dict = ctx.obj or {}
    try:
        return fill(Settings.from_env(**{**base, **{k: v for k, v in overrides.items() if v is not None}}))
    except UserError as exc:
        raise Failure(str(exc)) from None


def open_assistant(settings: Settings, progress: bool = True):
    """The Assistant (index built on first use), imported only when a command needs it."""
    from assistant.service import Assistant

    return Assistant(settings, progress=progress)


def question_text(text: str) -> str:
    """A cleaned question or answer text; empty or too long is a usage error (exit 2)."""
    from assistant.service import QuestionError, clean_question

    try:
        return clean_question(text)
    except QuestionError as exc:
        raise click.UsageError(str(exc)) from None


class BadUsage(Failure):
    """A one-line usage error (exit 2), shown like every other error of the CLI."""

    exit_code = 2


def usage_error(message: str) -> BadUsage:
    """The usage error to raise for a bad argument value."""
    return BadUsage(message)


def topic_id_of(topic: str | None) -> str | None:
    """The id of a topic named by id or by part of its name; an unknown topic is a usage error."""
    from assistant.interview.topics import TopicError, resolve

    if topic is None:
        return None
    try:
        return resolve(topic).id
    except TopicError as exc:
        raise usage_error(str(exc)) from None


def open_store(settings: Settings):
    """The interview database, with its one-line warning (e.g. a corrupt file set aside) shown once."""
    from assistant.interview.store import Store

    store = Store(settings.db_path)
    if store.notice:
        click.secho(f"warning: {store.notice}", fg="yellow", err=True)
    return store


class QuestionId(click.ParamType):
    """A question number, or the id of a repeated number's later section ("102~2": the second `## 102.` of a file)."""

    name = "N"

    def convert(self, value, param, ctx):
        import re

        if isinstance(value, tuple):
            return value
        match = re.fullmatch(r"\s*(\d+)(?:~(\d+))?\s*", str(value))
        if not match:
            self.fail(f"{value!r} is not a question number (e.g. 28, or 102~2 for a repeated number)", param, ctx)
        return int(match.group(1)), (f"{match.group(1)}~{match.group(2)}" if match.group(2) else None)


def one_numbered(items: list[T], number: int, file: str | None, name_of: Callable[[T], str],
                 uid: str | None = None, uid_of: Callable[[T], str] | None = None) -> T | None:
    """The item numbered `number`, from the notes file named `file` (its name, stem or path) when given. Two
    files may both number a question N (files are namespaced): then, without `file`, a usage error names them,
    rather than one of them being picked silently. One file may number two sections N: the later ones have the ids
    N~2, N~3 … (`uid`, read by `uid_of`), and N alone is the first. None when no file has question N."""
    from pathlib import Path

    from assistant.notes.parse import same_file

    if file:
        items = [i for i in items if same_file(name_of(i), file)]
    if uid_of is not None:
        items = [i for i in items if uid_of(i) == (uid or str(number))]
    if len(items) > 1:
        names = ", ".join(sorted({Path(name_of(i)).name for i in items}))
        raise usage_error(f"question {number} is in {len(items)} notes files ({names}): choose one with --file NAME")
    return items[0] if items else None


def numbered_row(rows: list[dict], question: tuple[int, str | None], file: str | None) -> dict | None:
    """The indexed section (an `Assistant.notes()` row) a QuestionId names, of notes file `file` when given: how
    `notes N` and `grade --question N` both look a question up, so a number two files share is the same one-line usage
    error in both (`grade` read only the configured notes and silently graded their question N: blind QA)."""
    number, uid = question
    return one_numbered([r for r in rows if int(r["question"]) == number], number, file, lambda r: r["file"], uid,
                        lambda r: str(r["uid"]))


def several_files(notes: list[dict]) -> bool:
    """More than one notes file indexed (`Assistant.notes()` rows): then two may both have a question 1, and the
    terminal names each section's file, as the web's Notes list does."""
    return len({n["file"] for n in notes}) > 1


def command_help(text: str, commands: tuple[str, ...]) -> str | None:
    """For a line typed at a REPL prompt (chat, interview) that looks like a command but is none of `commands`:
    the start of the help line ("" for /help or /?, "unknown command /x; " otherwise), so it is answered with the
    commands instead of being searched or graded. None for anything else (a command to run, or text)."""
    import re

    if text in commands or not re.fullmatch(r"/[A-Za-z?]\w*", text):
        return None
    return "" if text in ("/help", "/?") else f"unknown command {text}; "
