"""The suite's HTTP client: tokens, write safety and one-line target errors over the paced HTTP client.

Every request leaves through ``paced_http.PacedHTTP``: paced per rate-limit bucket, a 429 waited out and
never reported as an API failure, each attempt counted in the ledger. A timeout, reset or refused connection
becomes ``TargetUnreachable`` for that test only. Mutating requests are refused before they leave the machine
unless the settings allow writes to this target.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from ..contract import Contract
from ..contract.identities import Identities, identities
from ..contract.logins import LoginRoutes
from ..errors import TargetUnreachable, UnsafeTarget
from ..exchange import Exchange
from ..settings import Credentials, Settings
from .happy import PreparedCall
from .httpx_exchange import from_httpx
from .ledger import Ledger
from .outages import Outages
from .pacing import GUEST, LOGIN, Budget, Pacer
from .token_share import TokenShare
from .tokens import TOKEN_FETCH_HEADER, TokenStore

if TYPE_CHECKING:  # imported when the first request is sent: offline runs send none and never load httpx
    import httpx

USER_AGENT = "msaaq-contract/0.1 (+conformance suite)"
DEFAULT = object()


class Tokens(Protocol):
    """Where a sender's bearer tokens come from (``tokens.TokenStore`` live; a placeholder offline)."""

    def get(
        self,
        identity: str,
        *,
        fresh: bool = False,
        tenant: str | None = None,
        credentials: Credentials | None = None,
        user: str = "",
    ) -> str: ...

    def forget(self, value: str) -> None: ...


class Sender(Protocol):
    """How the suite sends a prepared request and what it reads back: the live ``Client`` and the offline
    ``recording.replay.ReplayClient`` implement it (the latter answers from the recording, sending nothing)."""

    @property
    def ledger(self) -> Ledger: ...

    @property
    def tokens(self) -> Tokens: ...

    @property
    def clock(self) -> Callable[[], float]: ...

    def send(self, call: PreparedCall, *, token: Any = DEFAULT, mutating: bool = False) -> Exchange: ...

    def close(self) -> None: ...


class Client:
    def __init__(
        self,
        settings: Settings,
        *,
        base_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        pacer: Pacer | None = None,
        ledger: Ledger | None = None,
        logins: Callable[[str, str], bool] | None = None,
        identities: Identities | None = None,
        share: TokenShare | None = None,
        outages: Outages | None = None,
    ) -> None:
        self.settings = settings
        self.base_url = (base_url or settings.base_url).rstrip("/")
        self.root_url = self.base_url.rsplit("/v1", 1)[0]
        self._transport = transport
        self.sleep = sleep
        self.clock = clock
        # Shared by every client of a process (discovery's, then the suite's): the target's buckets are the same.
        self.pacer = pacer or Pacer(ceiling=settings.rate_limit, budget=Budget(clock=clock), clock=clock, sleep=sleep)
        self.ledger = ledger if ledger is not None else Ledger()
        # Shared too: a probe learnt by discovery's client serves the suite's, and an outage is the target's.
        self.outages = outages or Outages(
            limit_s=settings.outage_limit_s, ledger=self.ledger, budget=self.pacer.budget, clock=clock, sleep=sleep
        )
        # ``logins(method, path)``: is it a login route (``contract.logins.LoginRoutes``)? Paced apart, as a
        # Laravel deployment limits them apart; token fetches are known without it.
        self.logins = logins
        self._base_path = urlsplit(self.base_url).path.rstrip("/")
        self.tokens = TokenStore(
            lambda: self.http,
            self.base_url,
            settings.credentials,
            settings.tenant,
            clock=clock,
            share=share,
            identities=identities,
        )

    @classmethod
    def for_contract(
        cls,
        settings: Settings,
        contract: Contract,
        *,
        pacer: Pacer | None = None,
        ledger: Ledger | None = None,
        share: TokenShare | None = None,
        outages: Outages | None = None,
    ) -> Client:
        """The client of a live run: its identities and login routes read from ``contract``, pacing, counting and
        waiting out outages with the process's ``pacer``, ``ledger`` and ``outages``, its tokens shared with the
        run's other processes through ``share``."""
        return cls(
            settings,
            base_url=settings.base_url,
            pacer=pacer,
            ledger=ledger,
            outages=outages,
            logins=LoginRoutes(contract),
            identities=identities(contract),
            share=share,
        )

    @functools.cached_property
    def http(self) -> httpx.Client:
        from .paced_http import PacedHTTP

        return PacedHTTP(
            pacer=self.pacer,
            ledger=self.ledger,
            buckets=self.buckets_of,
            max_retry_wait_s=self.settings.max_retry_wait_s,
            outages=self.outages,
            root_url=self.root_url,
            timeout=self.settings.timeout_s,
            headers={"User-Agent": USER_AGENT},
            transport=self._transport,
            follow_redirects=False,
        )

    def buckets_of(self, request: httpx.Request) -> tuple[str, ...]:
        """The target's rate-limit buckets a request counts in, as Laravel keys them (see ``pacing``)."""
        if TOKEN_FETCH_HEADER in request.headers or (
            self.logins and self.logins(request.method, self._relative(request))
        ):
            return (LOGIN, GUEST)
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        identity = self.tokens.identity_of(token) if scheme.lower() == "bearer" and token else None
        return (identity or GUEST,)

    def _relative(self, request: httpx.Request) -> str:
        path = request.url.path
        return path[len(self._base_path) :] if path.startswith(self._base_path + "/") else path

    def close(self) -> None:
        if "http" in self.__dict__:  # created only once a request was sent
            self.http.close()

    # -- sending --------------------------------------------------------------------------------------------
    def send(self, call: PreparedCall, *, token: Any = DEFAULT, mutating: bool = False) -> Exchange:
        """Send ``call``; ``token`` DEFAULT = the identity's cached token, None = anonymous, str = that token."""
        self.guard(call.method, call.path, mutating)
        auto_token = token is DEFAULT
        url = (self.root_url if call.root_relative else self.base_url) + call.path
        for attempt in range(2):
            headers = dict(call.headers)
            value = self._token_for(call) if auto_token else token
            if value:
                headers["Authorization"] = f"Bearer {value}"
            with self._target_errors(call.method, call.path):
                response = self.http.request(
                    call.method,
                    url,
                    params=call.query or None,
                    headers=headers,
                    json=call.json,
                    data=call.data,
                    files=call.files,
                )
            # A 401 on a cached token may just mean it expired: refresh once, then judge the answer.
            if response.status_code == 401 and auto_token and call.identity and not call.fresh_token and attempt == 0:
                self.tokens.invalidate(call.identity)
                continue
            return from_httpx(response)
        raise AssertionError("unreachable")  # pragma: no cover

    def send_raw(
        self, method: str, url: str, headers: dict[str, str], content: bytes | None, *, mutating: bool
    ) -> Exchange:
        """Send a request built elsewhere (schemathesis' generated ones) exactly as given, through the same
        pacing, 429 rule, ledger and write safety as every other request."""
        path = url.split("://", 1)[-1].partition("/")[2]
        self.guard(method, "/" + path.split("?", 1)[0], mutating)
        with self._target_errors(method, "/" + path):
            response = self.http.request(method, url, headers=headers, content=content)
        return from_httpx(response)

    def guard(self, method: str, path: str, mutating: bool) -> None:
        if mutating and not self.settings.writes_allowed():
            where = "production" if self.settings.is_production else self.settings.host
            flag = "--allow-writes --allow-production" if self.settings.is_production else "--allow-writes"
            raise UnsafeTarget(f"{method} {path} is a write; refused against {where}", hint=f"pass {flag}")

    def _token_for(self, call: PreparedCall) -> str | None:
        if not call.identity:
            return None
        return self.tokens.get(call.identity, fresh=call.fresh_token)

    @contextmanager
    def _target_errors(self, method: str, path: str) -> Iterator[None]:
        import httpx

        try:
            yield
        except httpx.TimeoutException:
            raise TargetUnreachable(
                f"{method} {path} timed out after {self.settings.timeout_s:g}s", hint="the target is slow or down"
            ) from None
        except httpx.TransportError as exc:
            raise TargetUnreachable(
                f"{method} {path}: {exc.__class__.__name__}: {exc}".strip(), hint=f"is {self.base_url} up?"
            ) from None
