"""The varying proxy's throttle: Laravel 429s answered by the proxy itself, never forwarded upstream.

Two ways, together or apart (``every`` is asked first):

- ``every=N``: every Nth request of each identity is answered 429 with ``Retry-After: retry_after`` (and no
  ``X-RateLimit-*`` header: it is an injected refusal, not a window the client could pace for). The identity is
  the Authorization header's value, or ``guest`` without one; token requests count like any other. The proxy does
  not hold a client to the Retry-After it announced: the next N-1 requests of that identity pass again.
- ``limits``: the reference server's Laravel limiter (``throttle.Throttler``, one implementation) keyed by the
  Authorization value (the proxy cannot tell a valid token from a refused one) or, without one, the client IP.
  A login limit needs to know the token-issuing routes: they are read from the bundled contract.

The 429 is stock Laravel's (``ThrottleRequestsException`` rendered as JSON): ``{"message": "Too Many Attempts."}``
with ``Retry-After``, ``X-RateLimit-Reset``, ``X-RateLimit-Limit`` and ``X-RateLimit-Remaining: 0``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs

from ..contract import Contract, load_contract
from ..contract.logins import login_operations
from ..errors import ConfigError
from .clock import Clock, SystemClock
from .limiter import Hit
from .router import Router
from .throttle import Admission, Tally, Throttle, Throttler, Who

LARAVEL_429 = b'{"message":"Too Many Attempts."}'
GUEST = "guest"
API_PREFIX = "/v1"
SPOOFABLE = ("PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class ProxyThrottle:
    every: int | None = None  # answer every Nth request of each identity with 429
    retry_after: int = 1  # Retry-After of those 429s, in seconds
    limits: Throttle | None = None  # a Laravel limiter in front of the upstream

    def __post_init__(self) -> None:
        if self.every is not None and self.every < 1:
            raise ConfigError(f"--throttle-every must be at least 1, got {self.every}")
        if self.retry_after < 0:
            raise ConfigError(f"--retry-after must not be negative, got {self.retry_after}")

    def describe(self) -> str:
        parts = [f"every {self.every}th request per identity (Retry-After {self.retry_after})"] if self.every else []
        return "; ".join([*parts, *([self.limits.describe()] if self.limits else [])])


@dataclass(frozen=True)
class ProxyCounts:
    """Requests the proxy received, forwarded upstream, and answered 429 itself."""

    received: int
    forwarded: int
    throttled: int


class ProxyGate:
    """Decides, per request, whether the proxy answers 429 instead of forwarding; counts what passed."""

    def __init__(
        self, config: ProxyThrottle | None, clock: Clock | None = None, contract: Contract | None = None
    ) -> None:
        self.config = config or ProxyThrottle()
        self.clock = clock or SystemClock()
        self.throttler = Throttler(self.config.limits, self.clock)
        needs_routes = self.config.limits is not None and self.config.limits.login is not None
        self.is_login = login_matcher(contract or load_contract()) if needs_routes else lambda *request: False
        self.tally = Tally(("received", "forwarded", "throttled"))
        self._seen: dict[str, int] = {}
        self._lock = threading.Lock()

    def admit(self, method: str, path: str, query: str, authorization: str | None, ip: str) -> Admission:
        self.tally.add("received")
        every = self._every(authorization or GUEST)
        admission = Admission(every)
        if not admission.refusal and self.config.limits is not None:
            who = Who("user", authorization, ip) if authorization else Who.guest(ip)
            admission = Admission(every + self.throttler.admit(who, login=self.is_login(method, path, query)).hits)
        self.tally.add("throttled" if admission.refusal else "forwarded")
        return admission

    def _every(self, identity: str) -> tuple[Hit, ...]:
        n = self.config.every
        if n is None:
            return ()
        with self._lock:
            seen = self._seen[identity] = self._seen.get(identity, 0) + 1
        if seen % n:
            return ()  # admitted: every-Nth is no rate limit, so the answer announces none
        now = int(self.clock.now())
        return (Hit(n - 1, 0, self.config.retry_after, now + self.config.retry_after, announces_limit=False),)

    def counts(self) -> ProxyCounts:
        return ProxyCounts(**self.tally.snapshot())


def login_matcher(contract: Contract) -> Callable[[str, str, str], bool]:
    """``is_login(method, path, query)`` for requests as the proxy sees them (``/v1/...``, Laravel's ``_method``
    spoofing honoured): is it a token-issuing route?"""
    router, logins = Router(contract), login_operations(contract)

    def is_login(method: str, path: str, query: str) -> bool:
        spoof = parse_qs(query).get("_method", [""])[0].upper()
        method = spoof if method.upper() == "POST" and spoof in SPOOFABLE else method
        found = router.match(method, path.removeprefix(API_PREFIX) or "/").op
        return found is not None and found.operation_id in logins

    return is_login


def merge_rate_headers(headers: dict[str, str], admission: Admission) -> None:
    """Add the limiter's headers to an answer (lower-case names) unless it already shows fewer remaining
    (Laravel's rule for stacked limiters: the tightest limit is the one shown). A 429's headers always win."""
    new = {k.lower(): v for k, v in admission.headers().items()}
    shown = headers.get("x-ratelimit-remaining", "")
    if not new or ("retry-after" not in new and shown.isdigit() and int(shown) <= int(new["x-ratelimit-remaining"])):
        return
    headers.update(new)
