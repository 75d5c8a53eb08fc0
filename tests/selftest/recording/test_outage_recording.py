"""Nothing of an outage is recorded: the maintenance 503 the client waited out and sent again, and the probes it
sent meanwhile, stay out of the cassette; the answer it kept is recorded as a quiet run records it. A 502 the
probe shows to be this request's own is the API's answer and is recorded (it is judged)."""

import json

import httpx
import respx
from tests.selftest.client.test_client import FakeTime, call, make_client
from tests.selftest.client.test_outages import NGINX_502, Target

from msaaq_contract.recording.cassettes import CassetteLibrary
from msaaq_contract.redaction import Redactor


def recorded(tmp_path, doc_id):
    data = json.loads((tmp_path / doc_id / "happy.json").read_text())["interactions"]
    return [(i["request"]["method"], i["response"]["status"]["code"]) for i in data]


def recording_client(time, tmp_path):
    library = CassetteLibrary(tmp_path, "rewrite", Redactor(), actual_base="https://staging.msaaq.example/v1")
    client = make_client(time)
    client.http.discarded = library.discard
    return library, client


@respx.mock
def test_a_deploy_met_while_recording_leaves_only_the_kept_answer(tmp_path):
    time = FakeTime()
    target = Target(time)
    respx.route().mock(side_effect=target)
    library, client = recording_client(time, tmp_path)
    client.send(call())  # answered: the run is past preflight, this GET is the probe
    target.down(time.now, time.now + 5, "maintenance")
    with library.use("admin.courses.list", "happy"):
        assert client.send(call(method="POST", path="/admin/courses")).status == 200
    assert recorded(tmp_path, "admin.courses.list") == [("POST", 200)]
    assert any(probe for _, _, probe in target.seen)  # probes were sent, and are not in the cassette


@respx.mock
def test_a_502_of_this_request_alone_is_recorded(tmp_path):
    time = FakeTime()
    target = Target(time)
    library, client = recording_client(time, tmp_path)
    respx.post("https://staging.msaaq.example/v1/admin/courses").mock(
        return_value=httpx.Response(502, content=NGINX_502)
    )
    respx.route().mock(side_effect=target)
    client.send(call())
    with library.use("admin.courses.create", "happy"):
        assert client.send(call(method="POST", path="/admin/courses")).status == 502
    assert recorded(tmp_path, "admin.courses.create") == [("POST", 502)]
