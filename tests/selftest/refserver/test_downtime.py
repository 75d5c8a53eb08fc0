"""Downtime to rehearse a deploy: the reference server's maintenance window (Laravel's 503, then nginx's 502 page,
then the application) and the proxy's dropped connections, on a ManualClock (no sleeps)."""

import httpx
import pytest

from msaaq_contract.errors import ConfigError
from msaaq_contract.refserver import ManualClock, start_server
from msaaq_contract.refserver.downtime import Deploy, Drop
from msaaq_contract.refserver.proxy import start_proxy
from msaaq_contract.refserver.variations import Variations

PING = "/tenant/ping"
HEADERS = {"X-Tenant": "academy-a.msaaq.test", "Accept": "application/json"}


def test_a_deploy_answers_503_then_nginx_502_then_the_application():
    clock = ManualClock()
    with start_server(deploy=Deploy(after=2, maintenance_s=5, gateway_s=5, retry_after=3), clock=clock) as server:
        with httpx.Client(base_url=server.base_url, headers=HEADERS) as http:
            assert [http.get(PING).status_code for _ in range(2)] == [200, 200]
            maintenance = http.get(PING)
            assert maintenance.status_code == 503 and maintenance.json() == {"message": "Service Unavailable"}
            assert maintenance.headers["retry-after"] == "3"
            clock.advance(5)
            gateway = http.post("/admin/courses", json={})
            assert gateway.status_code == 502 and b"<center>nginx</center>" in gateway.content
            assert gateway.headers["content-type"] == "text/html"
            clock.advance(5)
            assert http.get(PING).status_code == 200
        assert server.deploy_counts() == {"maintenance_503": 1, "gateway_502": 1}


def test_the_proxy_resets_connections_for_a_while_then_forwards_again():
    clock = ManualClock()
    with (
        start_server() as server,
        start_proxy(server.base_url, Variations.parse([]), drop=Drop(after=1, seconds=15), clock=clock) as proxy,
    ):
        with httpx.Client(base_url=proxy.base_url, headers=HEADERS) as http:
            assert http.get(PING).status_code == 200  # the first request passes; the window opens after it
            with pytest.raises(httpx.TransportError):  # its kept-alive connection is reset at the next request
                http.get(PING)
        with httpx.Client(base_url=proxy.base_url, headers=HEADERS) as fresh, pytest.raises(httpx.TransportError):
            fresh.get(PING)  # a new connection is reset as soon as it is made
        clock.advance(15)
        with httpx.Client(base_url=proxy.base_url, headers=HEADERS) as http:
            assert http.get(PING).status_code == 200
        assert proxy.drop is not None and proxy.drop.dropped >= 2
        assert proxy.counts().received == 2  # a dropped connection never reached the proxy's application


@pytest.mark.parametrize(
    ("text", "expected"),
    [("after=300,503=10s,502=10s", Deploy(300, 10, 10)), ("503=1m,502=5,retry=60", Deploy(0, 60, 5, 60))],
)
def test_deploy_parse(text, expected):
    assert Deploy.parse(text) == expected


def test_bad_downtime_is_one_line():
    with pytest.raises(ConfigError, match="invalid downtime 'soon'"):
        Deploy.parse("soon")
    with pytest.raises(ConfigError, match="invalid --drop"):
        Drop.parse("after=3,503=1s")
    assert Drop.parse("after=300,for=15s") == Drop(300, 15)
