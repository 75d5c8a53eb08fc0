"""``msaaq-contract proxy``: the varying proxy in the foreground until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse

from .cli import quiet_signals, say
from .proxy import VaryingProxy, upstream_root, uvicorn_server
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


def run(args: argparse.Namespace) -> int:
    variations = Variations.parse(args.variations or ["all"], args.latency_ms)
    upstream = upstream_root(args.upstream)
    sock = bind_socket(args.host, args.port)
    try:
        server = uvicorn_server(VaryingProxy(upstream, variations))
        say(f"varying proxy on http://{args.host}:{sock.getsockname()[1]}/v1 -> {upstream}/v1  (Ctrl-C to stop)")
        say("  variations   : " + (", ".join(sorted(variations.enabled)) or "none (transparent)"))
        with quiet_signals():
            server.run(sockets=[sock])
    finally:
        sock.close()
    say("stopped")
    return 0
