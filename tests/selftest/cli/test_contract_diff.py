"""``msaaq-contract diff``: each breaking and non-breaking category on hand-made OpenAPI 3.1 pairs."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from msaaq_contract.cli.main import main
from msaaq_contract.contract.diff import diff_documents
from msaaq_contract.errors import ContractError

JSON = "application/json"


def ok(schema_ref: str) -> dict[str, Any]:
    return {"description": "ok", "content": {JSON: {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}}}


def base() -> dict[str, Any]:
    level = {"type": "string", "enum": ["beginner", "advanced"]}
    return {
        "openapi": "3.1.0",
        "info": {"title": "mini MSAAQ", "version": "1"},
        "paths": {
            "/admin/courses/{course}": {
                "parameters": [{"name": "course", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "get": {
                    "operationId": "admin.courses.get-course",
                    "summary": "Get course",
                    "parameters": [
                        {
                            "name": "include",
                            "in": "query",
                            "schema": {"type": "string", "enum": ["chapters", "reviews"]},
                        },
                        {"name": "per_page", "in": "query", "schema": {"type": "number"}},
                    ],
                    "responses": {"200": ok("CourseEnvelope"), "404": {"description": "not found"}},
                },
                "put": {
                    "operationId": "admin.courses.update-course",
                    "requestBody": {
                        "required": False,
                        "content": {JSON: {"schema": {"$ref": "#/components/schemas/In"}}},
                    },
                    "responses": {"200": ok("CourseEnvelope"), "422": {"description": "invalid"}},
                },
            },
            "/admin/courses": {
                "get": {"operationId": "admin.courses.list-courses", "responses": {"200": ok("CourseEnvelope")}}
            },
        },
        "components": {
            "schemas": {
                "CourseEnvelope": {
                    "type": "object",
                    "required": ["status", "data"],
                    "properties": {"status": {"const": "success"}, "data": {"$ref": "#/components/schemas/Course"}},
                },
                "Course": {
                    "type": "object",
                    "required": ["id", "title"],
                    "properties": {
                        "id": {"type": "integer"},
                        "title": {"type": "string", "description": "shown in the catalogue"},
                        "level": copy.deepcopy(level),
                        "parent": {"$ref": "#/components/schemas/Course"},  # a reference cycle
                        "tags": {"type": "array", "items": {"type": "string"}},
                    },
                },
                "In": {
                    "type": "object",
                    "required": ["title"],
                    "properties": {"title": {"type": "string"}, "level": level, "price": {"type": "integer"}},
                },
            }
        },
    }


GET = ("paths", "/admin/courses/{course}", "get")
PUT = ("paths", "/admin/courses/{course}", "put")


def at(doc: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        doc = doc[key]
    return doc


def schema(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return doc["components"]["schemas"][name]


BREAKING: dict[str, tuple[Callable[[dict[str, Any]], None], str, str]] = {
    "removed operation": (
        lambda d: d["paths"]["/admin/courses"].pop("get"),
        "api-removed",
        "/paths/~1admin~1courses/get",
    ),
    "removed response field": (
        lambda d: schema(d, "Course")["properties"].pop("title"),
        "response-property-removed",
        "/components/schemas/Course/properties/title",
    ),
    "retyped response field": (
        lambda d: schema(d, "Course")["properties"]["id"].update(type="string"),
        "response-property-type-changed",
        "/components/schemas/Course/properties/id",
    ),
    "response field became nullable": (
        lambda d: schema(d, "Course")["properties"]["title"].update(type=["string", "null"]),
        "response-property-type-changed",
        "/components/schemas/Course/properties/title",
    ),
    "response field became optional": (
        lambda d: schema(d, "Course")["required"].remove("title"),
        "response-property-became-optional",
        "/components/schemas/Course/properties/title",
    ),
    "retyped array items in a response": (
        lambda d: schema(d, "Course")["properties"]["tags"]["items"].update(type="object"),
        "response-property-type-changed",
        "/components/schemas/Course/properties/tags/items",
    ),
    "new required request field": (
        lambda d: (
            schema(d, "In")["properties"].update(slug={"type": "string"}),
            schema(d, "In")["required"].append("slug"),
        ),
        "new-required-request-property",
        "/components/schemas/In/properties/slug",
    ),
    "request field became required": (
        lambda d: schema(d, "In")["required"].append("price"),
        "request-property-became-required",
        "/components/schemas/In/properties/price",
    ),
    "retyped request field": (
        lambda d: schema(d, "In")["properties"]["price"].update(type="string"),
        "request-property-type-changed",
        "/components/schemas/In/properties/price",
    ),
    "new required parameter": (
        lambda d: at(d, *GET)["parameters"].append({"name": "locale", "in": "query", "required": True}),
        "new-required-request-parameter",
        "/paths/~1admin~1courses~1{course}/get/parameters/2",
    ),
    "parameter became required": (
        lambda d: at(d, *GET)["parameters"][0].update(required=True),
        "request-parameter-became-required",
        "/paths/~1admin~1courses~1{course}/get/parameters/0",
    ),
    "parameter narrowed from number to integer": (
        lambda d: at(d, *GET)["parameters"][1]["schema"].update(type="integer"),
        "request-parameter-type-changed",
        "/paths/~1admin~1courses~1{course}/get/parameters/1/schema",
    ),
    "request enum narrowed": (
        lambda d: schema(d, "In")["properties"]["level"]["enum"].remove("advanced"),
        "request-property-enum-value-removed",
        "/components/schemas/In/properties/level",
    ),
    "parameter enum narrowed": (
        lambda d: at(d, *GET)["parameters"][0]["schema"]["enum"].remove("reviews"),
        "request-parameter-enum-value-removed",
        "/paths/~1admin~1courses~1{course}/get/parameters/0/schema",
    ),
    "response enum widened": (
        lambda d: schema(d, "Course")["properties"]["level"]["enum"].append("expert"),
        "response-property-enum-value-added",
        "/components/schemas/Course/properties/level",
    ),
    "removed success status": (
        lambda d: at(d, *PUT)["responses"].pop("200"),
        "response-success-status-removed",
        "/paths/~1admin~1courses~1{course}/put/responses/200",
    ),
    "request body became required": (
        lambda d: at(d, *PUT)["requestBody"].update(required=True),
        "request-body-became-required",
        "/paths/~1admin~1courses~1{course}/put/requestBody",
    ),
    "response media type removed": (
        lambda d: at(d, *GET)["responses"]["200"].update(content={"text/csv": {"schema": {"type": "string"}}}),
        "response-media-type-removed",
        "/paths/~1admin~1courses~1{course}/get/responses/200/content/application~1json",
    ),
}

NON_BREAKING: dict[str, tuple[Callable[[dict[str, Any]], None], str, str]] = {
    "added operation": (
        lambda d: d["paths"]["/admin/courses"].update(post={"operationId": "c", "responses": {"201": ok("Course")}}),
        "api-added",
        "/paths/~1admin~1courses/post",
    ),
    "added optional request field": (
        lambda d: schema(d, "In")["properties"].update(summary={"type": "string"}),
        "new-optional-request-property",
        "/components/schemas/In/properties/summary",
    ),
    "added optional parameter": (
        lambda d: at(d, *GET)["parameters"].append({"name": "lang", "in": "query", "schema": {"type": "string"}}),
        "new-optional-request-parameter",
        "/paths/~1admin~1courses~1{course}/get/parameters/2",
    ),
    "added response field": (
        lambda d: schema(d, "Course")["properties"].update(slug={"type": "string"}),
        "response-property-added",
        "/components/schemas/Course/properties/slug",
    ),
    "widened request enum": (
        lambda d: schema(d, "In")["properties"]["level"]["enum"].append("expert"),
        "request-property-enum-value-added",
        "/components/schemas/In/properties/level",
    ),
    "narrowed response enum": (
        lambda d: schema(d, "Course")["properties"]["level"]["enum"].remove("advanced"),
        "response-property-enum-value-removed",
        "/components/schemas/Course/properties/level",
    ),
    "widened request type": (
        lambda d: schema(d, "In")["properties"]["price"].update(type="number"),
        "request-property-type-changed",
        "/components/schemas/In/properties/price",
    ),
    "request field became optional": (
        lambda d: schema(d, "In")["required"].remove("title"),
        "request-property-became-optional",
        "/components/schemas/In/properties/title",
    ),
    "operation description": (
        lambda d: at(d, *GET).update(summary="Show one course"),
        "api-summary-changed",
        "/paths/~1admin~1courses~1{course}/get/summary",
    ),
    "field description": (
        lambda d: schema(d, "Course")["properties"]["title"].update(description="the course name"),
        "response-property-description-changed",
        "/components/schemas/Course/properties/title",
    ),
    "removed error status": (
        lambda d: at(d, *GET)["responses"].pop("404"),
        "response-non-success-status-removed",
        "/paths/~1admin~1courses~1{course}/get/responses/404",
    ),
    "added status": (
        lambda d: at(d, *GET)["responses"].update({"429": {"description": "slow down"}}),
        "response-non-success-status-added",
        "/paths/~1admin~1courses~1{course}/get/responses/429",
    ),
}


def changed(mutate: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    doc = base()
    mutate(doc)
    return doc


@pytest.mark.parametrize("case", list(BREAKING))
def test_breaking_change_is_detected(case):
    mutate, rule, pointer = BREAKING[case]
    changes = diff_documents(base(), changed(mutate))
    found = [c for c in changes if c.rule == rule and c.pointer == pointer]
    assert found, f"{rule} at {pointer} not in {[(c.rule, c.pointer) for c in changes]}"
    assert all(c.breaking for c in found)


@pytest.mark.parametrize("case", list(NON_BREAKING))
def test_non_breaking_change_is_classified_as_such(case):
    mutate, rule, pointer = NON_BREAKING[case]
    changes = diff_documents(base(), changed(mutate))
    assert [(c.rule, c.pointer, c.breaking) for c in changes] == [(rule, pointer, False)] * len(changes)
    assert changes


def test_identical_documents_and_renamed_path_parameters_have_no_changes():
    assert diff_documents(base(), base()) == []
    renamed = base()
    item = renamed["paths"].pop("/admin/courses/{course}")
    item["parameters"][0]["name"] = "id"
    renamed["paths"]["/admin/courses/{id}"] = item
    assert diff_documents(base(), renamed) == []


def test_change_in_a_shared_schema_is_reported_per_operation_with_its_operation():
    changes = diff_documents(base(), changed(BREAKING["removed response field"][0]))
    assert sorted((c.operation, c.operation_id) for c in changes) == [
        ("GET /admin/courses", "admin.courses.list-courses"),
        ("GET /admin/courses/{course}", "admin.courses.get-course"),
        ("PUT /admin/courses/{course}", "admin.courses.update-course"),
    ]
    assert changes[0].message == "response 200 field data.title: required field removed"


def test_properties_declared_by_several_all_of_parts_are_merged():
    """MSAAQ's envelopes: ``allOf: [envelope.Single (data: {}), {properties: {data: Course}}]``."""

    def enveloped(doc):
        doc["components"]["schemas"]["Single"] = {"type": "object", "required": ["data"], "properties": {"data": {}}}
        at(doc, *GET)["responses"]["200"]["content"][JSON]["schema"] = {
            "allOf": [
                {"$ref": "#/components/schemas/Single"},
                {"properties": {"data": {"$ref": "#/components/schemas/Course"}}},
            ]
        }

    old = changed(enveloped)
    new = changed(lambda d: (enveloped(d), schema(d, "Course")["properties"].pop("level")))
    changes = [c for c in diff_documents(old, new) if c.operation_id == "admin.courses.get-course"]
    assert [(c.rule, c.breaking, c.message) for c in changes] == [
        ("response-property-removed", True, "response 200 field data.level: optional field removed")
    ]


def test_reference_cycles_and_bad_references():
    doc = base()
    schema(doc, "Course")["properties"]["parent"] = {"$ref": "#/components/schemas/Loop"}
    doc["components"]["schemas"]["Loop"] = {"$ref": "#/components/schemas/Loop"}
    with pytest.raises(ContractError, match="circular \\$ref"):
        diff_documents(base(), doc)
    schema(doc, "Course")["properties"]["parent"] = {"$ref": "#/components/schemas/Nowhere"}
    with pytest.raises(ContractError, match="does not resolve"):
        diff_documents(base(), doc, new_name="new.json")


@pytest.fixture
def files(tmp_path):
    def write(old: dict[str, Any], new: dict[str, Any]) -> tuple[str, str]:
        old_path, new_path = tmp_path / "old.yaml", tmp_path / "new.json"  # one YAML, one JSON export
        old_path.write_text(yaml.safe_dump(old, allow_unicode=True), encoding="utf-8")
        new_path.write_text(json.dumps(new), encoding="utf-8")
        return str(old_path), str(new_path)

    return write


def test_cli_exit_codes_and_text_output(files, capsys):
    old, new = files(base(), base())
    assert main(["diff", old, new]) == 0
    assert capsys.readouterr().out == f"diff {old} -> {new}: 0 breaking, 0 non-breaking change(s)\n"
    old, new = files(
        base(), changed(lambda d: (BREAKING["removed operation"][0](d), NON_BREAKING["added response field"][0](d)))
    )
    assert main(["diff", old, new]) == 1
    out = capsys.readouterr().out
    assert out.index("breaking (1):") < out.index("non-breaking (")
    assert "  GET /admin/courses  (admin.courses.list-courses)\n    api-removed: operation removed\n" in out


def test_cli_json_and_markdown_formats(files, capsys):
    old, new = files(base(), changed(BREAKING["response enum widened"][0]))
    assert main(["diff", old, new, "--format", "json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["breaking"] == 3
    assert payload["non_breaking"] == 0
    assert payload["changes"][0] == {
        "level": "breaking",
        "rule": "response-property-enum-value-added",
        "operation": "GET /admin/courses",
        "operation_id": "admin.courses.list-courses",
        "pointer": "/components/schemas/Course/properties/level",
        "message": "response 200 field data.level: enum value(s) added ['expert']",
    }
    assert main(["diff", old, new, "--format", "markdown"]) == 1
    md = capsys.readouterr().out
    assert md.startswith("# Contract diff: 3 breaking, 0 non-breaking change(s)\n")
    assert "| `GET /admin/courses` | `admin.courses.list-courses` | response-property-enum-value-added |" in md


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "contract file not found"),
        ("{not json", "invalid JSON at line 1, column 2"),
        ('{"swagger": "2.0"}', "not an OpenAPI 3.x document"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line(tmp_path, capsys, content, message):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(base()), encoding="utf-8")
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content, encoding="utf-8")
    assert main(["diff", str(good), str(bad)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    assert err.startswith(f"error: {bad}")
    assert message in err
    assert err.count("\n") == 1


def test_cli_bundles_the_split_contract(tmp_path, capsys):
    (tmp_path / "paths").mkdir()
    doc = base()
    # Split files reach shared schemas through the root, as contracts/paths/*.yaml do.
    item = json.dumps(doc["paths"]["/admin/courses"]).replace('"#/components', '"../openapi.yaml#/components')
    (tmp_path / "paths" / "courses.yaml").write_text(yaml.safe_dump(json.loads(item)), encoding="utf-8")
    doc["paths"]["/admin/courses"] = {"$ref": "paths/courses.yaml"}
    (tmp_path / "openapi.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    single = tmp_path / "export.json"
    single.write_text(json.dumps(base()), encoding="utf-8")
    assert main(["diff", str(tmp_path), str(single)]) == 0
    assert ": 0 breaking, 0 non-breaking" in capsys.readouterr().out
