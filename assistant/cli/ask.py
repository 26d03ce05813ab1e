"""`ask`, `search`, `chat`, `ingest` and `config`: the commands that query and build the index.

Only click and the settings load at import; the index, models and LangChain load inside
each command, so `assistant --help` stays instant.
"""

from __future__ import annotations

import json
import sys
import threading

import click

from assistant.cli.common import command_help, open_assistant, question_text, settings_from


@click.command()
@click.argument("question", nargs=-1, required=True)
@click.option("--k", type=click.IntRange(1, 20), help="Number of sections to answer from.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of streaming text.")
@click.pass_context
def ask(ctx: click.Context, question, k, as_json) -> None:
    """Answer QUESTION from the notes, citing each statement as [n] ('-' reads it from stdin)."""
    text = question_text(sys.stdin.read() if question == ("-",) else " ".join(question))
    assistant = open_assistant(settings_from(ctx), progress=not as_json)
    assistant.prefetch(text, k)  # searched and quoted while the chain is imported
    if as_json:
        result = assistant.ask(text, k=k)
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    from assistant.cli.render import stream_answer

    stream_answer(assistant, text, [], k)


@click.command()
@click.argument("query", required=True)
@click.option("--k", type=click.IntRange(1, 20), default=5, show_default=True, help="Number of sections.")
@click.option("--json", "as_json", is_flag=True, help="JSON output; with QUERY '-', one JSON line per stdin line.")
@click.pass_context
def search(ctx: click.Context, query, k, as_json) -> None:
    """Rank the question sections for QUERY ('-' reads one query per line from stdin)."""
    from assistant.cli.render import print_search
    from assistant.service import QuestionError, printable

    queries = [line.strip() for line in sys.stdin] if query == "-" else [question_text(query)]
    assistant = open_assistant(settings_from(ctx), progress=not as_json)
    failed = 0
    for q in queries:
        if not q:
            continue
        try:
            result = assistant.search(q, k)
        except QuestionError as exc:  # one bad line in a batch must not stop the others
            failed += 1
            if as_json:
                click.echo(json.dumps({"query": printable(q[:200]), "error": str(exc)}, ensure_ascii=False))
            else:
                click.echo(f"error: {exc}", err=True)
            continue
        if as_json:
            click.echo(json.dumps(result.to_json(), ensure_ascii=False))
        else:
            print_search(result, typed=q)
    if failed:
        ctx.exit(1)


@click.command()
@click.option("--k", type=click.IntRange(1, 20), help="Number of sections to answer from.")
@click.pass_context
def chat(ctx: click.Context, k) -> None:
    """Multi-turn chat in the terminal; follow-ups use the conversation. /new resets, /quit exits."""
    from assistant.cli.render import stream_answer
    from assistant.service import QuestionError

    assistant = open_assistant(settings_from(ctx))
    # The models and the chain load while the first question is typed (the web server does this before serving).
    threading.Thread(target=_warm_up_quietly, args=(assistant,), name="warm-up", daemon=True).start()
    click.echo(f"mode: {assistant.mode} · /new starts over · /quit or Ctrl-D exits")
    history: list[dict] = []
    while True:
        try:
            text = input("\nyou> ").strip()
        except (EOFError, KeyboardInterrupt):
            click.echo()
            return
        if not text:
            continue
        if text in ("/quit", "/exit"):
            return
        if text == "/new":
            history = []
            click.echo("(new conversation)")
            continue
        if (unknown := command_help(text, ("/quit", "/exit", "/new"))) is not None:  # not a question to search
            click.echo(f"{unknown}commands: /new starts over, /quit (or Ctrl-D) exits; anything else is a question")
            continue
        try:
            result = stream_answer(assistant, text, history, k)
        except QuestionError as exc:
            click.echo(f"error: {exc}", err=True)
            continue
        history += [{"role": "user", "content": text}, {"role": "assistant", "content": result.answer}]


def _warm_up_quietly(assistant) -> None:
    try:
        assistant.warm_up()
    except Exception:  # noqa: BLE001 - the first question meets the same error and reports it in one line
        pass


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--remove", is_flag=True, help="Take these files' (or folders') sections out of the index.")
@click.pass_context
def ingest(ctx: click.Context, paths, remove) -> None:
    """Index notes files or folders (default: the configured corpus). Unchanged sections are skipped.

    With --remove, take the sections of the given files (or of the files under the given folders) out
    of the index instead; the files themselves are not touched and need not exist any more."""
    from assistant.cli.common import usage_error
    from assistant.errors import UserError
    from assistant.retrieval.ingest import ingest as run_ingest

    settings = settings_from(ctx)
    if remove:
        if not paths:
            raise usage_error("--remove needs the notes files or folders to take out of the index")
        try:
            removed = run_ingest(settings, list(paths), progress=True, remove=True).removed
        except UserError as exc:  # the configured notes: not removable, and saying so is about the argument
            raise usage_error(str(exc)) from None
        if not removed:
            raise usage_error(f"nothing in the index comes from {', '.join(paths)} (see 'assistant notes')")
        click.echo(f"removed {removed} section(s) from the index; the files were not touched")
        return
    report = run_ingest(settings, list(paths) or None, progress=True)
    for err in report.errors:
        click.echo(f"error: {err}", err=True)
    for line in [*report.repeats, *report.renumbered]:
        click.echo(f"note: {line}")
    for skipped in report.skipped:
        click.echo(f"warning: {skipped}", err=True)
    click.echo(report.summary())
    if report.errors:
        ctx.exit(1)
    if paths and not report.files:  # a folder without notes is most likely the wrong one (blind CLI QA: rc 0)
        click.echo(f"error: no Markdown notes (.md files) in {', '.join(paths)}", err=True)
        ctx.exit(1)


@click.command("config")
@click.option("--markdown", is_flag=True, help="Print the settings table of the README instead of the current values.")
@click.pass_context
def show_config(ctx: click.Context, markdown: bool) -> None:
    """Show every setting, its environment variable and current value."""
    if markdown:
        from assistant.config import Settings

        click.echo(Settings.markdown_table())
        return
    from assistant import llmsetup

    settings = settings_from(ctx)
    for env, value, help_ in settings.describe():
        click.echo(f"{env:24} {value or '-':40} {help_}")
    if (saved := llmsetup.saved(settings.home).get("base_url")) and settings.openai_base_url == saved:
        click.echo(f"(the endpoint and model were saved in the web app's Settings: {settings.home / llmsetup.CONFIG_FILE}; "
                   "OPENAI_BASE_URL in the environment overrides them)")


COMMANDS = (ask, search, chat, ingest, show_config)
