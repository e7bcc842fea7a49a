"""The ASGI middleware in front of the page: security headers, Host and Origin checks, body limit, error bodies."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger("sim.web")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: headers on every response, errors included (no inline script or style anywhere on the page)
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", b"default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
INTERNAL_ERROR = "internal error; see the server log"


def host_name(value: str) -> str:
    """The host part of a Host header or URL authority, lower case, without port or IPv6 brackets."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else ""
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class _TooLarge(Exception):
    """The request body grew past the limit while it was read."""


class Guard:
    """Wraps the app: every response gets the security headers; a wrong Host is refused (DNS rebinding), so is a
    cross-origin write (an Origin header naming another origin) and a body over ``max_body`` bytes; an exception
    becomes a 500 JSON body and a logged traceback, never a stack trace in the response."""

    def __init__(self, app: ASGIApp, allowed_hosts: Iterable[str], max_body: int = 10_000) -> None:
        self.app = app
        self.allowed = {host_name(h) for h in allowed_hosts}
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {name for name, _ in SECURITY_HEADERS}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message["headers"] = kept + SECURITY_HEADERS
            await send(message)

        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await _json(send_secured, *refusal)
            return
        received = 0

        async def receive_limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, receive_limited, send_secured)
        except _TooLarge:
            if not started:
                await _json(send_secured, 413, f"the request body is larger than {self.max_body} bytes")
        except Exception:
            log.exception("error answering %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await _json(send_secured, 500, INTERNAL_ERROR)

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        """(status, message) when the request is refused before it reaches the app."""
        if host_name(headers.get("host", "")) not in self.allowed:
            return 400, "this server answers only to its own host name"
        origin = headers.get("origin")
        if origin is not None and scope.get("method") not in ("GET", "HEAD"):
            if urlsplit(origin).netloc.lower() != headers["host"].strip().lower():
                return 403, "cross-origin requests are refused"
        length = headers.get("content-length")
        if length is not None and not length.isdigit():
            return 400, "malformed Content-Length header"
        if length is not None and int(length) > self.max_body:
            return 413, f"the request body is larger than {self.max_body} bytes"
        return None


async def _json(send: Send, status: int, message: str) -> None:
    body = json.dumps({"errors": [{"field": None, "message": message}]}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})
