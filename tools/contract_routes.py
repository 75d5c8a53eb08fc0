"""One path item per route URI (used by build_contract.py only).

Laravel routes ``GET appointments/{appointment}`` and ``POST appointments/{product}`` share one URI: a
request to it is routed by method, and a wrong method is answered 405 with both methods in ``Allow``. OpenAPI
says the same thing with one path item ("templated paths with the same hierarchy but different templated names
MUST NOT exist as they are identical"), so the facts' two templates become one: the path keeps the template
of its read (else the first), and an operation that named the segment otherwise keeps its meaning in the
parameter's description and in ``x-path-param-renamed``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

PARAM = re.compile(r"\{([^}]+)\}")


def merge_same_routes(items: dict[str, dict[str, Any]]) -> list[str]:
    """Merge path items whose templates differ only in parameter names; returns the merged paths."""
    shapes: dict[str, list[str]] = defaultdict(list)
    for path in items:
        shapes[PARAM.sub("{}", path)].append(path)
    merged: list[str] = []
    for paths in shapes.values():
        if len(paths) < 2:
            continue
        keep = next((p for p in paths if "get" in items[p]), paths[0])
        names = PARAM.findall(keep)
        for other in paths:
            if other == keep:
                continue
            renames = dict(zip(PARAM.findall(other), names, strict=True))
            for method, op in items.pop(other).items():
                if method in items[keep]:
                    raise SystemExit(f"{other} and {keep} both declare {method.upper()}")
                _rename(op, renames, keep)
                items[keep][method] = op
            merged.append(other)
    return merged


def _rename(op: dict[str, Any], renames: dict[str, str], path: str) -> None:
    changed = {old: new for old, new in renames.items() if old != new}
    for param in op.get("parameters", []):
        new = changed.get(param.get("name")) if param.get("in") == "path" else None
        if new is None:
            continue
        note = f"The route names this segment `{param['name']}`; it shares its URI with the other methods of {path}."
        param["description"] = " ".join(filter(None, [param.get("description"), note]))
        param["name"] = new
    if changed:
        op["x-path-param-renamed"] = changed
