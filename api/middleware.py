"""Pure-ASGI middleware: request ids, security headers and structured access logs; body size
and JSON depth limits; rate limit."""

from __future__ import annotations

import json
import logging
import math
import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

access_log = logging.getLogger("api.access")

PROBLEM_TYPE = "application/problem+json"

# NOTE: the dashboard is vanilla JS modules, a stylesheet and fetch() to this origin; it
# builds the page without innerHTML and sets styles through the CSSOM, so 'self' suffices.
APP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


async def _send_problem(
    send: Send,
    *,
    status: int,
    slug: str,
    title: str,
    detail: str,
    headers: tuple[tuple[bytes, bytes], ...] = (),
) -> None:
    body = json.dumps(
        {"type": f"/problems/{slug}", "title": title, "status": status, "detail": detail}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RequestContextMiddleware:
    """Gives every request an id (`X-Request-ID`, kept if the client sent one), every answer
    the browser security headers (Content-Security-Policy, X-Frame-Options,
    X-Content-Type-Options, Referrer-Policy), and logs one JSON line per request: id, method,
    path, status, duration."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        request_id = headers.get(b"x-request-id", b"").decode()[:64] or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500
        added = [
            (b"x-request-id", request_id.encode()),
            (b"x-frame-options", b"DENY"),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
        ]

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                sent = list(message.get("headers", []))
                # NOTE: a page with its own policy (the docs' inline-script hashes) keeps it.
                if not any(name.lower() == b"content-security-policy" for name, _ in sent):
                    sent.append((b"content-security-policy", APP_CSP.encode()))
                message["headers"] = [*sent, *added]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            access_log.info(
                json.dumps(
                    {
                        "request_id": request_id,
                        "method": scope.get("method"),
                        "path": scope.get("path"),
                        "status": status,
                        "ms": round((time.perf_counter() - started) * 1000, 2),
                    }
                )
            )


class BodySizeLimitMiddleware:
    """Refuses request bodies over `max_bytes` with 413, whether announced or streamed, and
    JSON bodies nested deeper than `max_json_depth` with 400, before anything parses them."""

    BODILESS = ("GET", "HEAD", "OPTIONS")

    def __init__(self, app: ASGIApp, *, max_bytes: int, max_json_depth: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_json_depth = max_json_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        json_body = scope.get("method") not in self.BODILESS
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                await self._too_large(send)
                return
            if name == b"content-type":
                json_body = json_body and b"json" in value.lower()
        if json_body:
            await self._json(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLargeError
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLargeError:
            await self._too_large(send)

    async def _json(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Read a JSON body whole (it is bounded), check its size and depth, then replay it."""
        # NOTE: the JSON parsers recurse once per level, and a small body of nested brackets
        # can exhaust the C stack: the depth is scanned iteratively before anything parses.
        scanner = JsonDepthScanner(self.max_json_depth)
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message], receive), send)
                return
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > self.max_bytes:
                await self._too_large(send)
                return
            try:
                scanner.feed(chunk)
            except JsonTooDeepError:
                await _send_problem(
                    send,
                    status=400,
                    slug="json-too-deep",
                    title="JSON nested too deeply",
                    detail=f"JSON bodies may nest arrays and objects {self.max_json_depth} deep",
                )
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        whole = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([whole], receive), send)

    async def _too_large(self, send: Send) -> None:
        await _send_problem(
            send,
            status=413,
            slug="body-too-large",
            title="Body too large",
            detail=f"request bodies are limited to {self.max_bytes} bytes",
        )


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A `receive` that hands out `messages` first, then the connection's own."""
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


class _BodyTooLargeError(Exception):
    pass


class JsonTooDeepError(Exception):
    """A JSON text nests arrays and objects deeper than allowed."""


_JSON_TOKENS = re.compile(rb'[\[\]{}"\\]')


class JsonDepthScanner:
    """Tracks the nesting depth of a JSON text fed in chunks, without parsing it: brackets
    inside strings (escapes included) do not count. Raises JsonTooDeepError past `limit`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.depth = 0
        self.in_string = False
        self.escaped = False  # the previous chunk ended inside a string on a backslash

    def feed(self, chunk: bytes) -> None:
        """Scan the next chunk of the body."""
        if not chunk:
            return
        skip_to = 1 if self.escaped else 0
        self.escaped = False
        for match in _JSON_TOKENS.finditer(chunk, skip_to):
            at = match.start()
            if at < skip_to:
                continue
            if self.in_string:
                skip_to = self._in_string(chunk, at)
            else:
                self._outside_string(chunk[at])

    def _in_string(self, chunk: bytes, at: int) -> int:
        """A token inside a string; returns where the next token may start."""
        if chunk[at] == 0x5C:  # backslash: the next byte is escaped
            self.escaped = at + 2 > len(chunk)
            return at + 2
        if chunk[at] == 0x22:
            self.in_string = False
        return at + 1

    def _outside_string(self, token: int) -> None:
        """A quote opens a string; brackets nest and unnest."""
        if token == 0x22:
            self.in_string = True
        elif token in b"[{":
            self.depth += 1
            if self.depth > self.limit:
                raise JsonTooDeepError
        elif token in b"]}":
            self.depth -= 1


class RateLimitMiddleware:
    """A token bucket per client address: `per_minute` sustained, `burst` at once; 429 with
    `Retry-After` beyond that. Health probes are exempt. At most `max_clients` buckets are
    kept: the least recently seen client's bucket goes first."""

    EXEMPT = ("/health", "/ready")

    def __init__(
        self, app: ASGIApp, *, per_minute: int, burst: int, max_clients: int = 100_000
    ) -> None:
        self.app = app
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def _take(self, client: str) -> float:
        """Take a token for `client`; returns 0 when allowed, else seconds to wait."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.pop(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            allowed = tokens >= 1.0
            self._buckets[client] = (tokens - 1.0 if allowed else tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
            if allowed:
                return 0.0
            return (1.0 - tokens) / self.rate if self.rate > 0 else 60.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "").startswith(self.EXEMPT):
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self._take(str(client))
        if wait > 0:
            retry = str(max(1, math.ceil(wait)))
            await _send_problem(
                send,
                status=429,
                slug="rate-limited",
                title="Too many requests",
                detail=f"this client is limited to {int(self.rate * 60)} requests a minute",
                headers=((b"retry-after", retry.encode()),),
            )
            return
        await self.app(scope, receive, send)
