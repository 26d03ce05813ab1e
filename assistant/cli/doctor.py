"""`assistant doctor`: check the index against the notes and the interview database, and repair by ingesting.

A thin layer over assistant/retrieval/doctor.py: one line per problem on stdout, then a
summary line. Exit 0 when healthy (or repaired), 1 when problems remain. The index and
models load only inside the command.
"""

from __future__ import annotations

import json

import click

from assistant.cli.common import settings_from


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--repair", is_flag=True, help="Fix what an ingest can fix (the normal incremental ingest), then check again.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def doctor(ctx: click.Context, paths, repair, as_json) -> None:
    """Check that every notes section is fully indexed in every collection (default: the configured notes).

    Reports sections missing, outdated or half-written in a collection, chunks of removed
    sections, ids stored twice, and the interview database's integrity check.
    Exit code 0: healthy; 1: problems found (and, with --repair, not all fixed).
    """
    from assistant.retrieval import doctor as checks

    settings = settings_from(ctx)
    roots = list(paths) or None
    health = checks.check(settings, roots)
    found, report = health, None
    if repair and health.repairable:
        report, health = checks.repair(settings, roots)
    if as_json:
        out = health.to_json()
        if repair:
            out["repair"] = {"found": found.to_json()["problems"], "ingest": None if report is None else report.summary()}
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for p in found.problems:
            click.echo(p.message)
        for line in health.notices + health.others:
            click.echo(f"note: {line}")
        if report is not None:
            click.echo(f"repaired by ingest: {report.summary()}")
            for p in health.problems:
                click.echo(f"still: {p.message}")
        click.echo(health.summary())
    if not health.ok:
        ctx.exit(1)


COMMANDS = (doctor,)
