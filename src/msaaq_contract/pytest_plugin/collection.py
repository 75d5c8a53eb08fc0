"""Parametrization: one test item per (documented endpoint id × check), ids = the documented id.

A conformance test declares ``@pytest.mark.msaaq("family")``; the family registry (``families``) says which
documented ids the test applies to and any parameter of its own (the language). Every item gets the markers of
its area (admin / tenant / oauth), its family and ``mutating`` when it writes. Under pytest-xdist,
``endpoint_of`` keeps all families of one endpoint in the same worker (the happy exchange is shared between them).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from .. import families
from ..contract import Contract, load_contract
from ..errors import MsaaqContractError
from ..families import APPLICABILITY, CONTRACT_RULES, FamilyTest
from . import properties
from .options import contract_path


@functools.lru_cache(maxsize=2)
def _contract(path: str) -> Contract:
    return load_contract(Path(path))


def documented_ids(config: pytest.Config, applies: str) -> list[str]:
    contract = _contract(str(contract_path(config)))
    if applies in CONTRACT_RULES:  # a rule over the whole contract (one id per path)
        return CONTRACT_RULES[applies](contract)
    predicate = APPLICABILITY[applies]
    return [doc_id for doc_id, op in contract.documented() if predicate(op, doc_id)]


def family_of(marker: pytest.Mark) -> str:
    """``@pytest.mark.msaaq("auth")`` (or ``family="auth"``) -> ``auth``."""
    family = marker.args[0] if marker.args else marker.kwargs.get("family")
    if not isinstance(family, str) or family not in families.FAMILIES:
        raise pytest.UsageError(
            f"error: @pytest.mark.msaaq needs a family, one of {', '.join(families.FAMILIES)} (got {family!r})"
        )
    return family


def registered(family: str, name: str) -> FamilyTest:
    try:
        return families.registered_test(family, name)
    except MsaaqContractError as exc:
        raise pytest.UsageError(f"error: {exc.one_line()}") from None


def generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker("msaaq")
    if marker is None or "doc_id" not in metafunc.fixturenames:
        return
    test = registered(family_of(marker), metafunc.definition.originalname)
    ids = documented_ids(metafunc.config, test.applies)
    metafunc.parametrize("doc_id", ids, ids=ids)
    if test.param is not None:  # after the documented id: test ids read ``[<documented id>-<value>]``
        name, values = test.param
        metafunc.parametrize(name, values)


def endpoint_of(nodeid: str) -> str:
    """The documented id a conformance test id is about: ``...::test_language[admin.x.y-ar]`` -> ``admin.x.y``."""
    m = re.search(r"::([^:\[]+)\[([^\]]+)\]$", nodeid)
    if not m:
        return nodeid
    name, param = m.groups()
    found = families.TESTS.get(name)
    if found is not None and found[1].param is not None:
        for value in found[1].param[1]:
            if param.endswith(f"-{value}"):
                return param[: -len(value) - 1]
    return param


def doc_id_of(item: pytest.Item) -> str | None:
    """The documented id a conformance test is parametrized with; None for other tests, and for a test no
    operation of the contract applies to (pytest skips it: "got empty parameter set")."""
    callspec = getattr(item, "callspec", None)
    doc_id = callspec.params.get("doc_id") if callspec is not None else None
    return doc_id if isinstance(doc_id, str) else None


def modify_items(config: pytest.Config, items: list[pytest.Item]) -> None:
    contract: Contract | None = None
    for item in items:
        marker = item.get_closest_marker("msaaq")
        doc_id = doc_id_of(item)
        if marker is None or doc_id is None:
            continue
        contract = contract or _contract(str(contract_path(config)))
        family = family_of(marker)
        op = contract.operation(doc_id)
        item.add_marker(getattr(pytest.mark, op.area if op.area in ("admin", "tenant", "oauth") else "admin"))
        item.add_marker(getattr(pytest.mark, family))
        if op.mutating:
            item.add_marker(pytest.mark.mutating)
        # Plain strings: they travel with every report (setup, call, teardown) from the xdist workers.
        item.user_properties += [(properties.ID, doc_id), (properties.FAMILY, family)]
