"""Progress while a live (or --sim) run goes: a line every ``--progress-every`` (default 30 s) and one when the
target goes away or comes back, so a two-hour nightly run shows where it is.

    msaaq progress: 1,234 requests sent, 120/531 ids judged, ETA 1 h 10 min at most at 75/min (plan: ...);
    waited 12.3 s for limits
    msaaq outage: the target is away (HTTP 503; probe: HTTP 503); waiting up to 5.0 min for it to come back

The controller (or the only process) prints; it runs a small thread so a line comes even while every test waits
(a target's limit, an outage) and under xdist, whose workers write what they sent to the run folder
(``MSAAQ_RUN_DIR``, ``progress-<worker>.json``) from a thread of their own. The ETA is the plan's requests not
sent yet at the pace of the run so far, waits for outages left out (a deploy says nothing about the pace).
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ..plan import duration_text
from ..redaction import log_redaction
from . import traffic
from .handoff import handoff
from .options import option
from .properties import ID

DEFAULT_EVERY_S = 30.0  # at least once a minute, with room for a line that comes late
TICK_S = 1.0  # how often the thread looks: an outage is said within a second
WORKER_WRITE_S = 2.0
UNPLANNED = ("discovery", "outage", "cleanup")  # ledger families the plan does not count
log = logging.getLogger(__name__)
log.addFilter(log_redaction)


def progress_every(config: Any) -> float:
    from ..settings import parse_duration

    raw = option(config, "progress_every") or os.environ.get("MSAAQ_PROGRESS_EVERY")
    return parse_duration(str(raw), "--msaaq-progress-every") if raw else DEFAULT_EVERY_S


@dataclass
class Snapshot:
    """What the run has sent so far (one process's, or the sum of the workers')."""

    requests: int = 0
    planned_sent: int = 0  # of those, what the plan counts (discovery and outage probes are not in it)
    limits_s: float = 0.0  # waited for the target's rate limits (pacing and 429s)
    outages: int = 0
    outage_s: float = 0.0
    away_s: float | None = None  # the outage in progress, if any
    why: str = ""
    down: str = ""  # the run stopped waiting (--outage-limit): why

    @classmethod
    def of(cls, ledger: dict[str, Any], status: dict[str, Any]) -> Snapshot:
        away = status.get("outage_away_s")
        families = ledger.get("by_family") or {}
        unplanned = sum(int(families.get(f, 0)) for f in UNPLANNED)
        return cls(
            int(ledger.get("requests", 0)), int(ledger.get("requests", 0)) - unplanned,
            float(ledger.get("waited_s", 0.0)), int(ledger.get("outages", 0)),
            float(ledger.get("outage_s", 0.0)), float(away) if away is not None else None,
            str(status.get("outage") or ""), str(status.get("down") or ""),
        )  # fmt: skip

    def add(self, other: Snapshot) -> None:
        self.requests += other.requests
        self.planned_sent += other.planned_sent
        self.limits_s += other.limits_s
        self.outages += other.outages
        self.outage_s += other.outage_s
        if other.away_s is not None and (self.away_s is None or other.away_s > self.away_s):
            self.away_s, self.why = other.away_s, other.why
        self.down = self.down or other.down

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def progress_line(now: Snapshot, *, elapsed_s: float, judged: int, ids: int, planned: int) -> str:
    """One progress line: requests, ids judged, the ETA from the plan at the pace so far, the waits."""
    parts = [f"{now.requests:,} requests sent", f"{judged}/{ids} ids judged" if ids else f"{judged} ids judged"]
    sending_s = max(elapsed_s - now.outage_s - (now.away_s or 0.0), 1e-3)
    per_minute = now.requests / sending_s * 60
    if now.requests and planned:
        eta = duration_text(max(planned - now.planned_sent, 0) / per_minute * 60)
        parts[-1] += f", ETA {eta} at most at {per_minute:,.0f}/min (plan: {planned:,} requests at most)"
    waits = [f"waited {now.limits_s:.1f} s for limits"]
    if now.outages:
        waits.append(f"{now.outage_s:.1f} s for {now.outages} outage{'s' if now.outages > 1 else ''}")
    line = "progress: " + ", ".join(parts) + "; " + ", ".join(waits)
    if now.away_s is not None:
        line += f"; the target is away for {now.away_s:.0f} s ({now.why})"
    return line


@dataclass
class Progress:
    """The controller's view: ``tick`` is called by the thread (and by the tests, with their own clock)."""

    every_s: float
    read: Callable[[], Snapshot]
    say: Callable[[str], None]
    planned: Callable[[], tuple[int, int]]  # (planned requests, planned ids), known once collected
    limit_s: float
    clock: Callable[[], float] = time.monotonic
    judged: set[str] = field(default_factory=set)
    started: float = 0.0
    _last: float = 0.0
    _away: bool = False
    _down: bool = False

    def __post_init__(self) -> None:
        self.started = self._last = self.clock()

    def tick(self) -> None:
        now = self.read()
        if now.down and not self._down:
            self._down = True
            self.say(f"outage: {now.down}; the remaining tests are errors")
        elif now.away_s is not None and not self._away:
            self.say(
                f"outage: the target is away ({now.why}); waiting up to {duration_text(self.limit_s)} for it to "
                "come back"
            )
        elif now.away_s is None and self._away and not self._down:
            self.say(f"outage: the target answers again; {now.outage_s:.1f} s waited for it so far")
        self._away = now.away_s is not None
        if self.clock() - self._last >= self.every_s:
            self._last = self.clock()
            planned, ids = self.planned()
            elapsed = self.clock() - self.started
            self.say(progress_line(now, elapsed_s=elapsed, judged=len(self.judged), ids=ids, planned=planned))

    def saw(self, report: pytest.TestReport) -> None:
        """A test report reached the controller: an id with a passed or failed check has been judged."""
        if report.when == "call" and report.outcome in ("passed", "failed"):
            for key, value in report.user_properties:
                if key == ID:
                    self.judged.add(str(value))


class Ticker:
    """A daemon thread calling ``action`` every ``seconds`` until stopped (waits on an Event: stops at once)."""

    def __init__(self, seconds: float, action: Callable[[], None], name: str) -> None:
        self._stop = threading.Event()
        self._seconds = seconds
        self._action = action
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._seconds):
            try:
                self._action()
            except Exception:  # a progress line is never worth a run: the next tick tries again
                log.debug("progress line failed", exc_info=True)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def _own(config: pytest.Config) -> Snapshot:
    t = traffic.traffic(config)
    return Snapshot.of(t.ledger.to_dict(), t.outages.status())


def _workers(config: pytest.Config) -> Snapshot:
    """The controller's own requests (discovery) and what each worker last wrote."""
    total = _own(config)
    folder = handoff(config).get("run_dir")
    for path in Path(folder).glob("progress-*.json") if folder else []:
        try:
            total.add(Snapshot(**json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError, TypeError):
            continue  # being replaced right now: the next tick reads it
    return total


def _write_worker(config: pytest.Config, worker: str) -> None:
    folder = handoff(config).get("run_dir")
    if not folder:
        return
    target = Path(folder) / f"progress-{worker}.json"
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(_own(config).to_dict()), encoding="utf-8")
    tmp.replace(target)


class ProgressHooks:
    """Registered for live and --sim conformance runs (not --plan): the controller prints, workers report."""

    def __init__(self) -> None:
        self.ticker: Ticker | None = None
        self.progress: Progress | None = None
        self.say: TerminalLine | None = None

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        config = session.config
        workerinput = getattr(config, "workerinput", None)
        if workerinput is not None:
            worker = str(workerinput.get("workerid"))
            self.ticker = Ticker(WORKER_WRITE_S, lambda: _write_worker(config, worker), "msaaq-progress")
            return
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is None:
            return
        read = _workers if getattr(config.option, "numprocesses", None) not in (None, 0, "0") else _own

        def planned() -> tuple[int, int]:
            plan = config.stash.get(traffic.PLAN, None)
            return (plan.total if plan is not None else 0), config.stash.get(traffic.PLANNED_IDS, 0)

        self.say = TerminalLine(config, reporter)
        self.progress = Progress(
            progress_every(config), lambda: read(config), self.say, planned, traffic.traffic(config).outages.limit_s
        )
        self.ticker = Ticker(min(TICK_S, self.progress.every_s), self.progress.tick, "msaaq-progress")

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.progress is not None:
            self.progress.saw(report)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.ticker is not None:
            self.ticker.stop()
            self.ticker = None
        # A last look: a run that stopped waiting a moment ago says so even if the thread did not tick since.
        workerinput = getattr(session.config, "workerinput", None)
        if workerinput is not None:
            with contextlib.suppress(OSError):
                _write_worker(session.config, str(workerinput.get("workerid")))
        elif self.progress is not None:
            self.progress.tick()
        if self.say is not None:
            self.say.close()
            self.say = None


class TerminalLine:
    """Writes a line to the terminal from the progress thread. While a test runs, pytest captures file
    descriptor 1 for that test, so a line written through it would land in the test's captured output: the
    terminal is reached through a duplicate of fd 1 taken while nothing is captured. Without a real file (an
    in-process pytester run) the terminal reporter writes it."""

    def __init__(self, config: pytest.Config, reporter: Any) -> None:
        self.reporter = reporter
        self.stream: Any = None
        capman = config.pluginmanager.get_plugin("capturemanager")
        try:
            with capman.global_and_fixture_disabled() if capman is not None else contextlib.nullcontext():
                sys.stdout.flush()
                self.stream = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", errors="replace")
        except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
            self.stream = None

    def __call__(self, text: str) -> None:
        if self.stream is None:
            self.reporter.write_line(f"msaaq {text}")
            return
        # A line of its own even when pytest's progress dots are half-way through theirs.
        writer = getattr(self.reporter, "_tw", None)  # pytest's own attribute: guarded
        midline = bool(getattr(writer, "width_of_current_line", 1))
        self.stream.write(("\n" if midline else "") + f"msaaq {text}\n")
        self.stream.flush()

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None
