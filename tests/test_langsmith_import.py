"""LangChain's Runnables load without LangSmith's API type modules, which still load when asked for
(answering/langsmith_import.py)."""

from __future__ import annotations

import subprocess
import sys


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip()


def test_the_chain_imports_without_the_type_modules_and_they_load_on_first_use():
    """A fresh process: importing the chain module (and running a Runnable) leaves `langsmith.types`' modules unloaded;
    the first name asked of the package runs its `__init__`, after which it is an ordinary module with every type."""
    out = _run("""
import sys
from assistant.answering.chain import RunnableLambda
assert RunnableLambda(lambda x: x + 1).invoke(1) == 2
loaded = sorted(n for n in sys.modules if n.startswith("langsmith.types."))
print(loaded)
from langsmith.types import Dataset  # a name the placeholder does not have: the real __init__ runs
import langsmith.types as t
print(type(t) is type(sys), Dataset.__module__, hasattr(t, "RunSelectField"))
from langsmith.run_trees import RunTree
print(RunTree(name="probe", run_type="chain").name)
""")
    first, second, third = out.splitlines()
    assert first == "['langsmith.types.run_select_field']"  # only the one module LangSmith's tracer imports
    assert second == "True langsmith.types.dataset True"
    assert third == "probe"


def test_an_already_imported_package_is_left_alone():
    out = _run("""
import sys, langsmith.types
before = sys.modules["langsmith.types"]
from assistant.answering.langsmith_import import light_langsmith
light_langsmith()
print(sys.modules["langsmith.types"] is before, type(before).__name__)
""")
    assert out == "True module"
