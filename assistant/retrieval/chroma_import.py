"""chromadb imported without the `overrides` checks it runs on its own classes (≈ 0.12 s of every cold start).

chromadb decorates about 160 methods with `overrides.override`, which disassembles the calling frame's bytecode to
find the class's bases and compares each method's signature with the one it overrides: a check for chromadb's own
developers, run on every import. Before chromadb is first imported, `light_overrides` puts in its place a decorator
that only marks the method (`__override__ = True`, all that the `EnforceOverrides` metaclass of chromadb's components
reads). `bench/ab_cold.py --rounds 10` on the shipped notes: cold `assistant ask` 1.24 s → 1.12 s (docs/performance.md).
Nothing else in the process uses `overrides`; once chromadb's modules are loaded, replacing it changes nothing.
"""

from __future__ import annotations

from typing import Any, Callable


def _mark(method: Any = None, *, check_signature: bool = True, check_at_runtime: bool = False) -> Any:
    """`overrides.override` without the checks: both forms, `@override` and `@override(check_signature=False)`."""
    if method is None:
        return _mark
    method.__override__ = True
    return method


def light_overrides() -> None:
    """Replace `overrides.override` (and its alias `overrides`) by `_mark`, once, before chromadb is imported."""
    import overrides

    if overrides.override is not _mark:
        replaced: Callable[..., Any] = _mark
        overrides.override = overrides.overrides = replaced
