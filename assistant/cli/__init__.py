"""The `assistant` command: a thin layer that parses input, calls the core, and renders.

Exit codes: 0 success, 2 usage errors (click's own, and empty questions), 1 runtime errors.
Every error is one line on stderr, never a traceback (set ASSISTANT_DEBUG=1 to see one).
Only click and the settings are imported at start-up; the index, models and LangChain are
imported when a command needs them, so `assistant --help` is instant.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys

import click

from assistant.cli import ask, doctor, export, history, interview, notes, web
from assistant.cli import eval as eval_commands
from assistant.errors import UserError, first_line


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


COMMANDS = (*ask.COMMANDS, *notes.COMMANDS, *interview.COMMANDS, *history.COMMANDS, *export.COMMANDS, *doctor.COMMANDS,
            web.web, eval_commands.eval_command, eval_commands.judge_command)
for _command in COMMANDS:
    cli.add_command(_command)


def main() -> None:
    """Console entry point: runs the CLI and turns known errors into one-line messages."""
    from assistant.runtime import configure

    configure()  # before any native library loads
    # At exit CPython's finalisation runs full garbage collections over every object still
    # alive (the catalogue, USE's vocabulary, LangChain and pydantic classes): ≈ 0.3 s of a
    # 1.5 s cold `assistant ask` in a perf profile (docs/performance.md). They all die with
    # the process, so they are frozen (skipped by those collections) as the last exit step.
    # Every write (Chroma, SQLite) is durable when its call returns (tests/test_fault_injection.py
    # SIGKILLs ingest mid-write), so no data waits on a collection here.
    atexit.register(gc.freeze)
    # Start-up allocates a few million objects (imports, the catalogue snapshot, USE's vocabulary) and
    # the default threshold (700) collected the young generation thousands of times on the way: 50,000
    # cut a cold `assistant ask` by ≈ 4 % (1.30 -> 1.25 s, medians of 9, 1,000 sections, load 4-5). Only the young
    # generation's threshold changes; the older ones keep Python's defaults (`assistant web` runs for days on this).
    gc.set_threshold(50_000, *gc.get_threshold()[1:])
    try:
        rc = cli.main(prog_name="assistant", standalone_mode=False)
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
        message = first_line(exc, limit=1000)
        if "readonly database" in message:  # SQLite refusing a write to a file mounted or marked read-only (blind QA)
            message = ("the app's database (assistant.db in ASSISTANT_HOME) is read-only, so nothing could be saved; "
                       "make it writable or use another ASSISTANT_HOME")
            exc = UserError(message)
        click.echo(f"error: {message}" if isinstance(exc, UserError) else f"error: {type(exc).__name__}: {message}", err=True)
        sys.exit(1)

