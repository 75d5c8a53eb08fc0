"""Which check families apply to which documented endpoint (no pytest here: the CLI's coverage uses it too)."""

from __future__ import annotations

from collections.abc import Callable

from . import fuzz
from .client.happy import identity_for
from .contract import Operation

Applies = Callable[[Operation, str], bool]


def _json_success(op: Operation) -> bool:
    return any(op.responses[s].is_json for s in op.success_statuses)


APPLICABILITY: dict[str, Applies] = {
    "all": lambda op, doc_id: True,
    "protected": lambda op, doc_id: op.auth == "required",
    "revocable": lambda op, doc_id: op.auth == "required" and identity_for(op) in ("adminUser", "tenantStudent"),
    "public": lambda op, doc_id: op.auth == "optional",
    "tenant": lambda op, doc_id: op.tenant_required,
    "reads": lambda op, doc_id: op.method == "get" and _json_success(op),
    "owned_reads": lambda op, doc_id: op.method == "get" and bool(op.path_params) and _json_success(op),
    "with_input": lambda op, doc_id: op.request_schema is not None or bool(op.query_params),
    "fuzz_positive": lambda op, doc_id: fuzz.positive_applies(op, doc_id),
    "fuzz_negative": lambda op, doc_id: fuzz.negative_applies(op, doc_id),
}

# family -> the rules of its tests (a family applies when any of its tests does)
FAMILY_RULES: dict[str, tuple[str, ...]] = {
    "auth": ("protected", "public"),
    "tenant_header": ("tenant",),
    "envelope": ("all",),
    "schema": ("all",),
    "status": ("all",),
    "fuzz": ("fuzz_positive", "fuzz_negative"),
    "isolation": ("owned_reads",),
    "language": ("reads",),
}


def families_for(op: Operation, doc_id: str) -> list[str]:
    """The families with at least one test for ``doc_id`` (stateful chains are keyed by their create id)."""
    return [fam for fam, rules in FAMILY_RULES.items() if any(APPLICABILITY[r](op, doc_id) for r in rules)]
