"""The suite's HTTP client: httpx with tokens, a rate limit, 429 back-off and one-line target errors.

A 429 with ``Retry-After`` is waited out (bounded) and never reported as an API failure; a timeout, reset or
refused connection becomes ``TargetUnreachable`` for that test only. Mutating requests are refused before
they leave the machine unless the settings allow writes to this target.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import RateLimited, TargetUnreachable, UnsafeTarget
from ..exchange import Exchange
from ..settings import Settings
from .happy import PreparedCall
from .httpx_exchange import from_httpx
from .token_share import TokenShare
from .tokens import TokenStore

if TYPE_CHECKING:  # imported when the first request is sent: offline runs send none and never load httpx
    import httpx

USER_AGENT = "msaaq-contract/0.1 (+conformance suite)"
MAX_429_RETRIES = 5
DEFAULT = object()


class Client:
    def __init__(
        self,
        settings: Settings,
        *,
        base_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        offline: bool = False,
    ) -> None:
        self.settings = settings
        self.base_url = (base_url or settings.base_url).rstrip("/")
        self.root_url = self.base_url.rsplit("/v1", 1)[0]
        self._transport = transport
        self.sleep = sleep
        self.clock = clock
        self.tokens = TokenStore(
            lambda: self.http,
            self.base_url,
            settings.credentials,
            settings.tenant,
            offline=offline,
            clock=clock,
            share=None if offline else TokenShare.from_env(),
        )
        self._next_slot = 0.0
        self._slot_lock = threading.Lock()

    @functools.cached_property
    def http(self) -> httpx.Client:
        import httpx

        return httpx.Client(
            timeout=self.settings.timeout_s,
            headers={"User-Agent": USER_AGENT},
            transport=self._transport,
            follow_redirects=False,
        )

    def close(self) -> None:
        if "http" in self.__dict__:  # created only once a request was sent
            self.http.close()

    # -- sending --------------------------------------------------------------------------------------------
    def send(self, call: PreparedCall, *, token: Any = DEFAULT, mutating: bool = False) -> Exchange:
        """Send ``call``; ``token`` DEFAULT = the identity's cached token, None = anonymous, str = that token."""
        if mutating and not self.settings.writes_allowed():
            where = "production" if self.settings.is_production else self.settings.host
            flag = "--allow-writes --allow-production" if self.settings.is_production else "--allow-writes"
            raise UnsafeTarget(f"{call.method} {call.path} is a write; refused against {where}", hint=f"pass {flag}")
        auto_token = token is DEFAULT
        for attempt in range(2):
            headers = dict(call.headers)
            value = self._token_for(call) if auto_token else token
            if value:
                headers["Authorization"] = f"Bearer {value}"
            response = self._send_with_backoff(call, headers)
            # A 401 on a cached token may just mean it expired: refresh once, then judge the answer.
            if response.status_code == 401 and auto_token and call.identity and not call.fresh_token and attempt == 0:
                self.tokens.invalidate(call.identity)
                continue
            return from_httpx(response)
        raise AssertionError("unreachable")  # pragma: no cover

    def _token_for(self, call: PreparedCall) -> str | None:
        if not call.identity:
            return None
        return self.tokens.get(call.identity, fresh=call.fresh_token)

    def _send_with_backoff(self, call: PreparedCall, headers: dict[str, str]) -> httpx.Response:
        import httpx

        url = (self.root_url if call.root_relative else self.base_url) + call.path
        for _ in range(MAX_429_RETRIES + 1):
            self._wait_for_slot()
            try:
                response = self.http.request(
                    call.method,
                    url,
                    params=call.query or None,
                    headers=headers,
                    json=call.json,
                    data=call.data,
                    files=call.files,
                )
            except httpx.TimeoutException:
                raise TargetUnreachable(
                    f"{call.method} {call.path} timed out after {self.settings.timeout_s:g}s",
                    hint="the target is slow or down",
                ) from None
            except httpx.TransportError as exc:
                raise TargetUnreachable(
                    f"{call.method} {call.path}: {exc.__class__.__name__}: {exc}".strip(),
                    hint=f"is {self.base_url} up?",
                ) from None
            if response.status_code != 429:
                return response
            wait = _retry_after(response)
            if wait > self.settings.max_retry_wait_s:
                raise RateLimited(
                    f"{call.method} {call.path}: 429 with Retry-After {wait:g}s",
                    hint="lower --rate-limit or retry later",
                )
            self.sleep(wait)
        raise RateLimited(
            f"{call.method} {call.path}: still 429 after {MAX_429_RETRIES} retries", hint="lower --rate-limit"
        )

    def _wait_for_slot(self) -> None:
        limit = self.settings.rate_limit
        if limit is None:
            return
        with self._slot_lock:
            now = self.clock()
            wait = self._next_slot - now
            self._next_slot = max(now, self._next_slot) + limit.interval
        if wait > 0:
            self.sleep(wait)


def _retry_after(response: httpx.Response) -> float:
    raw = response.headers.get("retry-after", "1")
    try:
        return max(float(raw), 0.0)
    except ValueError:
        return 1.0
