"""Pacing, the 429 rule and the request ledger, against respx mocks with an injected clock (no real sleeps).

Every request of the client goes through one paced HTTP client: it is keyed to the target's rate-limit buckets
as Laravel keys them, slowed down from the target's own X-RateLimit-* headers before a 429 happens, a 429 is
waited out (Retry-After in seconds or as an HTTP date), and each attempt is counted in the ledger."""

import email.utils

import httpx
import pytest
import respx
from tests.selftest.client.test_client import BASE, TOKEN_BODY, FakeTime, call, make_client

from msaaq_contract.client.ledger import Ledger, sending_as
from msaaq_contract.client.pacing import GUEST, LOGIN, WINDOW_MARGIN_S, WINDOW_S, Budget, Pacer, retry_after
from msaaq_contract.client.transport import Client
from msaaq_contract.errors import CredentialsError, OverBudget, RateLimited
from msaaq_contract.settings import Settings

WINDOW = WINDOW_S + WINDOW_MARGIN_S


def limited(limit, remaining):
    return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(remaining)}


def login_routes(admin="admin-tok"):
    respx.post(f"{BASE}/oauth/token").respond(200, json=TOKEN_BODY)
    respx.post(f"{BASE}/admin/authentication/login").respond(200, json={"data": {"token": admin}})


@respx.mock
def test_requests_are_keyed_to_laravel_s_buckets():
    time = FakeTime()
    login_routes()
    respx.get(f"{BASE}/admin/courses").respond(200, json={"data": []})
    respx.get(f"{BASE}/tenant/ping").respond(200, json={"message": "pong!"})
    client = make_client(time)
    client.send(call())  # the admin user (its logins: the login bucket)
    client.send(call(None, path="/tenant/ping"))  # no token: the IP's bucket
    client.send(call(path="/admin/courses"), token="not-a-valid-token")  # a refused token has no user either
    assert client.ledger.by_bucket == {LOGIN: 2, "adminUser": 1, GUEST: 2}
    assert client.ledger.requests == 5


@respx.mock
def test_a_revoked_token_counts_as_a_guest():
    login_routes()
    respx.get(f"{BASE}/admin/courses").respond(200, json={"data": []})
    client = make_client(FakeTime())
    client.send(call())
    client.tokens.forget("admin-tok")
    client.send(call(path="/admin/courses"), token="admin-tok")
    assert client.ledger.by_bucket["adminUser"] == 1 and client.ledger.by_bucket[GUEST] == 1


@respx.mock
def test_pacing_from_the_announced_limit_prevents_the_429():
    time = FakeTime()
    route = respx.get(f"{BASE}/tenant/ping").respond(200, json={}, headers=limited(4, 3))
    client = make_client(time)
    for _ in range(4):
        client.send(call(None, path="/tenant/ping"))
    # limit 4, one kept in reserve: three per window, the fourth waits until the first leaves the window
    assert time.slept == [pytest.approx(WINDOW)]
    assert route.call_count == 4 and client.ledger.status_429 == 0
    assert client.ledger.paced_s == pytest.approx(WINDOW)


@respx.mock
def test_no_limit_announced_no_pacing():
    time = FakeTime()
    respx.get(f"{BASE}/tenant/ping").respond(200, json={})
    client = make_client(time)
    for _ in range(50):
        client.send(call(None, path="/tenant/ping"))
    assert time.slept == []


@respx.mock
def test_a_spent_bucket_is_held_for_the_window_and_others_are_not():
    time = FakeTime()
    login_routes()
    respx.get(f"{BASE}/tenant/ping").respond(200, json={}, headers=limited(60, 0))
    respx.get(f"{BASE}/admin/courses").respond(200, json={"data": []}, headers=limited(60, 59))
    client = make_client(time)
    client.send(call())  # logged in (logins count in the IP's bucket too)
    client.send(call(None, path="/tenant/ping"))  # remaining 0: others spent the guest bucket
    client.send(call())  # the admin's own bucket is not held
    assert time.slept == []
    client.send(call(None, path="/tenant/ping"))
    assert time.slept == [pytest.approx(WINDOW)]


@respx.mock
def test_429_is_retried_counted_and_holds_the_bucket():
    time = FakeTime()
    route = respx.get(f"{BASE}/tenant/ping").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "2"}, json={"message": "Too Many Attempts."}),
            httpx.Response(429, headers={"Retry-After": "1"}, json={"message": "Too Many Attempts."}),
            httpx.Response(200, json={"message": "pong!"}),
        ]
    )
    client = make_client(time)
    with sending_as("auth"):
        exchange = client.send(call(None, path="/tenant/ping"))
    assert exchange.status == 200 and route.call_count == 3
    assert time.slept == [2.0, 1.0]
    ledger = client.ledger.to_dict()
    assert ledger["requests"] == 3 and ledger["status_429"] == 2 and ledger["retries"] == 2
    assert ledger["by_family"] == {"auth": 3} and ledger["retry_wait_s"] == 3.0


@respx.mock
def test_a_throttled_login_is_waited_out_not_a_credentials_error():
    time = FakeTime()
    respx.post(f"{BASE}/oauth/token").respond(200, json=TOKEN_BODY)
    respx.post(f"{BASE}/admin/authentication/login").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "1"}, json={"message": "Too Many Attempts."}),
            httpx.Response(200, json={"data": {"token": "admin-tok"}}),
        ]
    )
    respx.get(f"{BASE}/admin/courses").respond(200, json={"data": []})
    client = make_client(time)
    assert client.send(call()).status == 200
    assert client.ledger.by_family["tokens"] == 3 and client.ledger.status_429 == 1


@respx.mock
def test_a_login_refused_for_good_is_still_a_credentials_error():
    respx.post(f"{BASE}/oauth/token").respond(401, json={"status": "failed"})
    with pytest.raises(CredentialsError):
        make_client(FakeTime()).send(call())


@respx.mock
def test_endless_429s_are_a_target_error():
    respx.get(f"{BASE}/tenant/ping").respond(429, headers={"Retry-After": "1"}, json={})
    with pytest.raises(RateLimited, match="still 429"):
        make_client(FakeTime()).send(call(None, path="/tenant/ping"))


def test_retry_after_in_seconds_or_as_an_http_date():
    assert retry_after({"retry-after": "7"}) == 7.0
    when = email.utils.formatdate(1_000_030, usegmt=True)
    assert retry_after({"retry-after": when}, now=lambda: 1_000_000.0) == pytest.approx(30.0)
    assert retry_after({"retry-after": "soon"}) == 1.0
    assert retry_after({}) == 1.0


@respx.mock
def test_the_budget_stops_a_wait_that_would_outlast_it():
    time = FakeTime()
    respx.get(f"{BASE}/tenant/ping").respond(200, json={}, headers=limited(2, 1))
    budget = Budget(deadline=time.now + 10, clock=time.clock)
    settings = Settings(mode="live", base_url=BASE, tenant="academy.example")
    pacer = Pacer(budget=budget, clock=time.clock, sleep=time.sleep)
    client = Client(settings, sleep=time.sleep, clock=time.clock, pacer=pacer)
    client.send(call(None, path="/tenant/ping"))
    with pytest.raises(OverBudget, match="over the time budget"):
        client.send(call(None, path="/tenant/ping"))  # one per window: the next waits 60 s, 10 s are left
    assert client.ledger.requests == 1 and time.slept == []


@respx.mock
def test_an_expired_budget_sends_nothing():
    time = FakeTime()
    route = respx.get(f"{BASE}/tenant/ping").respond(200, json={})
    pacer = Pacer(budget=Budget(deadline=time.now, clock=time.clock), clock=time.clock, sleep=time.sleep)
    client = Client(Settings(mode="live", base_url=BASE), clock=time.clock, sleep=time.sleep, pacer=pacer)
    with pytest.raises(OverBudget):
        client.send(call(None, path="/tenant/ping"))
    assert route.call_count == 0


@respx.mock
def test_clients_of_one_process_share_pacer_and_ledger():
    time = FakeTime()
    respx.get(f"{BASE}/tenant/ping").respond(200, json={}, headers=limited(3, 2))
    pacer, ledger = Pacer(clock=time.clock, sleep=time.sleep), Ledger()
    settings = Settings(mode="live", base_url=BASE)
    discovery = Client(settings, clock=time.clock, sleep=time.sleep, pacer=pacer, ledger=ledger)
    suite = Client(settings, clock=time.clock, sleep=time.sleep, pacer=pacer, ledger=ledger)
    discovery.send(call(None, path="/tenant/ping"))
    discovery.send(call(None, path="/tenant/ping"))
    suite.send(call(None, path="/tenant/ping"))  # the suite knows what discovery spent of the window
    assert time.slept == [pytest.approx(WINDOW)] and ledger.requests == 3


def test_xdist_workers_each_take_their_share_of_a_limit():
    time = FakeTime()
    pacer = Pacer(share=2, clock=time.clock, sleep=time.sleep)
    pacer.observe(GUEST, {"x-ratelimit-limit": "11"})
    for _ in range(5):  # (11 - 1) // 2 = 5 per window for this worker
        pacer.acquire([GUEST])
    assert time.slept == []
    pacer.acquire([GUEST])
    assert time.slept == [pytest.approx(WINDOW)]


@respx.mock
def test_send_raw_is_paced_counted_and_safe():
    time = FakeTime()
    respx.post(f"{BASE}/admin/courses").respond(422, json={"message": "invalid", "errors": {}})
    client = make_client(time, allow_writes=True)
    with sending_as("fuzz"):
        exchange = client.send_raw(
            "POST", f"{BASE}/admin/courses", {"Content-Type": "application/json"}, b"{}", mutating=True
        )
    assert exchange.status == 422 and client.ledger.by_family == {"fuzz": 1}
    remote = make_client(time, base_url="https://staging.msaaq.example/v1", mode="live")
    with pytest.raises(Exception, match="--allow-writes"):
        remote.send_raw("POST", f"{BASE}/admin/courses", {}, b"{}", mutating=True)


def test_ledgers_of_several_processes_add_up():
    one, two = Ledger(), Ledger()
    with sending_as("happy"):
        one.sent("adminUser", 200)
        two.sent("adminUser", 429)
    two.retried(1.5)
    two.outage_seen()
    two.outage_waited(20.0)
    one.add(two.to_dict())
    assert one.to_dict() == {
        "requests": 2,
        "by_bucket": {"adminUser": 2},
        "by_family": {"happy": 2},
        "status_429": 1,
        "retries": 1,
        "waited_s": 1.5,
        "paced_s": 0.0,
        "retry_wait_s": 1.5,
        "outages": 1,
        "outage_s": 20.0,
        "cleanup_s": 0.0,
    }


@respx.mock
def test_requests_to_login_routes_are_paced_in_the_login_bucket(contract):
    from msaaq_contract.contract.logins import LoginRoutes

    time = FakeTime()
    respx.post(f"{BASE}/admin/authentication/login").respond(200, json={}, headers=limited(2, 1))
    respx.get(f"{BASE}/tenant/ping").respond(200, json={}, headers=limited(60, 59))
    settings = Settings(mode="live", base_url=BASE, tenant="academy.example")
    client = Client(settings, clock=time.clock, sleep=time.sleep, logins=LoginRoutes(contract))
    login = call(None, method="POST", path="/admin/authentication/login")
    client.send(login, token="a-client-token")  # a fuzzed login, say: not a token fetch, still a login
    client.send(call(None, path="/tenant/ping"))  # the IP's own limit is not the login's
    assert time.slept == []
    client.send(login, token="a-client-token")  # the login limit (2, one in reserve) waits for the window
    assert time.slept == [pytest.approx(WINDOW)]
    assert client.ledger.by_bucket == {LOGIN: 2, GUEST: 1}
