"""`assistant eval` and `assistant judge`: the eval harness and one-off faithfulness checks from the shell.

Registered on the main group by `assistant/cli/__init__.py`. Exit codes follow the CLI:
0 success, 2 usage errors, 1 runtime errors and metrics below their CI floor (one line each).
Only click and the settings are imported here; the index, models and matplotlib load
inside the commands.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from assistant.cli.common import Failure, open_assistant, question_text, settings_from
from assistant.config import Settings

SETS = ("retrieval", "answers", "grading", "test")
EVERYDAY = SETS[:3]  # `all`: the regression sets; the frozen test set runs only when named


def _parse_sets(value: str) -> list[str]:
    names = [s.strip() for s in value.split(",") if s.strip()]
    if "all" in names:
        return list(EVERYDAY) + (["test"] if "test" in names else [])
    unknown = [s for s in names if s not in SETS]
    if unknown or not names:
        raise click.BadParameter(f"unknown set {', '.join(unknown) or value!r}; use retrieval, answers, grading, test or all",
                                 param_hint="--set")
    return [s for s in SETS if s in names]


def _eval_dir():
    from assistant.config import ConfigError, package_data_dir

    try:
        return package_data_dir("eval")
    except ConfigError as exc:
        raise Failure(str(exc)) from None


def _judge(kind: str, settings: Settings, embeddings=None):
    if kind == "offline":
        from assistant.evals.judges import OfflineJudge

        return OfflineJudge.from_settings(settings, embeddings)
    if not settings.llm_configured:
        raise Failure("--judge llm needs OPENAI_BASE_URL or OPENAI_API_KEY")
    from assistant.evals.llm_judge import LLMJudge

    return LLMJudge(settings)


@click.command("eval")
@click.option("--set", "set_", default="all", show_default=True, help="retrieval, answers, grading or all (comma-separated).")
@click.option("--judge", "judge_kind", type=click.Choice(["offline", "llm"]), default="offline", show_default=True,
              help="Faithfulness judge; 'llm' uses the configured endpoint (offline is always calibrated too).")
@click.option("--baseline", help="Earlier run (folder or run id) to compare with; regressions are listed item by item.")
@click.option("--out", type=click.Path(file_okay=False), help="Run folder (default: HOME/eval-runs/<timestamp>).")
@click.option("--k", type=click.IntRange(1, 20), default=5, show_default=True, help="Retrieval depth for hit@k/MRR.")
@click.option("--check-floors", is_flag=True, help="Exit 1 if a metric is below its floor in eval/floors.json.")
@click.option("--floors", "floors_file", type=click.Path(dir_okay=False), help="Floors file (implies --check-floors).")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics, regressions and floor failures as JSON.")
@click.pass_context
def eval_command(ctx: click.Context, set_, judge_kind, baseline, out, k, check_floors, floors_file, as_json) -> None:
    """Run the eval sets; write results.json, report.md and charts to a run folder; print a summary."""
    from assistant.evals import report, runs, suites
    from assistant.evals.retrieval import load_jsonl

    sets = _parse_sets(set_)
    settings = settings_from(ctx)
    if judge_kind == "llm" and not settings.llm_configured:  # fail before minutes of retrieval, not after
        raise Failure("--judge llm needs OPENAI_BASE_URL or OPENAI_API_KEY")
    data = _eval_dir()
    base = None
    if baseline:
        try:
            base = runs.load_results(runs.resolve_run(baseline, settings.home))
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--baseline") from None
    floors = None
    if check_floors or floors_file:
        path = floors_file or data / "floors.json"
        try:
            floors = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise Failure(f"cannot read floors file {path}: {exc}") from None

    results = {"run_id": "", "created": time.strftime("%Y-%m-%dT%H:%M:%S"), "judge": judge_kind,
               "settings": {"recipe": settings.recipe, "k": settings.k, "retrieval_k": k, "min_score": settings.min_score,
                            "answer_mode": "extractive", "judge_model": settings.model if judge_kind == "llm" else None},
               "sets": {}, "seconds": {}}
    thresholds = {}
    # The CI floor guards extractive answers: never let an endpoint in the environment change them.
    assistant = open_assistant(settings.replace(mode="extractive"), progress=not as_json) if {"retrieval", "answers"} & set(sets) else None
    for name in sets:
        start = time.perf_counter()
        if name == "retrieval":
            results["sets"]["retrieval"] = suites.retrieval_suite(assistant, load_jsonl(data / "retrieval.jsonl"), k)
        elif name == "answers":
            from assistant.evals.judges import Embeddings

            embeddings = Embeddings()
            offline = _judge("offline", settings, embeddings)
            thresholds = {"semantic": offline.semantic_min, "lexical": offline.lexical_min}
            judge = offline if judge_kind == "offline" else _judge("llm", settings)
            results["sets"]["answers"] = _guarded(suites.answers_suite, assistant, load_jsonl(data / "retrieval.jsonl"),
                                                  judge, embeddings)
            judges = [offline] if judge is offline else [offline, judge]
            results["sets"]["calibration"] = _guarded(suites.calibration_suite, load_jsonl(data / "answers.jsonl"),
                                                      judges, suites.section_texts(assistant))
        elif name == "test":
            results["sets"]["test"] = _test_suite(settings, k, progress=not as_json)
        else:
            try:
                results["sets"]["grading"] = suites.grading_suite(load_jsonl(data / "grading.jsonl"), settings)
            except suites.SuiteUnavailable as exc:
                if len(sets) == 1:
                    raise Failure(str(exc)) from None
                click.echo(f"note: grading skipped: {exc}", err=True)
        results["seconds"][name] = round(time.perf_counter() - start, 1)

    folder = runs.new_run_dir(settings.home, out)
    results["run_id"] = folder.name
    regressions = runs.regressions(results, base) if base else None
    failures = runs.check_floors(results, floors) if floors is not None else []
    results["regressions"], results["floor_failures"] = regressions, failures
    runs.save_results(folder, results)
    rows = report.summary_rows(results, base)
    pngs = report.charts(results, folder)
    (folder / "report.md").write_text(report.markdown(results, rows, regressions, [str(p) for p in pngs], thresholds),
                                      encoding="utf-8")
    if as_json:
        click.echo(json.dumps({"run": str(folder), "metrics": runs.flat_metrics(results), "regressions": regressions,
                               "floor_failures": failures, "test": report.rates(results)}, ensure_ascii=False, indent=2))
    else:
        click.echo(report.table(rows, base is not None))
        if "test" in results["sets"]:
            click.echo("\nfrozen test set (95 % Wilson intervals)\n" + report.rates_table(results))
        if regressions is not None:
            click.echo(f"\n{len(regressions)} regression(s) against the baseline" + (":" if regressions else ""))
            for line in regressions:
                click.echo(f"  {line}")
        click.echo(f"\nrun folder: {folder}")
    for line in failures:
        click.echo(line, err=True)
    if failures:
        ctx.exit(1)


def _test_suite(settings: Settings, k: int, progress: bool) -> dict:
    """The frozen blind test set, verified, on its own index (shipped notes + the test's notes)."""
    from assistant.evals import frozen

    folder = frozen.test_folder()
    frozen.verify(folder)
    test_settings = frozen.test_settings(settings.replace(mode="extractive"), folder)
    return frozen.run(open_assistant(test_settings, progress=progress), test_settings, folder, k)


def _guarded(fn, *args):
    from assistant.evals.llm_judge import JudgeError

    try:
        return fn(*args)
    except JudgeError as exc:
        raise Failure(str(exc)) from None


@click.command("judge")
@click.option("--question", required=True, help="The question the answer responds to (used to retrieve contexts).")
@click.option("--answer", required=True, help="The answer to score; [n] cites the n-th retrieved section.")
@click.option("--judge", "judge_kind", type=click.Choice(["offline", "llm"]), default="offline", show_default=True)
@click.option("--k", type=click.IntRange(1, 20), help="Number of sections retrieved as contexts.")
@click.option("--json", "as_json", is_flag=True, help='Print {"faithfulness", "claims": [...]} as JSON.')
@click.pass_context
def judge_command(ctx: click.Context, question, answer, judge_kind, k, as_json) -> None:
    """Score one answer's faithfulness against what retrieval finds for the question."""
    from assistant.evals.judges import Embeddings
    from assistant.evals.suites import judge_answer
    from assistant.service import Assistant

    if not (answer or "").strip():
        raise click.UsageError("the answer is empty")
    question, answer = question_text(question), question_text(answer)
    settings = settings_from(ctx)
    judge = _judge(judge_kind, settings, Embeddings())
    hits = Assistant(settings.replace(mode="extractive"), progress=not as_json).search(question, k).hits
    contexts = {n: h.section for n, h in enumerate(hits, start=1)}
    result = _guarded(judge_answer, judge, question, answer, contexts)
    if as_json:
        keys = ("faithfulness", "citation_precision", "citation_recall", "unparseable")
        click.echo(json.dumps({**{key: result[key] for key in keys}, "claims": result["verdicts"],
                               "sources": [h.label for h in hits]}, ensure_ascii=False, indent=2))
        return
    for n, h in enumerate(hits, start=1):
        click.echo(f"[{n}] {h.label}")
    supported = sum(v["supported"] is True for v in result["verdicts"])
    f = result["faithfulness"]
    click.echo(f"\nfaithfulness: {'-' if f is None else f'{f:.2f}'} ({supported}/{len(result['verdicts'])} claims supported)")
    marks = {True: "✓", False: "✗", None: "?"}
    for v in result["verdicts"]:
        cites = "".join(f"[{n}]" for n in v["citations"]) or "(no citation)"
        click.echo(f"{marks[v['supported']]} {v['claim']} {cites}")
        if v["evidence"]:
            click.echo(f"    {'evidence' if v['supported'] else 'closest'}: {v['evidence'][:160]}")
