"""chromadb is imported with `overrides.override` reduced to its mark (retrieval/chroma_import.py)."""

from __future__ import annotations

import subprocess
import sys


def test_the_light_override_marks_methods_in_both_forms():
    from assistant.retrieval.chroma_import import _mark

    def plain(self): ...

    def keyword(self): ...

    assert _mark(plain) is plain and plain.__override__ is True
    assert _mark(check_signature=False)(keyword) is keyword and keyword.__override__ is True


def test_chromadb_works_and_skips_the_signature_checks(tmp_path):
    """A fresh process: opening a store installs the light decorator before chromadb loads, the overrides library's
    frame inspection never runs, and the store is usable (chromadb's EnforceOverrides classes accepted the marks)."""
    code = f"""
import sys, overrides
real = sys.modules["overrides.overrides"]  # the module (the package's attribute of that name is the decorator)
calls = []
original = real._get_base_classes
real._get_base_classes = lambda *a: calls.append(1) or original(*a)
from assistant.config import Settings
from assistant.retrieval.store import client
c = client(Settings.from_env({{}}, home=__import__("pathlib").Path({str(tmp_path)!r})))
col = c.get_or_create_collection("probe", embedding_function=None)
col.add(ids=["a"], embeddings=[[0.1, 0.2]], documents=["x"])
assert col.count() == 1
import overrides
print(len(calls), overrides.override.__module__)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    calls, module = out.stdout.split()
    assert calls == "0" and module == "assistant.retrieval.chroma_import"
