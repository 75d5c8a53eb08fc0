"""An answer judged as a whole: whatever a test provoked, the answer it got must be what the contract documents
for its status. One judgement for every answer, accepted or refused (401, 403, 404, 422...), a chain's step
included:

- ``status``: the status is documented for the operation (a refusal too: an isolation 403 where the operation
  documents no 403 fails);
- ``envelope``: the media type in full with its parameters (``media``), then the envelope of that status;
- ``schema``: the body against the schema documented for that status (``error.Validation`` for a 422,
  ``error.Failed`` for a 404, or whatever the operation declares);
- ``headers``: the headers documented as required for that status (a 302's ``Location``).

Call ``documented_answer(ctx, exchange)`` on any answer a family receives; ``ANSWER`` names the same checks for
a family that lists them in the registry (``families``), split across report columns or not.
"""

from __future__ import annotations

from .base import Check, CheckContext, Exchange, Finding, check
from .envelope import envelope
from .headers import required_headers
from .schema import schema
from .status import status_documented

# The checks of one documented answer, in the order they run, by their names in ``CHECKS``.
PARTS: dict[str, Check] = {
    "status": status_documented,
    "envelope": envelope,
    "schema": schema,
    "headers": required_headers,
}
ANSWER = tuple(PARTS)


def answer_findings(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    """Every finding of the documented-answer judgement, the schema's undocumented-member warnings included."""
    return [finding for part in PARTS.values() for finding in part(ctx, exchange)]


@check("documented_answer")
def documented_answer(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    """A documented status, the media type in full, the envelope and the body against the schema of that status,
    and the headers required for it."""
    # Undocumented members are the schema family's warnings on the happy answer; repeated here they would only
    # add noise to another family's row. A leniency the contract states (a media type it does not know) is
    # still shown where it was used.
    return [f for f in answer_findings(ctx, exchange) if f.is_error or f.check != "schema"]


@check("documented_refusal")
def documented_refusal(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    """A refusal is judged as any answer is (``documented_answer``): a refusal status the operation does not
    document fails like any undocumented status. The name stays for the families that call it."""
    return documented_answer(ctx, exchange)
