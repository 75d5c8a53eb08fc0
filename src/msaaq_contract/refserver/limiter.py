"""Laravel's fixed-window rate limiter (``Illuminate\\Cache\\RateLimiter``), on an injectable clock.

A bucket's first hit starts a window of ``Rate.window`` seconds; the bucket admits ``Rate.limit`` hits in it and
refuses the rest until the window ends, then starts afresh. A refused request is not a hit (Laravel checks
``tooManyAttempts`` before ``hit``), so hammering a full bucket does not push its window back. Times are whole
seconds, as Laravel's ``currentTime()``: ``Retry-After`` is an integer.

Shared by the reference server and the varying proxy (one implementation): see ``throttle.py``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from ..settings import parse_rate
from .clock import Clock


@dataclass(frozen=True)
class Rate:
    """``limit`` hits per ``window`` seconds: Laravel's ``Limit::perMinute(60)`` is ``Rate(60, 60)``."""

    limit: int
    window: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """``600/m``, ``5/min``, ``100/10s``, ``1000/h``, ``10000/d``: hits per (optionally several) units."""
        return cls(*parse_rate(text))

    def __str__(self) -> str:
        return f"{self.limit}/{self.window}s"


@dataclass(frozen=True)
class Hit:
    """What one bucket said about one request: admitted (``retry_after`` None) or refused."""

    limit: int
    remaining: int
    retry_after: int | None = None
    reset_at: int | None = None  # Unix time the window ends (refusals only, as Laravel sends it)
    # False for a refusal that is no window's (the proxy's every-Nth 429): it announces no limit, only the wait
    announces_limit: bool = True

    @property
    def refused(self) -> bool:
        return self.retry_after is not None

    def headers(self) -> dict[str, str]:
        """Laravel's headers: limit and remaining on every answer; Retry-After and the reset time on a 429."""
        if not self.announces_limit:
            return {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}
        out = {"X-RateLimit-Limit": str(self.limit), "X-RateLimit-Remaining": str(self.remaining)}
        if self.retry_after is not None:
            out["Retry-After"] = str(self.retry_after)
            out["X-RateLimit-Reset"] = str(self.reset_at)
        return out


class FixedWindow:
    """Buckets by key; thread-safe (the server's loop counts, a test thread reads)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._buckets: dict[str, tuple[int, int]] = {}  # key -> (hits, window end)
        self._lock = threading.Lock()

    def attempt(self, key: str, rate: Rate) -> Hit:
        """Refuse when the bucket is full, else count the hit (``tooManyAttempts`` then ``hit``)."""
        now = int(self.clock.now())
        with self._lock:
            hits, ends = self._buckets.get(key, (0, now))
            if now >= ends:  # no window yet, or it expired: this hit opens a new one
                hits, ends = 0, now + rate.window
            if hits >= rate.limit:
                return Hit(rate.limit, 0, ends - now, ends)
            self._buckets[key] = (hits + 1, ends)
            return Hit(rate.limit, rate.limit - hits - 1)


def shown(hits: list[Hit]) -> Hit | None:
    """The hit whose headers an answer carries when several limits applied: a refusal, else the lowest remaining.

    Laravel's throttle middlewares each add their headers unless the answer already shows a lower (or equal)
    remaining count; the innermost runs first, so on a tie the later limit of ``hits`` wins.
    """
    if not hits:
        return None
    return min(reversed(hits), key=lambda h: (not h.refused, h.remaining))
