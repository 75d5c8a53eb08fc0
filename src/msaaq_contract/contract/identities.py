"""Who calls an operation, read from the contract: the identity (security scheme) a request is sent as, and
which documented ids act on the caller's own account. Pytest-free and client-free, so both the client (happy
requests, tokens) and the family registry read the same definition."""

from __future__ import annotations

import re

from .model import Operation

# Security schemes in the order a request picks them: a user where the operation allows one, else the client.
IDENTITIES: tuple[str, ...] = ("adminUser", "tenantStudent", "oauthClient")
# Account operations whose email/password fields must be the caller's own, or later logins would break.
OWN_ACCOUNT = re.compile(r"^(admin\.auth|tenant\.auth|tenant\.account)\.")


def identity_for(op: Operation) -> str | None:
    """The identity a request to ``op`` is sent as (None: anonymous)."""
    return next((name for name in IDENTITIES if name in op.security), None)
