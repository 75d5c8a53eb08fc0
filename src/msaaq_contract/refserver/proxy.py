"""A transparent HTTP proxy that makes any MSAAQ target look like a deployment the suite did not write.

``msaaq-contract proxy --upstream URL --variations all`` forwards every request unchanged to the upstream (the
reference server, or staging) and applies the harmless variations of ``variations.py`` to the answers. Through
it the suite cannot tell the reference server from a foreign Laravel deployment: it knows no seed ids and sees
another encoding, order, headers and timing. Used by the self-tests that prove the suite never cries wolf.
With a ``ProxyThrottle`` it also answers Laravel 429s itself (``proxy_throttle.py``), without forwarding them;
with a ``Drop`` it resets every connection for a while (``downtime.py``), as a restarting host does.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import httpx
import uvicorn

from ..errors import ConfigError
from .app import Receive, Scope, Send, lifespan
from .clock import Clock
from .downtime import Drop, DropWindow, dropping_protocol
from .proxy_throttle import LARAVEL_429, ProxyCounts, ProxyGate, ProxyThrottle, merge_rate_headers
from .server import bind_socket, serve_in_thread
from .variations import Variations

HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers", "transfer-encoding",
     "upgrade", "host", "content-length", "accept-encoding", "date", "server"}
)  # fmt: skip
UPSTREAM_TIMEOUT_S = 60.0


# (request headers, status, answer headers, answer body) -> the body to send instead: a self-test's way to make
# the target answer something it would not (e.g. secrets planted in its answers).
Rewrite = Callable[[Mapping[str, str], int, Mapping[str, str], bytes], bytes]


class VaryingProxy:
    """The ASGI app: read the request, forward it, vary the answer."""

    def __init__(
        self,
        upstream: str,
        variations: Variations,
        gate: ProxyGate | None = None,
        rewrite: Rewrite | None = None,
        drop: DropWindow | None = None,
    ) -> None:
        self.upstream = upstream.rstrip("/")
        self.drop = drop  # connections reset for a while (``downtime.py``): the window opens after N requests
        self.variations = variations
        self.gate = gate or ProxyGate(None)
        self.rewrite = rewrite
        self._client: httpx.AsyncClient | None = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:  # created on uvicorn's loop, on first use
            self._client = httpx.AsyncClient(timeout=UPSTREAM_TIMEOUT_S, follow_redirects=False)
        return self._client

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send, on_shutdown=self._close)
            return
        if scope["type"] != "http":
            return
        body = bytearray()
        while True:
            message = await receive()
            body += message.get("body", b"")
            if message["type"] == "http.disconnect" or not message.get("more_body", False):
                break
        request_headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        query = scope.get("query_string", b"").decode("latin-1")
        url = self.upstream + scope.get("raw_path", scope["path"].encode()).decode("latin-1")
        url += f"?{query}" if query else ""
        client = str((scope.get("client") or ("unknown",))[0])
        admission = self.gate.admit(scope["method"], scope["path"], query, request_headers.get("authorization"), client)
        if self.drop is not None:
            self.drop.request()
        if admission.refusal:
            status, content, headers = 429, LARAVEL_429, {"content-type": "application/json"}
        else:
            status, content, headers = await self._forward(scope["method"], url, request_headers, bytes(body))
        if self.rewrite is not None:
            content = self.rewrite(request_headers, status, headers, content)
        content, varied = self.variations.apply(content, headers, request_headers)
        merge_rate_headers(varied, admission)
        if self.variations.delay_s:
            await asyncio.sleep(self.variations.delay_s)
        raw = [(k.encode("latin-1"), v.encode("latin-1", "replace")) for k, v in varied.items()]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else content})

    async def _forward(
        self, method: str, url: str, request_headers: dict[str, str], body: bytes
    ) -> tuple[int, bytes, dict[str, str]]:
        forwarded = [(k, v) for k, v in request_headers.items() if k not in HOP_BY_HOP]
        try:
            answer = await self._http().request(method, url, headers=forwarded, content=body)
        except httpx.HTTPError as exc:
            text = f"upstream {self.upstream} failed: {exc.__class__.__name__}"
            return 502, text.encode(), {"content-type": "text/plain"}
        headers = {k.lower(): v for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP}
        return answer.status_code, answer.content, headers

    async def _close(self) -> None:
        if self._client is not None:  # its connections to the upstream belong to the loop that made them
            await self._client.aclose()


@dataclass
class ProxyHandle:
    server: uvicorn.Server
    thread: threading.Thread
    port: int
    host: str = "127.0.0.1"
    gate: ProxyGate = field(default_factory=lambda: ProxyGate(None))
    drop: DropWindow | None = None

    def counts(self) -> ProxyCounts:
        """Requests received, forwarded upstream and answered 429 by the proxy so far (thread-safe)."""
        return self.gate.counts()

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return self.root_url + "/v1"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def __enter__(self) -> ProxyHandle:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def upstream_root(url: str) -> str:
    """The proxy forwards paths as they come (``/v1/...``): its upstream is the host root."""
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"invalid --upstream {url!r}", hint="give the target's URL, e.g. http://127.0.0.1:8765/v1")
    root = url.rstrip("/")
    return root[: -len("/v1")] if root.endswith("/v1") else root


def uvicorn_server(app: Any, drop: DropWindow | None = None) -> uvicorn.Server:
    from uvicorn.protocols.http.h11_impl import H11Protocol

    http: Any = dropping_protocol(H11Protocol, drop) if drop is not None else "h11"
    config = uvicorn.Config(app, lifespan="on", log_level="warning", access_log=False, http=http, loop="asyncio")
    return uvicorn.Server(config)


def start_proxy(
    upstream: str,
    variations: Variations,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    throttle: ProxyThrottle | None = None,
    clock: Clock | None = None,
    rewrite: Rewrite | None = None,
    drop: Drop | None = None,
) -> ProxyHandle:
    """Start the proxy in a thread on a loopback port; it forwards to ``upstream`` (a base URL or host root).

    ``throttle``: 429s answered by the proxy itself (``ProxyThrottle(every=N, retry_after=S, limits=Throttle)``);
    ``clock``: the clock of its windows and reset times (a ``ManualClock`` in tests); ``rewrite``: a hook that
    may rewrite each answer's body (the canary self-tests plant secrets with it); ``drop``: connections reset for a
    while (``Drop(after=N, seconds=S)``, ``downtime.py``).
    """
    gate = ProxyGate(throttle, clock)
    window = DropWindow(drop, clock) if drop is not None else None
    app = VaryingProxy(upstream_root(upstream), variations, gate, rewrite, window)
    sock = bind_socket(host, port)
    server, thread = serve_in_thread(uvicorn_server(app, window), sock, sock.close, "msaaq-proxy")
    return ProxyHandle(server, thread, int(sock.getsockname()[1]), host, gate, window)
