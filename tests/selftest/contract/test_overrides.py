"""The overrides file and ``apply_changes``, the one definition of a calibrated change that the build tool and
``calibrate --apply`` share; and the YAML round trip that lets an edited split file equal a rebuilt one."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest

from msaaq_contract.contract.loader import DEFAULT_CONTRACT
from msaaq_contract.contract.overrides import OVERRIDES_NAME, Overrides, apply_changes, load_overrides
from msaaq_contract.contract.yaml_format import dump, load_styled
from msaaq_contract.errors import ContractError

REPO = Path(__file__).resolve().parents[3]
FACTS = REPO.parent / "shared" / "msaaq-api"
PROVENANCE = {"date": "2026-05-04", "evidence": 3, "group": "g"}
MARK = {"x-source": "observed", "x-calibration": {"date": "2026-05-04", "evidence": 3, "group": "g"}}


@pytest.mark.parametrize(
    "name", ["openapi.yaml", "paths/admin/products.yaml", "paths/oauth.yaml", "components/models-admin.yaml"]
)
def test_a_contract_file_round_trips_byte_for_byte(name):
    # products.yaml quotes some $refs and not others with the same text; a plain load + dump would differ.
    text = (DEFAULT_CONTRACT.parent / name).read_text()
    assert dump(load_styled(text)) == text


def change(kind: str, **values) -> dict:
    return {"change": kind, "schema": "M", **values, **PROVENANCE}


def schemas() -> dict:
    return {
        "M": {
            "type": "object",
            "properties": {
                "n": {"type": "number"},
                "ref": {"$ref": "#/components/schemas/Other"},
                "either": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                "kind": {"type": "string", "enum": ["a", "b"]},
            },
            "required": ["n", "kind"],
        }
    }


def test_add_types_widens_a_type_an_anyof_or_wraps_a_reference():
    s = schemas()
    changes = [
        change("add-types", pointer="/properties/n", types=["null"]),
        change("add-types", pointer="/properties/either", types=["null"]),
        change("add-types", pointer="/properties/ref", types=["string"]),
        change("add-types", pointer="/properties/kind", types=["null"]),
    ]
    assert apply_changes(s, {}, changes) == ["M"]
    props = s["M"]["properties"]
    assert props["n"] == {"type": ["number", "null"], **MARK}
    assert props["either"]["anyOf"][-1] == {"type": "null"}
    assert props["ref"] == {"anyOf": [{"$ref": "#/components/schemas/Other"}, {"type": "string"}], **MARK}
    assert props["kind"]["enum"] == ["a", "b", None]  # an enum restricts the type: null joins it


def test_add_enum_and_not_required():
    s = schemas()
    apply_changes(s, {}, [change("add-enum", pointer="/properties/kind", values=["c"])])
    apply_changes(s, {}, [change("not-required", pointer="", property="n")])
    assert s["M"]["properties"]["kind"]["enum"] == ["a", "b", "c"]
    assert s["M"]["required"] == ["kind"] and s["M"]["x-source"] == "observed"


def test_add_response_keeps_statuses_sorted_and_copies_the_like_body():
    op = {
        "operationId": "o",
        "responses": {"200": {"description": "ok", "content": {"application/json": {}}}, "404": {}},
    }
    ops = {"o": op}
    apply_changes({}, ops, [{"change": "add-response", "operation": "o", "status": "204", "like": None, **PROVENANCE}])
    apply_changes({}, ops, [{"change": "add-response", "operation": "o", "status": "299", "like": "200", **PROVENANCE}])
    assert list(op["responses"]) == ["200", "204", "299", "404"]
    assert "content" not in op["responses"]["204"]
    assert op["responses"]["299"]["content"] == {"application/json": {}}


def test_applying_the_same_changes_again_changes_nothing():
    s, ops = schemas(), {"o": {"operationId": "o", "responses": {}}}
    changes = [
        change("add-types", pointer="/properties/ref", types=["null"]),
        change("add-enum", pointer="/properties/kind", values=["c"]),
        change("not-required", pointer="", property="n"),
        {"change": "add-response", "operation": "o", "status": "204", "like": None, **PROVENANCE},
        {"change": "observed", "operation": "o", "date": "2026-05-04", "target": "api.example", "ids": ["o"]},
    ]
    assert apply_changes(s, ops, changes) == ["M", "o"]
    before = copy.deepcopy((s, ops))
    assert apply_changes(s, ops, changes) == []
    assert (s, ops) == before


VALIDATION = {"$ref": "#/components/responses/ValidationFailed"}


def rule(kind: str, op: str = "o", **values) -> dict:
    return {"change": kind, "operation": op, **values, **PROVENANCE}


def test_require_adds_the_member_to_the_inline_request_schema_and_documents_a_422():
    inline = {"type": "object", "properties": {"name": {"type": "string"}}}
    op = {
        "requestBody": {"required": False, "content": {"application/json": {"schema": inline}}},
        "responses": {"200": {}, "401": {"$ref": "../../openapi.yaml#/components/responses/Unauthenticated"}},
    }
    ops = {"o": op}
    changes = [rule("require", property="name", response=VALIDATION), rule("require", property="code", declare={})]
    assert apply_changes({}, ops, changes) == ["o"]
    assert inline["required"] == ["name", "code"] and inline["properties"]["code"] == {}
    assert inline["x-source"] == "observed" and op["requestBody"]["required"] is True
    # In a split file the response refers to the root document the way its siblings do.
    assert op["responses"]["422"] == {"$ref": "../../openapi.yaml#/components/responses/ValidationFailed"}
    assert list(op["responses"]) == ["200", "401", "422"]
    assert apply_changes({}, ops, changes) == []


def test_require_creates_a_json_body_where_the_operation_declared_none():
    ops = {"o": {"responses": {"200": {}}}}
    apply_changes({}, ops, [rule("require", property="name", declare={})])
    schema = ops["o"]["requestBody"]["content"]["application/json"]["schema"]
    assert schema["properties"] == {"name": {}} and schema["required"] == ["name"]
    assert ops["o"]["requestBody"]["required"] is True


def test_a_shared_request_model_is_refined_by_a_layer_of_the_operation_s_own():
    ref = {"$ref": "#/components/schemas/admin.CampaignInput"}
    media = {"schema": dict(ref)}
    ops = {"o": {"requestBody": {"content": {"multipart/form-data": media}}, "responses": {}}}
    apply_changes({}, ops, [rule("require", property="name"), rule("set-type", property="count", types=["integer"])])
    [model, layer] = media["schema"]["allOf"]
    assert model == ref  # the shared model is untouched
    assert layer["required"] == ["name"] and layer["properties"]["count"]["type"] == "integer"
    apply_changes({}, ops, [rule("set-enum", property="kind", values=["a", "b"])])
    assert len(media["schema"]["allOf"]) == 2 and layer["properties"]["kind"]["enum"] == ["a", "b"]


def test_set_type_and_set_enum_say_what_the_api_accepts():
    prop = {"type": "string", "enum": ["x"], "format": "email"}
    ops = {"o": {"requestBody": {"content": {"application/json": {"schema": {"properties": {"n": prop}}}}}}}
    apply_changes({}, ops, [rule("set-type", property="n", types=["integer"])])
    assert prop == {"type": "integer", **MARK}  # the old type's values and format went with it
    apply_changes({}, ops, [rule("set-enum", property="n", values=[1, 2])])
    assert prop["enum"] == [1, 2]
    assert apply_changes({}, ops, [rule("set-type", property="n", types=["integer"])]) == []


def test_a_change_on_something_the_contract_lacks_is_a_one_line_error():
    with pytest.raises(ContractError, match="no schema 'Nope'"):
        apply_changes(schemas(), {}, [{"change": "add-enum", "schema": "Nope", "values": [1], **PROVENANCE}])
    with pytest.raises(ContractError, match="does not resolve"):
        apply_changes(schemas(), {}, [change("add-types", pointer="/properties/none/x", types=["null"])])


def test_overrides_file_round_trips_and_a_bad_one_is_refused(tmp_path):
    path = tmp_path / OVERRIDES_NAME
    assert load_overrides(path) == Overrides()  # absent: nothing to merge
    written = Overrides(["abc"], [change("add-types", pointer="/properties/n", types=["null"])])
    path.write_text(written.to_yaml())
    assert load_overrides(path) == written
    path.write_text("changes:\n- {change: rename, schema: M}\n")
    with pytest.raises(ContractError) as error:
        load_overrides(path)
    assert "not a valid overrides file" in error.value.one_line() and "\n" not in error.value.one_line()


@pytest.mark.skipif(not FACTS.is_dir(), reason="the build tool's facts (../shared/msaaq-api) are not here")
def test_the_build_tool_reproduces_the_committed_contract(tmp_path):
    out = tmp_path / "contracts"
    subprocess.run(
        [sys.executable, "tools/build_contract.py", "--facts", str(FACTS), "--out", str(out)],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    for built in sorted(out.rglob("*")):
        if built.is_file():
            assert built.read_bytes() == (REPO / "contracts" / built.relative_to(out)).read_bytes(), built


@pytest.mark.skipif(not FACTS.is_dir(), reason="the build tool's facts (../shared/msaaq-api) are not here")
def test_the_build_tool_lands_a_change_only_where_calibrate_apply_does(tmp_path):
    # The built tree shares nodes the files do not: admin.Member's status enum is also in the members' request
    # bodies, the checkout's schema is under two media types. A change must edit the one node it addresses.
    from msaaq_contract.calibration.sources import SourceFiles
    from msaaq_contract.contract import load_contract

    changes = [
        change("add-enum", schema="admin.Member", pointer="/properties/status", values=["suspended"]),
        {"change": "require", "operation": "tenant.cart.checkout", "property": "note", "declare": {"type": "string"},
         **PROVENANCE},
    ]  # fmt: skip
    contracts = REPO / "contracts"
    applied = SourceFiles(load_contract(contracts, fresh=True)).apply(changes)
    texts = {path.resolve().relative_to(contracts).as_posix(): text for path, text in applied.items()}
    overrides = tmp_path / OVERRIDES_NAME
    overrides.write_text(Overrides([], changes).to_yaml())
    out = tmp_path / "contracts"
    command = [sys.executable, "tools/build_contract.py", "--facts", str(FACTS), "--out", str(out),
               "--overrides", str(overrides)]  # fmt: skip
    subprocess.run(command, cwd=REPO, check=True, capture_output=True)
    assert set(texts) == {"components/models-admin.yaml", "paths/tenant/cart.yaml"}
    for built in sorted(out.rglob("*.yaml")):
        name = built.relative_to(out).as_posix()
        assert built.read_text() == texts.get(name, (contracts / name).read_text()), name
