"""Outages are waited out, never judged: a deploy (maintenance 503, then a gateway's 502), refused connections and
a target that does not come back, against respx mocks on an injected clock (no real sleeps).

The paced client asks a probe (the cheapest GET already answered) whether the target is away or only this request
failed: away, it waits with backoff and sends the request again, counting the wait in the ledger; the probe
answered, the failure is the request's own and its answer is judged."""

import logging

import httpx
import pytest
import respx
from tests.selftest.client.test_client import BASE, CREDS, TOKEN_BODY, FakeTime, call, make_client

from msaaq_contract.client.outages import MAX_WAIT_S, PROBE_HEADER
from msaaq_contract.errors import OverBudget, TargetDown, TargetUnreachable
from msaaq_contract.redaction import Redactor, log_redaction

NGINX_502 = (
    b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>"
)


class Target:
    """A mocked target on the fake clock: ``down(start, end, how)`` makes every request in that window fail."""

    def __init__(self, time: FakeTime) -> None:
        self.time = time
        self.windows: list[tuple[float, float, str]] = []
        self.seen: list[tuple[str, str, bool]] = []  # (method, path, probe?)

    def down(self, start: float, end: float, how: str) -> None:
        self.windows.append((start, end, how))

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((request.method, request.url.path, PROBE_HEADER in request.headers))
        for start, end, how in self.windows:
            if start <= self.time.now < end:
                if how == "refused":
                    raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
                if how == "maintenance":
                    return httpx.Response(503, json={"message": "Service Unavailable"}, headers={"Retry-After": "3"})
                return httpx.Response(502, content=NGINX_502, headers={"Content-Type": "text/html"})
        if request.url.path.endswith("/oauth/token"):
            return httpx.Response(200, json=TOKEN_BODY)
        if request.url.path.endswith("/login"):
            return httpx.Response(200, json={"data": {"token": "admin-tok"}})
        return httpx.Response(200, json={"data": []})


def started(time, **settings):
    """A client that has been answered once (the run is past preflight): the probe is that GET."""
    target = Target(time)
    respx.route().mock(side_effect=target)
    client = make_client(time, **settings)
    assert client.send(call()).status == 200
    return client, target


@respx.mock
def test_a_deploy_window_is_waited_out_and_the_request_sent_again():
    time = FakeTime()
    client, target = started(time)
    now = time.now
    target.down(now, now + 10, "maintenance")
    target.down(now + 10, now + 20, "gateway")
    exchange = client.send(call(path="/admin/courses"))
    assert exchange.status == 200  # the answer after the deploy, never its 503 or 502
    assert time.now >= now + 20
    assert client.ledger.outages == 1
    assert 20 <= client.ledger.outage_s <= 20 + MAX_WAIT_S
    assert time.slept[0] == 3.0  # the maintenance answer's Retry-After
    assert max(time.slept) <= MAX_WAIT_S  # then a probe at least every MAX_WAIT_S
    probes = [seen for seen in target.seen if seen[2]]
    assert probes and all(method == "GET" for method, _, _ in probes)
    assert client.ledger.by_family["outage"] == len(probes)  # probes are requests the target received


@respx.mock
def test_refused_connections_are_waited_out_and_not_counted_as_received():
    time = FakeTime()
    client, target = started(time)
    now = time.now
    target.down(now, now + 15, "refused")
    before = client.ledger.requests
    assert client.send(call(method="POST", path="/admin/courses"), mutating=False).status == 200
    assert client.ledger.outages == 1 and client.ledger.outage_s >= 15
    probes = [seen for seen in target.seen if seen[2]]
    # Only what the target answered is counted: the last probe and the request sent again.
    assert client.ledger.requests == before + 2
    assert len(probes) >= 3  # refused probes were tried along the way


@respx.mock
def test_a_502_on_one_input_while_the_probe_answers_is_the_api_s_answer():
    time = FakeTime()
    client, target = started(time)
    respx.routes.clear()
    respx.post(f"{BASE}/admin/courses").respond(502, content=NGINX_502)
    respx.route().mock(side_effect=target)
    exchange = client.send(call(method="POST", path="/admin/courses"))
    assert exchange.status == 502  # judged: a crash on this input is worth reporting
    assert client.ledger.outages == 0 and client.ledger.outage_s == 0 and time.slept == []


@respx.mock
def test_a_safe_request_that_fails_while_the_probe_answers_is_sent_once_more_then_judged():
    time = FakeTime()
    client, target = started(time)
    respx.routes.clear()
    crashing = respx.get(f"{BASE}/admin/coupons").respond(504)
    respx.route().mock(side_effect=target)
    assert client.send(call(path="/admin/coupons")).status == 504
    assert crashing.call_count == 2 and time.slept == []


@respx.mock
def test_a_target_away_longer_than_the_limit_is_down_and_later_requests_fail_at_once():
    time = FakeTime()
    client, target = started(time, outage_limit_s=60.0)
    now = time.now
    target.down(now, now + 3600, "gateway")
    with pytest.raises(TargetDown, match=r"stopped answering during the run: away for more than 60\.0 s"):
        client.send(call())
    assert 60 <= time.now - now <= 61
    waited = time.now
    with pytest.raises(TargetDown):
        client.send(call(path="/admin/coupons"))
    assert time.now == waited  # no second wait: the run has stopped judging
    assert client.ledger.outages == 1


@respx.mock
def test_before_anything_answered_an_unreachable_target_stops_at_once():
    time = FakeTime()
    target = Target(time)
    target.down(0, 10**9, "refused")
    respx.route().mock(side_effect=target)
    client = make_client(time)
    with pytest.raises(TargetUnreachable):
        client.send(call())
    assert time.slept == [] and client.ledger.outages == 0


@respx.mock
def test_a_long_retry_after_is_honoured_within_the_limit():
    time = FakeTime()
    client, target = started(time, outage_limit_s=45.0)
    respx.routes.clear()
    respx.get(f"{BASE}/admin/coupons").respond(
        503, json={"message": "Service Unavailable"}, headers={"Retry-After": "60"}
    )
    respx.route().mock(side_effect=target)
    target.down(time.now, time.now + 30, "maintenance")
    # The probe (GET /admin/courses) is back after 30 s; /admin/coupons still answers 503: its own answer, judged.
    assert client.send(call(path="/admin/coupons")).status == 503
    assert time.slept == [45.0]  # asked for 60 s, waited what the limit left


@respx.mock
def test_an_outage_wait_never_outlasts_the_time_budget():
    time = FakeTime()
    client, target = started(time)
    client.pacer.budget.deadline = time.now + 5
    target.down(time.now, time.now + 100, "refused")
    with pytest.raises(OverBudget, match="waiting for the target to come back"):
        client.send(call())


@respx.mock
def test_a_target_that_flaps_while_it_comes_back_is_one_outage():
    time = FakeTime()
    client, target = started(time)
    now = time.now
    target.down(now, now + 4, "gateway")
    target.down(now + 4.5, now + 8, "gateway")
    for _ in range(6):
        assert client.send(call()).status == 200
        time.now += 1
    assert client.ledger.outages == 1


@respx.mock
def test_waits_are_logged_at_info_through_the_redactor(caplog):
    time = FakeTime()
    log_redaction.use(Redactor(CREDS.secrets(), CREDS.personal()))
    try:
        client, target = started(time)
        target.down(time.now, time.now + 5, "maintenance")
        with caplog.at_level(logging.DEBUG, logger="msaaq_contract"):
            client.send(call(path=f"/admin/members?search={CREDS.admin_email}"))
    finally:
        log_redaction.use(Redactor())
    text = caplog.text
    info = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert any("target away (HTTP 503" in m for m in info) and any("target back after" in m for m in info)
    assert "GET https://staging.msaaq.example/v1/admin/members" in text  # DEBUG: each request
    for secret in (CREDS.admin_email, CREDS.admin_password, CREDS.client_secret, "admin-tok", "client-tok"):
        assert secret not in text


def test_the_limit_comes_from_the_option_then_the_environment_and_a_bad_one_is_one_line():
    from msaaq_contract.errors import ConfigError
    from msaaq_contract.settings import resolve

    assert resolve({}, {}).outage_limit_s == 300.0
    assert resolve({}, {"MSAAQ_OUTAGE_LIMIT": "10m"}).outage_limit_s == 600.0
    assert resolve({"outage_limit": "90s"}, {"MSAAQ_OUTAGE_LIMIT": "10m"}).outage_limit_s == 90.0
    with pytest.raises(ConfigError, match="invalid --msaaq-outage-limit 'soon'"):
        resolve({"outage_limit": "soon"}, {})
