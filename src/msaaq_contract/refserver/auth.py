"""Tokens and the per-operation security decision.

Tokens are opaque random strings stored in SQLite, bound to (kind, user, academy) and valid for
``token_ttl`` seconds of the injectable clock; logout revokes them. The contract's security names map to
kinds: ``adminUser`` -> admin, ``oauthClient`` -> client, ``tenantStudent`` -> student. An operation whose
``auth`` is ``none`` or ``optional`` also serves anonymous calls; a token sent to an ``optional`` operation
must still be valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..contract import Operation
from .clock import Clock
from .store import Store

KIND_OF_SCHEME = {"adminUser": "admin", "oauthClient": "client", "tenantStudent": "student"}
Outcome = Literal["ok", "unauthenticated"]


@dataclass(frozen=True)
class Caller:
    """Who is calling: ``kind`` None for an anonymous call."""

    kind: str | None
    user_id: int | None
    academy: str | None
    token: str | None

    @property
    def anonymous(self) -> bool:
        return self.kind is None


ANONYMOUS = Caller(None, None, None, None)


def bearer(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer`` header; ``""`` for a malformed header, None when absent."""
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token or len(token) > 512:
        return ""
    return token


class Authenticator:
    def __init__(self, store: Store, clock: Clock, ttl: int) -> None:
        self.store = store
        self.clock = clock
        self.ttl = ttl

    def issue(self, kind: str, user_id: int | None, academy: str | None) -> str:
        return self.store.issue_token(kind, user_id, academy, self.clock.now() + self.ttl)

    def caller(self, token: str) -> Caller | None:
        """The caller a token stands for, or None when unknown, expired or revoked."""
        record = self.store.token(token) if token else None
        if record is None or record.revoked or record.expires_at <= self.clock.now():
            return None
        return Caller(record.kind, record.user_id, record.academy, token)

    def revoke(self, token: str) -> None:
        self.store.revoke(token)

    def decide(
        self,
        op: Operation,
        header: str | None,
        tenant: str | None,
        *,
        foreign_roles: bool = False,
        unbound: bool = False,
    ) -> tuple[Outcome, Caller]:
        """Apply the operation's security to the Authorization header (tenant = the X-Tenant academy).
        ``foreign_roles`` and ``unbound`` are faults: any user's token is served, on any academy."""
        accepted = {KIND_OF_SCHEME[s] for s in op.security if s in KIND_OF_SCHEME}
        anonymous_ok = op.auth in ("none", "optional") or not accepted
        token = bearer(header)
        if token is None:
            return ("ok", ANONYMOUS) if anonymous_ok else ("unauthenticated", ANONYMOUS)
        if op.auth == "none" or not accepted:
            return "ok", ANONYMOUS  # public routes ignore whatever Authorization they get
        caller = self.caller(token)
        if caller is None or (caller.kind not in accepted and not (foreign_roles and caller.user_id is not None)):
            return "unauthenticated", ANONYMOUS
        if caller.kind == "student" and tenant is not None and caller.academy != tenant and not unbound:
            return "unauthenticated", ANONYMOUS  # a student token is only valid on its own academy
        return "ok", caller
