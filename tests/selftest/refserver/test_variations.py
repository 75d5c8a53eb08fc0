"""The varying proxy's harmless differences: each one really changes the bytes, none changes the meaning."""

from __future__ import annotations

import gzip
import json

import httpx
import pytest

from msaaq_contract.errors import ConfigError
from msaaq_contract.refserver.proxy import start_proxy
from msaaq_contract.refserver.variations import CATALOGUE, EXTRA_MEMBER, Variations

BODY = {"data": {"id": 7, "title": "دورة/مقدمة", "tags": [{"id": 1, "name": "x"}]}, "message": {"body": "ok"}}
RAW = json.dumps(BODY, ensure_ascii=False).encode()
JSON = {"content-type": "application/json"}


def vary(*names: str, accept: str = "") -> tuple[bytes, dict[str, str]]:
    return Variations.parse(names).apply(RAW, JSON, {"accept-encoding": accept})


def test_unicode_escape_is_php_json_encode():
    body, _ = vary("unicode-escape")
    assert b"\\u062f" in body and b"\\/" in body and "د".encode() not in body
    assert json.loads(body) == BODY


def test_pretty_reorder_and_charset_keep_the_value():
    body, headers = vary("pretty", "reorder", "charset")
    assert body.startswith(b"{\n    ") and json.loads(body) == BODY
    assert list(json.loads(body)) == ["message", "data"]
    assert headers["content-type"] == "application/json; charset=UTF-8"


def test_extra_members_go_to_the_envelope_and_to_models_only():
    body, _ = vary("extra-members")
    value = json.loads(body)
    assert EXTRA_MEMBER in value and EXTRA_MEMBER in value["data"] and EXTRA_MEMBER in value["data"]["tags"][0]
    assert EXTRA_MEMBER not in value["message"]  # no id: a map or a message, not a model


def test_the_validation_bag_is_a_map_even_with_an_id_key():
    """A 422 to a request with a bad ``id`` has ``errors.id``: the bag must not gain a member as a model would."""
    refused = {"message": "The id field must be a string.", "errors": {"id": ["The id field must be a string."]}}
    body, _ = Variations.parse(["extra-members"]).apply(json.dumps(refused).encode(), JSON, {})
    value = json.loads(body)
    assert value["errors"] == refused["errors"] and EXTRA_MEMBER in value


def test_gzip_only_when_accepted_and_headers_added():
    body, headers = vary("gzip", "headers", accept="gzip, deflate")
    assert headers["content-encoding"] == "gzip" and json.loads(gzip.decompress(body)) == BODY
    assert headers["x-ratelimit-limit"] and headers["set-cookie"].startswith("laravel_session=")
    assert headers["content-length"] == str(len(body))
    plain, headers = vary("gzip")
    assert json.loads(plain) == BODY and "content-encoding" not in headers


def test_all_and_unknown_names():
    assert Variations.parse(["all"]).enabled == frozenset(CATALOGUE)
    with pytest.raises(ConfigError, match="unknown variation 'emoji'"):
        Variations.parse(["pretty,emoji"])


def test_the_proxy_forwards_and_varies_a_real_server(refserver):
    with start_proxy(refserver.base_url, Variations.parse(["unicode-escape", "gzip"], 0)) as proxy:
        direct = httpx.get(f"{refserver.base_url}/tenant/ping", headers={"X-Tenant": "academy-a.msaaq.test"})
        varied = httpx.get(f"{proxy.base_url}/tenant/ping", headers={"X-Tenant": "academy-a.msaaq.test"})
    assert varied.status_code == direct.status_code
    assert varied.headers["content-encoding"] == "gzip" and varied.json() == direct.json()
