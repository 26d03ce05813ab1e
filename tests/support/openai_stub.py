"""A scripted OpenAI-compatible HTTP server for deterministic tests of the LLM path.

Tests of the chat path must use the real ``openai`` client (and langchain-openai on top of
it), including its streaming parser, retries, timeouts and error classes, yet stay
deterministic and offline. This module serves the few endpoints the app uses from a
standard-library ``ThreadingHTTPServer`` on 127.0.0.1 (ephemeral port, daemon thread):

* ``POST /v1/chat/completions`` answers with the next scripted :class:`Reply` (or the
  default one): a ``chat.completion`` object, or SSE ``chat.completion.chunk`` events when
  the request has ``"stream": true``; error statuses, delays and cut streams included.
* ``GET /v1/models`` (and ``/v1/models/{id}``) lists one configurable model id.
* ``GET /props`` reports ``n_ctx`` as llama.cpp's server does, when the stub's ``n_ctx`` is set.
* ``POST /v1/embeddings`` returns deterministic 16-dimensional vectors derived from a hash
  of each input, honouring ``encoding_format`` ``float`` and ``base64``.
"""

from __future__ import annotations

import base64
import collections
import dataclasses
import hashlib
import itertools
import json
import math
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
                404: "not_found_error", 409: "conflict_error", 422: "invalid_request_error",
                429: "rate_limit_error"}


@dataclasses.dataclass
class Reply:
    """One scripted answer to a chat-completions request."""

    content: str = ""
    status: int = 200
    error: dict | None = None
    headers: dict = dataclasses.field(default_factory=dict)
    delay: float = 0.0
    chunk_delay: float = 0.0
    cut_after: int | None = None
    chunks: list[str] | None = None
    finish: str = "stop"  # the finish_reason ("length": the model hit max_tokens; "": none, a stream that just stops)

    @property
    def text(self) -> str:
        """The full answer: ``content``, or the joined ``chunks`` when content is empty."""
        return self.content or "".join(self.chunks or [])

    def stream_pieces(self) -> list[str]:
        """Return the content deltas to stream: ``chunks`` or ``content`` in 4-char pieces."""
        if self.chunks is not None:
            return list(self.chunks)
        return [self.content[i:i + 4] for i in range(0, len(self.content), 4)]


@dataclasses.dataclass
class RecordedRequest:
    """A request the stub received; ``body`` is the parsed JSON body or None."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


def fake_embedding(item: Any, dim: int = 16) -> list[float]:
    """Return a deterministic unit vector of length ``dim`` derived from ``item``'s hash."""
    raw = (item if isinstance(item, str) else json.dumps(item)).encode()
    digest = b"".join(hashlib.sha256(b"%d:%s" % (i, raw)).digest() for i in range(dim // 16 + 1))
    values = [int.from_bytes(digest[2 * i:2 * i + 2], "little") / 32767.5 - 1.0 for i in range(dim)]
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    return [v / norm for v in values]


def _approx_tokens(text: str) -> int:
    return max(1, len(text.split())) if text else 0


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def log_message(self, format, *args):  # noqa: A002 - keep test output quiet
        pass

    def _read_body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return raw.decode("utf-8", "replace")

    def _record(self, body: Any) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.stub._record(RecordedRequest(self.command, self.path.split("?")[0], headers, body))

    def _send_json(self, status: int, obj: Any, headers: dict | None = None) -> None:
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, str(value))
        self.end_headers()
        self.wfile.write(data)

    def _send_error(self, status: int, message: str, headers: dict | None = None, **fields) -> None:
        error = {"message": message, "type": _ERROR_TYPES.get(status, "server_error"),
                 "param": None, "code": None, **fields}
        self._send_json(status, {"error": error}, headers)

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def do_GET(self):  # noqa: N802
        self._record(None)
        path = self.path.split("?")[0].rstrip("/")
        model = self.server.stub.model
        entry = {"id": model, "object": "model", "created": 1700000000, "owned_by": "scripted-openai"}
        if path == "/v1/models":
            self._send_json(200, {"object": "list", "data": [entry]})
        elif path == f"/v1/models/{model}":
            self._send_json(200, entry)
        elif path == "/props" and self.server.stub.n_ctx:  # llama.cpp's server properties: its context window
            self._send_json(200, {"default_generation_settings": {"n_ctx": self.server.stub.n_ctx}})
        else:
            self._send_error(404, f"no route GET {path}", code="not_found")

    def do_POST(self):  # noqa: N802
        body = self._read_body()
        self._record(body)
        path = self.path.split("?")[0].rstrip("/")
        try:
            if path == "/v1/chat/completions":
                self._chat(body if isinstance(body, dict) else {})
            elif path == "/v1/embeddings":
                self._embeddings(body if isinstance(body, dict) else {})
            else:
                self._send_error(404, f"no route POST {path}", code="not_found")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. its timeout fired)

    def _embeddings(self, body: dict) -> None:
        inputs = body.get("input")
        if isinstance(inputs, str) or (isinstance(inputs, list) and inputs and isinstance(inputs[0], int)):
            inputs = [inputs]
        if not isinstance(inputs, list):
            return self._send_error(400, "'input' must be a string or a list")
        stub = self.server.stub
        data = []
        for index, item in enumerate(inputs):
            vector = fake_embedding(item, stub.embedding_dim)
            if body.get("encoding_format") == "base64":
                vector = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
            data.append({"object": "embedding", "index": index, "embedding": vector})
        tokens = sum(_approx_tokens(i) if isinstance(i, str) else len(i) for i in inputs)
        self._send_json(200, {"object": "list", "data": data, "model": body.get("model", stub.model),
                              "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})

    def _chat(self, body: dict) -> None:
        stub = self.server.stub
        reply = stub._next_reply()
        if reply is None:
            return self._send_error(400, "ScriptedOpenAI: no scripted reply left and no default set",
                                    type="stub_exhausted")
        if reply.delay and stub._stopping.wait(reply.delay):
            return
        if reply.status != 200:
            fields = {"message": f"scripted error {reply.status}", **(reply.error or {})}
            return self._send_error(reply.status, fields.pop("message"), reply.headers, **fields)
        model = body.get("model") or stub.model
        completion_id = f"chatcmpl-stub-{next(stub._ids)}"
        prompt_tokens = sum(_approx_tokens(m.get("content") if isinstance(m.get("content"), str) else "x")
                            for m in body.get("messages") or [] if isinstance(m, dict))
        usage = {"prompt_tokens": prompt_tokens, "completion_tokens": _approx_tokens(reply.text),
                 "total_tokens": prompt_tokens + _approx_tokens(reply.text)}
        if not body.get("stream"):
            message = {"role": "assistant", "content": reply.text, "refusal": None}
            return self._send_json(200, {
                "id": completion_id, "object": "chat.completion", "created": int(time.time()),
                "model": model, "system_fingerprint": None,
                "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": reply.finish}],
                "usage": usage}, reply.headers)
        self._stream(reply, body, completion_id, model, usage)

    def _stream(self, reply: Reply, body: dict, completion_id: str, model: str, usage: dict) -> None:
        stub = self.server.stub
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        for key, value in reply.headers.items():
            self.send_header(key, str(value))
        self.end_headers()
        created = int(time.time())

        def event(delta: dict, finish: str | None = None, choices: bool = True, **extra) -> None:
            obj = {"id": completion_id, "object": "chat.completion.chunk", "created": created,
                   "model": model, "system_fingerprint": None,
                   "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]
                   if choices else [], **extra}
            self._chunk(b"data: " + json.dumps(obj).encode() + b"\n\n")

        event({"role": "assistant", "content": ""})
        pieces = reply.stream_pieces()
        if reply.cut_after is not None:
            pieces = pieces[:reply.cut_after]
        for piece in pieces:
            if reply.chunk_delay and stub._stopping.wait(reply.chunk_delay):
                break  # server closing: fall through to the abrupt close
            event({"content": piece})
        else:
            if reply.cut_after is None:
                event({}, reply.finish)
                if (body.get("stream_options") or {}).get("include_usage"):
                    event({}, choices=False, usage=usage)
                self._chunk(b"data: [DONE]\n\n")
                self._chunk(b"")  # the zero-length chunk that ends the body
                return
        # Cut mid-answer: close the socket without the terminating chunk.
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    stub: "ScriptedOpenAI"

    def handle_error(self, request, client_address):
        """Ignore clients hanging up (keep-alive resets, timeouts); report anything else."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class ScriptedOpenAI:
    """OpenAI-compatible stub server on 127.0.0.1; use as a context manager."""

    def __init__(self, model: str = "stub-model", embedding_dim: int = 16) -> None:
        self.model = model
        self.embedding_dim = embedding_dim
        self.n_ctx: int | None = None  # set: GET /props reports this context window, as llama.cpp's server does
        self.requests: list[RecordedRequest] = []
        self._queue: collections.deque[Reply] = collections.deque()
        self._default: Reply | None = None
        self._lock = threading.Lock()
        self._ids = itertools.count(1)  # next() on it is atomic in CPython
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def script(self, *replies: Reply | str) -> "ScriptedOpenAI":
        """Queue replies (a str means ``Reply(content=str)``), consumed one per chat request."""
        with self._lock:
            self._queue.extend(Reply(r) if isinstance(r, str) else r for r in replies)
        return self

    def default(self, reply: Reply | str | None) -> "ScriptedOpenAI":
        """Set the reply used when the queue is empty (None: answer HTTP 400 'stub_exhausted')."""
        with self._lock:
            self._default = Reply(reply) if isinstance(reply, str) else reply
        return self

    @property
    def pending(self) -> int:
        """Number of scripted replies not consumed yet."""
        with self._lock:
            return len(self._queue)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        """Recorded POST /v1/chat/completions requests."""
        with self._lock:
            return [r for r in self.requests if r.path.rstrip("/") == "/v1/chat/completions"]

    def _next_reply(self) -> Reply | None:
        with self._lock:
            return self._queue.popleft() if self._queue else self._default

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    @property
    def port(self) -> int:
        """The ephemeral port the server is bound to (after start)."""
        assert self._server is not None, "ScriptedOpenAI is not started"
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """Base URL for OpenAI clients, e.g. ``http://127.0.0.1:PORT/v1``."""
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> "ScriptedOpenAI":
        """Bind 127.0.0.1:0 and serve in a daemon thread."""
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.stub = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"scripted-openai-{self.port}", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving and release the port; sleeping replies are woken up."""
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> "ScriptedOpenAI":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.close()
