"""Parametrization: one test item per (documented endpoint id × check), ids = the documented id.

A conformance test declares ``@pytest.mark.msaaq(family, applies)``: ``family`` names the report column and
``applies`` picks the documented ids the check makes sense for. Every item gets the markers of its area
(admin / tenant / oauth), its family and ``mutating`` when it writes. Under pytest-xdist, ``endpoint_of``
keeps all families of one endpoint in the same worker (the happy exchange is shared between them).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from ..contract import Contract, load_contract
from ..families import APPLICABILITY, path_ids
from . import properties
from .runtime import contract_path


@functools.lru_cache(maxsize=2)
def _contract(path: str) -> Contract:
    return load_contract(Path(path))


def documented_ids(config: pytest.Config, applies: str) -> list[str]:
    contract = _contract(str(contract_path(config)))
    if applies == "crud":
        from .stateful import chains

        return sorted(chains(contract))
    if applies == "paths":
        return path_ids(contract)
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
        # Plain strings: they travel with every report (setup, call, teardown) from the xdist workers.
        item.user_properties += [(properties.ID, doc_id), (properties.FAMILY, family)]
