"""The varying proxy's throttle: every Nth request of each identity answered 429 by the proxy (never forwarded),
the server's Laravel limiter in front of any target, and the counts of what was received and forwarded."""

from __future__ import annotations

import json

import httpx
import pytest
from tests.selftest.fixtures.refserver import ACADEMY_A

from msaaq_contract.cli.main import main
from msaaq_contract.contract import load_contract
from msaaq_contract.contract.logins import login_operations as token_routes
from msaaq_contract.errors import ConfigError
from msaaq_contract.refserver import ManualClock, demo_credentials
from msaaq_contract.refserver.proxy import start_proxy
from msaaq_contract.refserver.proxy_throttle import ProxyCounts, ProxyGate, ProxyThrottle, merge_rate_headers
from msaaq_contract.refserver.throttle import Admission, Throttle
from msaaq_contract.refserver.variations import Variations

CONTRACT = load_contract()
IP = "10.0.0.1"


def refused(gate: ProxyGate, authorization: str | None, n: int, route: str = "GET /v1/tenant/ping") -> list[bool]:
    method, path = route.split()
    return [bool(gate.admit(method, path, "", authorization, IP).refusal) for _ in range(n)]


def test_every_nth_request_of_each_identity():
    gate = ProxyGate(ProxyThrottle(every=3, retry_after=7), ManualClock())
    assert refused(gate, "Bearer a", 2) == [False, False]
    assert refused(gate, "Bearer b", 2) == [False, False]  # identities count apart
    assert refused(gate, None, 3) == [False, False, True]  # no Authorization: the guest identity
    assert refused(gate, "Bearer a", 4) == [True, False, False, True]
    assert refused(gate, "Bearer b", 1) == [True]
    assert gate.counts() == ProxyCounts(received=12, forwarded=8, throttled=4)


def test_every_nth_headers():
    gate = ProxyGate(ProxyThrottle(every=3, retry_after=7), ManualClock())
    first, second, third = (gate.admit("POST", "/v1/oauth/token", "", None, IP) for _ in range(3))
    # an injected refusal, not a window: no limit is announced that a client would pace itself for
    assert first.headers() == second.headers() == {} and second.retry_after is None
    assert third.retry_after == 7
    assert third.headers() == {"Retry-After": "7"}


def test_the_laravel_limiter_in_the_proxy_keys_by_authorization_and_ip():
    clock = ManualClock()
    gate = ProxyGate(ProxyThrottle(limits=Throttle.parse("2/m", login="1/m")), clock, CONTRACT)
    assert refused(gate, "Bearer a", 3) == [False, False, True]
    assert refused(gate, "Bearer bad", 1) == [False]  # the proxy cannot tell a refused token: its own bucket
    assert refused(gate, None, 1, "POST /v1/oauth/token") == [False]
    assert refused(gate, "Bearer c", 1, "POST /v1/oauth/token") == [True]  # the login limit is per IP
    assert gate.admit("POST", "/v1/oauth/token", "", "Bearer d", "10.0.0.9").retry_after is None
    clock.advance(60)
    assert refused(gate, "Bearer a", 1) == [False]


def test_login_routes_in_the_proxy_honour_method_spoofing():
    gate = ProxyGate(ProxyThrottle(limits=Throttle.parse("100/m", login="1/m")), ManualClock(), CONTRACT)
    spoofed = next(op for op in CONTRACT if op.method == "put" and op.operation_id in token_routes(CONTRACT))
    path = "/v1" + spoofed.path
    assert gate.admit("POST", path, "_method=PUT", None, IP).retry_after is None
    assert gate.admit("POST", path, "_method=PUT", None, IP).retry_after == 60
    assert gate.admit("GET", "/v1/tenant/ping", "", None, IP).retry_after is None


def test_the_tightest_remaining_is_shown_and_a_429_always_shows():
    upstream = {"x-ratelimit-limit": "60", "x-ratelimit-remaining": "3"}
    gate = ProxyGate(ProxyThrottle(limits=Throttle.parse("10/m")), ManualClock(), CONTRACT)
    headers = dict(upstream)
    merge_rate_headers(headers, gate.admit("GET", "/v1/tenant/ping", "", None, IP))  # proxy: 9 remaining
    assert headers == upstream
    headers = {"x-ratelimit-remaining": "599"}
    merge_rate_headers(headers, gate.admit("GET", "/v1/tenant/ping", "", None, IP))
    assert headers == {"x-ratelimit-limit": "10", "x-ratelimit-remaining": "8"}
    headers = {"x-ratelimit-remaining": "0"}
    merge_rate_headers(headers, Admission())
    assert headers == {"x-ratelimit-remaining": "0"}


@pytest.mark.parametrize(
    ("options", "message"),
    [({"every": 0}, "--throttle-every must be at least 1"), ({"retry_after": -1}, "--retry-after must not")],
)
def test_bad_proxy_throttles_are_config_errors(options, message):
    with pytest.raises(ConfigError, match=message):
        ProxyThrottle(**options)


@pytest.mark.parametrize(
    ("args", "expected"),
    [(["serve", "--port", "0", "--throttle", "lots"], "invalid rate 'lots'"),
     (["serve", "--port", "0", "--login-throttle", "5"], "invalid rate '5'"),
     (["proxy", "--upstream", "http://127.0.0.1:9/v1", "--port", "0", "--throttle-every", "0"], "--throttle-every"),
     (["proxy", "--upstream", "http://127.0.0.1:9/v1", "--port", "0", "--guest-throttle", "x/m"], "invalid rate")],
)  # fmt: skip
def test_bad_throttle_flags_are_one_line_errors(capsys, args, expected):
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert expected in err and "\n" not in err


def test_the_proxy_answers_429_itself_in_front_of_a_throttled_server(start_refserver):
    clock = ManualClock()
    server = start_refserver(clock=clock, throttle="100/m")
    creds = demo_credentials(ACADEMY_A)
    with (
        start_proxy(server.base_url, Variations.parse([], 0), throttle=ProxyThrottle(every=2, retry_after=3),
                    clock=clock) as proxy,
        httpx.Client(base_url=proxy.base_url, timeout=10) as http,
    ):  # fmt: skip
        tokens = [http.post("/oauth/token", json={"client_id": creds.client_id, "client_secret": creds.client_secret})
                  for _ in range(2)]  # fmt: skip
        pings = [http.get("/tenant/ping", headers={"X-Tenant": ACADEMY_A}) for _ in range(2)]
    assert [r.status_code for r in tokens + pings] == [200, 429, 200, 429]  # token requests count like any other
    throttled = tokens[1]
    assert json.loads(throttled.content) == {"message": "Too Many Attempts."}
    assert throttled.headers["retry-after"] == "3"
    assert "x-ratelimit-limit" not in throttled.headers  # every-Nth announces no window
    assert pings[0].headers["x-ratelimit-limit"] == "100"  # the server's own limit passes through
    assert proxy.counts() == ProxyCounts(received=4, forwarded=2, throttled=2)
    assert server.counts().received == proxy.counts().forwarded
