"""CORS: an answer must not let an arbitrary web page read it with the user's credentials (OWASP API8).

The probes carry an ``Origin`` no deployment allows (``PROBE_ORIGIN``, under ``.invalid``, which never resolves).
An answer that echoes it, or allows ``null`` (sandboxed frames and ``file:`` pages send ``Origin: null``), together
with ``Access-Control-Allow-Credentials: true`` lets any site read the API as the signed-in user: a finding.
``Access-Control-Allow-Origin: *`` is not (browsers never send credentials to a wildcard), and neither is a fixed
allowed origin (a deployment's own front-end) nor ``Vary: Origin``.

Where the Origin goes: dedicated probes, one operation per API area (``area_ids``), each a safe request of that
operation (its happy GET, when it is a read) and a CORS preflight (``OPTIONS`` with
``Access-Control-Request-Method``), recorded in their own cassettes. Laravel answers CORS in one middleware
(``HandleCors``) from one configuration whose ``paths`` patterns cover whole areas (``api/*``), before routing,
authentication and the controller; a per-area probe sees that configuration, and every other recording stays as
it is (an Origin on every request would change every recorded request and cost nothing more in findings).
"""

from __future__ import annotations

import functools

from ..contract import Contract
from .base import CheckContext, Exchange, Finding, check

PROBE_ORIGIN = "https://msaaq-contract.invalid"
PREFLIGHT_HEADERS = "authorization, content-type, x-tenant"
CONFIDENCE_RANK = {"high": 0, "medium": 1, "low": 2}


@functools.lru_cache(maxsize=4)
def area_ids(contract: Contract) -> list[str]:
    """One documented id per API area (``admin``, ``tenant``, ...): among its surest operations (a finding on a
    guessed one would only be ``uncertain``), a plain read (a GET with a JSON answer and no path parameter) if
    there is one; the preflight needs only the URL."""
    best: dict[str, tuple[int, int, int, str]] = {}
    for doc_id, op in contract.documented():
        if op.raw.get("x-signed-url"):
            continue
        read = op.method == "get" and not op.path_params and any(op.responses[s].is_json for s in op.success_statuses)
        sure = max(CONFIDENCE_RANK.get(c, 2) for c in (op.confidence, op.doc_entry(doc_id).confidence))
        rank = (sure, 0 if read else 1, len(op.doc_ids), doc_id)
        area = doc_id.split(".")[0]
        best[area] = min(best.get(area, rank), rank)
    return sorted(rank[-1] for rank in best.values())


@check("cors")
def credentialed_origin(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    origin = next((v for k, v in exchange.request.headers.items() if k.lower() == "origin"), None)
    if not origin:
        return []
    allowed = (exchange.headers.get("access-control-allow-origin") or "").strip()
    credentials = (exchange.headers.get("access-control-allow-credentials") or "").strip().lower() == "true"
    if not credentials or allowed not in (origin, "null"):
        return []
    echoed = "allows `null`" if allowed == "null" else f"echoes the Origin {origin}"
    kind = "preflight" if exchange.request.method.upper() == "OPTIONS" else "answer"
    return [
        Finding(
            check="cors",
            title="Any origin may read the API with credentials",
            message=(
                f"the {kind} {echoed} with Access-Control-Allow-Credentials: true: any web page can call the API "
                "as the signed-in user and read the answer"
            ),
            expected="no Access-Control-Allow-Origin for an unknown origin (or `*` without credentials)",
            actual=f"Access-Control-Allow-Origin: {allowed}; Access-Control-Allow-Credentials: true",
        )
    ]
