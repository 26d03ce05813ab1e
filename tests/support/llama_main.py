"""Tiny launcher that runs llama.cpp's OpenAI-compatible server (xllamacpp) in its own process.

xllamacpp starts llama.cpp's C++ HTTP server inside the Python process that creates
``xllamacpp.Server``; running it in a subprocess lets tests kill it cleanly and keeps the
model's threads out of the pytest process. Usage::

    python tests/support/llama_main.py MODEL.gguf PORT [--ctx N] [--threads N] [--alias NAME]

PORT 0 lets the server pick a free port. When the model is loaded and the server listens,
one line ``LISTENING http://127.0.0.1:PORT`` is printed to stdout. The process exits on
SIGTERM/SIGINT, or when its parent process dies.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading


def main(argv: list[str] | None = None) -> int:
    """Start the server, print its address, and block until told to stop."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("port", type=int)
    parser.add_argument("--ctx", type=int, default=1024)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--alias", default="smollm2")
    args = parser.parse_args(argv)

    import xllamacpp as xlc

    params = xlc.CommonParams()
    params.model.path = args.model
    params.hostnames = ["127.0.0.1"]
    params.port = args.port
    params.n_ctx = args.ctx
    params.n_parallel = 1
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    params.model_alias = {args.alias}
    params.offline = True  # never try to fetch anything from a hub
    server = xlc.Server(params)  # returns once the model is loaded and the port is bound

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    print(f"LISTENING {server.listening_address}", flush=True)
    parent = os.getppid()
    while not stop.wait(0.5):
        if os.getppid() != parent:  # orphaned: the test run died without stopping us
            break
    del server  # ~Server stops the HTTP loop and frees the model
    return 0


if __name__ == "__main__":
    sys.exit(main())
