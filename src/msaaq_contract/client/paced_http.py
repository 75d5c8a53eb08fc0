"""The one HTTP client every live request goes through: httpx, paced per rate-limit bucket, 429s and outages
waited out.

Happy requests, the refusal families, isolation, stateful chains, fuzzing (schemathesis' requests are sent
here too), discovery, token fetches and clean-up all use it, so pacing, the 429 rule, the outage rule and the
ledger hold for every request. A 429 is never an answer to judge: it is waited out (``Retry-After``, seconds or
an HTTP date) and the request sent again; one that outlives ``MAX_429_RETRIES`` or asks for more than the
settings allow becomes ``RateLimited`` (a target error, never a finding). A refused, dropped or timed-out
connection and a 502/503/504 ask ``outages.Outages`` whether the target is away (waited out, then the request is
sent again) or only this request failed (its answer is judged). The recorder drops 429s, and every answer the
run did not keep (``discarded``), the same way.

Imported when the first request is sent: offline runs never load httpx.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import httpx

from ..errors import RateLimited
from ..redaction import log_redaction
from .ledger import Ledger, sending_as
from .outages import GATEWAY_STATUSES, PROBE_HEADER, SAFE_METHODS, Outages
from .pacing import Pacer, retry_after

MAX_429_RETRIES = 5
log = logging.getLogger(__name__)
log.addFilter(log_redaction)


class PacedHTTP(httpx.Client):
    def __init__(
        self,
        *,
        pacer: Pacer,
        ledger: Ledger,
        buckets: Callable[[httpx.Request], tuple[str, ...]],
        max_retry_wait_s: float,
        outages: Outages | None = None,
        root_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.pacer = pacer
        self.ledger = ledger
        self.buckets = buckets
        self.max_retry_wait_s = max_retry_wait_s
        self.outages = outages if outages is not None else Outages(ledger=ledger, budget=pacer.budget)
        self.root_url = root_url
        # Told of every answer the run does not keep (an outage's 503 or 502, sent again): the recorder drops it.
        self.discarded: Callable[[httpx.Request, int], None] | None = None

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        names = self.buckets(request)  # the first one is where the ledger counts it and what its headers tell
        retrying, throttled, repeated = False, 0, False
        while True:
            waited = self.pacer.acquire(names)
            if retrying:
                self.ledger.retried(waited)
            else:
                self.ledger.paced(waited)
            retrying = False
            started = time.perf_counter()
            try:
                response = super().send(request, **kwargs)
            except httpx.TransportError as exc:
                log.debug("%s %s -> %s", request.method, request.url, exc.__class__.__name__)
                # A connection that was never made carried nothing: the request may go again whatever it is.
                unsent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
                if self._again(request, exc.__class__.__name__, None, repeatable=unsent, repeated=repeated):
                    repeated = True
                    continue
                raise
            status = response.status_code
            self.ledger.sent(names[0], status)
            headers = {k.lower(): v for k, v in response.headers.items()}
            self.pacer.observe(names[0], headers)
            log.debug(
                "%s %s -> %d [%s] %.0f ms", request.method, request.url, status, names[0],
                (time.perf_counter() - started) * 1000,
            )  # fmt: skip
            if status in GATEWAY_STATUSES and self.outages.armed:
                # Laravel's maintenance mode acts on nothing: its 503 may be sent again whatever the method.
                hint = retry_after(headers) if status == 503 and "retry-after" in headers else None
                if self._again(request, f"HTTP {status}", hint, repeatable=status == 503, repeated=repeated):
                    repeated = True
                    self._discard(request, response)
                    continue
                return response
            if status != 429:
                self.outages.answer(request.method, str(request.url), request.headers, status, len(response.content))
                return response
            wait = retry_after(headers)
            response.close()
            throttled += 1
            if wait > self.max_retry_wait_s:
                raise RateLimited(
                    f"{request.method} {request.url.path}: 429 with Retry-After {wait:g}s "
                    f"(more than the {self.max_retry_wait_s:g}s this run waits)",
                    hint="the target's limit is lower than this run needs: retry later, or set --time-budget",
                )
            if throttled > MAX_429_RETRIES:
                raise RateLimited(
                    f"{request.method} {request.url.path}: still 429 after {MAX_429_RETRIES} retries",
                    hint="the target is shared and busy: retry later, or lower --rate-limit",
                )
            log.info("%s %s: 429, waiting %.1f s as Retry-After asks", request.method, request.url.path, wait)
            self.pacer.hold(names, wait)
            retrying = True

    def _again(
        self, request: httpx.Request, failure: str, retry_after_s: float | None, *, repeatable: bool, repeated: bool
    ) -> bool:
        """Send ``request`` again? Yes after the target was away and came back; once more when the probe answered
        at once but the request may be repeated (nothing was done, or it is safe) and was not already; else no:
        its answer is judged (or its failure is this test's error)."""
        if not self.outages.armed:
            return False  # nothing has answered yet (preflight): an unreachable target stops the run at once
        if self.outages.wait_out(failure, self._probe, retry_after_s):
            return True
        again = (repeatable or request.method.upper() in SAFE_METHODS) and not repeated
        if again:
            log.info("%s %s: %s while the target answers; sending it once more", request.method, request.url.path,
                     failure)  # fmt: skip
        return again

    def _probe(self) -> str | None:
        """Is the target there? None when the probe got an answer, else what failed."""
        probe = self.outages.probe_request(self.root_url)
        request = self.build_request(probe.method, probe.url, headers={**dict(probe.headers), PROBE_HEADER: "1"})
        names = self.buckets(request)
        with sending_as("outage"):
            self.ledger.paced(self.pacer.acquire(names))
            try:
                response = super().send(request)
            except httpx.TransportError as exc:
                return exc.__class__.__name__
            self.ledger.sent(names[0], response.status_code)
            self.pacer.observe(names[0], {k.lower(): v for k, v in response.headers.items()})
            response.close()
        return f"HTTP {response.status_code}" if response.status_code in GATEWAY_STATUSES else None

    def _discard(self, request: httpx.Request, response: httpx.Response) -> None:
        response.close()
        if self.discarded is not None:
            self.discarded(request, response.status_code)
