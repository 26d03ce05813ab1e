"""The `interview` and `grade` commands: mock interviews in the terminal (`history` is cli/history.py).

Registered on the main group by `assistant/cli/__init__.py`. Like every command module, only
click and the settings are imported at start-up. Usage errors (unknown topic or question, empty
answer) exit 2 with one line; runtime errors exit 1.
"""

from __future__ import annotations

import json
import sys
import time

import click

from assistant.cli.common import QuestionId, command_help, open_store, topic_id_of, usage_error
from assistant.config import Settings
from assistant.interview.plan import MAX_QUESTIONS


def _kit(settings: Settings, progress: bool = True):
    """The interview kit (notebook, prompts, grader) over the Assistant's index (`progress`: index messages)."""
    from assistant.cli.common import open_assistant
    from assistant.interview.kit import InterviewKit

    return InterviewKit.build(settings, open_assistant(settings, progress=progress))


def _grading(settings: Settings):
    """Notebook and grader for `grade`, read straight from the configured notes: no index, Chroma or LangChain."""
    from assistant.answering.prompts import Prompts
    from assistant.cli.common import Failure
    from assistant.interview.grader import build_grader
    from assistant.interview.notebook import Notebook
    from assistant.notes.parse import CorpusError

    try:
        notebook = Notebook.from_files(settings.corpus_paths)
    except CorpusError as exc:
        raise Failure(str(exc)) from None
    prompts = Prompts(settings.prompts_path)
    return notebook, build_grader(settings, prompts, sections=notebook.references)


@click.command()
@click.option("--topic", help="Practise one topic: a topic id or part of its name (e.g. rnn, 梯度爆炸).")
@click.option("--n", "n", type=click.IntRange(1, MAX_QUESTIONS), default=5, show_default=True,
              help="Questions per session.")
@click.option("--resume", is_flag=True, help="Continue the latest unfinished session.")
@click.option("--time-limit", "time_limit", type=click.FloatRange(min=0), metavar="SECONDS",
              help="Per-question time limit (0 = none, as in the web tab); slower answers are flagged in the report and "
                   "rated at most Hard.")
@click.option("--weak", is_flag=True, help="Only questions already answered, lowest mastery first (practise my weak questions).")
@click.option("--file", "file", metavar="NAME",
              help="Only the questions of one notes file (its name, e.g. my-notes.md, as in `notes --file`).")
@click.option("--seed", type=int, hidden=True, help="Seed for the question wording (tests).")
@click.pass_context
def interview(ctx: click.Context, topic, n, resume, time_limit, weak, file, seed) -> None:
    """Mock interview from the notes: answer, get graded, and weak questions come back later.

    Type an answer and press Enter. /skip (or an answer that only says "不知道" / "I don't know")
    shows the notes' points and moves on; /quit (or Ctrl-D) pauses the session, which
    `assistant interview --resume` continues.
    """
    from assistant.cli.common import settings_from
    from assistant.interview.session import InterviewError

    if resume and (topic or weak or file or ctx.get_parameter_source("n") != click.core.ParameterSource.DEFAULT):
        raise usage_error("--resume continues the latest session as it was planned: leave out --topic, --n, --weak "
                          "and --file")
    topic_id = topic_id_of(topic)
    settings = settings_from(ctx)
    parts = _kit(settings)
    if file and not parts.notebook.askable(file=file):  # a name no file has, rather than "no questions in it"
        raise usage_error(f"no notes file named {file!r} has questions to practise; notes files: "
                          f"{', '.join(parts.notebook.files())}")
    store = open_store(settings)
    try:
        if resume:
            session = parts.resume(store)
            if session is None:
                raise usage_error("there is no unfinished interview to resume; start one with `assistant interview`")
        else:
            session = parts.start(store, topic_id, n, seed, time_limit=time_limit or None, weak=weak, file=file)
    except InterviewError as exc:
        raise usage_error(str(exc)) from None
    click.secho(f"interview #{session.id} · {session.total} question(s) · grader: {parts.grader_name}"
                " · /skip · /quit pauses", fg="cyan")
    shown = False
    while not session.done:
        turn = session.current
        if turn is None:
            break
        topic_name = parts.notebook.topic(turn.note.topic).display
        if turn.kind != "probe" or not shown:  # a resumed follow-up comes after the question it belongs to (blind QA)
            limit = f" · ⏱ {session.time_limit:g} s" if session.time_limit else ""
            click.secho(f"\n[{turn.position + 1}/{turn.total}] {topic_name}{limit}", bold=True)
        if turn.kind == "probe":
            if not shown:
                click.echo(session.asked(turn.position))
            click.secho("follow-up:", fg="cyan", bold=True)
        click.echo(turn.prompt)
        shown = True
        started = time.monotonic()
        text = _read_answer()
        if text is None or text == "/quit":
            if store.discard_unanswered(session.id):
                # Nothing to resume: said, and a script that fed no answer learns it from the exit code.
                click.echo(f"\nended before any answer; interview #{session.id} was not kept")
                ctx.exit(0 if text == "/quit" or _interactive() else 1)
            click.echo(f"\npaused; continue with `assistant interview --resume` (session #{session.id})")
            return
        elapsed = round(time.monotonic() - started, 1)
        grade = session.skip(elapsed=elapsed) if text == "/skip" else session.answer(text, elapsed=elapsed)
        _print_grade(grade)
        if session.over_time(elapsed) and turn.kind != "probe":
            click.secho(f"  (took {elapsed:g} s, over the {session.time_limit:g} s limit)", fg="yellow")
    _print_report(session.report())


def _interactive() -> bool:
    """Whether answers are typed at a terminal (not piped from a script)."""
    import sys

    return sys.stdin.isatty()


def _read_answer() -> str | None:
    """One non-empty answer line from the user; None on end of input or Ctrl-C."""
    from assistant.interview.session import InterviewError, checked_answer
    from assistant.service import NOT_UTF8, is_utf8

    while True:
        try:
            text = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            return None
        if not is_utf8(text):  # one undecodable line must not end the session: say so and read the next
            click.echo(f"error: {NOT_UTF8}; type the answer again", err=True)
            continue
        try:
            if text:  # nor one oversized paste (an empty line just asks again, below)
                checked_answer(text)
        except InterviewError as e:
            click.echo(f"error: {e}; type a shorter one", err=True)
            continue
        if text and not _interactive():  # piped answers: show them, so the transcript reads like a dialogue
            click.echo(text)
        if (unknown := command_help(text, ("/skip", "/quit"))) is not None:  # "/bogus" was graded as an answer (3/10)
            click.echo(f"{unknown}/skip shows the notes' points and moves on, /quit pauses (resume with --resume)")
            continue
        if text:
            return text


def _print_grade(grade) -> None:
    click.echo(grade.feedback)
    in_checklist = any(p.get("status") == "contradicted" for p in grade.points)
    for c in [] if in_checklist else grade.contradictions:  # the checklist already quotes them
        click.secho(f"  contradicts the notes: {c}", fg="red")
    if grade.follow_up:
        click.secho(f"  follow-up to think about: {grade.follow_up}", fg="cyan")
    if grade.notice:
        click.secho(f"  ({grade.notice})", fg="yellow")


def _print_report(report) -> None:
    from assistant.interview.follow_up_view import result, score_text

    click.secho("\nReport", bold=True)
    for r in report.rows:
        timing = ""
        if r.get("elapsed") is not None and report.time_limit:
            timing = f"  [{r['elapsed']:g} s{' · over time' if r['over_time'] else ''}]"
        click.echo(f"  {score_text(r):>7}  {r['label']}{timing}")
        probe = r.get("probe")
        if probe and probe.get("status"):
            click.echo(f"          follow-up: {probe['prompt']} → {result(probe, r.get('points', []))}")
    click.echo(f"overall: {report.overall:g}/{report.max_score}")
    click.echo("weak topics: " + (", ".join(report.weak_topics) or "none"))
    if report.reread:
        click.echo("reread:")
        for line in report.reread:
            click.echo(f"  {line}")


@click.command()
@click.option("--question", "question", type=QuestionId(), required=True,
              help="Question number in the notes, e.g. 28 (102~2: the second section a file numbers 102).")
@click.option("--answer", "answer", required=True, help="Your answer ('-' reads it from stdin).")
@click.option("--file", "file", metavar="NAME", help="The notes file of question N when several files number it.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def grade(ctx: click.Context, question, answer, file, as_json) -> None:
    """Grade one answer to question N against the notes (nothing is stored). "不知道" / "I don't know" counts as a
    skip, as in an interview."""
    from assistant.cli.common import settings_from
    from assistant.interview.answer_text import gives_up
    from assistant.interview.grades import grade_skip, reply_language
    from assistant.interview.session import InterviewError, checked_answer
    from assistant.service import NOT_UTF8, is_utf8

    if answer == "-":
        answer = sys.stdin.read()
    try:
        answer = checked_answer(answer)  # before the index is opened: an empty or oversized answer costs nothing
    except InterviewError as e:
        raise usage_error(str(e)) from None
    if not is_utf8(answer):
        raise usage_error(NOT_UTF8)
    notebook, grader, note = _graded(settings_from(ctx), question, file, as_json)
    number, uid = question
    if note.kind != "text":
        raise usage_error(f"question {uid or number} is {note.kind} in the notes: there is no text to grade against")
    ref = notebook.reference(note)
    result = grade_skip(grader, getattr(grader, "prompts", None), ref, reply_language(answer, ref.title)) \
        if gives_up(answer) else grader.grade(ref, answer)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    _print_grade(result)


def _graded(settings: Settings, question: tuple[int, str | None], file: str | None, quiet: bool):
    """(notebook, grader, note) for `grade --question`: the note is looked up as `notes N` looks it up
    (common.numbered_row), so a number two notes files share is the same one-line usage error, `--file` picks one,
    and the message names the files alike; no file with the question is a usage error listing the numbers.

    With an index, the lookup reads its question list, which holds the files ingested by hand too: reading only the
    configured notes (to skip opening the index) graded their question 21 without a word when an ingested swish.md
    also numbered 21 (blind QA). Opening the index adds a fraction of a second to `grade`; a question of the
    configured notes is still graded by the notebook and grader read from their files, and only one from elsewhere
    builds the interview kit over the index. With no index yet there is nothing but the configured notes."""
    from assistant.cli.common import numbered_row, open_assistant
    from assistant.interview.kit import InterviewKit

    notebook, grader = _grading(settings)
    assistant = None
    if settings.chroma_host or settings.chroma_path.exists():
        assistant = open_assistant(settings, progress=not quiet)  # quiet (--json): one JSON object, nothing else
        rows = assistant.notes()
    else:
        rows = [{"file": n.file, "file_key": n.file_key, "uid": n.uid, "question": n.number} for n in notebook.notes]
    row = numbered_row(rows, question, file)
    if row is None:
        numbers = sorted({int(r["question"]) for r in rows})
        raise usage_error(f"question {question[0]} is not in the notes (questions: {', '.join(map(str, numbers))})")
    key = f"{row['file_key']}:{row['uid']}"
    if notebook.get(key) is None and assistant is not None:  # ingested from elsewhere: the kit knows its sections
        kit = InterviewKit.build(settings, assistant)
        notebook, grader = kit.notebook, kit.grader
    note = notebook.get(key)
    if note is None:  # listed by the index but not in its notebook: never seen, but one line rather than a traceback
        raise usage_error(f"question {question[1] or question[0]} could not be read from the notes; run `assistant doctor`")
    return notebook, grader, note


COMMANDS = (interview, grade)
