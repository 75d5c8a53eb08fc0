"""What "conforming" means: pure functions ``(ctx, exchange) -> list[Finding]``, one concept per module.

Importing this package registers every check in ``CHECKS`` under the name used in reports and ``--checks``.
"""

from . import (
    auth,
    cors,
    documented,
    enumeration,
    envelope,
    exposure,
    fuzz,
    isolation,
    language,
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
    "auth",
    "check",
    "cors",
    "documented",
    "enumeration",
    "envelope",
    "exposure",
    "fuzz",
    "isolation",
    "language",
    "methods",
    "schema",
    "status",
    "tenant",
]
