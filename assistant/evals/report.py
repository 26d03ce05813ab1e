"""The human side of a run: the summary table, the Markdown report and the matplotlib charts.

Charts use the Agg backend (no display needed) and are written next to report.md, which
links them. The report states how far each judge can be trusted: its precision/recall on
the calibration set per error type, and the offline proxy's thresholds and blind spots.
"""

from __future__ import annotations

from pathlib import Path

from assistant.evals.runs import flat_metrics

SUMMARY_KEYS = ("retrieval.hit@1", "retrieval.hit@3", "retrieval.mrr", "retrieval.in_scope_answered",
                "retrieval.oos_declined", "answers.faithfulness", "answers.citation_precision",
                "answers.citation_recall", "answers.relevancy", "answers.n_answered", "answers.claims",
                "grading.ordering_accuracy")
PROXY_LIMITS = (
    "Offline judge (generated answers): a claim is supported when its best e5 cosine against a sentence "
    "of a cited section is ≥ {semantic}, a Chinese claim shares ≥ {lexical} of its "
    "character bigrams/Latin words with the section, and every number it states occurs in the section. "
    "Thresholds were tuned for sentence-level F1 on eval/answers.jsonl (every pair in 0.82-0.83 cosine x "
    "0.23-0.30 lexical gives the same F1, 0.811; 0.83/0.28 were kept). Limits: it cannot read negation or swapped "
    "roles, so contradictions that reuse the section's words pass; English claims about Chinese sections are "
    "judged on the cosine alone; the thresholds were fitted on the same 45 items they are reported on, so expect "
    "lower recall on new data. Extractive answers are checked exactly (verbatim after removing whitespace and "
    "the notes' own [n] footnote markers), which has no such limits. Answer relevancy is a proxy: the e5 "
    "cosine between the question and the answer's claims joined (RAGAS instead generates questions from the answer "
    "and compares them with the question); it rewards topical answers and cannot tell a complete answer from a partial one."
)


def summary_rows(results: dict, baseline: dict | None = None) -> list[tuple[str, str, str]]:
    """(metric, value, baseline) rows for the printed table and the report."""
    now = flat_metrics(results)
    before = flat_metrics(baseline) if baseline else {}
    keys = [k for k in SUMMARY_KEYS if k in now]
    keys += sorted(k for k in now if k.startswith("calibration.") and k.rsplit(".", 1)[-1] in ("precision", "recall"))
    return [(k, _fmt(now[k]), _fmt(before.get(k)) if baseline else "") for k in keys]


def _fmt(value) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def table(rows: list[tuple[str, str, str]], with_baseline: bool) -> str:
    """A plain-text table for the terminal."""
    width = max((len(r[0]) for r in rows), default=10)
    head = f"{'metric':{width}}  {'value':>8}" + ("  baseline" if with_baseline else "")
    lines = [head, "-" * len(head)]
    for name, value, base in rows:
        lines.append(f"{name:{width}}  {value:>8}" + (f"  {base:>8}" if with_baseline else ""))
    return "\n".join(lines)


def markdown(results: dict, rows, regressions: list[str] | None, charts: list[str], thresholds: dict) -> str:
    """The whole report.md."""
    sets = results["sets"]
    md = [f"# Eval run {results['run_id']}", "",
          f"Judge: `{results['judge']}` · sets: {', '.join(sets)} · recipe `{results['settings']['recipe']}` · "
          f"k={results['settings']['k']} · created {results['created']}", "",
          "| metric | value |" + (" baseline |" if regressions is not None else ""),
          "|---|---|" + ("---|" if regressions is not None else "")]
    md += [f"| {n} | {v} |" + (f" {b} |" if regressions is not None else "") for n, v, b in rows]
    md += [""] + [f"![{Path(c).stem}]({Path(c).name})" for c in charts]
    if regressions is not None:
        md += ["", "## Regressions against the baseline", ""]
        md += [f"- {line}" for line in regressions] or ["None."]
    if "test" in sets:
        md += ["", "## Frozen blind test set (eval/test/)", "",
               "Rates with n and 95 % Wilson intervals. Only aggregates are shown: the item-level rows are kept in "
               "results.json for the record, and reading them to change the system would spend the set.", "",
               "```", rates_table(results), "```"]
    if "retrieval" in sets:
        md += ["", "## Retrieval by query kind", "", "| kind | n | hit@1 | hit@3 | MRR | answered/declined |", "|---|---|---|---|---|---|"]
        for kind, m in sets["retrieval"]["by_kind"].items():
            rate = m["oos_declined"] if kind == "out_of_scope" else m["in_scope_answered"]
            md.append(f"| {kind} | {m['n_in_scope'] or m['n_out_of_scope']} | {m['hit@1']} | {m['hit@3']} | {m['mrr']} | {rate} |")
        misses = [r for r in sets["retrieval"]["items"] if r["gold"] and r["rank"] != 1]
        md += ["", f"Queries whose best gold section is not ranked first ({len(misses)}):", ""]
        md += [f"- {r['id']} ({r['kind']}) rank {r['rank']}: {r['query']} — gold {r['gold']}, got {r['ranked'][:3]}" for r in misses]
    if "answers" in sets:
        m = sets["answers"]["metrics"]
        md += ["", "## Extractive answers", "",
               f"{m['n_answered']} of {m['n_queries']} in-scope queries of eval/retrieval.jsonl were answered "
               f"({m['n_declined']} declined by the coverage check, {m['n_without_quotes']} covered but with nothing "
               f"to quote); {m['claims']} quoted claims, "
               f"{m['unsupported_claims']} unsupported."]
        bad = [r for r in sets["answers"]["items"] if r.get("flagged")]
        md += [f"- {r['id']}: {r['query']} — unsupported: {' / '.join(s[:80] for s in r['flagged'])}" for r in bad]
    if "calibration" in sets:
        md += ["", "## Judge calibration (eval/answers.jsonl)", "",
               "Sentence level: a flag on the labelled bad sentence is a hit, any other flag a false alarm. "
               "Item level: an answer with any flag is called unfaithful.", "",
               "| judge | subset | items | bad | flags | caught | precision | recall | item precision | item recall |",
               "|---|---|---|---|---|---|---|---|---|---|"]
        for judge, data in sets["calibration"].items():
            for subset, c in data["metrics"].items():
                md.append(f"| {judge} | {subset} | {c['items']} | {c['bad']} | {c['flags']} | {c['caught']} | "
                          f"{_fmt(c['precision'])} | {_fmt(c['recall'])} | {_fmt(c['item_precision'])} | {_fmt(c['item_recall'])} |")
            stats = ", ".join(f"{k} {v}" for k, v in data["stats"].items())
            md += ["", f"{judge} judge: {stats}.", ""]
            from assistant.evals.metrics import is_bad

            for r in data["items"]:
                if r["bad_sentence"] and not any(is_bad(s, r["bad_sentence"]) for s in r["flagged"]):
                    md.append(f"- missed {r['id']} ({r['error_type']}): {r['bad_sentence']}")
                for s in r["flagged"]:
                    if not is_bad(s, r["bad_sentence"]):
                        md.append(f"- false alarm {r['id']}: {s}")
        md += ["", PROXY_LIMITS.format(**thresholds)]
    if "grading" in sets:
        g = sets["grading"]["metrics"]
        md += ["", "## Mock-interview grader (eval/grading.jsonl)", "",
               f"Ordering accuracy {g['ordering_accuracy']} (even questions {g['ordering_accuracy_even']}, odd "
               f"{g['ordering_accuracy_odd']}, ties {g['ties']}) over {g['n_questions']} questions."]
        md += [f"- q{r['question']} out of order: {r['scores']}" for r in sets["grading"]["items"] if not r["ordered"]]
    return "\n".join(md) + "\n"


def charts(results: dict, folder: Path) -> list[Path]:
    """PNG charts for the sets that ran; returns their paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = []
    sets = results["sets"]
    if "retrieval" in sets:
        kinds = [k for k in sets["retrieval"]["by_kind"] if k != "out_of_scope"]
        fig, ax = plt.subplots(figsize=(8, 4))
        for i, metric in enumerate(("hit@1", "hit@3", "mrr")):
            ax.bar([x + i * 0.27 for x in range(len(kinds))], [sets["retrieval"]["by_kind"][k][metric] for k in kinds],
                   width=0.27, label=metric)
        ax.set_xticks([x + 0.27 for x in range(len(kinds))], kinds)
        ax.set_ylim(0, 1.05)
        ax.set_title("Retrieval by query kind")
        ax.legend(loc="lower right")
        out.append(_save(fig, folder / "retrieval.png"))
    if "answers" in sets:
        items = [r for r in sets["answers"]["items"] if r.get("claims")]
        fig, ax = plt.subplots(figsize=(8, 4))
        for name in ("faithfulness", "citation_precision", "citation_recall"):
            ax.hist([r[name] for r in items if r.get(name) is not None], bins=10, range=(0, 1), alpha=0.5, label=name)
        ax.set_title(f"Extractive answers (n={len(items)}): per-answer scores")
        ax.set_xlabel("score")
        ax.set_ylabel("answers")
        ax.legend(loc="upper left")
        out.append(_save(fig, folder / "answers.png"))
    if "calibration" in sets:
        fig, ax = plt.subplots(figsize=(8, 4))
        judges = list(sets["calibration"])
        subsets = [s for s in sets["calibration"][judges[0]]["metrics"] if s != "faithful"]
        width = 0.8 / (2 * len(judges))
        for j, judge in enumerate(judges):
            m = sets["calibration"][judge]["metrics"]
            for k, metric in enumerate(("precision", "recall")):
                ax.bar([x + (2 * j + k) * width for x in range(len(subsets))], [m[s][metric] or 0 for s in subsets],
                       width=width, label=f"{judge} {metric}")
        ax.set_xticks([x + 0.4 - width / 2 for x in range(len(subsets))], subsets)
        ax.set_ylim(0, 1.3)  # headroom for the legend; precision is 0 where a judge raised no flag
        ax.set_title("Judge calibration: catching the injected bad sentence")
        ax.legend(loc="upper center", ncol=2 * len(judges), fontsize=8)
        out.append(_save(fig, folder / "calibration.png"))
    return out


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return path


def rates(results: dict) -> dict:
    """The frozen test set's rates: name → {value, n, lo, hi}."""
    return results.get("sets", {}).get("test", {}).get("rates", {})


def rates_table(results: dict) -> str:
    """Rates with n and interval, one per line: 'name  0.950  [0.91, 0.97]  n=160'."""
    lines = []
    items = rates(results)
    width = max((len(k) for k in items), default=10)
    for name, r in items.items():
        value = "-" if r["value"] is None else f"{r['value']:.3f}"
        interval = "" if r["lo"] is None else f"[{r['lo']:.3f}, {r['hi']:.3f}]"
        lines.append(f"{name:{width}}  {value:>6}  {interval:16}  n={r['n']}")
    return "\n".join(lines)
