"""The `notes` command: list the indexed notes, or show one section and its key-point outline.

`assistant notes` lists every indexed question; `assistant notes 28` prints the section;
`assistant notes 28 --points` prints its outline (the points answers, grading and judging use).
Registered on the main group by `assistant/cli/__init__.py`; only click loads at import.
"""

from __future__ import annotations

import json

import click

from assistant.cli.common import QuestionId, numbered_row, open_assistant, settings_from, several_files


@click.command()
@click.argument("question", type=QuestionId(), required=False)
@click.option("--points", is_flag=True, help="Show the section's key-point outline instead of its text.")
@click.option("--file", "file", metavar="NAME", help="The notes file of question NUMBER when several files number it.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def notes(ctx: click.Context, question, points, file, as_json) -> None:
    """List the indexed notes, or show question N (with --points: its outline); a number a file repeats has its later
    sections listed as N~2, N~3 …"""
    from pathlib import Path

    from assistant.cli.common import usage_error
    from assistant.notes.keypoints import outline
    from assistant.notes.parse import question_label

    assistant = open_assistant(settings_from(ctx), progress=not as_json)
    rows = sorted(assistant.notes(), key=lambda r: int(r["question"]))
    if question is None:
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        many = several_files(rows)
        for r in rows:
            where = f"{Path(r['file']).name}  " if many else ""
            click.echo(f"{r['uid']:>4}  {where}{r['title']}" + ("" if r["kind"] == "text" else f"  ({r['kind']})"))
        return
    number, uid = question
    row = numbered_row(rows, question, file)
    if row is None:
        where = f" of {file}" if file else ""
        raise usage_error(f"no question {uid or number} in the notes{where} (see 'assistant notes')")
    body = assistant.section(row["file_key"], row["uid"])
    label = question_label(number, row["title"])
    if not points:
        click.echo(json.dumps({"question": number, "title": row["title"], "body": body}, ensure_ascii=False)
                   if as_json else f"{label}\n\n{body}")
        return
    o = outline(body)
    if as_json:
        data = [{"point": p.label, "lead": p.lead, "support": list(p.support), "kind": p.kind, "group": p.group}
                for p in o.points]
        click.echo(json.dumps({"question": number, "title": row["title"], "points": data}, ensure_ascii=False, indent=2))
        return
    click.secho(label, bold=True)
    if not o.points:  # a title alone said nothing: the section is a figure or a link (`notes` marks it so)
        kind = row.get("kind", "")
        click.echo(f"  no key points: this section is {kind} in the notes, with no text to outline"
                   if kind and kind != "text" else "  no key points: this section has no text to outline")
        return
    group = ""
    for i, p in enumerate(o.points, start=1):
        if p.group and p.group != group:
            group = p.group
            if p.label != group:  # a sub-heading that is itself the point ("### 101.1 训练与推理的区别") is printed once
                click.secho(f"  {group}", fg="cyan")
        click.echo(f"{i:>3}. {p.label}")
        for s in p.support[:2]:
            click.echo(f"       · {s}")
        if len(p.support) > 2:
            click.echo(f"       · … (+{len(p.support) - 2})")


COMMANDS = (notes,)
