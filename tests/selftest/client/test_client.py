"""The suite's client against respx mocks: token flows and refresh, 429 back-off, rate limit, write safety and
one-line target errors. No real sleeps: the client's sleep and clock are injected."""

import httpx
import pytest
import respx

from msaaq_contract.client.happy import Credentials, PreparedCall
from msaaq_contract.client.transport import Client
from msaaq_contract.errors import CredentialsError, RateLimited, TargetUnreachable, UnsafeTarget
from msaaq_contract.settings import RateLimit, Settings

BASE = "https://staging.msaaq.example/v1"
CREDS = Credentials("cid", "csecret", "admin@academy.example", "apass", "student@academy.example", "spass")
TOKEN_BODY = {
    "status": "success",
    "code": "200",
    "data": {"token_type": "Bearer", "expires_in": 3600, "access_token": "client-tok"},
}


class FakeTime:
    def __init__(self):
        self.now = 1000.0
        self.slept = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def make_client(time, **settings):
    defaults = {"mode": "live", "base_url": BASE, "tenant": "academy.example", "credentials": CREDS}
    return Client(Settings(**{**defaults, **settings}), sleep=time.sleep, clock=time.clock)


def call(identity="adminUser", method="GET", path="/admin/courses"):
    return PreparedCall(
        doc_id="x",
        operation_id="x",
        method=method,
        path=path,
        headers={"X-Tenant": "academy.example"},
        identity=identity,
    )


@respx.mock
def test_admin_token_flow_and_cache():
    time = FakeTime()
    oauth = respx.post(f"{BASE}/oauth/token").respond(200, json=TOKEN_BODY)
    login = respx.post(f"{BASE}/admin/authentication/login").respond(200, json={"data": {"token": "admin-tok"}})
    courses = respx.get(f"{BASE}/admin/courses").respond(200, json={"data": []})
    client = make_client(time)
    client.send(call())
    client.send(call())
    assert oauth.call_count == 1 and login.call_count == 1 and courses.call_count == 2
    assert login.calls[0].request.headers["Authorization"] == "Bearer client-tok"
    assert courses.calls[1].request.headers["Authorization"] == "Bearer admin-tok"


@respx.mock
def test_expired_token_is_refreshed():
    time = FakeTime()
    respx.post(f"{BASE}/oauth/token").respond(
        200, json={**TOKEN_BODY, "data": {**TOKEN_BODY["data"], "expires_in": 60}}
    )
    student = respx.post(f"{BASE}/tenant/auth/authorize/verify").mock(
        side_effect=[
            httpx.Response(200, json={"data": {"token": "s1", "expires_in": 60}}),
            httpx.Response(200, json={"data": {"token": "s2", "expires_in": 60}}),
        ]
    )
    me = respx.get(f"{BASE}/tenant/auth/me").respond(200, json={"data": {}})
    client = make_client(time)
    client.send(call("tenantStudent", path="/tenant/auth/me"))
    time.now += 61
    client.send(call("tenantStudent", path="/tenant/auth/me"))
    assert student.call_count == 2
    assert [c.request.headers["Authorization"] for c in me.calls] == ["Bearer s1", "Bearer s2"]


@respx.mock
def test_401_on_a_cached_token_refreshes_once():
    time = FakeTime()
    respx.post(f"{BASE}/oauth/token").respond(200, json=TOKEN_BODY)
    respx.post(f"{BASE}/admin/authentication/login").mock(
        side_effect=[
            httpx.Response(200, json={"data": {"token": "old"}}),
            httpx.Response(200, json={"data": {"token": "new"}}),
        ]
    )
    route = respx.get(f"{BASE}/admin/courses").mock(
        side_effect=[
            httpx.Response(401, json={"status": "failed", "code": "UNAUTHORIZED", "message": {"body": "x"}}),
            httpx.Response(200, json={"data": []}),
        ]
    )
    exchange = make_client(time).send(call())
    assert exchange.status == 200
    assert route.calls[1].request.headers["Authorization"] == "Bearer new"


@respx.mock
def test_refused_credentials_are_one_line():
    respx.post(f"{BASE}/oauth/token").respond(401, json={"status": "failed"})
    with pytest.raises(CredentialsError) as err:
        make_client(FakeTime()).send(call())
    assert "refused the configured credentials (HTTP 401)" in err.value.one_line()
    assert "csecret" not in err.value.one_line()


@respx.mock
def test_a_failing_token_endpoint_is_the_target_s_error_not_the_credentials():
    respx.post(f"{BASE}/oauth/token").respond(502, text="Bad Gateway")
    with pytest.raises(TargetUnreachable) as err:
        make_client(FakeTime()).send(call())
    assert "answered HTTP 502 when asked for a token: the target is failing" in err.value.one_line()
    assert err.value.exit_code == 69


@respx.mock
def test_429_is_waited_out_not_reported():
    time = FakeTime()
    route = respx.get(f"{BASE}/tenant/ping").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "3"}, json={}),
            httpx.Response(200, json={"message": "pong!"}),
        ]
    )
    exchange = make_client(time).send(call(None, path="/tenant/ping"))
    assert exchange.status == 200 and route.call_count == 2
    assert time.slept == [3.0]


@respx.mock
def test_429_beyond_the_budget_is_a_target_error():
    respx.get(f"{BASE}/tenant/ping").respond(429, headers={"Retry-After": "600"}, json={})
    with pytest.raises(RateLimited, match="Retry-After 600s"):
        make_client(FakeTime(), max_retry_wait_s=60).send(call(None, path="/tenant/ping"))


@respx.mock
def test_rate_limit_spaces_requests():
    time = FakeTime()
    respx.get(f"{BASE}/tenant/ping").respond(200, json={"message": "pong!"})
    client = make_client(time, rate_limit=RateLimit.parse("2/s"))
    for _ in range(3):
        client.send(call(None, path="/tenant/ping"))
    assert time.slept == [0.5, 0.5]


def test_writes_refused_against_remote_targets_without_flag():
    with pytest.raises(UnsafeTarget, match="--allow-writes"):
        make_client(FakeTime()).send(call(None, method="POST", path="/admin/courses"), mutating=True)


def test_production_needs_an_extra_flag():
    client = make_client(FakeTime(), base_url="https://api.msaaq.com/v1", allow_writes=True)
    with pytest.raises(UnsafeTarget, match="--allow-production"):
        client.send(call(None, method="DELETE", path="/admin/courses/1"), mutating=True)


@respx.mock
def test_loopback_targets_accept_writes():
    respx.post("http://127.0.0.1:8765/v1/admin/courses").respond(201, json={"data": {}})
    client = make_client(FakeTime(), base_url="http://127.0.0.1:8765/v1", mode="sim")
    assert client.send(call(None, method="POST", path="/admin/courses"), token=None, mutating=True).status == 201


@respx.mock
def test_unreachable_target_is_one_line():
    respx.get(f"{BASE}/tenant/ping").mock(side_effect=httpx.ConnectError("Connection refused"))
    with pytest.raises(TargetUnreachable) as err:
        make_client(FakeTime()).send(call(None, path="/tenant/ping"))
    assert err.value.one_line().startswith("GET /tenant/ping: ConnectError")


@respx.mock
def test_timeout_is_one_line():
    respx.get(f"{BASE}/tenant/ping").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(TargetUnreachable, match="timed out after 30s"):
        make_client(FakeTime()).send(call(None, path="/tenant/ping"))


@pytest.mark.parametrize("text", ["five", "0/s", "3/x"])
def test_invalid_rate_limit_is_refused(text):
    with pytest.raises(Exception, match="invalid --rate-limit"):
        RateLimit.parse(text)


@respx.mock
def test_token_share_gives_one_login_per_identity_across_workers(tmp_path):
    from msaaq_contract.client.token_share import TokenShare

    respx.post(f"{BASE}/oauth/token").respond(200, json=TOKEN_BODY)
    login = respx.post(f"{BASE}/admin/authentication/login").respond(200, json={"data": {"token": "shared"}})
    respx.get(f"{BASE}/admin/courses").respond(200, json={"data": []})
    workers = [make_client(FakeTime()) for _ in range(3)]
    for client in workers:
        client.tokens.share = TokenShare(tmp_path)
        client.send(call())
    assert login.call_count == 1
    assert (tmp_path / "tokens.json").stat().st_mode & 0o777 == 0o600
