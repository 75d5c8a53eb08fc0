"""An httpx response as an ``Exchange`` (the live client's answers, and respx mocks in the self-tests)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..exchange import Exchange, RecordedRequest

if TYPE_CHECKING:  # httpx is imported when a request is sent: offline runs never load it
    import httpx


def from_httpx(response: httpx.Response) -> Exchange:
    req = response.request
    try:
        body = bytes(req.content or b"")
    except Exception:  # a streamed request body (multipart file) cannot be read again
        body = b""
    try:
        elapsed = response.elapsed.total_seconds()
    except RuntimeError:  # not read or closed yet (a mock answered without a transport)
        elapsed = 0.0
    return Exchange(
        request=RecordedRequest(req.method, str(req.url), dict(req.headers), body),
        status=response.status_code,
        headers={k.lower(): v for k, v in response.headers.items()},
        body=response.content,
        elapsed_s=elapsed,
    )
