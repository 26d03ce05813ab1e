"""LangChain's Runnables imported without loading LangSmith's 400 API type modules (≈ 0.08 s of every cold ask).

`langchain_core.runnables.base` imports its tracers at module level, and they import `langsmith.run_trees`, which
imports one name, `RunSelectField`, from `langsmith.types.run_select_field`. Importing that submodule first runs
`langsmith/types/__init__.py`, which imports every request and response model of LangSmith's REST API (pydantic
classes built on import: ≈ 0.13 s) that nothing here uses: tracing is off and there is no network. `light_langsmith`
puts a placeholder package in `sys.modules` that has the real `__path__`, so its submodules import as usual, and runs
the real `__init__` into itself the first time anything asks it for another name, so code that does use LangSmith's
types gets them all. In-process `import chromadb` then `langchain_core.runnables.base`: 0.30 s → 0.22 s for the
second (five runs each); the cold-ask figure is in docs/performance.md.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from importlib.machinery import ModuleSpec

_NAME = "langsmith.types"


class _Deferred(types.ModuleType):
    """A package whose `__init__` runs on the first lookup of a name it does not have yet."""

    __spec__: ModuleSpec

    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):  # the import system probes dunders (`__path__` is set, the rest may be absent)
            raise AttributeError(name)
        object.__setattr__(self, "__class__", types.ModuleType)  # first, so a lookup made while `__init__` runs is an ordinary one
        loader = self.__spec__.loader
        assert loader is not None
        loader.exec_module(self)
        return getattr(self, name)


def light_langsmith() -> None:
    """Defer `langsmith.types`' `__init__`, once, before LangChain's Runnables are first imported."""
    if _NAME in sys.modules:
        return  # already imported (deferred or not): nothing to gain, nothing to undo
    spec = importlib.util.find_spec(_NAME)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return  # a LangSmith without that package: nothing to defer
    module = importlib.util.module_from_spec(spec)
    module.__class__ = _Deferred
    sys.modules[_NAME] = module
