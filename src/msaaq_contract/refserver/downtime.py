"""Downtime as a deploy shows it from outside, to rehearse a live run through one (off by default).

- ``Deploy`` (the reference server, ``serve --deploy``): after ``after`` requests, Laravel's maintenance mode
  (``php artisan down``) for ``maintenance_s``: every request is answered 503 ``{"message": "Service
  Unavailable"}`` (the framework's rendering of its 503 for a JSON client; ``Retry-After`` when ``--retry`` was
  given); then nginx's own 502 page for ``gateway_s`` while PHP-FPM restarts; then the application again.
- ``Drop`` (the varying proxy, ``proxy --drop``): after ``after`` requests, every connection is reset for
  ``seconds``, new ones as soon as they are accepted and open ones at their next request: the client sees a
  refused or reset connection, never an answer.

Both start counting at the first request and run on an injectable ``Clock`` (a ``ManualClock`` in unit tests).
The window is counted (``answered``/``dropped``) so a test can tell that the run met it.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from typing import Any

from ..errors import ConfigError
from .clock import Clock, SystemClock

LARAVEL_MAINTENANCE = json.dumps({"message": "Service Unavailable"}).encode()
NGINX_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>"
    b"\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
_PART = re.compile(r"^\s*(after|503|502|for|retry)\s*=\s*(\d+(?:\.\d+)?)\s*(s|m)?\s*$")
HINT_DEPLOY = "write e.g. after=300,503=10s,502=10s[,retry=60]"
HINT_DROP = "write e.g. after=300,for=15s"


def _parts(text: str, hint: str) -> dict[str, float]:
    found: dict[str, float] = {}
    for part in text.split(","):
        match = _PART.match(part.lower())
        if match is None:
            raise ConfigError(f"invalid downtime {text!r}", hint=hint)
        found[match.group(1)] = float(match.group(2)) * (60 if match.group(3) == "m" else 1)
    return found


@dataclass(frozen=True)
class Deploy:
    after: int = 0  # requests answered normally before the deploy starts
    maintenance_s: float = 10.0  # Laravel's maintenance mode: 503
    gateway_s: float = 10.0  # nginx while PHP-FPM restarts: 502
    retry_after: int | None = None  # ``php artisan down --retry=N``: the 503's Retry-After

    @classmethod
    def parse(cls, text: str) -> Deploy:
        parts = _parts(text, HINT_DEPLOY)
        if "for" in parts:
            raise ConfigError(f"invalid --deploy {text!r}: say how long each phase lasts", hint=HINT_DEPLOY)
        retry = parts.get("retry")
        return cls(int(parts.get("after", 0)), parts.get("503", 10.0), parts.get("502", 10.0),
                   int(retry) if retry is not None else None)  # fmt: skip

    def describe(self) -> str:
        retry = f" (Retry-After {self.retry_after})" if self.retry_after is not None else ""
        return (f"after {self.after} requests: 503 maintenance for {self.maintenance_s:g} s{retry}, "
                f"then nginx 502 for {self.gateway_s:g} s")  # fmt: skip


@dataclass(frozen=True)
class Drop:
    after: int = 0  # requests forwarded before connections are dropped
    seconds: float = 15.0

    @classmethod
    def parse(cls, text: str) -> Drop:
        parts = _parts(text, HINT_DROP)
        if set(parts) - {"after", "for"}:
            raise ConfigError(f"invalid --drop {text!r}", hint=HINT_DROP)
        return cls(int(parts.get("after", 0)), parts.get("for", 15.0))

    def describe(self) -> str:
        return f"after {self.after} requests: every connection reset for {self.seconds:g} s"


class Window:
    """A window that opens at the ``after``-th request (counted by ``request``) and lasts ``phases``."""

    def __init__(self, after: int, phases: tuple[float, ...], clock: Clock | None = None) -> None:
        self.after = after
        self.phases = phases
        self.clock = clock or SystemClock()
        self.requests = 0
        self.opened: float | None = None
        self.counts = [0] * len(phases)  # what each phase answered (or dropped)
        self._lock = threading.Lock()

    def request(self) -> int | None:
        """Count one request; the phase it meets (0, 1, ...) or None (answered normally)."""
        with self._lock:
            self.requests += 1
            if self.opened is None and self.requests > self.after:
                self.opened = self.clock.now()
            phase = self._phase()
            if phase is not None:
                self.counts[phase] += 1
            return phase

    def phase(self) -> int | None:
        """The phase now, without counting a request (a connection being opened)."""
        with self._lock:
            return self._phase()

    def _phase(self) -> int | None:
        if self.opened is None:
            return None
        elapsed = self.clock.now() - self.opened
        for index, length in enumerate(self.phases):
            if elapsed < length:
                return index
            elapsed -= length
        return None

    def count(self, phase: int) -> None:
        with self._lock:
            self.counts[phase] += 1


class DeployWindow(Window):
    def __init__(self, deploy: Deploy, clock: Clock | None = None) -> None:
        super().__init__(deploy.after, (deploy.maintenance_s, deploy.gateway_s), clock)
        self.deploy = deploy

    def answer(self) -> tuple[int, bytes, dict[str, str]] | None:
        """The deploy's answer to the request being counted, or None: the application answers."""
        phase = self.request()
        if phase == 0:
            headers = {"content-type": "application/json", "cache-control": "no-cache, private"}
            if self.deploy.retry_after is not None:
                headers["retry-after"] = str(self.deploy.retry_after)
            return 503, LARAVEL_MAINTENANCE, headers
        if phase == 1:
            return 502, NGINX_502, {"content-type": "text/html", "server": "nginx"}
        return None

    @property
    def answered(self) -> dict[str, int]:
        return {"maintenance_503": self.counts[0], "gateway_502": self.counts[1]}


class DropWindow(Window):
    def __init__(self, drop: Drop, clock: Clock | None = None) -> None:
        super().__init__(drop.after, (drop.seconds,), clock)
        self.drop = drop

    def request(self) -> int | None:
        """A request the proxy received (and forwards): once ``after`` have been, connections are reset."""
        with self._lock:
            self.requests += 1
            if self.opened is None and self.requests >= self.after:
                self.opened = self.clock.now()
        return None

    @property
    def dropped(self) -> int:
        return self.counts[0]


def dropping_protocol(base: type[Any], window: DropWindow) -> type[Any]:
    """uvicorn's HTTP protocol class (``uvicorn.Config(http=...)``) that resets connections while ``window`` is
    open: a new connection as soon as it is made, an open one when its next request arrives."""

    class Dropping(base):  # type: ignore[misc,valid-type]
        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            if window.phase() is not None:
                window.count(0)
                transport.abort()

        def data_received(self, data: bytes) -> None:
            if window.phase() is not None:
                window.count(0)
                self.transport.abort()
                return
            super().data_received(data)

    return Dropping
