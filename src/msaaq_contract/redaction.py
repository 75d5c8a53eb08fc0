"""Redaction on the write path: the one redactor for everything the suite writes. Cassettes (``recording``),
findings (``pytest_plugin.suite``), the reports in every format and JUnit (``reporting.writers``,
``pytest_plugin.junit``), the terminal (``pytest_plugin``: failures, skips, summaries) and calibration's review
file all pass through a ``Redactor``, and so do the package's log records (``log_redaction``, a filter each of
our loggers carries, with the run's redactor once the plugin sets it); a leaf module (nothing of ours
imported) so that every layer can use it.

Removed or replaced: ``Authorization``, cookies and ``Set-Cookie``, whitelist tokens; token, secret and
password members of JSON and form bodies (requests and responses, e.g. ``/oauth/token`` and logins); e-mail
addresses and phone numbers (replaced by stable placeholders so matching still works); and any value of the
configured credentials wherever it appears. A value seen under a secret-looking member is remembered and
removed wherever it shows up later in the run (a message quoting it, a URL built from it). A finding about a
secret-looking member names the member and the type of its value, never the value. A secret-looking member's
name is no secret, nor are Laravel's messages about it: a validation bag's ``"client_secret": ["The client
secret field is required."]`` is kept, as every message of that member names it. Placeholders are
deterministic and left alone by a second pass: the same input always gives the same output, so redacted
requests still match redacted recordings.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any, Protocol
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

REDACTED = "<redacted>"
# What redaction leaves in place of a secret, a token or a phone-like number: the original is unknown, so no
# check may judge it (``checks.request``), and a second pass leaves it as it is.
PLACEHOLDER = re.compile(r"<(?:redacted(?:-hash|-private-key|-card)?|phone-[0-9a-f]{8}|id-[0-9a-f]{8})>")
# Secret values an answer must never carry (``checks.exposure``), written as placeholders that keep their kind,
# so that a replay of the recording judges them as the recording run did.
HASH_PLACEHOLDER = "<redacted-hash>"
KEY_PLACEHOLDER = "<redacted-private-key>"
CARD_PLACEHOLDER = "<redacted-card>"
PASSWORD_HASH = re.compile(
    r"\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}|\$argon2(?:id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+"
)
PEM_PRIVATE_KEY = re.compile(r"-----BEGIN ((?:[A-Z]+ )?PRIVATE KEY)-----.*?(?:-----END \1-----|$)", re.DOTALL)
CARD_CANDIDATE = re.compile(r"(?<![\w+<-])\d(?:[ -]?\d){12,18}(?![\w>])")
CARD_PREFIX = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[47]|6011|65)")
DOTENV_LINE = re.compile(r"(?m)^(\s*(?:export\s+)?[A-Z][A-Z0-9_]*=)(.*)$")
MIN_SECRET = 4  # shorter values would blank out ordinary words wherever they appear
SENSITIVE_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "x-api-whitelist-token", "proxy-authorization"})
SENSITIVE_KEY = re.compile(
    r"(^|_)(token|access_token|refresh_token|id_token|secret|client_secret|password|password_confirmation|"
    r"current_password|new_password|old_password|otp|otp_code|api_key|apikey|signature|verification_code)$",
    re.IGNORECASE,
)
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# International or local phone numbers: 8-15 digits, optional leading +, optional separators (not the digits of
# a placeholder: ``<phone-12345678>`` stays as it is).
PHONE = re.compile(r"(?<![\w.])(?<!phone-)(?<!id-)\+?\d[\d -]{6,16}\d(?![\w.])")
BEARER = re.compile(r"(?i)bearer\s+[A-Za-z0-9._~+/=-]+")
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}")
# Addresses our own tools generate are not personal; keep them readable.
SAFE_EMAIL_DOMAINS = ("example.test", "example.invalid", "example.com")


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:8]


def luhn_card(value: str) -> bool:
    """Whether ``value`` is a payment card number: 13 to 19 digits (spaces or dashes between), a card network's
    prefix, and a valid Luhn check digit."""
    if not CARD_CANDIDATE.fullmatch(value.strip()):
        return False
    digits = re.sub(r"[ -]", "", value)
    if not CARD_PREFIX.match(digits):
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _cards(value: str) -> str:
    return CARD_CANDIDATE.sub(lambda m: CARD_PLACEHOLDER if luhn_card(m.group(0)) else m.group(0), value)


def email_placeholder(email: str) -> str:
    if email.lower().endswith(SAFE_EMAIL_DOMAINS):
        return email
    return f"user-{_digest(email.lower())}@example.invalid"


class Quoting(Protocol):
    """What a finding quotes (``checks.base.Finding``): the parts a redactor rewrites."""

    title: str
    message: str
    expected: str | None
    actual: str | None
    pointer: str | None


def json_type(value: Any) -> str:
    """The JSON name of a value's type."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object" if isinstance(value, dict) else "array" if isinstance(value, list) else type(value).__name__


WITHHELD = " (withheld: secret-looking member `{member}`)"


def _quoted_type(actual: str | None) -> str:
    """The JSON type of a value a finding quoted (``short()`` writes JSON), when it can still be read."""
    try:
        return json_type(json.loads(actual or ""))
    except ValueError:
        return "value"


def _a(kind: str) -> str:
    return f"an {kind}" if kind[:1] in "aeiou" else f"a {kind}"


def secret_member(pointer: str | None) -> str | None:
    """The secret-looking member a JSON pointer is in (the nearest to the value), if any."""
    parts = (pointer or "").split("/")[1:]
    names = (p.replace("~1", "/").replace("~0", "~") for p in reversed(parts))
    return next((name for name in names if SENSITIVE_KEY.search(name)), None)


def messages_about(key: str, value: Any) -> bool:
    """Whether ``value`` is a Laravel validation bag's list of messages about member ``key`` (each names it)."""
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        return False
    names = {key.lower(), key.replace("_", " ").lower()}
    # A sentence (words with spaces) that names the member: a token or a key has no spaces.
    return all(" " in text.strip() and any(name in text.lower() for name in names) for text in value)


def _at(document: Any, pointer: str) -> tuple[bool, Any]:
    node = document
    for part in pointer.split("/")[1:]:
        key = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return False, None
    return True, node


class Redactor:
    """Redacts strings, JSON values, headers, URLs, bodies and findings. ``secrets`` are removed wherever found,
    and so is every value the redactor has seen under a secret-looking member."""

    def __init__(self, secrets: Iterable[str] = (), personal: Iterable[str] = (), *, matching: bool = False) -> None:
        # matching=True erases credentials entirely (even empty ones) so that an offline replay, which has no
        # credentials, builds the same normalised request as the recording run did.
        self.matching = matching
        self._secrets = {s for s in secrets if s and len(s) >= MIN_SECRET}
        self._sorted: list[str] | None = None
        self.personal = sorted({p for p in personal if p and len(p) >= MIN_SECRET}, key=len, reverse=True)

    @property
    def secrets(self) -> list[str]:
        """Configured and learned secrets, longest first (a secret containing another goes first)."""
        if self._sorted is None:
            self._sorted = sorted(self._secrets, key=len, reverse=True)
        return self._sorted

    # -- learning ------------------------------------------------------------------------------------------
    def remember(self, value: Any) -> None:
        """Treat every scalar in ``value`` as a secret from now on (a secret-looking member's value)."""
        if isinstance(value, dict):
            for item in value.values():
                self.remember(item)
        elif isinstance(value, list):
            for item in value:
                self.remember(item)
        elif value is not None and not isinstance(value, bool):
            text = str(value)
            if len(text) >= MIN_SECRET and text not in self._secrets and not PLACEHOLDER.fullmatch(text):
                # As it is, and as it reads inside a URL (a path or query built from it).
                self._secrets.update({text, quote(text, safe=""), quote(text)})
                self._sorted = None

    def learn(self, data: Any) -> None:
        """Remember the values of the secret-looking members anywhere in a JSON value."""
        if isinstance(data, dict):
            for key, value in data.items():
                if SENSITIVE_KEY.search(str(key)) and not messages_about(str(key), value):
                    self.remember(value)
                else:
                    self.learn(value)
        elif isinstance(data, list):
            for item in data:
                self.learn(item)

    def learn_body(self, body: bytes | str | None) -> Any:
        """Learn from a body that is JSON; returns the parsed value (None when it is not JSON)."""
        if not body:
            return None
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return None
        self.learn(data)
        return data

    # -- findings ------------------------------------------------------------------------------------------
    def finding(self, finding: Quoting, document: Any = None) -> None:
        """Redact what a finding quotes, in place. ``document`` is the JSON its pointer points into (the response
        body; the request body for a request finding).

        A finding about a secret-looking member (``api_key``, ``token``, ``password``...) names the member and
        the type of its value, never the value. Applying it twice changes nothing."""
        member = secret_member(finding.pointer)
        if member is not None and not (finding.actual or "").endswith(WITHHELD.format(member=member)):
            found, value = _at(document, finding.pointer or "") if document is not None else (False, None)
            if found:
                self.remember(value)
            quotes_value = finding.actual is not None or (found and str(value) in finding.message)
            if quotes_value:
                kind = json_type(value) if found else _quoted_type(finding.actual)
                finding.actual = kind + WITHHELD.format(member=member)
                finding.message = (
                    f"{finding.pointer}: the secret-looking member `{member}` holds {_a(kind)} (value withheld)"
                )
        # The curl line is the redactor's own (``curl``): its body was redacted as data, member by member.
        finding.title = self.text(finding.title)
        finding.message = self.text(finding.message)
        finding.expected = self.text(finding.expected) if finding.expected else finding.expected
        finding.actual = self.text(finding.actual) if finding.actual else finding.actual

    # -- text ------------------------------------------------------------------------------------------
    def text(self, value: str) -> str:
        value = PASSWORD_HASH.sub(HASH_PLACEHOLDER, value)
        value = PEM_PRIVATE_KEY.sub(KEY_PLACEHOLDER, value)
        value = _cards(value)
        for secret in self.secrets:
            value = value.replace(secret, REDACTED)
        for item in self.personal:
            value = value.replace(item, email_placeholder(item) if "@" in item else f"<id-{_digest(item)}>")
        value = BEARER.sub(f"Bearer {REDACTED}", value)
        value = JWT.sub(REDACTED, value)
        value = EMAIL.sub(lambda m: email_placeholder(m.group(0)), value)
        return PHONE.sub(lambda m: f"<phone-{_digest(re.sub(r'[^0-9]', '', m.group(0)))}>", value)

    def value(self, data: Any, key: str = "", *, inside_secret: bool = False) -> Any:
        secret = inside_secret or bool(key and SENSITIVE_KEY.search(key))
        if secret and not inside_secret and messages_about(key, data):
            return [self.text(v) for v in data]  # Laravel's messages about the member, not its value
        if isinstance(data, dict):
            # Inside a secret-looking member every member is secret: {"token": {"value": ...}} keeps no value.
            return {k: self.value(v, str(k), inside_secret=secret) for k, v in data.items()}
        if isinstance(data, list):
            return [self.value(v, key, inside_secret=secret) for v in data]
        if secret and (self.matching or data not in (None, "", True, False)):
            if not self.matching:
                self.remember(data)  # it may show up again: in a message, a URL built from it
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
        # A served .env (``checks.exposure`` probes for one) keeps its names, never its values.
        return self.text(DOTENV_LINE.sub(lambda m: m.group(1) + REDACTED, text)).encode("utf-8")

    def _multipart(self, text: str) -> str:
        def field(match: re.Match[str]) -> str:
            name, value = match.group(1), match.group(2)
            return match.group(0).replace(value, REDACTED if SENSITIVE_KEY.search(name) else self.text(value))

        return re.sub(r'name="([^"]+)"\r?\n\r?\n(.*?)\r?\n--', field, text, flags=re.DOTALL)

    def curl(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None) -> str:
        """A reproducible curl line with every secret masked: one line, every value quoted for a POSIX shell
        (bash/zsh for a value with a line break), and a body longer than ``CURL_BODY`` characters cut and said
        so in a trailing comment."""
        parts = ["curl", "-X", method.upper(), shell_quote(self.url(url))]
        for name, value in sorted(self.headers(headers).items()):
            if name.lower() in ("content-length", "host", "accept-encoding", "connection", "user-agent"):
                continue
            parts += ["-H", shell_quote(f"{name}: {value}")]
        red = self.body(body, str(headers.get("content-type", headers.get("Content-Type", ""))))
        if red:
            shown = red.decode("utf-8", errors="replace")
            parts += ["--data-raw", shell_quote(shown[:CURL_BODY])]
            if len(shown) > CURL_BODY:
                parts.append(f"# body cut at {CURL_BODY} of {len(shown)} characters")
        return " ".join(parts)


CURL_BODY = 2000  # characters of a request body a curl line shows
_ANSI_C = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def shell_quote(value: str) -> str:
    """``value`` as one shell word: in single quotes (``'`` written ``'\\''``), or, when it holds a line break or
    another control character, in ANSI-C quotes (``$'...'``) so the curl stays on one line."""
    if not any(ord(c) < 32 or ord(c) == 127 for c in value):
        return "'" + value.replace("'", "'\\''") + "'"
    out = "".join(_ANSI_C.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 32 or ord(c) == 127 else c) for c in value)
    return f"$'{out}'"


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


class LogRedaction(logging.Filter):
    """Every log record of the package's loggers, redacted before any handler sees it (pytest's live log, its
    captured logs in a failure report, a user's own handler). A filter on the logger that creates the record
    runs before propagation, so each of our loggers carries this one object: ``log.addFilter(log_redaction)``.
    The plugin gives it the run's redactor (``use``); until then it knows the patterns, not the credentials."""

    def __init__(self) -> None:
        super().__init__()
        self.redactor = Redactor()

    def use(self, redactor: Redactor) -> None:
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        text = self.redactor.text(record.getMessage())
        record.msg, record.args = text, None
        return True


log_redaction = LogRedaction()


class LibraryRequestLog(logging.Filter):
    """httpx logs every request at INFO ("HTTP Request: GET <url> ..."), URL and all: during a run its records are
    redacted like ours and lowered to DEBUG, where the paced client's own per-request line is, so INFO keeps to
    waits, retries and token refreshes. The plugin adds it to the ``httpx`` logger for the run and removes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        log_redaction.filter(record)
        if record.levelno == logging.INFO:
            record.levelno, record.levelname = logging.DEBUG, logging.getLevelName(logging.DEBUG)
        return True


library_request_log = LibraryRequestLog()
