"""Outages: a deploy, a restart or a dropped network is waited out, never judged.

A shared staging is redeployed while runs are going: Laravel's maintenance mode answers 503, nginx answers 502
(or 504) while PHP-FPM restarts, connections are refused or reset for a few seconds. When a request meets one of
these, the paced client (``paced_http``) asks ``Outages.wait_out`` whether the *target* is away or only this
request failed, by sending a probe known to get an answer: the smallest GET that already got one in this run
(before any, the host root). The probe is answered (anything but a failure of the same kind, a 401 or a 404
included): only this request failed, and its answer is the API's, judged like any other (a 502 on one input is
a crash worth reporting). The probe fails too: the target is away; the run waits with backoff (``Retry-After``
of a 503 honoured) and probes again until it answers, then the request is sent again. An outage longer than
``limit_s`` (``--outage-limit``, ``MSAAQ_OUTAGE_LIMIT``) raises ``TargetDown``: the run stops judging, the
remaining tests are errors. Before the target has answered anything (preflight) nothing is waited for: an
unreachable target stops the run at once.

Waits are counted in the ledger (``outages``, ``outage_s``); probes are requests like any other (paced, counted
under the family ``outage``). Time is injected (``clock``, ``sleep``): the self-tests never sleep.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NoReturn, Protocol

from ..errors import TargetDown
from ..redaction import log_redaction
from .ledger import Ledger

log = logging.getLogger(__name__)
log.addFilter(log_redaction)

# What a gateway in front of the application, or the application in maintenance mode, answers while it is away.
GATEWAY_STATUSES = frozenset({502, 503, 504})
# A request the target cannot have acted on may be sent again whatever its method; these are safe to repeat.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_LIMIT_S = 300.0  # a deploy takes seconds to a minute or two; five minutes of silence is not a deploy
FIRST_WAIT_S = 1.0
MAX_WAIT_S = 10.0  # a probe at least every 10 s: a run notices within that that the target is back
# A failure this soon after the end of an outage belongs to it (a target that flaps while it comes back).
SAME_OUTAGE_S = 10.0
PROBE_HEADER = "X-Msaaq-Contract-Probe"  # the recorder leaves probes out of every cassette


class Deadline(Protocol):
    """``pacing.Budget`` as seen from here (pacing's ``Traffic`` holds an ``Outages``: no import back)."""

    def allow_wait(self, seconds: float, why: str) -> None: ...


@dataclass(frozen=True)
class Probe:
    """A request known to get an answer from the target: sent again to ask whether the target is there."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    size: int  # the answer's size: the cheapest probe is kept


class Outages:
    """The outage state of one process (shared by its clients, like the pacer) and the rule that waits."""

    def __init__(
        self,
        *,
        limit_s: float = DEFAULT_LIMIT_S,
        ledger: Ledger | None = None,
        budget: Deadline | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limit_s = limit_s
        self.ledger = ledger if ledger is not None else Ledger()
        self.budget = budget  # --time-budget: a wait that would outlast it is OverBudget (not-run)
        self.clock = clock
        self.sleep = sleep
        self.known: Probe | None = None
        self.answered = False  # the target has answered something this run: from now on an outage is waited out
        self.down: str | None = None  # why the run stopped waiting (TargetDown): later requests fail at once
        self.since: float | None = None  # start of the outage in progress (None: the target answers)
        self.why: str = ""  # what the outage in progress looks like ("HTTP 503", "ConnectError")
        self._ended: float | None = None
        self._started_at = 0.0  # start of the last outage that ended (a flap continues it)
        self._lock = threading.Lock()

    # -- learning what answers ----------------------------------------------------------------------------
    def answer(self, method: str, url: str, headers: Mapping[str, str], status: int, size: int) -> None:
        """A request got an answer that is not an outage's: the target is there; a GET becomes a probe candidate."""
        self.answered = True
        if method.upper() != "GET" or status >= 500:
            return
        kept = tuple((k, v) for k, v in headers.items() if k.lower() not in ("content-length", PROBE_HEADER.lower()))
        with self._lock:
            if self.known is None or size < self.known.size:
                self.known = Probe("GET", url, kept, size)

    def probe_request(self, root_url: str) -> Probe:
        """What to send to ask whether the target is there: the cheapest GET answered so far, else the root."""
        return self.known or Probe("GET", root_url.rstrip("/") + "/", (("Accept", "application/json"),), 0)

    @property
    def armed(self) -> bool:
        return self.answered

    # -- waiting ------------------------------------------------------------------------------------------
    def wait_out(self, failure: str, probe: Callable[[], str | None], retry_after_s: float | None = None) -> bool:
        """A request failed as an outage would (``failure``: "HTTP 503", "ConnectError", ...). ``probe()`` sends
        the probe and returns None when it is answered, else what failed.

        Returns False when the probe is answered at once (the failure is this request's own), True when the target
        was away and answers again (send the request again). Raises ``TargetDown`` when it stays away longer than
        the limit, and ``OverBudget`` when a wait would outlast ``--time-budget``."""
        if self.down is not None:
            raise TargetDown(self.down, hint="the remaining tests were not run against it")
        away = probe()
        if away is None:
            return False
        now = self.clock()
        if self.since is None:
            recent = self._ended is not None and now - self._ended < SAME_OUTAGE_S
            self.since = self._started_at if recent else now
            if not recent:
                self.ledger.outage_seen()
            self.why = f"{failure}; probe: {away}"
            log.info("target away (%s): waiting up to %s for it to come back", self.why, _seconds(self.limit_s))
        try:
            self._wait(failure, away, probe, max(FIRST_WAIT_S, retry_after_s or 0.0))
        finally:  # back, down, over the budget or interrupted: no outage is in progress any more
            if self.since is not None:
                self._started_at = self.since
            self._ended, self.since = self.clock(), None
        return True

    def _wait(self, failure: str, away: str | None, probe: Callable[[], str | None], wait: float) -> None:
        since = self.since if self.since is not None else self.clock()
        while away is not None:
            left = since + self.limit_s - self.clock()
            if left <= 0:
                self._give_up(away)
            step = min(wait, left)
            if self.budget is not None:
                self.budget.allow_wait(step, "waiting for the target to come back")
            log.info("target away for %s (%s): next probe in %s", _seconds(self.away_s()), away, _seconds(step))
            self.sleep(step)
            self.ledger.outage_waited(step)
            wait = min(wait * 2, MAX_WAIT_S)
            away = probe()
            if away is not None:
                self.why = f"{failure}; probe: {away}"
        log.info("target back after %s: sending the request again", _seconds(self.clock() - since))

    def away_s(self) -> float:
        """How long the outage in progress has lasted (0: none)."""
        since = self.since
        return 0.0 if since is None else max(0.0, self.clock() - since)

    def _give_up(self, away: str) -> NoReturn:
        self.down = (
            f"the target stopped answering during the run: away for more than {_seconds(self.limit_s)} "
            f"(--outage-limit; last: {away})"
        )
        log.warning("%s: the remaining tests are errors", self.down)
        raise TargetDown(self.down, hint="the remaining tests were not run against it; rerun when it is back")

    def status(self) -> dict[str, float | str | None]:
        """For progress lines: the outage in progress, if any."""
        away = round(self.away_s(), 1) if self.since is not None else None
        return {"outage_away_s": away, "outage": self.why, "down": self.down}


def _seconds(value: float) -> str:
    if value >= 120:
        return f"{value / 60:.1f} min"
    return f"{value:.1f} s"
