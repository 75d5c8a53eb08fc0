"""Tokens per identity: fetched once, cached, refreshed when they expire or when a 401 says so.

How each identity logs in is the contract's (``contract.identities``: the issuing operation, its body with the
credentials, the token it needs itself, where the token and its lifetime sit in the answer). Token values are
never logged, recorded or reported: the requests that fetch them carry ``TOKEN_FETCH_HEADER`` so the recorder
leaves them out.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..contract.identities import Identities, Identity
from ..errors import CredentialsError, TargetUnreachable
from ..redaction import log_redaction
from ..settings import Credentials
from .ledger import sending_as
from .token_share import TokenShare

if TYPE_CHECKING:  # httpx is imported when a request is sent: offline runs never load it
    import httpx

log = logging.getLogger(__name__)
log.addFilter(log_redaction)  # identities and tenants only: a token value is never logged
TOKEN_FETCH_HEADER = "X-Msaaq-Contract-Token-Fetch"  # noqa: S105 - a header name, not a secret
# Refresh a little before the announced expiry so a token never dies mid-request.
EXPIRY_MARGIN_S = 30.0
DEFAULT_LIFETIME_S = 3600.0  # an answer that does not say how long its token lives


@dataclass
class Token:
    value: str
    expires_at: float


class TokenStore:
    def __init__(
        self,
        http: Callable[[], httpx.Client],
        base_url: str,
        credentials: Credentials,
        tenant: str | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        share: TokenShare | None = None,
        identities: Identities | None = None,
    ) -> None:
        self.http = http
        self.base_url = base_url
        self.credentials = credentials
        self.tenant = tenant
        self.clock = clock
        self._tokens: dict[tuple[str, str | None], Token] = {}
        self._lock = threading.RLock()  # a login that needs another identity's token fetches it inside get()
        self.share = share
        self._identities = identities
        # token value -> the rate-limit bucket of its user (see ``pacing``); OAuth client tokens have no user
        self._owners: dict[str, str] = {}

    @property
    def identities(self) -> Identities:
        """The contract's identities (by default those of ``contracts/`` in the current directory)."""
        if self._identities is None:
            from ..contract import load_contract
            from ..contract.identities import identities

            self._identities = identities(load_contract())
        return self._identities

    def identity_of(self, value: str) -> str | None:
        """The user bucket a token counts in on the target, or None (a guest: unknown, refused, client token)."""
        return self._owners.get(value)

    def forget(self, value: str) -> None:
        """The token was revoked: the target now treats it as a guest's."""
        self._owners.pop(value, None)

    def _own(self, identity: str, tenant: str | None, value: str, user: str = "") -> str:
        if self._spec(identity).user:  # a client token has no user: the target counts it as a guest's
            bucket = identity if not tenant or tenant == self.tenant else f"{identity}@other"
            self._owners[value] = f"{bucket}#{user}" if user else bucket
        return value

    def get(
        self,
        identity: str,
        *,
        fresh: bool = False,
        tenant: str | None = None,
        credentials: Credentials | None = None,
        user: str = "",
    ) -> str:
        """``user`` names another user of the same identity and academy (``second``): its token is kept apart."""
        key = (identity, f"{tenant or ''}#{user}" if user else tenant)
        with self._lock:
            token = self._tokens.get(key)
            if fresh:
                fetched = self._fetch(identity, tenant or self.tenant, credentials or self.credentials)
                return self._own(identity, tenant, fetched.value, user)
            if token is None or self.clock() >= token.expires_at:
                if token is not None:
                    log.info("the %s token is about to expire: refreshing it", identity)
                token = self._shared_or_fetch(identity, tenant, credentials, user)
                self._tokens[key] = token
            return self._own(identity, tenant, token.value, user)

    def _shared_or_fetch(
        self, identity: str, tenant: str | None, credentials: Credentials | None, user: str = ""
    ) -> Token:
        share_key = f"{identity}@{tenant or ''}" + (f"#{user}" if user else "")
        if self.share is not None:
            found = self.share.get(share_key)
            if found is not None:
                return Token(found[0], self.clock() + found[1])
        token = self._fetch(identity, tenant or self.tenant, credentials or self.credentials)
        if self.share is not None:
            self.share.put(share_key, token.value, token.expires_at - self.clock())
        return token

    def invalidate(self, identity: str, tenant: str | None = None) -> None:
        log.info("the %s token was refused (401): fetching a new one", identity)
        with self._lock:
            self._tokens.pop((identity, tenant), None)
            if self.share is not None:
                self.share.drop(f"{identity}@{tenant or ''}")

    # -- logging in -----------------------------------------------------------------------------------------
    def _spec(self, identity: str) -> Identity:
        try:
            return self.identities[identity]
        except KeyError:
            raise CredentialsError(
                f"unknown identity {identity!r}", hint="the contract's security schemes with x-identity name them"
            ) from None

    def _post(self, identity: Identity, body: Any, token: str | None, tenant: str | None) -> Any:
        import httpx

        op = identity.issuer
        headers = {"Accept": "application/json", TOKEN_FETCH_HEADER: "1"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if tenant:
            headers["X-Tenant"] = tenant
        try:
            with sending_as("tokens"):
                response = self.http().request(op.method.upper(), self.base_url + op.path, json=body, headers=headers)
        except httpx.HTTPError as exc:
            raise TargetUnreachable(
                f"cannot reach {self.base_url} to fetch a token ({exc.__class__.__name__})",
                hint="check --base-url and the network",
            ) from None
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if response.status_code >= 500:  # the target (or a gateway before it) failed: not the credentials' fault
            raise TargetUnreachable(
                f"{op.path} answered HTTP {response.status_code} when asked for a token: the target is failing",
                hint=f"is {self.base_url} up? (a proxy or gateway answers 502/503 when what is behind it is down)",
            )
        if response.status_code >= 400 or not isinstance(payload, dict):
            raise CredentialsError(
                f"{op.path} refused the configured credentials (HTTP {response.status_code})",
                hint="check the MSAAQ_* credential variables",
            )
        return payload

    def _fetch(self, identity: str, tenant: str | None, creds: Credentials) -> Token:
        spec = self._spec(identity)
        values = dataclasses.asdict(creds)
        missing = spec.missing(values)
        if missing:
            raise CredentialsError(f"no {identity} credentials", hint=f"set {' and '.join(missing)}")
        needed = self.get(spec.needs) if spec.needs else None
        # A client token serves every academy; a user logs in to one (``tenant``).
        answer = self._post(spec, spec.request_body(values), needed, tenant if spec.user else None)
        value, ttl = spec.token_in(answer), spec.ttl_in(answer)
        if not isinstance(value, str) or not value:
            raise CredentialsError(f"the {identity} token response carries no token", hint="is --base-url right?")
        lifetime = float(ttl) if isinstance(ttl, (int, float)) and ttl > 0 else DEFAULT_LIFETIME_S
        log.info("fetched a %s token%s (lives %.0f s)", identity, f" for {tenant}" if spec.user else "", lifetime)
        return Token(value, self.clock() + max(lifetime - EXPIRY_MARGIN_S, lifetime / 2))
