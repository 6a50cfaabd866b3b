"""A loopback HTTP proxy in front of a real JSON-RPC node that, while switched on, makes a share
of the requests fail the way a flaky node or network does: an HTTP 5xx, a reset connection, or
an answer slower than the client's timeout — each either before the request reaches the node
(nothing happened) or after (it happened, but the client never hears of it)."""

from __future__ import annotations

import contextlib
import random
import socket
import struct
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

FAULTS = (
    "error-before",
    "error-after",
    "reset-before",
    "reset-after",
    "slow-before",
    "slow-after",
)
UPSTREAM_TIMEOUT_S = 30.0


class FaultyRpcProxy:
    """Forwards POSTs to `upstream`; while `faulty` is set, a `rate` share of them hits one of
    `FAULTS` (drawn from `rng`). `slow` requests are held `slow_s` seconds: set it above the
    client's timeout."""

    def __init__(self, upstream: str, *, rng: random.Random, rate: float, slow_s: float) -> None:
        self.upstream = upstream
        self.rate = rate
        self.slow_s = slow_s
        self.faulty = threading.Event()
        self.injected: Counter[str] = Counter()
        self._rng = rng
        self._lock = threading.Lock()
        self._session = requests.Session()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.proxy = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """Where clients connect instead of the node."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def draw(self) -> str | None:
        """The fault for the next request (None: forward it faithfully)."""
        if not self.faulty.is_set():
            return None
        with self._lock:
            if self._rng.random() >= self.rate:
                return None
            fault = self._rng.choice(FAULTS)
            self.injected[fault] += 1
            return fault

    def forward(self, body: bytes) -> tuple[int, bytes]:
        """The node's status and answer to `body` (502 when the node cannot be reached)."""
        try:
            response = self._session.post(
                self.upstream,
                data=body,
                headers={"Content-Type": "application/json"},
                timeout=UPSTREAM_TIMEOUT_S,
            )
        except requests.RequestException:
            return 502, b'{"error": "upstream unreachable"}'
        return response.status_code, response.content

    def close(self) -> None:
        """Stop serving (requests held as slow finish on their own daemon threads)."""
        self._server.shutdown()
        self._server.server_close()
        self._session.close()


class _Handler(BaseHTTPRequestHandler):
    """One request: forwarded, or failed as `FaultyRpcProxy.draw` says."""

    def do_POST(self) -> None:
        proxy: FaultyRpcProxy = self.server.proxy  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        fault = proxy.draw()
        if fault is None:
            self._answer(*proxy.forward(body))
            return
        effect, when = fault.split("-")
        if effect == "slow" and when == "before":
            time.sleep(proxy.slow_s)  # the client gives up; the node still gets it, late
        reply = proxy.forward(body) if effect == "slow" or when == "after" else None
        if effect == "slow" and when == "after":
            time.sleep(proxy.slow_s)  # done on the node; the client gives up on the answer
        if reply is not None and effect == "slow":
            self._answer(*reply)
        elif effect == "error":
            self._answer(503, b'{"error": "injected fault"}')
        else:
            self._reset()

    def _answer(self, status: int, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            self.close_connection = True  # the client already gave up on this one

    def _reset(self) -> None:
        """Close with an RST (linger 0): the client sees "connection reset by peer"."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def finish(self) -> None:
        with contextlib.suppress(OSError):  # a reset connection has nothing left to flush
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per request would drown the test output
