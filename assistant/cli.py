"""The `assistant` command: a thin layer that parses input, calls the core, and renders.

Exit codes: 0 success, 2 usage errors (click's own, and empty questions), 1 runtime errors.
Every error is one line on stderr, never a traceback (set ASSISTANT_DEBUG=1 to see one).
Only click and the settings are imported at start-up; the index, models and LangChain are
imported when a command needs them, so `assistant --help` is instant.
"""

from __future__ import annotations

import json
import os
import sys

import click

from .cli_common import open_assistant, question_text, settings_from, user_errors


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--home", type=click.Path(file_okay=False), help="Data directory (env ASSISTANT_HOME).")
@click.option("--mode", type=click.Choice(["auto", "extractive", "llm"]), help="Answer mode (env ASSISTANT_MODE).")
@click.option("--model", help="Chat model at the OpenAI-compatible endpoint (env ASSISTANT_MODEL).")
@click.option("--recipe", help="Retrievers to fuse, e.g. e5+use+bm25 (env ASSISTANT_RECIPE).")
@click.version_option(package_name="dl-interview-assistant")
@click.pass_context
def cli(ctx: click.Context, home, mode, model, recipe) -> None:
    """Deep-learning interview assistant: answers from your notes, with citations.

    Works offline by default (extractive quotes). Set OPENAI_BASE_URL / OPENAI_API_KEY
    to generate answers with any OpenAI-compatible model.
    """
    ctx.obj = {k: v for k, v in {"home": home, "mode": mode, "model": model, "recipe": recipe}.items() if v}


@cli.command()
@click.argument("question", nargs=-1, required=True)
@click.option("--k", type=click.IntRange(1, 20), help="Number of sections to answer from.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of streaming text.")
@click.pass_context
def ask(ctx: click.Context, question, k, as_json) -> None:
    """Answer QUESTION from the notes, citing each statement as [n] ('-' reads it from stdin)."""
    text = question_text(sys.stdin.read() if question == ("-",) else " ".join(question))
    assistant = open_assistant(settings_from(ctx), progress=not as_json)
    if as_json:
        result = assistant.ask(text, k=k)
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    from .render import stream_answer

    stream_answer(assistant, text, [], k)


@cli.command()
@click.argument("query", required=True)
@click.option("--k", type=click.IntRange(1, 20), default=5, show_default=True, help="Number of sections.")
@click.option("--json", "as_json", is_flag=True, help="JSON output; with QUERY '-', one JSON line per stdin line.")
@click.pass_context
def search(ctx: click.Context, query, k, as_json) -> None:
    """Rank the question sections for QUERY ('-' reads one query per line from stdin)."""
    from .render import print_search
    from .service import QuestionError

    queries = [line.strip() for line in sys.stdin] if query == "-" else [question_text(query)]
    assistant = open_assistant(settings_from(ctx), progress=not as_json)
    failed = 0
    for q in queries:
        if not q:
            continue
        try:
            hits, covered = assistant.search(q, k)
        except QuestionError as exc:  # one bad line in a batch must not stop the others
            failed += 1
            if as_json:
                click.echo(json.dumps({"query": q[:200], "error": str(exc)}, ensure_ascii=False))
            else:
                click.echo(f"error: {exc}", err=True)
            continue
        if as_json:
            click.echo(json.dumps({"query": q, "covered": covered, "results": [h.to_json() for h in hits]}, ensure_ascii=False))
        else:
            print_search(q, hits, covered)
    if failed:
        ctx.exit(1)


@cli.command()
@click.option("--k", type=click.IntRange(1, 20), help="Number of sections to answer from.")
@click.pass_context
def chat(ctx: click.Context, k) -> None:
    """Multi-turn chat in the terminal; follow-ups use the conversation. /new resets, /quit exits."""
    from .render import stream_answer
    from .service import QuestionError

    assistant = open_assistant(settings_from(ctx))
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
        try:
            result = stream_answer(assistant, text, history, k)
        except QuestionError as exc:
            click.echo(f"error: {exc}", err=True)
            continue
        history += [{"role": "user", "content": text}, {"role": "assistant", "content": result.answer}]


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.pass_context
def ingest(ctx: click.Context, paths) -> None:
    """Index notes files or folders (default: the configured corpus). Unchanged sections are skipped."""
    from .index import ingest as run_ingest

    settings = settings_from(ctx)
    report = run_ingest(settings, list(paths) or None, progress=True)
    for err in report.errors:
        click.echo(f"error: {err}", err=True)
    click.echo(report.summary())
    if report.errors:
        ctx.exit(1)


@cli.command("config")
@click.pass_context
def show_config(ctx: click.Context) -> None:
    """Show every setting, its environment variable and current value."""
    for env, value, help_ in settings_from(ctx).describe():
        click.echo(f"{env:24} {value or '-':40} {help_}")


def _register_plugins() -> None:
    # Feature modules add their commands; each imports only click and config at start-up.
    from .cli_eval import eval_command, judge_command
    from .cli_interview import register as register_interview
    from .cli_web import web

    register_interview(cli)
    for command in (web, eval_command, judge_command):
        cli.add_command(command)


if __name__ != "__main__":  # under `python -m`, the import at the end of this file registers them
    _register_plugins()


def main() -> None:
    """Console entry point: runs the CLI and turns known errors into one-line messages."""
    try:
        rc = cli.main(standalone_mode=False)
        if isinstance(rc, int) and rc:
            sys.exit(rc)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.UsageError as exc:  # one line, not click's three-line usage block
        command = exc.ctx.command_path if exc.ctx else "assistant"
        click.echo(f"error: {exc.format_message()} (see '{command} --help')", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # last resort: one line, no traceback, unless debugging
        if os.environ.get("ASSISTANT_DEBUG"):
            raise
        known = isinstance(exc, user_errors())
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        click.echo(f"error: {message}" if known else f"error: {type(exc).__name__}: {message}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
