"""``msaaq-contract serve``: the reference server in the foreground until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import ConfigError
from .credentials import ENV_PREFIX, DemoCredentials
from .downtime import Deploy
from .faults import CATALOGUE, load_faults
from .server import prepare
from .throttle import Throttle


@contextmanager
def quiet_signals() -> Iterator[None]:
    """uvicorn stops gracefully on SIGINT/SIGTERM, then re-raises the signal to the previous handler; a no-op
    handler there lets ``serve`` clean up its temporary database and exit 0 instead of dying by the signal."""
    previous = {sig: signal.signal(sig, lambda *_: None) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def say(line: str) -> None:
    """The banner goes to stdout (the command's output), flushed so wrappers see it before serving starts."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(ENV_PREFIX + name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{ENV_PREFIX}{name} must be an integer, got {raw!r}") from None


def add_arguments(parser: argparse.ArgumentParser, command: str = "serve") -> None:
    # Precedence for every option: the flag, then MSAAQ_REFSERVER_<NAME>, then the default shown here.
    env = os.environ.get
    parser.add_argument("--host", default=env(ENV_PREFIX + "HOST", "127.0.0.1"), help="loopback address (127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (8765; 0 = any free port)")
    parser.add_argument("--db", type=Path, default=env(ENV_PREFIX + "DB"), help="SQLite file (default: a temp file)")
    parser.add_argument(
        "--faults", type=Path, default=env(ENV_PREFIX + "FAULTS"),
        help="YAML/JSON list of {fault, operations, ...}; faults: " + ", ".join(sorted(CATALOGUE)),
    )  # fmt: skip
    parser.add_argument("--token-ttl", type=int, default=None, help="token lifetime in seconds (3600)")
    parser.add_argument("--client-id", default=None, help="demo OAuth client id (demo-client)")
    parser.add_argument("--client-secret", default=None, help="demo OAuth client secret (demo-secret)")
    parser.add_argument("--password", default=None, help="password of the demo users (demo-password)")
    parser.add_argument("--allow-remote", action="store_true", help="allow a non-loopback --host")
    parser.add_argument(
        "--deploy", metavar="SPEC", default=env(ENV_PREFIX + "DEPLOY"),
        help="a deploy in the middle of a run, e.g. after=300,503=10s,502=10s[,retry=60]: after N requests, "
        "Laravel's maintenance 503, then nginx's 502 page, then normal (off)",
    )  # fmt: skip
    add_throttle_arguments(parser, env_prefix=ENV_PREFIX)


def add_throttle_arguments(parser: argparse.ArgumentParser, env_prefix: str = "") -> None:
    """Laravel-style limits (off unless given); with ``env_prefix``, ``<prefix>THROTTLE`` and the like too."""

    def env(name: str) -> str | None:
        return os.environ.get(env_prefix + name) if env_prefix else None

    group = parser.add_argument_group("throttling (Laravel's fixed-window limiter; rates like 600/m, 5/10s)")
    group.add_argument(
        "--throttle", metavar="RATE", default=env("THROTTLE"),
        help="per authenticated user, and per IP for guests unless --guest-throttle (off)",
    )  # fmt: skip
    group.add_argument("--guest-throttle", metavar="RATE", default=env("GUEST_THROTTLE"),
                       help="per IP for guests, refused tokens and OAuth client tokens")  # fmt: skip
    group.add_argument("--login-throttle", metavar="RATE", default=env("LOGIN_THROTTLE"),
                       help="per IP on the token-issuing routes, on top of the api limit")  # fmt: skip


def throttle_of(args: argparse.Namespace) -> Throttle | None:
    return Throttle.of(Throttle.parse(args.throttle, guest=args.guest_throttle, login=args.login_throttle))


def run(args: argparse.Namespace) -> int:
    port = args.port if args.port is not None else _env_int("PORT", 8765)
    ttl = args.token_ttl if args.token_ttl is not None else _env_int("TOKEN_TTL", 3600)
    faults = load_faults(Path(args.faults)) if args.faults else []
    credentials = DemoCredentials.resolve(args.client_id, args.client_secret, args.password)
    throttle = throttle_of(args)
    deploy = Deploy.parse(args.deploy) if args.deploy else None
    prepared = prepare(
        host=args.host, port=port, db=Path(args.db) if args.db else None, faults=faults, token_ttl=ttl,
        credentials=credentials, allow_remote=args.allow_remote, throttle=throttle, deploy=deploy,
    )  # fmt: skip
    try:
        server = prepared.uvicorn_server()
        say(f"MSAAQ reference server on {prepared.root_url}/v1  (Ctrl-C to stop)")
        say(f"  database     : {prepared.store.path}")
        for line in credentials.lines():
            say(line)
        if faults:
            say("  faults       : " + ", ".join(repr(f) for f in faults))
        if throttle:
            say("  throttle     : " + throttle.describe())
        if deploy:
            say("  deploy       : " + deploy.describe())
        with quiet_signals():
            server.run(sockets=[prepared.sock])
        counts = prepared.engine.throttle.counts()
    finally:
        prepared.cleanup()
    say(f"stopped ({counts.received} requests received, {counts.throttled} answered 429 by the throttle)")
    return 0
