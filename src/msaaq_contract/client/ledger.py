"""The request ledger: what a live run asked of its target, counted where requests leave the machine.

Every attempt the client makes is one request, 429s and their retries included, so ``requests`` is what the
target received. Each is counted under its rate-limit bucket (``pacing.Buckets``) and under the family that
sent it, which the sender names with ``sending_as`` (a context variable: the suite, discovery, token fetches and
clean-up each say who they are). A request that got no answer (a refused or dropped connection, a timeout) is
not one the target received: it is not counted, the outage it met is (``outages``, ``outage_s``: the time
waited for the target to come back, ``client.outages``). Under pytest-xdist each worker keeps its own ledger;
the controller adds them.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

_FAMILY: contextvars.ContextVar[str] = contextvars.ContextVar("msaaq_family", default="other")


@contextlib.contextmanager
def sending_as(family: str) -> Iterator[None]:
    """Requests sent inside the block are counted under ``family``."""
    token = _FAMILY.set(family)
    try:
        yield
    finally:
        _FAMILY.reset(token)


def current_family() -> str:
    return _FAMILY.get()


@dataclass
class Ledger:
    requests: int = 0
    by_bucket: Counter[str] = field(default_factory=Counter)
    by_family: Counter[str] = field(default_factory=Counter)
    status_429: int = 0
    retries: int = 0
    paced_s: float = 0.0  # waited before sending, to stay under the target's limits
    retry_wait_s: float = 0.0  # waited after a 429, as its Retry-After asked
    outages: int = 0  # times the target was away (a deploy, a restart, refused connections) and came back or not
    outage_s: float = 0.0  # waited for the target to come back
    cleanup_s: float = 0.0  # spent deleting what the run created (it may follow a --time-budget's deadline)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def sent(self, bucket: str, status: int) -> None:
        with self._lock:
            self.requests += 1
            self.by_bucket[bucket] += 1
            self.by_family[current_family()] += 1
            if status == 429:
                self.status_429 += 1

    def paced(self, seconds: float) -> None:
        with self._lock:
            self.paced_s += seconds

    def retried(self, seconds: float) -> None:
        with self._lock:
            self.retries += 1
            self.retry_wait_s += seconds

    def outage_seen(self) -> None:
        with self._lock:
            self.outages += 1

    def outage_waited(self, seconds: float) -> None:
        with self._lock:
            self.outage_s += seconds

    @property
    def waited_s(self) -> float:
        return self.paced_s + self.retry_wait_s

    def add(self, other: Mapping[str, Any]) -> None:
        """Add another process's ledger (its ``to_dict``)."""
        with self._lock:
            self.requests += int(other.get("requests", 0))
            self.by_bucket.update({str(k): int(v) for k, v in (other.get("by_bucket") or {}).items()})
            self.by_family.update({str(k): int(v) for k, v in (other.get("by_family") or {}).items()})
            self.status_429 += int(other.get("status_429", 0))
            self.retries += int(other.get("retries", 0))
            self.paced_s += float(other.get("paced_s", 0.0))
            self.retry_wait_s += float(other.get("retry_wait_s", 0.0))
            self.outages += int(other.get("outages", 0))
            self.outage_s += float(other.get("outage_s", 0.0))
            self.cleanup_s += float(other.get("cleanup_s", 0.0))

    def to_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "by_bucket": dict(sorted(self.by_bucket.items())),
            "by_family": dict(sorted(self.by_family.items())),
            "status_429": self.status_429,
            "retries": self.retries,
            "waited_s": round(self.waited_s, 3),
            "paced_s": round(self.paced_s, 3),
            "retry_wait_s": round(self.retry_wait_s, 3),
            "outages": self.outages,
            "outage_s": round(self.outage_s, 3),
            "cleanup_s": round(self.cleanup_s, 3),
        }
