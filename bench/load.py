"""Load scenarios for the web app and the interview store, with throughput, latency percentiles and errors.

Why: the app serves many browser sessions from one Assistant and one SQLite file; these
runs show how it behaves when they all arrive at once, and prove that no answer carries
another session's history or sources. Loopback only, bounded in count and time.

    .venv/bin/python bench/load.py [--users 50] [--interviews 20] [--home DIR]

`tests/test_load.py` (marked `load`) runs the same scenarios with assertions.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# (question, anaphoric follow-up): each user's follow-up must be condensed with *their* first question.
CONVERSATIONS = [
    ("什么是梯度爆炸？", "那怎么解决它？"),
    ("GRU对LSTM做了哪些改动？", "它有什么优点？"),
    ("什么是RNN？", "它有哪些常见结构？"),
    ("简单说下 sigmoid 激活函数", "它有什么缺点？"),
    ("CNN是什么，CNN关键的层有哪些？", "它常用的模型有哪些？"),
    ("在神经网络中，有哪些办法防止过拟合？", "这些方法里 dropout 是怎么做的？"),
    ("rcnn、fast-rcnn 和 faster-rcnn 三者的区别是什么", "它们各自的速度如何？"),
    ("如何确定是否出现梯度爆炸？", "出现以后怎么处理它？"),
    ("梯度爆炸会引发什么问题？", "那怎么避免它？"),
    ("What is gradient clipping?", "What is its default value in Keras?"),
]


@dataclass
class Figures:
    """What one scenario measured."""

    name: str
    requests: int = 0
    wall: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)

    def percentile(self, q: float) -> float:
        """Latency at quantile q (nearest rank), in seconds."""
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")

    def line(self) -> str:
        """One summary line."""
        rate = self.requests / self.wall if self.wall else 0.0
        median = statistics.median(self.latencies) if self.latencies else float("nan")
        return (f"{self.name}: {self.requests} requests in {self.wall:.1f}s = {rate:.2f}/s; latency p50 {median:.2f}s "
                f"p95 {self.percentile(0.95):.2f}s p99 {self.percentile(0.99):.2f}s; errors {len(self.errors)}; "
                f"cross-session mismatches {len(self.mismatches)}")


def _run_all(figures: Figures, worker, count: int, label: str) -> Figures:
    """Run worker(0..count-1) all at once; an exception is counted as an error, never raised."""
    lock = threading.Lock()

    def guarded(i: int) -> None:
        try:
            worker(i)
        except Exception as exc:  # counted, reported by the caller
            with lock:
                figures.errors.append(f"{label} {i}: {type(exc).__name__}: {exc}")

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=count) as pool:
        list(pool.map(guarded, range(count)))
    figures.wall = time.perf_counter() - start
    figures.requests = len(figures.latencies)
    return figures


def _cited(sources: dict) -> list[int]:
    return [c["question"] for c in sources.get("citations", [])]


def chat_load(url: str, assistant, users: int = 50, time_limit: float = 240.0) -> Figures:
    """`users` gradio_client users at once, each asking a question then a follow-up through `/ask`."""
    from gradio_client import Client

    expected = {}
    for question, follow in CONVERSATIONS:  # ground truth, one at a time through the same Assistant
        first = assistant.ask(question)
        history = [{"role": "user", "content": question}, {"role": "assistant", "content": first.answer}]
        expected[question] = (_cited(first.to_json()), _cited(assistant.ask(follow, history).to_json()))
    figures = Figures(f"chat /ask x{users} users")
    lock = threading.Lock()
    deadline = time.monotonic() + time_limit

    def user(i: int) -> None:
        question, follow = CONVERSATIONS[i % len(CONVERSATIONS)]
        # Under load the server answers slowly: wait as long as the scenario allows, not httpx's 5 s.
        client = Client(url, verbose=False, httpx_kwargs={"timeout": time_limit}, analytics_enabled=False)
        history: list[dict] = []
        for n, text in enumerate((question, follow)):
            start = time.perf_counter()
            job = client.submit(text, history, api_name="/ask")
            answer, sources = job.result(timeout=max(1.0, deadline - time.monotonic()))
            with lock:
                figures.latencies.append(time.perf_counter() - start)
            if sources.get("question") != text or _cited(sources) != expected[question][n]:
                with lock:
                    figures.mismatches.append(f"user {i} turn {n}: {text!r} cited {_cited(sources)}, "
                                              f"expected {expected[question][n]}")
            history = [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]

    return _run_all(figures, user, users, "user")


def interview_load(settings, assistant, sessions: int = 20, questions: int = 3, db_path: Path | None = None) -> Figures:
    """`sessions` interviews at once on one database, each event reopening the session as the web tab does."""
    from assistant.interview.grader import build_grader
    from assistant.interview.notebook import Notebook
    from assistant.interview.session import Interview
    from assistant.interview.store import Store

    db_path = db_path or settings.db_path
    notebook = Notebook.from_assistant(assistant)
    grader = build_grader(settings, assistant.prompts, None)
    figures = Figures(f"interview x{sessions} sessions")
    lock = threading.Lock()
    started: dict[int, tuple[int, list[str]]] = {}

    def timed(action):
        start = time.perf_counter()
        result = action()
        with lock:
            figures.latencies.append(time.perf_counter() - start)
        return result

    def session(i: int) -> None:
        store = Store(db_path)
        planned = timed(lambda: Interview.start(store, notebook, grader, assistant.prompts, None, questions, seed=i))
        keys = [note.key for note, _ in planned.plan]
        store.close()
        with lock:
            started[i] = (planned.id, [])
        while True:
            store = Store(db_path)  # a fresh connection per event, like the web tab
            current = Interview(store, notebook, grader, planned.id)
            turn = current.current
            if turn is None:
                store.close()
                break
            text = f"#{i}# " + notebook.body_of(turn.note.file_key, turn.note.uid)[:80]
            timed(lambda current=current, text=text: current.answer(text))
            started[i][1].append(text)
            store.close()
        check = Store(db_path)
        rows = check.answers(planned.id)
        check.close()
        if [r["note_key"] for r in rows] != keys or [r["answer"] for r in rows] != [t.strip() for t in started[i][1]]:
            with lock:
                figures.mismatches.append(f"session {i} (#{planned.id}) stored answers that are not its own")

    return _run_all(figures, session, sessions, "session")


def main(argv: list[str] | None = None) -> int:
    """Build (or reuse) an index, serve the app on 127.0.0.1, run both scenarios and print the figures."""
    from assistant.config import Settings
    from assistant.service import Assistant
    from assistant.web.app import launch
    from tests.support.servers import free_port

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--interviews", type=int, default=20)
    parser.add_argument("--home", type=Path, help="data directory to reuse (default: a new temporary one)")
    args = parser.parse_args(argv)
    home = args.home or Path(tempfile.mkdtemp(prefix="load-home-"))
    settings = Settings.from_env({}, home=home)
    assistant = Assistant(settings, progress=False)
    demo, url = launch(settings, port=free_port(), block=False, assistant=assistant)
    try:
        results = [chat_load(url, assistant, args.users),
                   interview_load(settings, assistant, args.interviews, db_path=home / "load-interviews.db")]
    finally:
        demo.close()
    for figures in results:
        print(figures.line())
        for problem in (figures.errors + figures.mismatches)[:5]:
            print("  ", problem)
    return 1 if any(f.errors or f.mismatches for f in results) else 0


if __name__ == "__main__":
    sys.exit(main())
