"""Compiled JSON Schema validators for any schema of the bundled contract, addressed by JSON pointer.

Two engines, one meaning (JSON Schema 2020-12, formats not asserted): jsonschema-rs answers "valid?" fast,
which is the common case of a conforming exchange; the Python ``jsonschema`` validator explains a failure
(``best_match``, pointer, keyword), so the findings read the same whichever engine said no. Both resolve
``$ref``s inside the one bundled document through a registry, so no schema is copied.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import jsonschema_rs

from ..contract import Contract

if TYPE_CHECKING:  # the explaining engine is loaded when a schema says no: a conforming run never needs it
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

BASE_URI = "urn:msaaq-contract"


@functools.lru_cache(maxsize=8)
def _registry(contract: Contract) -> Registry[Any]:
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    resource: Resource[Any] = DRAFT202012.create_resource(contract.document)
    registry: Registry[Any] = Registry().with_resource(BASE_URI, resource)
    return registry


@functools.lru_cache(maxsize=8)
def _fast_registry(contract: Contract) -> Any:
    return jsonschema_rs.Registry([(BASE_URI, contract.document)])


@functools.lru_cache(maxsize=8192)
def detailed(contract: Contract, pointer: str) -> Draft202012Validator:
    """The explaining validator of the schema at ``pointer`` (``/paths/...``, ``/components/...``)."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator({"$ref": f"{BASE_URI}#{pointer}"}, registry=_registry(contract))


@functools.lru_cache(maxsize=8192)
def _fast(contract: Contract, pointer: str) -> Any:
    # jsonschema-rs wants a URI-safe fragment: path templates put "{" and "}" in the pointer.
    fragment = quote(pointer, safe="/~")
    return jsonschema_rs.validator_for(
        {"$ref": f"{BASE_URI}#{fragment}"}, registry=_fast_registry(contract), base_uri=f"{BASE_URI}/check"
    )


def is_valid(contract: Contract, pointer: str, instance: Any) -> bool:
    try:
        return bool(_fast(contract, pointer).is_valid(instance))
    except (ValueError, OverflowError):  # a value (or schema) jsonschema-rs cannot handle: the Python engine decides
        return not any(True for _ in detailed(contract, pointer).iter_errors(instance))
