"""Parametrization: one test item per (documented endpoint id × check), ids = the documented id.

A conformance test declares ``@pytest.mark.msaaq(family, applies)``: ``family`` names the report column and
``applies`` picks the documented ids the check makes sense for. Every item gets the markers of its area
(admin / tenant / oauth), its family, ``mutating`` when it writes, and an xdist group per id so that all
families of one endpoint run in the same worker (the happy exchange is shared between them).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from .. import fuzz
from ..client.happy import identity_for
from ..contract import Contract, Operation, load_contract
from .runtime import contract_path

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


@functools.lru_cache(maxsize=2)
def _contract(path: str) -> Contract:
    return load_contract(Path(path))


def documented_ids(config: pytest.Config, applies: str) -> list[str]:
    contract = _contract(str(contract_path(config)))
    if applies == "crud":
        from .stateful import chains

        return sorted(chains(contract))
    predicate = APPLICABILITY[applies]
    return [doc_id for doc_id, op in contract.documented() if predicate(op, doc_id)]


def generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker("msaaq")
    if marker is None or "doc_id" not in metafunc.fixturenames:
        return
    applies = marker.kwargs.get("applies", "all")
    ids = documented_ids(metafunc.config, applies)
    metafunc.parametrize("doc_id", ids, ids=ids)


def endpoint_of(nodeid: str) -> str:
    """The documented id a conformance test id is about: ``...::test_language[admin.x.y-ar]`` -> ``admin.x.y``."""
    m = re.search(r"\[([^\]]+)\]$", nodeid)
    if not m:
        return nodeid
    param = m.group(1)
    return re.sub(r"-(ar|en)$", "", param) if "::test_language[" in nodeid else param


def modify_items(config: pytest.Config, items: list[pytest.Item]) -> None:
    contract: Contract | None = None
    for item in items:
        marker = item.get_closest_marker("msaaq")
        callspec = getattr(item, "callspec", None)
        if marker is None or callspec is None or "doc_id" not in callspec.params:
            continue
        contract = contract or _contract(str(contract_path(config)))
        doc_id = callspec.params["doc_id"]
        family = marker.kwargs["family"]
        op = contract.operation(doc_id)
        item.add_marker(getattr(pytest.mark, op.area if op.area in ("admin", "tenant", "oauth") else "admin"))
        item.add_marker(getattr(pytest.mark, family))
        if op.mutating:
            item.add_marker(pytest.mark.mutating)
        item.user_properties.append(("msaaq_item", json.dumps({"doc_id": doc_id, "family": family})))
