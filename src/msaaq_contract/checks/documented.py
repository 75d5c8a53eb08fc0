"""An answer judged as a whole: whatever a test provoked, the answer it got must be what the contract documents
for its status. A refusal (401, 403, 404, 422...) is judged as the error it documents, not only by its status:
its envelope and its body against the schema of that status (``error.Validation`` for a 422, ``error.Failed``
for a 404, or whatever the operation declares). An accepted answer must also have a documented status."""

from __future__ import annotations

from .base import CheckContext, Exchange, Finding, check
from .envelope import envelope
from .schema import schema
from .status import status_documented


def _errors(findings: list[Finding]) -> list[Finding]:
    # Undocumented members are the schema family's warnings on the happy answer; repeated here they would only
    # add noise to another family's row.
    return [f for f in findings if f.is_error]


@check("documented_refusal")
def documented_refusal(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    """The envelope of an error and its body against the schema documented for its status."""
    return _errors(envelope(ctx, exchange) + schema(ctx, exchange))


@check("documented_answer")
def documented_answer(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    """A documented status, the envelope and the body against the schema of that status."""
    return _errors(status_documented(ctx, exchange) + envelope(ctx, exchange) + schema(ctx, exchange))
