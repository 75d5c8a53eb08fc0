"""``msaaq-contract proxy``: the varying proxy in the foreground until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse

from .cli import add_throttle_arguments, quiet_signals, say
from .cli import throttle_of as server_throttle_of
from .downtime import Drop, DropWindow
from .proxy import VaryingProxy, upstream_root, uvicorn_server
from .proxy_throttle import ProxyGate, ProxyThrottle
from .server import bind_socket
from .variations import CATALOGUE, Variations


def add_arguments(parser: argparse.ArgumentParser, command: str = "proxy") -> None:
    parser.add_argument("--upstream", required=True, help="the target to forward to, e.g. http://127.0.0.1:8765/v1")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8766, help="port (8766; 0 = any free port)")
    parser.add_argument(
        "--variations", action="append", default=None,
        help="comma-separated, repeatable; 'all' (default) or: " + ", ".join(CATALOGUE),
    )  # fmt: skip
    parser.add_argument("--latency-ms", type=int, default=25, help="delay added by the 'latency' variation (25)")
    parser.add_argument(
        "--throttle-every", type=int, metavar="N", default=None,
        help="answer every Nth request of each identity (Authorization value, or guest) with Laravel's 429 itself",
    )  # fmt: skip
    parser.add_argument("--retry-after", type=int, metavar="S", default=1, help="Retry-After of those 429s (1)")
    parser.add_argument(
        "--drop", metavar="SPEC", default=None,
        help="reset every connection for a while, e.g. after=300,for=15s: after N requests, as a restarting host",
    )  # fmt: skip
    add_throttle_arguments(parser)  # the proxy keys users by their Authorization value, guests by IP


def throttle_of(args: argparse.Namespace) -> ProxyThrottle | None:
    limits = server_throttle_of(args)
    if args.throttle_every is None and limits is None:
        return None
    return ProxyThrottle(args.throttle_every, args.retry_after, limits)


def run(args: argparse.Namespace) -> int:
    variations = Variations.parse(args.variations or ["all"], args.latency_ms)
    upstream = upstream_root(args.upstream)
    throttle = throttle_of(args)
    gate = ProxyGate(throttle)
    drop = Drop.parse(args.drop) if args.drop else None
    window = DropWindow(drop) if drop else None
    sock = bind_socket(args.host, args.port)
    try:
        server = uvicorn_server(VaryingProxy(upstream, variations, gate, drop=window), window)
        say(f"varying proxy on http://{args.host}:{sock.getsockname()[1]}/v1 -> {upstream}/v1  (Ctrl-C to stop)")
        say("  variations   : " + (", ".join(sorted(variations.enabled)) or "none (transparent)"))
        if throttle:
            say("  throttle     : " + throttle.describe())
        if drop:
            say("  drop         : " + drop.describe())
        with quiet_signals():
            server.run(sockets=[sock])
    finally:
        sock.close()
    counts = gate.counts()
    say(f"stopped ({counts.received} received, {counts.forwarded} forwarded, {counts.throttled} answered 429)")
    return 0
