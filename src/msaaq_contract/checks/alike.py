"""Whether two refusals tell two situations apart: the one comparison behind "a never-issued id is refused like
another academy's" (``checks.access``) and "an unknown e-mail is refused like a wrong password"
(``checks.enumeration``).

Bodies are compared once what may differ between any two answers is taken out: members a server fills per request
(``*_at``, ``id``, ``request_id``...), e-mail addresses, timestamps and uuids inside texts, the values the probe
itself varied (``same``: the two ids), and whatever the recording redacted (unknown, so never a difference).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..exchange import Exchange
from ..redaction import EMAIL, PLACEHOLDER

VOLATILE = re.compile(r"(^|_)(at|time|timestamp|date|id|uuid|request_id|trace_id|nonce)$|^(time|timestamp)$")
VOLATILE_TEXT = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?"  # timestamps
    r"|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"  # request ids
)


def normalised(exchange: Exchange, same: Iterable[str] = ()) -> Any:
    """An answer's body with what may differ between two refusals taken out (JSON, else its text)."""
    values = sorted((v for v in same if v), key=len, reverse=True)

    def text(value: str) -> str:
        for v in values:
            value = value.replace(v, "{value}")
        return VOLATILE_TEXT.sub("{volatile}", EMAIL.sub("<email>", value))

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items() if not VOLATILE.search(str(k))}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return text(value) if isinstance(value, str) else value

    parsed, body = exchange.json_body
    return walk(body) if parsed else text(exchange.text)


def first_difference(a: Any, b: Any, pointer: str = "") -> str | None:
    """The JSON pointer of the first place two normalised bodies differ, or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{pointer}/{key}"
            found = first_difference(a[key], b[key], f"{pointer}/{key}")
            if found is not None:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        pairs = enumerate(zip(a, b, strict=True))
        return next((d for i, (x, y) in pairs if (d := first_difference(x, y, f"{pointer}/{i}"))), None)
    if any(isinstance(v, str) and PLACEHOLDER.fullmatch(v) for v in (a, b)):
        return None  # redacted in the recording (a message under ``errors.password``): unknown, never a difference
    return None if a == b else (pointer or "/")


def difference(a: Exchange, b: Exchange, same: Iterable[str] = ()) -> str | None:
    """Where the bodies of two answers differ once normalised (None: alike)."""
    values = tuple(same)
    return first_difference(normalised(a, values), normalised(b, values))
