"""Time for the reference server: a fixed date for data, an injectable clock for token expiry.

Seeded and created rows carry ``FIXED_ISO`` so two starts serve identical bodies. Token expiry needs time
to pass, so it reads a ``Clock``: the system clock by default, a ``ManualClock`` in tests (advance it
instead of sleeping).
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

FIXED_ISO = "2026-01-01T00:00:00Z"
FIXED_DATE = "2026-01-01"
FIXED_EPOCH = 1767225600.0  # FIXED_ISO as a Unix timestamp


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the epoch."""
        ...


class SystemClock:
    def now(self) -> float:
        return time.time()


class ManualClock:
    """A clock that only moves when told to: ``clock.advance(3601)`` expires a one-hour token."""

    def __init__(self, start: float = FIXED_EPOCH) -> None:
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds
