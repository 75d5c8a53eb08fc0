"""The methods check: a probe with an undeclared safe method is refused by routing (405 with Allow), OPTIONS is
answered with Allow; Allow lists the path's methods and nothing a route of the URL could not serve."""

from __future__ import annotations

import copy
import dataclasses

import httpx
import pytest
import respx
from tests.selftest.fixtures.responses import ctx, titles

from msaaq_contract.checks.base import Exchange
from msaaq_contract.checks.methods import probe, relative_path, undeclared_method
from msaaq_contract.client.httpx_exchange import from_httpx
from msaaq_contract.contract.model import Contract

BASE = "https://api.msaaq.test/v1"
LOGIN = "admin.auth.login"  # POST /admin/authentication/login: no route of the URL serves GET
COURSES = "admin.courses.list-courses"  # GET and POST /admin/courses
IMPORT = "admin.members.import"  # POST /admin/members/import; /admin/members/{member} may match "import"
NOT_ALLOWED = {"status": "failed", "code": "METHOD_NOT_ALLOWED", "message": {"body": "Not supported."}}


def probed(method: str, path: str, status: int, allow: str | None = None, base: str = BASE) -> Exchange:
    """Send the probe through httpx to a respx mock and capture the exchange."""
    headers = {"content-type": "application/json", **({"allow": allow} if allow is not None else {})}
    with respx.mock(assert_all_called=True) as mock:
        mock.route(method=method, url=base + path).mock(
            return_value=httpx.Response(status, json=NOT_ALLOWED, headers=headers)
        )
        with httpx.Client() as client:
            return from_httpx(client.request(method, base + path))


def judge(contract, doc_id: str, exchange: Exchange) -> list[str]:
    return titles(undeclared_method(ctx(contract, doc_id), exchange))


def test_the_probe_is_get_where_no_route_serves_get_else_options(contract):
    assert probe(contract, contract.operation(LOGIN), "/admin/authentication/login") == "GET"
    assert probe(contract, contract.operation(COURSES), "/admin/courses") == "OPTIONS"
    # An unconstrained Laravel route /admin/members/{member} may serve GET /admin/members/import: never GET.
    assert probe(contract, contract.operation(IMPORT), "/admin/members/import") == "OPTIONS"


def test_a_405_listing_the_paths_methods_conforms(contract):
    assert judge(contract, LOGIN, probed("GET", "/admin/authentication/login", 405, "POST")) == []
    # Laravel's own spellings: HEAD comes with GET, either separator, any case.
    assert judge(contract, COURSES, probed("OPTIONS", "/admin/courses", 200, "GET,HEAD,POST")) == []
    assert judge(contract, COURSES, probed("OPTIONS", "/admin/courses", 405, "get, head, post, options")) == []


def test_an_undeclared_method_that_is_not_refused_fails(contract):
    assert judge(contract, LOGIN, probed("GET", "/admin/authentication/login", 404)) == [
        "Undeclared method not refused"
    ]
    served = undeclared_method(ctx(contract, LOGIN), probed("GET", "/admin/authentication/login", 200))
    assert titles(served) == ["Undeclared method not refused"]
    assert "was served" in served[0].message and served[0].expected == "405 with Allow: POST"
    assert judge(contract, COURSES, probed("OPTIONS", "/admin/courses", 500, "GET, POST")) == ["OPTIONS not answered"]


def test_allow_must_list_the_paths_methods_and_nothing_else(contract):
    assert judge(contract, LOGIN, probed("GET", "/admin/authentication/login", 405)) == ["Allow header missing"]
    assert judge(contract, COURSES, probed("OPTIONS", "/admin/courses", 200)) == ["Allow header missing"]
    missing = undeclared_method(ctx(contract, COURSES), probed("OPTIONS", "/admin/courses", 200, "GET, HEAD"))
    assert titles(missing) == ["Allow header differs from the path's methods"]
    assert "missing POST" in missing[0].message
    extra = undeclared_method(ctx(contract, LOGIN), probed("GET", "/admin/authentication/login", 405, "POST, DELETE"))
    assert "not a method of this path: DELETE" in extra[0].message


def test_methods_a_templated_sibling_may_serve_are_allowed_never_required(contract):
    # /admin/members/{member} (GET, PUT, DELETE) matches /admin/members/import when the route has no constraint.
    laravel = "GET,HEAD,POST,PUT,DELETE"
    assert judge(contract, IMPORT, probed("OPTIONS", "/admin/members/import", 200, laravel)) == []
    assert judge(contract, IMPORT, probed("OPTIONS", "/admin/members/import", 200, "POST")) == []
    assert judge(contract, IMPORT, probed("OPTIONS", "/admin/members/import", 200, "POST, PATCH")) == [
        "Allow header differs from the path's methods"
    ]


@pytest.mark.parametrize("base", ["https://api.example.test/api/v1", "https://api.example.test"])
def test_any_base_path(contract, base):
    exchange = probed("GET", "/admin/authentication/login", 405, "POST", base=base)
    assert relative_path(contract.operation(LOGIN), exchange.request.url) == "/admin/authentication/login"
    assert judge(contract, LOGIN, exchange) == []


COURSE = "admin.courses.get-course"  # GET, PUT, DELETE /admin/courses/{course}: an apiResource item path


def test_patch_beside_a_declared_put_is_laravels_resource_route_a_warning_never_a_failure(contract):
    laravel = "GET,HEAD,PUT,PATCH,DELETE"  # Route::apiResource registers the update as PUT|PATCH
    found = undeclared_method(ctx(contract, COURSE), probed("OPTIONS", "/admin/courses/7", 200, laravel))
    assert [(f.title, f.severity) for f in found] == [("Framework method alias", "warning")]
    assert "PATCH is Laravel's resource-route alias of PUT" in found[0].message
    # Without a declared PUT, PATCH is no alias: it still fails.
    extra = undeclared_method(ctx(contract, LOGIN), probed("GET", "/admin/authentication/login", 405, "POST, PATCH"))
    assert titles(extra) == ["Allow header differs from the path's methods"]
    # Next to a real difference, the alias stays a warning and the difference fails.
    both = undeclared_method(ctx(contract, COURSE), probed("OPTIONS", "/admin/courses/7", 200, "GET,PUT,PATCH,POST"))
    assert [(f.title, f.severity) for f in both] == [
        ("Allow header differs from the path's methods", "error"), ("Framework method alias", "warning"),
    ]  # fmt: skip


def test_a_contract_that_records_the_alias_expects_it_silently(contract):
    document = copy.deepcopy(contract.document)
    document["paths"]["/admin/courses/{course}"]["put"]["x-method-aliases"] = ["PATCH"]
    recorded = Contract(dataclasses.replace(contract.bundle, document=document))
    laravel = "GET,HEAD,PUT,PATCH,DELETE"
    assert undeclared_method(ctx(recorded, COURSE), probed("OPTIONS", "/admin/courses/7", 200, laravel)) == []
