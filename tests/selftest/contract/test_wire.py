"""Reading request bodies as the API does: multipart forms (RFC 7578), Laravel field names, bad input."""

import httpx
import pytest

from msaaq_contract.contract.wire import NO_BODY, BodyError, parse_body


def encoded(data=None, files=None):
    """A multipart body exactly as httpx (our client) sends it."""
    request = httpx.Request("POST", "https://api.msaaq.test/v1/x", data=data, files=files)
    request.read()
    return request.headers["content-type"], request.content


def test_fields_files_and_laravel_names():
    ctype, raw = encoded(
        data={"title": "دورة البرمجة", "products[]": ["1", "2"], "meta[color]": "red"},
        files={"thumbnail": ("صورة.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "image/png")},
    )
    assert parse_body(ctype, raw) == {
        "title": "دورة البرمجة",
        "products": ["1", "2"],
        "meta": {"color": "red"},
        "thumbnail": {"filename": "صورة.png", "size": 8 + 256, "content_type": "image/png"},
    }


def test_a_value_holding_the_separator_and_newlines_is_kept_whole():
    ctype, raw = encoded(data={"body": "line one\r\n\r\nline two\n", "empty": ""})
    assert parse_body(ctype, raw) == {"body": "line one\r\n\r\nline two\n", "empty": ""}


def test_quoted_boundary_quoted_names_and_rfc2231_filenames():
    raw = (
        b"preamble\r\n--a b\r\n"
        b'Content-Disposition: form-data; name="say \\"hi\\""\r\n\r\nhello\r\n'
        b"--a b\r\n"
        b"Content-Disposition: form-data; name=doc; filename=\"x.txt\"; filename*=utf-8''%D9%85%D9%84%D9%81.txt\r\n"
        b"Content-Type: text/plain\r\n\r\nabc\r\n"
        b"--a b\r\n"
        b"Content-Type: text/plain\r\n\r\nno name: ignored\r\n"
        b"--a b--\r\nepilogue"
    )
    assert parse_body('multipart/form-data; boundary="a b"', raw) == {
        'say "hi"': "hello",
        "doc": {"filename": "ملف.txt", "size": 3, "content_type": "text/plain"},
    }


def test_an_empty_form_is_empty_as_in_laravel():
    assert parse_body("multipart/form-data; boundary=b0", b"--b0--\r\n") == {}
    assert parse_body("multipart/form-data; boundary=b0", b"") is NO_BODY


@pytest.mark.parametrize(
    ("ctype", "raw", "key"),
    [
        ("multipart/form-data", b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--", "bad_content_type"),
        ("multipart/form-data; boundary=x", b"no delimiter anywhere", "bad_content_type"),
        ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\n\xff\r\n--x--",
         "bad_encoding"),
        ("application/json", b"{not json", "bad_json"),
        ("text/csv", b"a,b", "bad_content_type"),
    ],
)  # fmt: skip
def test_unreadable_bodies_are_body_errors(ctype, raw, key):
    with pytest.raises(BodyError) as err:
        parse_body(ctype, raw)
    assert err.value.key == key
