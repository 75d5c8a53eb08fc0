"""The ASGI application: raw HTTP in, ``Engine`` in the middle, bytes out.

A plain ASGI callable (no framework routing: the routes are the contract's). Bodies above ``MAX_BODY`` (PHP's
default ``post_max_size``, 8M) are refused with 413 before they are read in full, as Laravel's
``ValidatePostSize`` does before any route, tenant or token is looked at. An unexpected exception is logged
and answered as a 500 envelope, so one bad request never takes the server down.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from .downtime import DeployWindow
from .engine import Engine, Inbound, language
from .envelopes import Reply, server_error

MAX_BODY = 8 * 1024 * 1024  # PHP's post_max_size "8M"
log = logging.getLogger("msaaq_contract.refserver")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class RefServerApp:
    def __init__(self, engine: Engine, deploy: DeployWindow | None = None) -> None:
        self.engine = engine
        self.deploy = deploy  # a deploy in progress answers before the application (``downtime.py``)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        body, too_large = await self._read_body(headers, receive)
        down = self.deploy.answer() if self.deploy is not None else None
        if down is not None:
            status, content, extra = down
            raw = [(k.encode(), v.encode()) for k, v in {**extra, "content-length": str(len(content))}.items()]
            await send({"type": "http.response.start", "status": status, "headers": raw})
            await send({"type": "http.response.body", "body": b"" if scope.get("method") == "HEAD" else content})
            return
        server = scope.get("server") or ("127.0.0.1", 0)
        host = headers.get("host") or f"{server[0]}:{server[1]}"
        inbound = Inbound(
            method=scope.get("method", "GET"),
            path=scope.get("path", "/"),
            query_string=scope.get("query_string", b"").decode("latin-1"),
            headers=headers,
            body=body,
            origin=f"{scope.get('scheme', 'http')}://{host}",
            too_large=too_large,
            client=str((scope.get("client") or ("unknown",))[0]),
        )
        try:
            reply = await self.engine.handle(inbound)
        except Exception:
            log.exception("unhandled error on %s %s", inbound.method, inbound.path)
            reply = server_error(language(headers.get("accept-language")))
        await self._send(
            reply, send, head=inbound.method.upper() == "HEAD", lang=language(headers.get("accept-language"))
        )

    @staticmethod
    async def _read_body(headers: dict[str, str], receive: Receive) -> tuple[bytes, bool]:
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY:
            return b"", True
        chunks = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunks += message.get("body", b"")
            if len(chunks) > MAX_BODY:
                return b"", True
            if not message.get("more_body", False):
                break
        return bytes(chunks), False

    @staticmethod
    async def _send(reply: Reply, send: Send, *, head: bool, lang: str) -> None:
        payload = reply.encode()
        headers = [
            (b"content-length", str(len(payload)).encode()),
            (b"content-language", lang.encode()),
        ]
        if reply.media_type:  # a reply without one (a fault) sends no Content-Type at all
            headers.insert(0, (b"content-type", reply.media_type.encode()))
        headers += [(k.lower().encode(), v.encode("latin-1", "replace")) for k, v in reply.headers.items()]
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if head else payload})


async def lifespan(receive: Receive, send: Send, on_shutdown: Callable[[], Awaitable[None]] | None = None) -> None:
    """ASGI lifespan: nothing to start; ``on_shutdown`` runs on uvicorn's loop before it stops."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            if on_shutdown is not None:
                await on_shutdown()
            await send({"type": "lifespan.shutdown.complete"})
            return
