"""What the process benchmarks (scale.py, ingest_speed.py) share: the generated corpus of a size, a clean
environment for an `assistant` child, one timed child process, and the bare-import baseline.

Timing children rather than calls is the point of both benchmarks: a user's `assistant ask` pays
the imports, thread-pool set-up and model loads that an in-process timer would not see.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The floor a cold `assistant ask` is compared with: the two libraries it cannot avoid importing.
BARE = [sys.executable, "-c", "import chromadb, langchain_core.runnables"]
_OURS = ("OPENAI_", "CHROMA_", "ASSISTANT_", "OMP_", "OPENBLAS_", "MKL_")  # the child sets its own


def notes_for(work: Path, sections: int) -> Path:
    """The generated notes of a size (tests/support/gen_notes.py), deterministic per size and kept across runs
    (bench/embed_cache.py's vectors stay valid)."""
    from tests.support.gen_notes import write_notes

    notes = work / f"notes-{sections}"
    if not notes.exists():
        write_notes(notes, files=max(1, sections // 20), per_file=min(20, sections), seed=sections)
    return notes


def env_for(notes: Path, home: Path, code: Path = ROOT) -> dict[str, str]:
    """This environment without the developer's settings or thread-pool choices, pointed at notes, home and code."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    return env | {"ASSISTANT_HOME": str(home), "ASSISTANT_CORPUS": str(notes), "PYTHONPATH": str(code)}


def spawn(args: list[str], env: dict, quiet: bool = True) -> dict:
    """One child process: wall seconds, CPU seconds (user + sys) and peak RSS (MB); a failure stops the benchmark.

    posix_spawn starts the child in this process's memory (vfork), so its peak RSS is at least ours:
    the benchmarks print theirs, which stays far below the children's. `quiet` also silences stderr."""
    silence = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_WRONLY, 0) for fd in ((1, 2) if quiet else (1,))]
    t = time.perf_counter()
    pid = os.posix_spawn(args[0], args, env, file_actions=silence)
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(args[1:4])} with {env.get('PYTHONPATH')} failed")
    return {"wall": time.perf_counter() - t, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}


def code_at(ref: str, dest: Path) -> Path:
    """The tree of a git ref extracted into dest (kept across runs), to put first on a child's PYTHONPATH."""
    if not dest.exists():
        archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True).stdout
        tarfile.open(fileobj=BytesIO(archive)).extractall(dest, filter="data")
    return dest


def assistant(command: list[str], env: dict, quiet: bool = False) -> dict:
    """One `assistant` child of the code on env's PYTHONPATH.

    -P: the working directory does not go first on sys.path. Run from a checkout, `-m assistant`
    would import that checkout's package whatever PYTHONPATH says, and "before" would be "after"."""
    return spawn([sys.executable, "-P", "-m", "assistant", *command], env, quiet=quiet)
