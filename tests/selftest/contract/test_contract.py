"""The contract: valid OpenAPI 3.1, every documented id resolves to exactly one operation, provenance on every
operation, every model field typed, every response with a schema."""

import json
from pathlib import Path

import pytest
from openapi_spec_validator import validate as full_validate

from msaaq_contract.contract import coverage, load_inventory
from msaaq_contract.contract.inventory import default_inventory_path
from msaaq_contract.contract.loader import bundle

ROOT = Path(__file__).resolve().parents[3]


def test_contract_is_valid_openapi_31(contract):
    assert contract.document["openapi"].startswith("3.1")
    full_validate(bundle(ROOT / "contracts").document)


def test_every_documented_id_resolves_to_exactly_one_operation(contract):
    inventory = load_inventory(default_inventory_path(contract))
    cov = coverage(contract, inventory)
    assert len(cov.documented) == 531
    assert cov.missing == []
    assert cov.duplicated == {}
    assert cov.unknown == []
    assert len(cov.resolved) == 531
    by_area = {area: counts["documented"] for area, counts in cov.by_area(contract).items()}
    assert by_area == {"admin": 405, "tenant": 123, "oauth": 3}


def test_every_operation_has_provenance(contract):
    for op in contract:
        assert op.source in ("client", "inferred", "docs"), op.operation_id
        assert op.confidence in ("high", "medium", "low"), op.operation_id
        assert op.raw.get("x-doc-title") or op.undocumented, op.operation_id
        for entry in op.doc_entries:
            assert entry.confidence in ("high", "medium", "low")


def test_every_response_has_a_schema_or_no_body(contract):
    for op in contract:
        for status, spec in op.responses.items():
            if status in ("204", "302"):
                assert spec.schema is None
            else:
                assert spec.schema is not None, f"{op.operation_id} {status}"


def _model_fields(contract):
    for name, schema in contract.document["components"]["schemas"].items():
        if not name.startswith(("admin.", "tenant.")):
            continue
        stack = [(name, schema)]
        while stack:
            where, node = stack.pop()
            for key, sub in (node.get("properties") or {}).items():
                yield f"{where}.{key}", sub
                if isinstance(sub, dict):
                    stack.append((f"{where}.{key}", sub))


def test_under_five_percent_of_model_fields_untyped(contract):
    typed_keys = ("type", "$ref", "anyOf", "oneOf", "allOf", "enum", "const")
    fields = list(_model_fields(contract))
    untyped = [name for name, sub in fields if not any(k in sub for k in typed_keys)]
    assert len(fields) > 1500
    assert len(untyped) / len(fields) < 0.05, untyped


def test_tenant_operations_require_x_tenant(contract):
    for op in contract:
        if op.area == "tenant" and op.path.startswith("/tenant"):
            assert op.tenant_required, op.operation_id


def test_inventory_copy_matches_the_contract_ids(contract):
    data = json.loads((ROOT / "contracts" / "documented-endpoints.json").read_text())
    assert data["count"] == 532  # 531 endpoints + the tenant getting-started page
    assert {e["id"] for e in data["endpoints"]} - set(contract.by_doc_id) == {"tenant.getting-started-with-tenant-api"}


@pytest.mark.parametrize(
    "doc_id", ["admin.courses.chapters.contents.create.create-video", "oauth.craete-token-from-accounts"]
)
def test_shared_routes_list_every_doc_id(contract, doc_id):
    op = contract.operation(doc_id)
    assert doc_id in op.doc_ids
    assert len(op.doc_ids) > 1


def _bodies(contract):
    for op in contract:
        if op.request_schema is not None:
            yield op, contract.deref(op.request_schema)


def test_every_derived_body_member_is_traced_to_its_source(contract):
    schemas = contract.document["components"]["schemas"]
    derived = 0
    for op, body in _bodies(contract):
        for name, member in (body.get("properties") or {}).items():
            source, ref = member.get("x-source"), member.get("x-source-ref")
            if source is None:
                continue
            derived += 1
            if source == "model":  # a member of the model the body is a partial of
                assert name in contract.deref(schemas[ref]).get("properties", {}), (op.operation_id, name, ref)
            elif source == "create":  # a member of the collection's create, given to its update
                create = contract.operation(ref)
                assert create.method == "post" and op.path.startswith(create.path + "/"), (op.operation_id, ref)
                assert name in contract.deref(create.request_schema)["properties"], (op.operation_id, name)
            else:
                assert (source, ref) == ("convention", "conventions.export"), (op.operation_id, name)
                assert op.path.endswith("/export")
    assert derived > 200


def test_fewer_writes_declare_no_body_field(contract):
    writes = [(op, body) for op, body in _bodies(contract) if op.method in ("post", "put", "patch")]
    bare = [op for op in contract if op.method in ("post", "put", "patch")]
    bare = [op for op in bare if not (contract.deref(op.request_schema or {}).get("properties"))]
    assert len(writes) > 150
    assert len(bare) <= 58  # 79 before the bodies were derived from the models (issue 17)


def test_required_members_state_what_laravels_required_refuses(contract):
    for op, body in _bodies(contract):
        for name in body.get("required", []):
            member = body["properties"].get(name, {})
            kind = member.get("type")
            kinds = kind if isinstance(kind, list) else [kind]
            if "string" in kinds and "enum" not in member and member.get("format") != "binary":
                assert member.get("minLength", 0) >= 1 and member.get("pattern") == r"\S", (op.operation_id, name)
            if "array" in kinds:
                assert member.get("minItems", 0) >= 1, (op.operation_id, name)


def test_one_path_item_per_route_and_unknown_filters_are_open(contract):
    import re

    shapes = {}
    for op in contract:
        shape = re.sub(r"\{[^}]+\}", "{}", op.path)
        assert shapes.setdefault(shape, op.path) == op.path, (shape, op.path)
        for param in op.query_params:
            if param.name == "filters":
                assert param.schema.get("additionalProperties", True) is not False, op.operation_id
