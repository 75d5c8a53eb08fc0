"""A schemathesis response (``requests`` underneath) as an ``Exchange``: the fuzzing path and the schemathesis
hooks judge it with the same checks."""

from __future__ import annotations

from typing import Any

from ..exchange import Exchange, RecordedRequest


def from_schemathesis(response: Any) -> Exchange:
    req = response.request
    body = req.body.encode("utf-8") if isinstance(req.body, str) else (req.body or b"")
    return Exchange(
        request=RecordedRequest(req.method or "", req.url or "", dict(req.headers), bytes(body)),
        status=response.status_code,
        headers={k.lower(): (v[0] if isinstance(v, list) else v) for k, v in response.headers.items()},
        body=response.content or b"",
        elapsed_s=float(response.elapsed or 0.0),
    )
