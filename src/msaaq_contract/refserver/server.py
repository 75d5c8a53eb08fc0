"""Running the reference server on loopback: in a thread for tests, in the foreground for ``serve``.

``start_server()`` binds the socket first (port 0 = a free port; a busy port is a ConfigError, not a
traceback), starts uvicorn on it in a daemon thread and returns once uvicorn reports it is serving. The
handle is a context manager; ``set_faults`` swaps the fault list of the running server.
"""

from __future__ import annotations

import ipaddress
import shutil
import socket
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn

from ..contract import Contract, load_contract
from ..errors import ConfigError
from .app import RefServerApp
from .clock import Clock, SystemClock
from .credentials import DemoCredentials
from .downtime import Deploy, DeployWindow
from .engine import Engine, Settings
from .faults import Fault
from .seed import plan, seed
from .store import Store
from .throttle import ServerCounts, Throttle

STARTUP_TIMEOUT = 30.0
LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind_socket(host: str, port: int, *, allow_remote: bool = False) -> socket.socket:
    if not allow_remote and not is_loopback(host):
        raise ConfigError(f"refusing to listen on non-loopback host {host!r}", hint="pass --allow-remote to do so")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets of that proto, and
    # without it each reply waits ~40 ms for a delayed ACK (headers and body are separate writes).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        if exc.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
            raise ConfigError(f"port {port} on {host} is already in use", hint="pick another --port") from None
        raise ConfigError(f"cannot listen on {host}:{port} ({exc.strerror})") from None
    sock.listen(2048)
    return sock


@dataclass
class Prepared:
    """A bound socket plus a seeded engine: what both the thread and the foreground runner start."""

    sock: socket.socket
    engine: Engine
    store: Store
    tmpdir: Path | None
    credentials: DemoCredentials
    deploy: DeployWindow | None = None

    @property
    def host(self) -> str:
        return str(self.sock.getsockname()[0])

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    @property
    def root_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def uvicorn_server(self) -> uvicorn.Server:
        config = uvicorn.Config(
            RefServerApp(self.engine, self.deploy), lifespan="off", log_level="warning", access_log=False,
            http="h11", loop="asyncio", timeout_graceful_shutdown=5,
        )  # fmt: skip
        return uvicorn.Server(config)

    def cleanup(self) -> None:
        self.store.close()
        self.sock.close()
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)


def prepare(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    db: Path | None = None,
    faults: list[Fault] | None = None,
    token_ttl: int = 3600,
    contract: Contract | None = None,
    clock: Clock | None = None,
    credentials: DemoCredentials | None = None,
    allow_remote: bool = False,
    throttle: Throttle | str | None = None,
    deploy: Deploy | str | None = None,
) -> Prepared:
    if token_ttl < 1:
        raise ConfigError(f"--token-ttl must be at least 1 second, got {token_ttl}")
    limits = Throttle.of(throttle)  # a bad rate is refused before the socket is bound
    window = Deploy.parse(deploy) if isinstance(deploy, str) else deploy
    sock = bind_socket(host, port, allow_remote=allow_remote)
    try:
        contract = contract or load_contract()
        credentials = credentials or DemoCredentials.resolve()
        tmpdir = None
        if db is None:
            tmpdir = Path(tempfile.mkdtemp(prefix="msaaq-refserver-"))
            db = tmpdir / "refserver.sqlite3"
        try:
            store = Store(db)
        except Exception as exc:
            raise ConfigError(f"cannot open the database {db} ({exc})") from None
        if store.is_empty():
            seed(store, contract, credentials, plan(contract))
        engine = Engine(contract, store, Settings(credentials, token_ttl, limits), clock or SystemClock(), faults or [])
    except BaseException:
        sock.close()
        raise
    return Prepared(sock, engine, store, tmpdir, credentials, DeployWindow(window, clock) if window else None)


@dataclass
class ServerHandle:
    """A running server. ``base_url`` ends in ``/v1``; ``root_url`` is the host root."""

    prepared: Prepared
    server: uvicorn.Server
    thread: threading.Thread
    stopped: bool = field(default=False)

    @property
    def base_url(self) -> str:
        return self.prepared.root_url + "/v1"

    @property
    def root_url(self) -> str:
        return self.prepared.root_url

    @property
    def port(self) -> int:
        return self.prepared.port

    @property
    def engine(self) -> Engine:
        return self.prepared.engine

    @property
    def credentials(self) -> DemoCredentials:
        return self.prepared.credentials

    def set_faults(self, faults: list[Fault]) -> None:
        self.prepared.engine.set_faults(faults)

    def counts(self) -> ServerCounts:
        """What the server received so far (thread-safe): totals per bucket kind, 429s of the throttle."""
        return self.prepared.engine.throttle.counts()

    def deploy_counts(self) -> dict[str, int]:
        """What the deploy window (``deploy=``) answered so far: maintenance 503s and gateway 502s."""
        window = self.prepared.deploy
        return window.answered if window is not None else {"maintenance_503": 0, "gateway_502": 0}

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.prepared.cleanup()

    def __enter__(self) -> ServerHandle:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def start_server(**options: Any) -> ServerHandle:
    """Start the reference server in a thread on a free loopback port and wait until it serves.

    Options: ``db: Path | None``, ``faults: list[Fault] | None``, ``token_ttl: int`` (3600),
    ``contract: Contract | None``, ``clock: Clock | None`` (token expiry, throttle windows), ``credentials``,
    ``host``, ``port``, ``throttle: Throttle | str | None`` (``"600/m"`` or ``Throttle.parse(...)``; off by default),
    ``deploy: Deploy | str | None`` (``"after=300,503=10s,502=10s"``: a deploy in the middle of a run; off).
    """
    prepared = prepare(**options)
    server, thread = serve_in_thread(prepared.uvicorn_server(), prepared.sock, prepared.cleanup, "msaaq-refserver")
    return ServerHandle(prepared, server, thread)


def serve_in_thread(
    server: uvicorn.Server, sock: socket.socket, cleanup: Any, name: str
) -> tuple[uvicorn.Server, threading.Thread]:
    """Run ``server`` on the bound ``sock`` in a daemon thread; return once uvicorn reports it is serving."""
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=name, daemon=True)
    thread.start()
    started = threading.Event()
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            cleanup()
            raise ConfigError(f"{name} did not start", hint="run it in the foreground to see why")
        started.wait(0.005)  # polls uvicorn's own flag; returns as soon as it flips
    return server, thread
