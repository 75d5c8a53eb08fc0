"""The fixtures file that ``msaaq-contract discover`` writes: the ``--target-fixtures`` format, annotated.

Each value is followed by a comment naming the request that produced it, and every parameter that could not be
found is listed with its reason, so a person can review the file, pin what they want and pass it back with
``--target-fixtures`` (pinned values win over discovery). Values shared by most operations go under ``path``
(by parameter name); an operation whose value differs gets its own entry under ``operations``, except the value
a destructive operation destroys: an ``operations`` entry is a pin that lets the run destroy it, so such a value
is only written as a comment there (discovered values name what exists on the target, never what to destroy).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from .explore import Discovered, Found
from .target import TargetData


def _scalar(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON scalar is a valid YAML scalar


def split(d: Discovered) -> tuple[dict[str, Found], dict[str, dict[str, Found]]]:
    """(by name, per operation): the most common value of each name, and the operations that differ from it."""
    counts: dict[str, Counter[str]] = {}
    first: dict[tuple[str, str], Found] = {}
    for values in d.values.values():
        for name, found in values.items():
            counts.setdefault(name, Counter())[_scalar(found.value)] += 1
            first.setdefault((name, _scalar(found.value)), found)
    by_name = {name: first[(name, c.most_common(1)[0][0])] for name, c in sorted(counts.items())}
    per_op: dict[str, dict[str, Found]] = {}
    for doc_id, values in sorted(d.values.items()):
        differs = {n: f for n, f in values.items() if _scalar(f.value) != _scalar(by_name[n].value)}
        if differs:
            per_op[doc_id] = differs
    return by_name, per_op


def _per_op(key: str, per_op: dict[str, dict[str, Found]], destroyed: set[tuple[str, str]]) -> list[str]:
    lines = [f"{key}:" if per_op else f"{key}: {{}}"]
    for doc_id, values in per_op.items():
        pinned = {n: f for n, f in values.items() if (doc_id, n) not in destroyed}
        lines.append(f"  {doc_id}:" if pinned else f"  # {doc_id}:")
        for name, f in values.items():
            if (doc_id, name) in destroyed:  # commented out: uncommented, it is a pin the run would destroy
                lines.append(f"  #  {name}: {_scalar(f.value)}  # {f.source}; {doc_id} destroys it")
            else:
                lines.append(f"    {name}: {_scalar(f.value)}  # {f.source}")
    return lines


def _block(key: str, by_name: dict[str, Found]) -> list[str]:
    lines = [f"{key}:" if by_name else f"{key}: {{}}"]
    lines += [f"  {name}: {_scalar(f.value)}  # {f.source}" for name, f in by_name.items()]
    return lines


def _missing(d: Discovered) -> list[str]:
    reasons = sorted({(param, why) for per_id in d.missing.values() for param, why in per_id.items()})
    return [f"#   {param}: {why}" for param, why in reasons]


def render(data: TargetData) -> str:
    found, lost = len(data.main.found), len(data.main.lost)
    lines = [
        f"# Discovered by `msaaq-contract discover` on {data.base_url} at {data.discovered_at}:",
        f"# {found} of {found + lost} path parameters found. Each value names the request that produced it.",
        "# Review it, pin or change values, and pass it back with --target-fixtures (pinned values win).",
        "# Destructive operations never act on these values: a live run creates what they destroy.",
        f"tenant: {_scalar(data.main.tenant)}",
    ]
    if data.other is not None:
        lines.append(f"other_tenant: {_scalar(data.other.tenant)}")
    by_name, per_op = split(data.main)
    lines += _block("path", by_name) + _per_op("operations", per_op, data.main.destroyed)
    if data.other is not None:
        other_name, other_op = split(data.other)
        lines += _block("other_tenant_path", other_name) + _per_op(
            "other_tenant_operations", other_op, data.other.destroyed
        )
    if data.main.missing:
        lines += ["# Not found (the tests that need them are skipped with this reason):", *_missing(data.main)]
    if data.other is not None and data.other.missing:
        lines += ["# Not found in the other academy:", *_missing(data.other)]
    return "\n".join(lines) + "\n"
