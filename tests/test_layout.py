"""The package layout is the architecture: layers import downwards only, no cycles, one command list."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.conftest import ROOT

# What each package may import from the assistant (besides itself and the shared top-level modules).
SHARED = {"assistant.config", "assistant.errors", "assistant.tuned", "assistant.runtime", "assistant.testhooks",
          "assistant.llmsetup"}
ALLOWED = {
    "db": set(),  # the app's SQLite file (open, migrate, recover): below every store that lives in it
    "notes": set(),
    "retrieval": {"notes"},
    "answering": {"notes", "retrieval"},
    "interview": {"notes", "retrieval", "answering", "db"},
    "chats": {"notes", "retrieval", "answering", "db"},  # saved conversations, beside the interview
    "evals": {"notes", "retrieval", "answering", "interview"},
    "service": {"notes", "retrieval", "answering"},
    "cli": {"notes", "retrieval", "answering", "interview", "evals", "service", "web"},  # `assistant web` serves the app
    "web": {"notes", "retrieval", "answering", "interview", "chats", "evals", "service"},
}


def _imports(path, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
                   for n in ast.walk(block)}
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if id(node) in typing_only:  # annotations only: no import at run time
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("assistant"):
            # `from assistant.cli import ask` imports the submodule assistant.cli.ask
            subs = {f"{node.module}.{a.name}" for a in node.names} & KNOWN
            found.update(subs or {node.module})
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("assistant"))
    return found


def _module_names() -> set[str]:
    names = set()
    for path in (ROOT / "assistant").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


KNOWN = _module_names()


def _modules():
    for path in sorted((ROOT / "assistant").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def _layer(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def test_layers_import_downwards_only():
    wrong = []
    for module, path in _modules():
        layer = _layer(module)
        if layer not in ALLOWED:
            continue
        for target in _imports(path, top_level_only=False):
            other = _layer(target)
            if target in SHARED or other == layer or other in ALLOWED[layer]:
                continue
            wrong.append(f"{module} -> {target}")
    assert wrong == []


def test_no_import_cycles_at_module_level():
    graph = {module: {t for t in _imports(path, top_level_only=True)} for module, path in _modules()}
    seen: dict[str, int] = {}  # 1 = on the stack, 2 = done

    def visit(node: str, stack: list[str]) -> list[str] | None:
        seen[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if seen.get(nxt) == 1:
                return stack + [node, nxt]
            if nxt not in seen and (cycle := visit(nxt, stack + [node])):
                return cycle
        seen[node] = 2
        return None

    cycles = [c for m in sorted(graph) if m not in seen and (c := visit(m, []))]
    assert cycles == []


def test_module_and_script_list_the_same_commands():
    def commands(*argv: str) -> list[str]:
        out = subprocess.run([*argv, "--help"], capture_output=True, text=True, timeout=60, cwd=ROOT).stdout
        body = out.split("Commands:", 1)[1]
        return sorted(line.split()[0] for line in body.splitlines() if line.startswith("  ") and line.split())

    via_module = commands(sys.executable, "-m", "assistant")
    via_script = commands(str(ROOT / ".venv" / "bin" / "assistant")) if (ROOT / ".venv" / "bin" / "assistant").exists() else via_module
    assert via_module == via_script
    assert {"ask", "search", "chat", "ingest", "config", "eval", "judge", "interview", "grade", "history", "web"} <= set(via_module)


def test_every_module_says_why_it_exists():
    missing = [m for m, path in _modules() if not ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))]
    assert missing == []
