"""Harmless differences a real MSAAQ deployment may show, applied to a response by the varying proxy.

Laravel on PHP serves the same contract in many encodings: ``json_encode`` escapes non-ASCII text as ``\\uXXXX``
and ``/`` as ``\\/`` by default, some deployments pretty-print, members come in column order, a model gains an
undocumented column, middlewares add rate-limit, cache and cookie headers, a front proxy gzips and appends a
``charset`` parameter, and the network adds latency. None of these breaks the documented contract, so none may
fail a check: ``tests/selftest/plugin/test_varying_target.py`` runs the suite through all of them at once.

Each variation is a pure function of (body, headers); the proxy (``proxy.py``) only moves bytes.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfigError

EXTRA_MEMBER = "x_deployment_note"  # undocumented: the contract never names it
RATE_LIMIT_HEADERS = {
    "x-ratelimit-limit": "600",
    "x-ratelimit-remaining": "599",
    "cache-control": "no-cache, private",
    "set-cookie": "laravel_session=opaque-session-value; path=/; httponly; samesite=lax",
    "x-powered-by": "PHP/8.3.4",
    "vary": "Accept-Encoding, Origin",
    # CORS for the deployment's own front-end (never the request's Origin) and tracing headers: no leak.
    "access-control-allow-origin": "https://app.msaaq.com",
    "access-control-allow-credentials": "true",
    "access-control-expose-headers": "X-RateLimit-Remaining",
    "server-timing": "app;dur=12.5, db;dur=3.1",
    "x-request-id": "9f1c2d3e-0000-4000-8000-000000000000",
}

# name -> what it changes (shown by ``msaaq-contract proxy --help`` and the README)
CATALOGUE: dict[str, str] = {
    "unicode-escape": r"JSON with \uXXXX escapes for non-ASCII text and \/ for slashes (PHP's json_encode default)",
    "pretty": "pretty-printed JSON (4-space indent) instead of compact",
    "reorder": "members of every JSON object in reverse order",
    "extra-members": "an undocumented member in the envelope and in every object that has an id",
    "headers": "rate-limit, cache-control, cookie, x-powered-by, vary, CORS (a fixed origin), tracing headers",
    "gzip": "gzip content-encoding when the client accepts it",
    "charset": "content-type application/json; charset=UTF-8",
    "latency": "a delay before every answer (--latency-ms, 25 by default)",
}


@dataclass(frozen=True)
class Variations:
    enabled: frozenset[str] = field(default_factory=frozenset)
    latency_ms: int = 25

    @classmethod
    def parse(cls, names: Iterable[str], latency_ms: int = 25) -> Variations:
        chosen: set[str] = set()
        for name in names:
            for part in (p.strip() for p in name.split(",")):
                if part == "all":
                    chosen.update(CATALOGUE)
                elif part in CATALOGUE:
                    chosen.add(part)
                elif part:
                    raise ConfigError(f"unknown variation {part!r}", hint="choose from: all, " + ", ".join(CATALOGUE))
        if latency_ms < 0:
            raise ConfigError(f"--latency-ms must not be negative, got {latency_ms}")
        return cls(frozenset(chosen), latency_ms)

    def __contains__(self, name: str) -> bool:
        return name in self.enabled

    @property
    def delay_s(self) -> float:
        return self.latency_ms / 1000 if "latency" in self else 0.0

    def apply(
        self, body: bytes, headers: Mapping[str, str], request_headers: Mapping[str, str]
    ) -> tuple[bytes, dict[str, str]]:
        """The varied (body, headers) of one answer. ``headers`` and ``request_headers`` have lower-case names."""
        out = {k: v for k, v in headers.items() if k not in ("content-length", "content-encoding")}
        ctype = out.get("content-type", "")
        if "json" in ctype.lower() and body:
            body = self._json(body)
            if "charset" in self:
                out["content-type"] = ctype.split(";")[0].strip() + "; charset=UTF-8"
        if "headers" in self:
            out.update(RATE_LIMIT_HEADERS)
        if "gzip" in self and body and "gzip" in request_headers.get("accept-encoding", ""):
            body = gzip.compress(body, mtime=0)
            out["content-encoding"] = "gzip"
        out["content-length"] = str(len(body))
        return body, out

    def _json(self, body: bytes) -> bytes:
        try:
            value = json.loads(body)
        except ValueError:
            return body  # not JSON after all: pass it on untouched
        if "extra-members" in self:
            value = _with_extra_members(value)
        if "reorder" in self:
            value = _transform_objects(value, lambda d: dict(reversed(list(d.items()))))
        ascii_only = "unicode-escape" in self
        if "pretty" in self:
            text = json.dumps(value, ensure_ascii=ascii_only, indent=4)
        else:
            text = json.dumps(value, ensure_ascii=ascii_only, separators=(",", ":"))
        if ascii_only:
            text = text.replace("/", "\\/")  # PHP escapes slashes unless JSON_UNESCAPED_SLASHES
        return text.encode("utf-8")


def _transform_objects(value: Any, change: Callable[[dict[str, Any]], dict[str, Any]]) -> Any:
    if isinstance(value, dict):
        return change({k: _transform_objects(v, change) for k, v in value.items()})
    if isinstance(value, list):
        return [_transform_objects(v, change) for v in value]
    return value


def _with_extra_members(body: Any) -> Any:
    """A new column on every model (objects with an ``id``) and a new member in the envelope itself; maps such
    as validation ``errors`` are left alone (their members are the data, not a schema's fields)."""

    def add(d: dict[str, Any]) -> dict[str, Any]:
        return {**d, EXTRA_MEMBER: "added by the deployment"} if "id" in d else d

    # Laravel's validation bag is keyed by the request's fields, so it has an ``id`` key whenever the request had a
    # bad ``id``: it is a map, never a model, and stays as the server wrote it.
    bag = body.get("errors") if isinstance(body, dict) else None
    varied = _transform_objects(body, add)
    if isinstance(varied, dict) and bag is not None:
        varied = {**varied, "errors": bag}
    if isinstance(varied, dict) and ("data" in varied or "message" in varied):
        varied = {**varied, EXTRA_MEMBER: "added by the deployment"}
    return varied
