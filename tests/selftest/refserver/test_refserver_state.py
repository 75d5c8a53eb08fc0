"""State: CRUD persists, lists paginate for real, academies are isolated, Arabic is served, tokens expire and
are revoked, bad input never gets a 5xx, concurrent creates lose nothing, the cart becomes an order."""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from tests.selftest.fixtures.refserver import ACADEMY_A, ACADEMY_B, RefClient

from msaaq_contract.client.happy import PreparedCall
from msaaq_contract.contract import Operation, load_contract
from msaaq_contract.contract.resources import resource_graph
from msaaq_contract.refserver import ManualClock, fixture_values, start_server

CONTRACT = load_contract()
RESOURCES = resource_graph(CONTRACT)
FIXTURES = fixture_values(CONTRACT)
ARABIC = re.compile(r"[\u0600-\u06FF]")


def admin_ops(role: str) -> dict[str, Operation]:
    """Admin operations of ``role`` by resource key."""
    out: dict[str, Operation] = {}
    for op in sorted(CONTRACT, key=lambda o: o.operation_id):
        binding = RESOURCES.binding(op)
        target = binding.target or (binding.chain[-1][0] if binding.chain else None)
        if op.area == "admin" and binding.role == role and target is not None and op.doc_ids:
            out.setdefault(target.key, op)
    return out


CREATE, READ, UPDATE, DELETE, LIST = (admin_ops(r) for r in ("create", "read", "update", "delete", "list"))
CRUD = sorted(k for k in CREATE if k in READ and k in UPDATE and k in DELETE and k in LIST)


def fill(op: Operation, **values: object) -> str:
    path = op.path
    for param in op.path_params:
        path = path.replace("{" + param.name + "}", str(values.get(param.name, FIXTURES["path"].get(param.name, 1))))
    return path


def with_title(call: PreparedCall, title: str) -> PreparedCall:
    """The happy call with a ``title`` added to its JSON or form body."""
    if call.data is not None:
        call.data = {**call.data, "title": title}
    else:
        call.json = {**(call.json or {}), "title": title}
    return call


def item_param(key: str) -> str:
    return sorted(RESOURCES.resources[key].params)[0]


def test_the_main_resources_are_all_crud_resources():
    wanted = {"courses", "courses/chapters", "courses/chapters/contents", "members", "products", "coupons",
              "articles", "taxonomies", "quizzes", "quizzes/questions", "webhooks", "members/segments"}  # fmt: skip
    assert wanted <= set(CRUD)


@pytest.mark.parametrize("key", CRUD)
def test_crud_round_trip(fresh_client: RefClient, key):
    """create -> read back -> update -> listed (total + 1) -> delete -> 404 and total back."""
    client = fresh_client
    headers = client.admin()
    listing = client.http.get(fill(LIST[key]), headers=headers, params={"per_page": 100})
    total_before = listing.json()["meta"]["total"] if "meta" in listing.json() else len(listing.json()["data"])
    title = "عنوان جديد — new title"
    created = client.send(with_title(client.happy(CREATE[key].doc_ids[0]), title))
    assert created.status_code in (200, 201), created.text
    new_id = created.json()["data"]["id"]
    param = item_param(key)
    item = fill(READ[key], **{param: new_id})
    read = client.http.get(item, headers=headers)
    assert read.status_code == 200
    assert read.json()["data"]["id"] == new_id
    if "title" in read.json()["data"]:
        assert read.json()["data"]["title"] == title
    update = with_title(client.happy(UPDATE[key].doc_ids[0]), "updated")
    update.path = fill(UPDATE[key], **{param: new_id})
    assert client.send(update).status_code == 200
    if "title" in read.json()["data"]:
        assert client.http.get(item, headers=headers).json()["data"]["title"] == "updated"
    listed = client.http.get(fill(LIST[key]), headers=headers, params={"per_page": 100}).json()
    assert new_id in [row["id"] for row in listed["data"]]
    if "meta" in listed:
        assert listed["meta"]["total"] == total_before + 1
    delete = client.happy(DELETE[key].doc_ids[0])
    delete.path = fill(DELETE[key], **{param: new_id})
    assert client.send(delete).status_code in (200, 204)
    assert client.http.get(item, headers=headers).status_code == 404
    after = client.http.get(fill(LIST[key]), headers=headers, params={"per_page": 100}).json()
    assert new_id not in [row["id"] for row in after["data"]]


def test_pagination_meta_and_links(fresh_client: RefClient):
    headers = fresh_client.admin()
    for n in range(4):  # 3 seeded + 1 spare course (for its delete) + 4 = 8
        assert fresh_client.http.post("/admin/courses", headers=headers, json={"title": f"Course {n}"}).is_success
    first = fresh_client.http.get("/admin/courses", headers=headers, params={"per_page": 3}).json()
    meta = first["meta"]
    assert (meta["current_page"], meta["from"], meta["to"], meta["last_page"], meta["total"], meta["per_page"]) == (
        1, 1, 3, 3, 8, 3,
    )  # fmt: skip
    assert meta["path"].endswith("/v1/admin/courses")
    assert first["links"]["prev"] is None
    assert first["links"]["next"].endswith("page=2")
    assert [link["label"] for link in meta["links"] if link["active"]] == ["1"]
    last = fresh_client.http.get("/admin/courses", headers=headers, params={"per_page": 3, "page": 3}).json()
    assert (last["meta"]["from"], last["meta"]["to"], len(last["data"]), last["links"]["next"]) == (7, 8, 2, None)
    beyond = fresh_client.http.get("/admin/courses", headers=headers, params={"page": 10**12})
    assert beyond.status_code == 200
    assert beyond.json()["data"] == []
    assert (beyond.json()["meta"]["from"], beyond.json()["meta"]["total"]) == (None, 8)


def test_search_filters_and_sort(fresh_client: RefClient):
    headers = fresh_client.admin()
    found = fresh_client.http.get("/admin/courses", headers=headers, params={"search": "calligraphy"}).json()
    assert [c["title"] for c in found["data"]] == ["Arabic Calligraphy"]
    filtered = fresh_client.http.get("/admin/courses", headers=headers, params={"filters[id]": "1002"}).json()
    assert [c["id"] for c in filtered["data"]] == [1002]
    ordered = fresh_client.http.get("/admin/courses", headers=headers, params={"sort": "id", "sort_direction": "desc"})
    ids = [c["id"] for c in ordered.json()["data"]]
    assert ids == sorted(ids, reverse=True)


def test_nested_rows_belong_to_their_parent(fresh_client: RefClient):
    headers = fresh_client.admin()
    assert fresh_client.http.get("/admin/courses/1001/chapters/1001", headers=headers).status_code == 200
    # Chapter 1003 exists but belongs to course 1002.
    assert fresh_client.http.get("/admin/courses/1001/chapters/1003", headers=headers).status_code == 404
    chapters = fresh_client.http.get("/admin/courses/1002/chapters", headers=headers).json()["data"]
    assert [c["id"] for c in chapters] == [1003, 1004]


ISOLATED = [
    doc_id
    for doc_id, op in CONTRACT.documented()
    if RESOURCES.binding(op).chain and op.security and op.area in ("admin", "tenant")
]


@pytest.fixture(scope="module")
def isolation_client() -> Iterator[RefClient]:
    with start_server(contract=CONTRACT) as server:
        client = RefClient(server, CONTRACT)
        yield client
        client.close()


@pytest.mark.parametrize("doc_id", ISOLATED)
def test_academy_b_cannot_reach_academy_a_rows(isolation_client: RefClient, doc_id):
    """Academy-a's ids, called with academy-b's header and token, are 404 whatever the operation."""
    call = isolation_client.happy(doc_id)
    call.headers["X-Tenant"] = ACADEMY_B
    token = isolation_client.token_for(call.identity, ACADEMY_B, fresh=call.fresh_token)
    response = isolation_client.send(call, token=token)
    assert response.status_code == 404, response.text
    assert response.json()["code"] == "NOT_FOUND"


def test_a_new_course_of_academy_a_is_not_listed_for_academy_b(fresh_client: RefClient):
    created = fresh_client.http.post("/admin/courses", headers=fresh_client.admin(), json={"title": "Only in A"})
    new_id = created.json()["data"]["id"]
    listed = fresh_client.http.get("/admin/courses", headers=fresh_client.admin(ACADEMY_B), params={"per_page": 100})
    assert new_id not in [c["id"] for c in listed.json()["data"]]
    storefront = fresh_client.http.get(f"/tenant/courses/{new_id}", headers={"X-Tenant": ACADEMY_B})
    assert storefront.status_code == 404
    assert fresh_client.http.get(f"/tenant/courses/{new_id}", headers={"X-Tenant": ACADEMY_A}).status_code == 200


def test_arabic_and_english_text(ref_client: RefClient):
    ar = ref_client.http.get("/tenant/courses/1001", headers={"X-Tenant": ACADEMY_A, "Accept-Language": "ar"})
    assert ar.headers["content-type"].startswith("application/json")
    assert ar.json()["data"]["title"] == "بايثون للمبتدئين"
    assert "بايثون".encode() in ar.content  # real UTF-8, not \\u escapes
    en = ref_client.http.get("/tenant/courses/1001", headers={"X-Tenant": ACADEMY_A, "Accept-Language": "en"})
    assert en.json()["data"]["title"] == "Python for Beginners"
    other = ref_client.http.get("/tenant/courses/1001", headers={"X-Tenant": ACADEMY_A, "Accept-Language": "fr-FR"})
    assert other.json()["data"]["title"] == "Python for Beginners"
    refused = ref_client.http.get("/admin/courses", headers={"Accept-Language": "ar-SA,ar;q=0.9"})
    assert ARABIC.search(refused.json()["message"]["body"])


def test_tenant_slug_reads_the_same_course(ref_client: RefClient):
    by_id = ref_client.http.get("/tenant/courses/1001", headers={"X-Tenant": ACADEMY_A}).json()["data"]
    by_slug = ref_client.http.get(f"/tenant/courses/{by_id['slug']}", headers={"X-Tenant": ACADEMY_A}).json()["data"]
    assert by_slug["id"] == by_id["id"] == 1001


def test_tokens_expire_on_the_injected_clock(start_refserver):
    clock = ManualClock()
    server = start_refserver(clock=clock, token_ttl=1)
    client = RefClient(server, CONTRACT)
    try:
        token = client.admin_token()
        headers = {"Authorization": f"Bearer {token}"}
        assert client.http.get("/admin/courses", headers=headers).status_code == 200
        clock.advance(1.5)
        expired = client.http.get("/admin/courses", headers=headers)
        assert expired.status_code == 401
        assert expired.json()["code"] == "UNAUTHORIZED"
        assert client.http.get("/admin/courses", headers=client.admin() | {}).status_code == 401  # cached one too
        fresh = client.admin_token(fresh=True)
        assert client.http.get("/admin/courses", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200
    finally:
        client.close()


def test_logout_revokes_the_token(ref_client: RefClient):
    token = ref_client.student_token(fresh=True)
    headers = {"Authorization": f"Bearer {token}", "X-Tenant": ACADEMY_A}
    assert ref_client.http.get("/tenant/auth/me", headers=headers).status_code == 200
    assert ref_client.http.post("/tenant/auth/logout", headers=headers).status_code == 200
    assert ref_client.http.get("/tenant/auth/me", headers=headers).status_code == 401
    # The revoked token is refused by optional operations too.
    assert ref_client.http.get("/tenant/courses", headers=headers).status_code == 401


JSON = {"Content-Type": "application/json"}
BAD_INPUTS = {
    "malformed json": {"content": b'{"title": ', "headers": JSON},
    "invalid utf-8": {"content": b'{"title": "\xff\xfe"}', "headers": JSON},
    "wrong content type": {"content": b"title=x", "headers": {"Content-Type": "text/plain"}},
    "10 MB body": {"content": b'{"title": "' + b"a" * 10_000_000 + b'"}', "headers": JSON},
    "deeply nested json": {"content": b"[" * 200_000 + b"]" * 200_000, "headers": JSON},
    "array instead of object": {"json": [1, 2, 3]},
    "json null": {"content": b"null", "headers": JSON},
    "huge integer": {"json": {"title": 10**40}},
    "broken multipart": {
        "content": b"--x\r\nnot a part",
        "headers": {"Content-Type": "multipart/form-data; boundary=x"},
    },
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_bodies_are_4xx_envelopes(ref_client: RefClient, case):
    options = dict(BAD_INPUTS[case])
    headers = {**ref_client.admin(), **options.pop("headers", {})}
    response = ref_client.http.post("/admin/courses/1001/chapters", headers=headers, **options)
    assert 400 <= response.status_code < 500, response.text
    body = response.json()
    if case == "10 MB body":  # above PHP's post_max_size: Laravel's PostTooLargeException, before any envelope
        assert (response.status_code, body) == (413, {"message": ""})
        return
    assert ("errors" in body and "message" in body) or (body["status"] == "failed" and body["code"].isupper())


@pytest.mark.parametrize(
    "path",
    [
        "/admin/courses/1%27%20OR%201=1",
        "/admin/courses/1001;DROP TABLE rows",
        "/admin/courses/..%2F..%2Fetc%2Fpasswd",
        "/admin/../../etc/passwd",
        "/admin/courses/" + "9" * 400,
        "/admin/courses?page=-1",
        "/admin/courses?per_page=abc",
        "/admin/courses?filters[id]=1%27%20OR%20%271%27=%271",
    ],
)
def test_hostile_paths_and_queries_are_4xx_or_empty(ref_client: RefClient, path):
    response = ref_client.http.get(path, headers=ref_client.admin())
    assert response.status_code < 500
    if response.status_code == 200:
        assert response.json()["data"] == []


def test_sql_looking_text_is_stored_verbatim_and_nothing_breaks(fresh_client: RefClient):
    headers = fresh_client.admin()
    title = "Robert'); DROP TABLE rows;--" + "x" * 100_000
    created = fresh_client.http.post("/admin/courses", headers=headers, json={"title": title})
    assert created.status_code == 200
    read = fresh_client.http.get(f"/admin/courses/{created.json()['data']['id']}", headers=headers)
    assert read.json()["data"]["title"] == title
    assert (
        fresh_client.http.get("/admin/courses/1001", headers=headers).json()["data"]["title"] == "Python for Beginners"
    )


def test_server_still_serves_after_the_bad_inputs(ref_client: RefClient):
    assert ref_client.http.get("/tenant/ping", headers={"X-Tenant": ACADEMY_A}).json() == {"message": "pong!"}
    course = ref_client.http.get("/admin/courses/1001", headers=ref_client.admin())
    assert course.json()["data"]["title"] == "Python for Beginners"


def test_100_concurrent_creates_lose_no_row(fresh_client: RefClient):
    headers = fresh_client.admin()
    base = fresh_client.server.base_url
    before = fresh_client.http.get("/admin/coupons", headers=headers).json()["meta"]["total"]

    def create(n: int) -> int:
        with httpx.Client(base_url=base, timeout=30) as http:
            response = http.post("/admin/coupons", headers=headers, json={"code": f"BULK{n}"})
            assert response.status_code == 200, response.text
            return int(response.json()["data"]["id"])

    with ThreadPoolExecutor(max_workers=16) as pool:
        ids = list(pool.map(create, range(100)))
    assert len(set(ids)) == 100
    listed = fresh_client.http.get("/admin/coupons", headers=headers, params={"per_page": 500}).json()
    assert listed["meta"]["total"] == before + 100
    assert set(ids) <= {c["id"] for c in listed["data"]}


def test_cart_checkout_becomes_an_order(fresh_client: RefClient):
    headers = fresh_client.student()
    item = {"product_id": 1003, "product_type": "product", "quantity": 2}
    cart = fresh_client.http.post("/tenant/cart", headers=headers, json=item).json()["data"]
    assert cart["count"] == 3  # the two seeded products + this one
    listing = {"per_page": 500}
    before = fresh_client.http.get("/tenant/account/orders", headers=headers, params=listing).json()
    done = fresh_client.http.post("/tenant/cart/checkout", headers=headers, json={"payment_gateway": "free"})
    assert done.status_code == 200, done.text
    orders = fresh_client.http.get("/tenant/account/orders", headers=headers, params=listing).json()
    assert orders["meta"]["total"] == before["meta"]["total"] + 1
    [order_id] = {o["id"] for o in orders["data"]} - {o["id"] for o in before["data"]}
    assert fresh_client.http.get(f"/admin/orders/{order_id}", headers=fresh_client.admin()).status_code == 200
    assert fresh_client.http.get(f"/admin/orders/{order_id}", headers=fresh_client.admin(ACADEMY_B)).status_code == 404
    assert fresh_client.http.get("/tenant/cart", headers=headers).json()["data"]["count"] == 0
    again = fresh_client.http.post("/tenant/cart/checkout", headers=headers, json={"payment_gateway": "free"})
    assert again.status_code == 422


def test_register_then_sign_in(fresh_client: RefClient):
    tenant = {"X-Tenant": ACADEMY_A}
    body = {"name": "ليلى", "email": "layla@example.test", "password": "pw-12345", "phone": "500", "phone_code": "966"}
    registered = fresh_client.http.post("/tenant/auth/register", headers=tenant, json=body)
    assert registered.status_code == 200, registered.text
    token = registered.json()["data"]["token"]
    me = fresh_client.http.get("/tenant/auth/me", headers={**tenant, "Authorization": f"Bearer {token}"}).json()
    assert me["data"]["email"] == "layla@example.test"
    assert fresh_client.http.post("/tenant/auth/register", headers=tenant, json=body).status_code == 422
    verify = {"via": "password", "email": "layla@example.test", "password": "pw-12345"}
    assert fresh_client.http.post("/tenant/auth/authorize/verify", headers=tenant, json=verify).status_code == 200
    wrong = fresh_client.http.post("/tenant/auth/authorize/verify", headers=tenant, json={**verify, "password": "x"})
    assert wrong.status_code == 422
    # A student of academy-a is unknown in academy-b.
    other = fresh_client.http.post("/tenant/auth/authorize/verify", headers={"X-Tenant": ACADEMY_B}, json=verify)
    assert other.status_code == 422


def test_multipart_forms_are_coerced_by_schema(fresh_client: RefClient):
    headers = fresh_client.admin()
    contents = "/admin/courses/1001/chapters/1001/contents"  # a multipart route whose answer echoes `sort`
    response = fresh_client.http.post(contents, headers=headers, data={"type": "text", "title": "t", "sort": "7"})
    assert response.status_code in (200, 201), response.text
    assert response.json()["data"]["sort"] == 7
    bad = fresh_client.http.post(contents, headers=headers, data={"type": "text", "title": "t", "sort": "seven"})
    assert bad.status_code == 422
