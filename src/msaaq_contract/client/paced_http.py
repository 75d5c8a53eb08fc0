"""The one HTTP client every live request goes through: httpx, paced per rate-limit bucket, 429s waited out.

Happy requests, the refusal families, isolation, stateful chains, fuzzing (schemathesis' requests are sent
here too), discovery, token fetches and clean-up all use it, so pacing, the 429 rule and the ledger hold for
every request. A 429 is never an answer to judge: it is waited out (``Retry-After``, seconds or an HTTP date)
and the request sent again; one that outlives ``MAX_429_RETRIES`` or asks for more than the settings allow
becomes ``RateLimited`` (a target error, never a finding). The recorder drops 429s the same way.

Imported when the first request is sent: offline runs never load httpx.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from ..errors import RateLimited
from .ledger import Ledger
from .pacing import Pacer, retry_after

MAX_429_RETRIES = 5


class PacedHTTP(httpx.Client):
    def __init__(
        self,
        *,
        pacer: Pacer,
        ledger: Ledger,
        buckets: Callable[[httpx.Request], tuple[str, ...]],
        max_retry_wait_s: float,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.pacer = pacer
        self.ledger = ledger
        self.buckets = buckets
        self.max_retry_wait_s = max_retry_wait_s

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        names = self.buckets(request)  # the first one is where the ledger counts it and what its headers tell
        retrying = False
        for _ in range(MAX_429_RETRIES + 1):
            waited = self.pacer.acquire(names)
            if retrying:
                self.ledger.retried(waited)
            else:
                self.ledger.paced(waited)
            response = super().send(request, **kwargs)
            self.ledger.sent(names[0], response.status_code)
            headers = {k.lower(): v for k, v in response.headers.items()}
            self.pacer.observe(names[0], headers)
            if response.status_code != 429:
                return response
            wait = retry_after(headers)
            response.close()
            if wait > self.max_retry_wait_s:
                raise RateLimited(
                    f"{request.method} {request.url.path}: 429 with Retry-After {wait:g}s "
                    f"(more than the {self.max_retry_wait_s:g}s this run waits)",
                    hint="the target's limit is lower than this run needs: retry later, or set --time-budget",
                )
            self.pacer.hold(names, wait)
            retrying = True
        raise RateLimited(
            f"{request.method} {request.url.path}: still 429 after {MAX_429_RETRIES} retries",
            hint="the target is shared and busy: retry later, or lower --rate-limit",
        )
