"""What every `assistant` subcommand shares: settings from the click context, one-line failures,
question cleaning and opening the Assistant. Kept apart from cli.py so feature modules
(cli_eval, cli_interview, cli_web) can import it without a circular import.
"""

from __future__ import annotations

import click

from assistant.config import Settings
from assistant.errors import UserError


class Failure(click.ClickException):
    """A runtime error shown as one line with exit code 1."""

    exit_code = 1

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def settings_from(ctx: click.Context, **overrides) -> Settings:
    """Settings from the environment, the group's flags (ctx.obj) and a command's own overrides."""
    base: dict = ctx.obj or {}
    try:
        return Settings.from_env(**{**base, **{k: v for k, v in overrides.items() if v is not None}})
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
