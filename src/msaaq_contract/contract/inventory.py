"""The documented endpoint inventory (``contracts/documented-endpoints.json``) against the contract.

The inventory is our own copy of docs.msaaq.com's table of contents: one id per docs entry. Every id must
resolve to exactly one operation; a missing or doubly-served id is a defect of the contract.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ContractError
from .model import Contract

# The docs' tenant "Getting Started" entry is a page, not an endpoint.
PAGES = frozenset({"tenant.getting-started-with-tenant-api"})
CONFIDENCES = ("high", "medium", "low")


@dataclass(frozen=True)
class DocumentedEndpoint:
    id: str
    api: str
    section: tuple[str, ...]
    title: str


def load_inventory(path: Path) -> list[DocumentedEndpoint]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        items = raw["endpoints"]
        return [DocumentedEndpoint(e["id"], e["api"], tuple(e["section"]), e["title"]) for e in items]
    except FileNotFoundError:
        raise ContractError("documented endpoint inventory not found", file=str(path)) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise ContractError(f"inventory is not valid ({exc.__class__.__name__}: {exc})", file=str(path)) from None


@dataclass
class Coverage:
    """Documented ids vs operations."""

    documented: list[DocumentedEndpoint]
    resolved: dict[str, str] = field(default_factory=dict)  # doc id -> operationId
    missing: list[str] = field(default_factory=list)
    duplicated: dict[str, list[str]] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)  # x-doc-ids not in the inventory
    undocumented_operations: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.duplicated or self.unknown)

    def by_area(self, contract: Contract) -> dict[str, Counter[str]]:
        out: dict[str, Counter[str]] = {}
        for entry in self.documented:
            c = out.setdefault(entry.api, Counter())
            c["documented"] += 1
            op_id = self.resolved.get(entry.id)
            if op_id:
                c["resolved"] += 1
                c[f"confidence:{contract.operations[op_id].doc_entry(entry.id).confidence}"] += 1
            else:
                c["missing"] += 1
        return out

    def evidence(self, contract: Contract) -> dict[str, dict[str, list[str]]]:
        """Confidence x evidence: per docs-entry confidence, the ids seen conforming on a live target
        (``x-observed`` of their operation, written by ``calibrate --apply``) and those never observed."""
        out: dict[str, dict[str, list[str]]] = {c: {"observed": [], "never": []} for c in CONFIDENCES}
        for doc_id, op_id in sorted(self.resolved.items()):
            op = contract.operations[op_id]
            seen = op.raw.get("x-observed")
            observed = isinstance(seen, dict) and doc_id in (seen.get("ids") or [])
            confidence = op.doc_entry(doc_id).confidence
            out.setdefault(confidence, {"observed": [], "never": []})["observed" if observed else "never"].append(
                doc_id
            )
        return out

    def as_dict(self, contract: Contract) -> dict[str, Any]:
        return {
            "documented": len(self.documented),
            "resolved": len(self.resolved),
            "missing": self.missing,
            "duplicated": self.duplicated,
            "unknown": self.unknown,
            "undocumented_operations": self.undocumented_operations,
            "by_area": {k: dict(v) for k, v in self.by_area(contract).items()},
            "evidence": self.evidence(contract),
        }


def coverage(contract: Contract, inventory: list[DocumentedEndpoint]) -> Coverage:
    endpoints = [e for e in inventory if e.id not in PAGES]
    result = Coverage(endpoints)
    served: dict[str, list[str]] = {}
    for op in contract:
        if op.undocumented:
            result.undocumented_operations.append(op.operation_id)
        for doc_id in op.doc_ids:
            served.setdefault(doc_id, []).append(op.operation_id)
    known = {e.id for e in endpoints}
    for entry in endpoints:
        ops = served.get(entry.id, [])
        if not ops:
            result.missing.append(entry.id)
        elif len(ops) > 1:
            result.duplicated[entry.id] = ops
        else:
            result.resolved[entry.id] = ops[0]
    result.unknown = sorted(set(served) - known)
    return result


def default_inventory_path(contract: Contract) -> Path:
    return contract.bundle.root.parent / "documented-endpoints.json"
