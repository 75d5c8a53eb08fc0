"""Redaction on the write path: everything that reaches a cassette or a report passes through here.

Removed or replaced: ``Authorization``, cookies and ``Set-Cookie``, whitelist tokens; token, secret and
password members of JSON and form bodies (requests and responses, e.g. ``/oauth/token`` and logins); e-mail
addresses and phone numbers (replaced by stable placeholders so matching still works); and any value of the
configured credentials wherever it appears. Placeholders are deterministic: the same input always gives the
same output, so redacted requests still match redacted recordings.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "<redacted>"
SENSITIVE_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "x-api-whitelist-token", "proxy-authorization"})
SENSITIVE_KEY = re.compile(
    r"(^|_)(token|access_token|refresh_token|id_token|secret|client_secret|password|password_confirmation|"
    r"current_password|new_password|old_password|otp|otp_code|api_key|apikey|signature|verification_code)$",
    re.IGNORECASE,
)
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# International or local phone numbers: 8-15 digits, optional leading +, optional separators.
PHONE = re.compile(r"(?<![\w.])\+?\d[\d -]{6,16}\d(?![\w.])")
BEARER = re.compile(r"(?i)bearer\s+[A-Za-z0-9._~+/=-]+")
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}")
# Addresses our own tools generate are not personal; keep them readable.
SAFE_EMAIL_DOMAINS = ("example.test", "example.invalid", "example.com")


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:8]


def email_placeholder(email: str) -> str:
    if email.lower().endswith(SAFE_EMAIL_DOMAINS):
        return email
    return f"user-{_digest(email.lower())}@example.invalid"


class Redactor:
    """Redacts strings, JSON values, headers, URLs and bodies. ``secrets`` are removed wherever found."""

    def __init__(self, secrets: Iterable[str] = (), personal: Iterable[str] = (), *, matching: bool = False) -> None:
        # matching=True erases credentials entirely (even empty ones) so that an offline replay, which has no
        # credentials, builds the same normalised request as the recording run did.
        self.matching = matching
        self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)
        self.personal = sorted({p for p in personal if p and len(p) >= 4}, key=len, reverse=True)

    # -- text ------------------------------------------------------------------------------------------
    def text(self, value: str) -> str:
        for secret in self.secrets:
            value = value.replace(secret, REDACTED)
        for item in self.personal:
            value = value.replace(item, email_placeholder(item) if "@" in item else f"<id-{_digest(item)}>")
        value = BEARER.sub(f"Bearer {REDACTED}", value)
        value = JWT.sub(REDACTED, value)
        value = EMAIL.sub(lambda m: email_placeholder(m.group(0)), value)
        return PHONE.sub(lambda m: f"<phone-{_digest(re.sub(r'[^0-9]', '', m.group(0)))}>", value)

    def value(self, data: Any, key: str = "") -> Any:
        if isinstance(data, dict):
            return {k: self.value(v, str(k)) for k, v in data.items()}
        if isinstance(data, list):
            return [self.value(v, key) for v in data]
        if key and SENSITIVE_KEY.search(key) and (self.matching or data not in (None, "", True, False)):
            return REDACTED
        if self.matching and (
            key.lower() in ("email", "client_id", "username") or (isinstance(data, str) and EMAIL.fullmatch(data))
        ):
            return "<email>" if "mail" in key.lower() or "@" in str(data) else "<id>"
        if isinstance(data, str):
            return self.text(data)
        return data

    # -- HTTP parts ----------------------------------------------------------------------------------------
    def headers(self, headers: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in headers.items():
            lname = name.lower()
            if lname in ("cookie", "set-cookie", "x-schemathesis-testcaseid"):
                continue  # cookies are secrets; the test-case id is random noise in a recording
            if lname in SENSITIVE_HEADERS:
                out[name] = [f"Bearer {REDACTED}"] if lname == "authorization" else [REDACTED]
                if not isinstance(value, list):
                    out[name] = out[name][0]
            elif isinstance(value, list):
                out[name] = [self.text(str(v)) for v in value]
            else:
                out[name] = self.text(str(value))
        return out

    def url(self, url: str) -> str:
        parts = urlsplit(url)
        query = [(k, REDACTED if SENSITIVE_KEY.search(k) else self.text(v)) for k, v in parse_qsl(parts.query, True)]
        return urlunsplit((parts.scheme, parts.netloc, self.text(parts.path), urlencode(query), ""))

    def body(self, body: bytes | str | None, content_type: str = "") -> bytes | None:
        """Redact a body whatever its encoding; binary bodies pass through untouched."""
        if body is None or body == b"" or body == "":
            return body if isinstance(body, bytes) or body is None else body.encode()
        raw = body.encode("utf-8") if isinstance(body, str) else body
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw  # files (PDF, images) carry no credentials we sent
        ctype = content_type.lower()
        if "json" in ctype or text[:1] in "{[":
            try:
                return json.dumps(self.value(json.loads(text)), ensure_ascii=False, sort_keys=True).encode("utf-8")
            except ValueError:
                pass
        if "x-www-form-urlencoded" in ctype:
            pairs = [(k, REDACTED if SENSITIVE_KEY.search(k) else self.text(v)) for k, v in parse_qsl(text, True)]
            return urlencode(pairs).encode("utf-8")
        if "multipart/form-data" in ctype:
            return self._multipart(text).encode("utf-8")
        return self.text(text).encode("utf-8")

    def _multipart(self, text: str) -> str:
        def field(match: re.Match[str]) -> str:
            name, value = match.group(1), match.group(2)
            return match.group(0).replace(value, REDACTED if SENSITIVE_KEY.search(name) else self.text(value))

        return re.sub(r'name="([^"]+)"\r?\n\r?\n(.*?)\r?\n--', field, text, flags=re.DOTALL)

    def curl(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None) -> str:
        """A reproducible curl line with every secret masked."""
        parts = [f"curl -X {method.upper()} '{self.url(url)}'"]
        for name, value in sorted(self.headers(headers).items()):
            if name.lower() in ("content-length", "host", "accept-encoding", "connection", "user-agent"):
                continue
            parts.append(f"-H '{name}: {value}'")
        red = self.body(body, str(headers.get("content-type", headers.get("Content-Type", ""))))
        if red:
            shown = red.decode("utf-8", errors="replace")
            parts.append(f"--data-raw '{shown[:2000]}'")
        return " ".join(parts).replace("\n", " ")


def normalise_body(body: bytes | str | None, content_type: str = "") -> str:
    """The form in which request bodies are compared during replay: redacted, sorted, boundary-free."""
    red = Redactor(matching=True).body(body, content_type)
    if not red:
        return ""
    text = red.decode("utf-8", errors="replace")
    boundary = re.search(r"^--([^\r\n]+)", text)
    if boundary:
        text = text.replace(boundary.group(1), "BOUNDARY")
    return text
