"""Evaluation harness: retrieval, faithfulness and citation metrics, judges, run reports.

Modules: `claims` (answer → claims), `metrics` (pure RAGAS-style scoring), `judges`
(offline proxy judge), `llm_judge` (LLM judge with a cache), `suites` (running the eval
sets), `runs` (run folders, baseline diffs, floors), `report` (Markdown and charts).
The retrieval primitives stay in `assistant.evals.retrieval`, which the benchmark imports.
"""
