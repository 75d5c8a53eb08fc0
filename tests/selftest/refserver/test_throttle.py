"""The reference server's Laravel-style throttle: buckets per user and per IP, a login limit apart, Laravel's
headers, a fixed window on the injected clock, and the request counts a benchmark compares with its ledger.

Requests go straight to the engine (``Inbound``) so each can come from the IP the test chooses; one test at the
end goes over real HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from tests.selftest.fixtures.refserver import ACADEMY_A, ACADEMY_B, contract_errors

from msaaq_contract.contract import load_contract
from msaaq_contract.contract.logins import login_operations as token_routes
from msaaq_contract.errors import ConfigError
from msaaq_contract.refserver import ManualClock, demo_credentials
from msaaq_contract.refserver.clock import FIXED_EPOCH
from msaaq_contract.refserver.engine import Engine, Inbound
from msaaq_contract.refserver.envelopes import Reply
from msaaq_contract.refserver.limiter import FixedWindow, Hit, Rate, shown
from msaaq_contract.refserver.server import prepare
from msaaq_contract.refserver.throttle import Throttle

CONTRACT = load_contract()
PING = CONTRACT.operations["tenant.ping-pong"]
TOKEN = next(op for op in CONTRACT if op.path == "/oauth/token")
# A protected admin read without path parameters: found in the contract, not named.
ADMIN_READ = next(
    op for op in sorted(CONTRACT, key=lambda o: o.path)
    if op.method == "get" and op.auth == "required" and op.security == ("adminUser",) and not op.path_params
)  # fmt: skip
IP1, IP2 = "10.0.0.1", "10.0.0.2"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def engine_with(clock: ManualClock) -> Iterator[Callable[..., Engine]]:
    """``engine_with(throttle)``: a seeded engine on the test's clock, not served (no socket is listened on)."""
    made = []

    def make(throttle: Throttle | str | None) -> Engine:
        made.append(prepare(contract=CONTRACT, clock=clock, throttle=throttle))
        return made[-1].engine

    yield make
    for prepared in made:
        prepared.cleanup()


def ask(engine: Engine, op: Any = PING, *, ip: str = IP1, token: str | None = None, body: bytes = b"") -> Reply:
    headers = {"x-tenant": ACADEMY_A, "content-type": "application/json"}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    inbound = Inbound(op.method.upper(), "/v1" + op.path, "", headers, body, "http://test", client=ip)
    return asyncio.run(engine.handle(inbound))


def login(engine: Engine, ip: str = IP1) -> Reply:
    creds = demo_credentials(ACADEMY_A)
    body = f'{{"client_id": "{creds.client_id}", "client_secret": "{creds.client_secret}"}}'.encode()
    return ask(engine, TOKEN, ip=ip, body=body)


def admin_token(engine: Engine, academy: str = ACADEMY_A) -> str:
    user = 1001 if academy == ACADEMY_A else 2001
    return engine.auth.issue("admin", user, academy)


def statuses(replies: list[Reply]) -> list[int]:
    return [r.status for r in replies]


# -- the limiter itself ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "rate"),
    [("600/m", Rate(600, 60)), ("5/min", Rate(5, 60)), ("100/10s", Rate(100, 10)), ("1000/h", Rate(1000, 3600)),
     ("2/ 5 minutes", Rate(2, 300)), ("10000/d", Rate(10000, 86400)), ("0/m", Rate(0, 60))],
)  # fmt: skip
def test_rates_parse(text, rate):
    assert Rate.parse(text) == rate


@pytest.mark.parametrize("text", ["600", "600/", "/m", "6/fortnight", "-1/m", "5/0s", "lots"])
def test_bad_rates_are_config_errors(text):
    with pytest.raises(ConfigError, match="invalid rate"):
        Rate.parse(text)


def test_fixed_window_refuses_without_counting_and_reopens(clock):
    window, rate = FixedWindow(clock), Rate(2, 60)
    assert window.attempt("k", rate) == Hit(2, 1)
    clock.advance(10)
    assert window.attempt("k", rate) == Hit(2, 0)
    clock.advance(20)
    refused = window.attempt("k", rate)
    assert refused == Hit(2, 0, retry_after=30, reset_at=int(FIXED_EPOCH) + 60)  # the first hit opened the window
    clock.advance(29)
    assert window.attempt("k", rate).retry_after == 1  # hammering a full bucket does not push its window back
    clock.advance(1)
    assert window.attempt("k", rate) == Hit(2, 1)  # a new window, opened by this hit
    assert window.attempt("other", rate) == Hit(2, 1)


def test_the_tightest_limit_is_shown():
    api, login = Hit(60, 40), Hit(5, 3)
    assert shown([api, login]) is login
    assert shown([Hit(60, 3), login]) is login  # a tie: the inner (route) limit, as Laravel shows it
    refused = Hit(5, 0, 12, 100)
    assert shown([Hit(60, 0), refused]) is refused
    assert shown([]) is None


def test_throttle_parse_and_of():
    assert Throttle.parse("600/m") == Throttle(Rate(600, 60), Rate(600, 60), None)
    assert Throttle.parse("600/m", guest="60/m", login="30/m") == Throttle(Rate(600, 60), Rate(60, 60), Rate(30, 60))
    assert Throttle.of(None) is None and Throttle.of(Throttle()) is None
    assert Throttle.of("5/s") == Throttle.parse("5/s")


def test_login_routes_are_read_from_the_contract():
    routes = token_routes(CONTRACT)
    assert TOKEN.operation_id in routes
    by_path = {CONTRACT.operations[oid].path for oid in routes}
    assert {"/admin/authentication/login", "/tenant/auth/authorize/verify"} <= by_path
    assert "/admin/authentication/refresh-token" not in by_path  # called with the user's own token: not a login
    assert PING.operation_id not in routes and ADMIN_READ.operation_id not in routes


# -- the server --------------------------------------------------------------------------------------------
def test_off_by_default_no_headers_but_every_request_is_counted(engine_with):
    engine = engine_with(None)
    replies = [ask(engine) for _ in range(100)]
    assert set(statuses(replies)) == {200}
    assert not any(k.lower().startswith("x-ratelimit") for r in replies for k in r.headers)
    assert engine.throttle.counts().received == 100


def test_each_user_has_a_bucket_and_guests_have_one_per_ip(engine_with):
    engine = engine_with("2/m")
    a, b = admin_token(engine, ACADEMY_A), admin_token(engine, ACADEMY_B)
    assert statuses([ask(engine, token=a) for _ in range(3)]) == [200, 200, 429]
    assert ask(engine, token=b).status == 200  # another user
    assert ask(engine, token=admin_token(engine, ACADEMY_A)).status == 429  # the same user with a second token
    assert statuses([ask(engine, ip=IP1) for _ in range(3)]) == [200, 200, 429]  # users did not use IP1's bucket
    assert ask(engine, ip=IP2).status == 200
    assert ask(engine, ip=IP2, token=b).status == 200


def test_refused_tokens_and_client_tokens_count_in_the_ip_bucket(engine_with, clock):
    engine = engine_with(Throttle.parse("10/m", guest="3/m"))
    refused = ask(engine, ADMIN_READ, token="not-a-token")
    assert refused.status == 401 and refused.headers["X-RateLimit-Limit"] == "3"
    client = engine.auth.issue("client", None, None)  # an OAuth client token has no user behind it
    assert ask(engine, token=client).headers["X-RateLimit-Remaining"] == "1"
    assert ask(engine).status == 200
    assert ask(engine, token=client).status == 429
    expired = admin_token(engine)
    clock.advance(engine.auth.ttl + 1)
    assert ask(engine, token=expired, ip=IP2).headers["X-RateLimit-Limit"] == "3"
    assert ask(engine, token=admin_token(engine), ip=IP2).headers["X-RateLimit-Limit"] == "10"


def test_the_login_limit_is_apart_and_logins_also_count_in_the_api_bucket(engine_with):
    engine = engine_with(Throttle.parse("5/m", login="2/m"))
    first = login(engine)
    assert first.status == 200 and first.headers["X-RateLimit-Limit"] == "2"  # the tighter limit is shown
    assert first.headers["X-RateLimit-Remaining"] == "1"
    assert login(engine).status == 200
    refused = login(engine)
    assert refused.status == 429 and refused.headers["X-RateLimit-Limit"] == "2"
    ping = ask(engine)  # api bucket: three logins (the refused one too: api is checked first) and this one
    assert ping.status == 200 and (ping.headers["X-RateLimit-Limit"], ping.headers["X-RateLimit-Remaining"]) == (
        "5",
        "1",
    )
    assert login(engine, ip=IP2).status == 200  # another IP logs in
    counts = engine.throttle.counts()
    assert (counts.login, counts.guest, counts.throttled) == (4, 5, 1)


def test_headers_on_2xx_and_on_429_and_the_documented_body(engine_with, clock):
    engine = engine_with("2/m")
    ok = ask(engine)
    assert ok.status == 200
    assert {k: v for k, v in ok.headers.items() if "Rate" in k} == {
        "X-RateLimit-Limit": "2",
        "X-RateLimit-Remaining": "1",
    }
    assert "Retry-After" not in ok.headers
    ask(engine)
    clock.advance(15)
    refused = ask(engine)
    assert refused.status == 429
    assert refused.headers["Retry-After"] == "45"
    assert refused.headers["X-RateLimit-Reset"] == str(int(clock.now()) + 45)
    assert (refused.headers["X-RateLimit-Limit"], refused.headers["X-RateLimit-Remaining"]) == ("2", "0")
    body = refused.json()
    assert body["code"] == "TOO_MANY_ATTEMPTS" and body["message"]["body"] == "Too Many Attempts."
    assert contract_errors(PING.operation_id, 429, body) == []


def test_the_window_resets_when_it_ends(engine_with, clock):
    engine = engine_with("1/10s")
    assert ask(engine).status == 200
    clock.advance(9)
    assert ask(engine).headers["Retry-After"] == "1"
    clock.advance(1)
    again = ask(engine)
    assert again.status == 200 and again.headers["X-RateLimit-Remaining"] == "0"


def test_counts_by_bucket_kind(engine_with):
    engine = engine_with("1/m")
    ask(engine, token=admin_token(engine))
    ask(engine, token=admin_token(engine))  # 429
    ask(engine)
    login(engine)  # 429: the guest bucket of IP1 is full
    unrouted = Inbound("GET", "/v1/no/such/route", "", {}, b"", "http://test", client=IP1)
    assert asyncio.run(engine.handle(unrouted)).status == 404
    counts = engine.throttle.counts()
    assert (counts.received, counts.user, counts.guest, counts.login, counts.unrouted, counts.throttled) == (
        5, 2, 2, 1, 1, 2,
    )  # fmt: skip


def test_throttled_over_real_http(start_refserver, clock):
    server = start_refserver(clock=clock, throttle="2/m")
    headers = {"X-Tenant": ACADEMY_A}
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        answers = [http.get("/tenant/ping", headers=headers) for _ in range(3)]
        clock.advance(60)
        after = http.get("/tenant/ping", headers=headers)
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[0].headers["x-ratelimit-remaining"] == "1"
    assert answers[2].headers["retry-after"] == "60" and answers[2].json()["code"] == "TOO_MANY_ATTEMPTS"
    assert after.status_code == 200
    counts = server.counts()
    assert (counts.received, counts.guest, counts.throttled) == (4, 4, 1)
