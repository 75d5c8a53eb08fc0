"""Exploration against a target we script: values with the request that produced them, parents before children
(and past an empty parent), integer parameters refuse non-integers, and every miss says what to do."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
import respx
import yaml

from msaaq_contract.client.happy import Credentials, Fixtures, MissingTargetData, PreparedCall
from msaaq_contract.client.transport import Client
from msaaq_contract.contract import load_contract
from msaaq_contract.discovery.explore import Discovered, Explorer, Found
from msaaq_contract.discovery.fixtures_file import render
from msaaq_contract.discovery.target import TargetData, discover, preflight
from msaaq_contract.exchange import Exchange, RecordedRequest
from msaaq_contract.settings import Settings

TENANT = "academy.example"


def page(*items: dict) -> dict:
    return {"data": list(items), "links": {}, "meta": {"current_page": 1, "total": len(items)}}


def target(routes: dict[str, dict], seen: list[str] | None = None) -> Callable[[PreparedCall], Exchange]:
    """A fake target: path -> JSON body (200); any other path answers 404."""

    def send(call: PreparedCall) -> Exchange:
        if seen is not None:
            seen.append(call.path)
        body = routes.get(call.path)
        status = 200 if body is not None else 404
        raw = json.dumps(body if body is not None else {"status": "failed", "code": "NOT_FOUND"}).encode()
        return Exchange(RecordedRequest(call.method, call.path), status, {"content-type": "application/json"}, raw)

    return send


def test_children_are_found_under_a_parent_that_has_them():
    routes = {
        "/admin/courses": page({"id": 7}, {"id": 8}),
        "/admin/courses/7/chapters": page(),  # the first course is empty: the next one is tried
        "/admin/courses/8/chapters": page({"id": 81}),
        "/admin/courses/8/chapters/81/contents": page({"id": 811}),
    }
    found = Explorer(load_contract(), target(routes), TENANT).explore()
    values = found.values["admin.courses.chapters.contents.show-content"]
    assert {k: v.value for k, v in values.items()} == {"course": 8, "chapter": 81, "content": 811}
    assert values["content"].source == "GET /admin/courses/8/chapters/81/contents -> data[0].id"
    assert found.values["admin.courses.get-course"]["course"].value == 7


def test_missing_data_has_a_reason_a_user_can_act_on():
    routes = {"/admin/courses": page(), "/admin/members": page({"id": "not-a-number"})}
    found = Explorer(load_contract(), target(routes), TENANT).explore()
    reason = found.missing["admin.courses.get-course"]["course"]
    assert reason.startswith("no `course` on the target: GET /admin/courses listed no items")
    assert "create one or pin it in fixtures" in reason
    member = found.missing["admin.members.get-member"]["member"]
    assert "listed no integer id" in member  # the parameter is an integer: a text id is not one
    chapter = found.missing["admin.courses.chapters.get-chapter"]["chapter"]
    assert "`course`" in chapter  # the parent's reason travels to the children
    assert "no operation that lists" in found.missing["tenant.auth.email-verify"]["signature"]


def test_a_destroyed_resource_is_found_for_probes_but_never_destroyed():
    routes = {"/admin/courses": page({"id": 7})}
    found = Explorer(load_contract(), target(routes), TENANT).explore()
    assert found.values["admin.courses.delete-course"]["course"].value == 7  # a method probe may address it
    assert ("admin.courses.delete-course", "course") in found.destroyed
    assert ("admin.courses.update-course", "course") not in found.destroyed
    assert TargetData.from_json(TargetData("http://t", found).to_json()).main.destroyed == found.destroyed
    discovered = {k: {p: f.value for p, f in v.items()} for k, v in found.values.items()}
    for protect in (True, False):  # live runs protect; whatever the mode, discovery is never the target
        fixtures = Fixtures(tenant=TENANT, discovered=discovered, protect_targets=protect)
        assert fixtures.path_value("admin.courses.delete-course", "course") == "7"
        with pytest.raises(MissingTargetData):
            fixtures.path_value("admin.courses.delete-course", "course", target=True)
    created = Fixtures(tenant=TENANT, discovered=discovered, protect_targets=True)
    created.created["admin.courses.delete-course"] = {"course": "99"}
    assert created.path_value("admin.courses.delete-course", "course", target=True) == "99"


def test_the_fixtures_file_never_pins_a_destroyed_value():
    def found(value: int) -> Found:
        return Found(value, f"GET /admin/courses -> {value}")

    main = Discovered(
        TENANT,
        values={
            "admin.courses.get-course": {"course": found(7)},
            "admin.courses.update-course": {"course": found(7)},
            "admin.courses.delete-course": {"course": found(8)},
            "admin.courses.chapters.delete-chapter": {"course": found(9), "chapter": found(71)},
        },
        destroyed={("admin.courses.delete-course", "course"), ("admin.courses.chapters.delete-chapter", "chapter")},
    )
    text = render(TargetData("http://t", main))
    pinned = yaml.safe_load(text)
    assert pinned["path"] == {"course": 7, "chapter": 71}  # a shared value: probes of every operation use it
    assert pinned["operations"] == {"admin.courses.chapters.delete-chapter": {"course": 9}}  # a parent is pinned
    assert "#  course: 8  # GET /admin/courses -> 8; admin.courses.delete-course destroys it" in text


def test_each_collection_is_asked_once_whatever_the_number_of_operations():
    seen: list[str] = []
    Explorer(load_contract(), target({"/admin/courses": page({"id": 7})}, seen), TENANT).explore()
    assert seen.count("/admin/courses") == 1


@respx.mock(base_url="http://target.test/v1")
def test_discover_through_the_real_client_writes_a_reviewable_fixtures_file(respx_mock):
    respx_mock.post("/oauth/token").respond(json={"data": {"access_token": "client-tok", "expires_in": 3600}})
    respx_mock.post("/admin/authentication/login").respond(json={"data": {"token": "admin-tok", "expires_in": 3600}})
    respx_mock.get("/admin/courses").respond(json=page({"id": 7}))
    respx_mock.get("/admin/courses/7/chapters").respond(json=page({"id": 71}))
    respx_mock.route().respond(404, json={"status": "failed", "code": "NOT_FOUND", "message": {"body": "x"}})
    creds = Credentials("cid", "secret-value", "admin@example.test", "admin-pw")
    settings = Settings(mode="live", base_url="http://target.test/v1", tenant=TENANT, credentials=creds)
    client = Client(settings)
    assert preflight(client, creds) == ["oauthClient", "adminUser"]
    data = discover(load_contract(), client, TENANT)
    text = render(data)
    assert "course: 7  # GET /admin/courses -> data[0].id" in text
    assert "chapter: 71  # GET /admin/courses/7/chapters -> data[0].id" in text
    assert "# Not found" in text and "secret-value" not in text and "admin-tok" not in text
    assert data.summary().startswith(f"{len(data.main.found)}/{len(data.main.found) + len(data.main.lost)} path")
    admin_calls = [c.request for c in respx_mock.calls if "/admin/courses" in str(c.request.url)]
    assert admin_calls and all(r.headers.get("x-tenant") == TENANT for r in admin_calls)
    pinned = yaml.safe_load(text)  # the annotated file is plain --target-fixtures YAML
    assert pinned["path"]["course"] == 7 and pinned["tenant"] == TENANT
