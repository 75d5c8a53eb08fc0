"""What "conforming" means: pure functions ``(ctx, exchange) -> list[Finding]``, one concept per module.

Importing this package registers every check in ``CHECKS`` under the name used in reports and ``--checks``.
"""

from . import (
    access,
    auth,
    cors,
    documented,
    enumeration,
    envelope,
    exposure,
    fuzz,
    headers,
    isolation,
    language,
    mass_assignment,
    media,
    methods,
    schema,
    status,
    tenant,
)
from .base import CHECKS, CheckContext, ContractViolation, Exchange, Finding, RecordedRequest, check

__all__ = [
    "CHECKS",
    "CheckContext",
    "ContractViolation",
    "Exchange",
    "Finding",
    "RecordedRequest",
    "access",
    "auth",
    "check",
    "cors",
    "documented",
    "enumeration",
    "envelope",
    "exposure",
    "fuzz",
    "headers",
    "isolation",
    "language",
    "mass_assignment",
    "media",
    "methods",
    "schema",
    "status",
    "tenant",
]
