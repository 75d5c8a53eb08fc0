"""Pacing: stay under the target's rate limits before a 429 happens, and never past the run's time budget.

Laravel keys its ``api`` limiter by the authenticated user, else by the client IP (``Limit::perMinute(60)
->by($request->user()?->id ?: $request->ip())``), and its login limiters apart. The client keys its requests the
same way (``GUEST`` for no token, a refused token or an OAuth client token, which has no user; one bucket per
user identity; ``LOGIN`` additionally for token-issuing requests) and keeps, per bucket, the send times of the
last window. Once a bucket has announced its limit (``X-RateLimit-Limit`` on any answer), at most
``limit - RESERVE`` of this process's share are sent in any window; ``X-RateLimit-Remaining: 0`` or a 429 holds
the bucket until the window has passed or ``Retry-After`` has elapsed. ``--rate-limit`` stays a ceiling over all
buckets. A wait that would end after the deadline of ``--time-budget`` raises ``OverBudget`` instead.
"""

from __future__ import annotations

import email.utils
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import InitVar, dataclass, field

from ..errors import OverBudget
from ..redaction import log_redaction
from ..settings import RateLimit
from .ledger import Ledger
from .outages import DEFAULT_LIMIT_S, Outages

log = logging.getLogger(__name__)
log.addFilter(log_redaction)
GUEST = "guest"
LOGIN = "login"
# Laravel's perMinute limiters decay 60 s after the first hit of a window; the headers do not name the window.
WINDOW_S = 60.0
# Our clock and the target's differ by the latency of a request: a window is taken to last a little longer.
WINDOW_MARGIN_S = 0.5
# Requests of each window left to whoever else shares the bucket (other users behind the same IP, a retry).
RESERVE = 1


@dataclass
class Bucket:
    limit: int | None = None  # as announced by X-RateLimit-Limit
    sent: deque[float] = field(default_factory=deque)  # this process's send times within the last window
    held_until: float = 0.0  # a 429 or an exhausted window: nothing is sent before this


@dataclass
class Budget:
    """The deadline of ``--time-budget`` on the monotonic clock of this process (None: no budget)."""

    deadline: float | None = None
    clock: Callable[[], float] = time.monotonic

    def remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - self.clock()

    def expired(self) -> bool:
        left = self.remaining()
        return left is not None and left <= 0

    def allow_wait(self, seconds: float, why: str) -> None:
        left = self.remaining()
        if left is not None and seconds >= left:
            raise OverBudget(
                f"over the time budget: {why} would wait {seconds:.1f} s with {max(left, 0):.1f} s left",
                hint="raise --time-budget, or lower what runs (-k, --max-examples)",
            )


class Pacer:
    def __init__(
        self,
        *,
        ceiling: RateLimit | None = None,
        share: int = 1,
        budget: Budget | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.ceiling = ceiling
        self.share = max(1, share)  # processes sending to the same buckets (xdist workers)
        self.budget = budget or Budget(clock=clock)
        self.clock = clock
        self.sleep = sleep
        self.buckets: dict[str, Bucket] = {}
        self._next_slot = 0.0
        self._lock = threading.Lock()

    def limits(self) -> dict[str, int]:
        """The limit each bucket announced (per window), for the plan's ETA."""
        return {name: b.limit for name, b in self.buckets.items() if b.limit is not None}

    def acquire(self, names: Sequence[str]) -> float:
        """Wait until every bucket in ``names`` (and the ceiling) allows one more request; returns the seconds
        waited. Raises ``OverBudget`` instead of a wait that would outlast the time budget."""
        if self.budget.expired():
            raise OverBudget("over the time budget", hint="raise --time-budget to send more")
        waited = 0.0
        while True:
            with self._lock:
                now = self.clock()
                wait = max([self._wait(self.buckets.setdefault(n, Bucket()), now) for n in names] + [0.0])
                if self.ceiling is not None:
                    wait = max(wait, self._next_slot - now)
                if wait <= 0:
                    for n in names:
                        self.buckets[n].sent.append(now)
                    if self.ceiling is not None:
                        self._next_slot = max(now, self._next_slot) + self.ceiling.interval
                    return waited
            self.budget.allow_wait(wait, "pacing for the target's rate limit")
            # A wait of a second or more is the target's limit showing: INFO; shorter ones are the run's pace.
            log.log(logging.INFO if wait >= 1.0 else logging.DEBUG, "waiting %.1f s for the rate limit of %s",
                    wait, ", ".join(names))  # fmt: skip
            self.sleep(wait)
            waited += wait

    def _wait(self, bucket: Bucket, now: float) -> float:
        window = WINDOW_S + WINDOW_MARGIN_S
        while bucket.sent and bucket.sent[0] <= now - window:
            bucket.sent.popleft()
        wait = bucket.held_until - now
        if bucket.limit is not None:
            allowed = max(1, (bucket.limit - RESERVE) // self.share)
            if len(bucket.sent) >= allowed:
                wait = max(wait, bucket.sent[len(bucket.sent) - allowed] + window - now)
        return wait

    def observe(self, name: str, headers: Mapping[str, str]) -> None:
        """Learn from an answer's ``X-RateLimit-*`` headers (``headers`` lower-cased)."""
        limit, remaining = _int(headers.get("x-ratelimit-limit")), _int(headers.get("x-ratelimit-remaining"))
        with self._lock:
            bucket = self.buckets.setdefault(name, Bucket())
            if limit is not None and limit > 0:
                bucket.limit = limit
            if remaining == 0 and bucket.sent:
                # Spent (by us or by others sharing it): hold until our oldest request of the window leaves it.
                bucket.held_until = max(bucket.held_until, bucket.sent[0] + WINDOW_S + WINDOW_MARGIN_S)

    def hold(self, names: Sequence[str], seconds: float) -> None:
        """A 429 asked to wait ``seconds``: nothing goes to these buckets before then."""
        with self._lock:
            until = self.clock() + seconds
            for n in names:
                bucket = self.buckets.setdefault(n, Bucket())
                bucket.held_until = max(bucket.held_until, until)


def retry_after(headers: Mapping[str, str], now: Callable[[], float] = time.time) -> float:
    """Seconds a 429 asks to wait: ``Retry-After`` as seconds or as an HTTP date (RFC 9110); 1 s if absent."""
    raw = (headers.get("retry-after") or "").strip()
    if not raw:
        return 1.0
    try:
        return max(float(raw), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return 1.0
    return max(when.timestamp() - now(), 0.0)


def _int(value: str | None) -> int | None:
    try:
        return int(str(value).strip()) if value is not None else None
    except ValueError:
        return None


@dataclass
class Traffic:
    """What one process sends with: its pacer (and the budget in it), its ledger, its outage state (shared by
    discovery's client and the suite's: the probe learnt in discovery serves the suite), and when it began."""

    pacer: Pacer
    ledger: Ledger
    started: float = field(default_factory=time.monotonic)
    outage_limit_s: InitVar[float] = DEFAULT_LIMIT_S
    outages: Outages = field(init=False)

    def __post_init__(self, outage_limit_s: float) -> None:
        self.outages = Outages(limit_s=outage_limit_s, ledger=self.ledger, budget=self.pacer.budget)

    @property
    def budget(self) -> Budget:
        return self.pacer.budget
