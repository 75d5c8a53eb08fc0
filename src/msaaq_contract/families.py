"""Which check families apply to which documented endpoint (no pytest and no schemathesis here: the CLI's
coverage and offline runs use it too)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from .client.happy import OWN_ACCOUNT, identity_for
from .contract import Contract, Operation

Applies = Callable[[Operation, str], bool]
# Account operations whose generated values would lock the run out (a random new password, a logout of the
# shared session). Their happy path and their negative fuzzing still run.
ACCOUNT_ALTERING = re.compile(r"(change-password|change-email|reset-password|logout|update|delete|passwordless)")


def positive_applies(op: Operation, doc_id: str) -> bool:
    return not (OWN_ACCOUNT.match(doc_id) and op.mutating and ACCOUNT_ALTERING.search(doc_id))


def negative_applies(op: Operation, doc_id: str) -> bool:
    """Operations whose JSON body has constraints an invalid value can break.

    Multipart bodies are left out: every form value travels as text, so a "wrong type" (an integer where a
    string is expected) arrives as a perfectly valid string and would be a false alarm.
    """
    if op.request_media_type != "application/json":
        return False
    schema = op.request_schema or {}
    return bool(schema.get("properties") or schema.get("required"))


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
    "fuzz_positive": positive_applies,
    "fuzz_negative": negative_applies,
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
    """The families with at least one test for ``doc_id`` (stateful chains are keyed by their create id, method
    probes by their path's id: ``path_ids``)."""
    return [fam for fam, rules in FAMILY_RULES.items() if any(APPLICABILITY[r](op, doc_id) for r in rules)]


CONFIDENCE_RANK = {"high": 0, "medium": 1, "low": 2}


@functools.lru_cache(maxsize=4)
def path_ids(contract: Contract) -> list[str]:
    """One documented id per documented path: the methods family probes the path, not each operation on it.

    The id of the path's surest operation (its failures are then not "contract uncertain" when one route of the
    path is a sure fact), a read before a write, the first by name among equals. Signed-URL placeholders are no
    real paths: left out.
    """
    best: dict[tuple[str, bool], tuple[int, bool, bool, str]] = {}
    for doc_id, op in contract.documented():
        if op.raw.get("x-signed-url"):
            continue
        sureness = max(CONFIDENCE_RANK.get(c, 2) for c in (op.confidence, op.doc_entry(doc_id).confidence))
        rank = (sureness, op.destructive, op.mutating, doc_id)
        key = (op.path, op.server_root)
        best[key] = min(best.get(key, rank), rank)
    return sorted(rank[-1] for rank in best.values())
