"""Logins do not enumerate users (OWASP API2): a refused login with an e-mail no account has, and one with a
known e-mail and a wrong password, get the same answer. Laravel's own ``auth.failed`` ("These credentials do not
match our records.") is the same for both; a deployment that validates ``exists:users,email`` first, or answers
"no such user", tells an attacker which addresses have accounts.

The login routes and their members come from the contract: each identity's issuing operation
(``x-identity.issuer``) that is a login (``contract.logins``), the body member that carries its e-mail (a
credential placeholder in a member with ``format: email`` or named ``email``) and the one that carries its
secret (a member the redactor calls secret: ``password``). No operation id is named here.

The test sends two requests per route (in the login rate-limit bucket): the unknown e-mail first, then the known
one with a wrong password; the second is judged with the first as ``ctx.expectation['twin']``. Both must be
refused (a 2xx is a login that should have failed), with the same status and the same body once volatile
members (times, request ids) and the e-mails themselves are normalised.
"""

from __future__ import annotations

import functools
import json

from ..contract import Contract, Operation
from ..contract.identities import PLACEHOLDER, identities
from ..contract.logins import login_operations
from ..contract.shapes import object_members
from ..redaction import SENSITIVE_KEY
from .alike import difference
from .base import CheckContext, Exchange, Finding, check

UNKNOWN_EMAIL = "no-such-user.msaaq-contract@example.invalid"
WRONG_PASSWORD = "not-the-password-9Zq!"  # noqa: S105 - deliberately wrong, never a credential


@functools.lru_cache(maxsize=4)
def login_members(contract: Contract) -> dict[str, tuple[str, str]]:
    """operationId -> (e-mail member, secret member) of each login route a user identity logs in with."""
    logins = login_operations(contract)
    found: dict[str, tuple[str, str]] = {}
    for identity in identities(contract):
        op = identity.issuer
        if not identity.user or op.operation_id not in logins or not isinstance(identity.body, dict):
            continue
        members = object_members(contract, op.request_schema) if op.request_schema is not None else {}
        email = secret = None
        for name, value in identity.body.items():
            if not (isinstance(value, str) and PLACEHOLDER.fullmatch(value)):
                continue
            schema = contract.deref(members.get(name) or {})
            if (isinstance(schema, dict) and schema.get("format") == "email") or name.lower() == "email":
                email = name
            elif SENSITIVE_KEY.search(name):
                secret = name
        if email and secret:
            found[op.operation_id] = (email, secret)
    return found


def login_ids(contract: Contract) -> list[str]:
    """The documented id of each login route the check probes (its first docs entry)."""
    members = login_members(contract)
    return sorted(op.doc_ids[0] for op in contract if op.operation_id in members)


def members_of(contract: Contract, op: Operation) -> tuple[str, str]:
    return login_members(contract)[op.operation_id]


@check("enumeration")
def same_refusal(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    """``exchange``: the known e-mail with a wrong password; ``ctx.expectation['twin']``: the unknown e-mail."""
    twin = (ctx.expectation or {}).get("twin")
    if not isinstance(twin, Exchange):
        return []
    for label, answer in (("an unknown e-mail", twin), ("a known e-mail with a wrong password", exchange)):
        if 200 <= answer.status < 300:
            return [
                Finding(
                    check="enumeration",
                    title="Login accepted with wrong credentials",
                    message=f"a login with {label} was answered HTTP {answer.status}, not refused",
                    expected="a refusal (4xx)",
                    actual=str(answer.status),
                )
            ]
    if twin.status != exchange.status:
        return [
            Finding(
                check="enumeration",
                title="Login tells whether the e-mail exists",
                message=(
                    f"an unknown e-mail is refused with HTTP {twin.status}, a known e-mail with a wrong password "
                    f"with HTTP {exchange.status}: the status tells which addresses have accounts"
                ),
                expected=f"HTTP {exchange.status} for both",
                actual=f"HTTP {twin.status} for the unknown e-mail",
            )
        ]
    where = difference(twin, exchange)
    if where is None:
        return []
    shown = json.dumps(where)
    return [
        Finding(
            check="enumeration",
            title="Login tells whether the e-mail exists",
            message=(
                f"the refusals of an unknown e-mail and of a known e-mail with a wrong password differ at {shown} "
                "(volatile members and e-mails normalised): the body tells which addresses have accounts"
            ),
            expected="the same refusal for both",
            actual=f"bodies differ at {where}",
            pointer=where if where.startswith("/") else None,
        )
    ]
