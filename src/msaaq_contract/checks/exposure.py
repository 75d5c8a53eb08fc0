"""Exposure: what no answer may carry, whatever provoked it (OWASP API3, excessive data exposure; API8, security
misconfiguration). Judged on every answer the suite receives, so it costs no request of its own.

- **Secret members**: a member named like a secret (``password``, ``remember_token``, ``two_factor_secret``,
  ``api_token``, ``*_secret``, ``*private_key``) that the operation's response schemas do not declare, holding a
  value (Laravel's ``$hidden`` forgotten on a model). ``null``, ``""`` and ``false`` hold nothing and pass.
- **Secret values** anywhere: bcrypt and argon2 password hashes, PEM private keys; and Luhn-valid card numbers in
  members the contract does not declare. The one redactor (``redaction``) writes these as kind-revealing
  placeholders (``<redacted-hash>``...) in cassettes and reports, so an offline replay reaches the same verdict
  and no value is ever written.
- **Laravel debug output** (``APP_DEBUG=true``): ``exception`` with ``trace`` or ``file``/``line`` members the
  contract does not declare, stack frames, ``SQLSTATE[`` errors, ``vendor/laravel/`` and server ``.php`` paths
  in any text of the answer (also an HTML or text body: Ignition's page).

Headers are not judged: a deployment adds ``X-Powered-By``, ``Server-Timing``, ``Vary: Origin`` and the like,
none of which leaks data. A finding names the member (its JSON pointer) and the kind, never the value.

``served`` judges the once-per-run probes of debug routes (Telescope, Horizon, Ignition's health check, ``.env``,
``storage/logs/laravel.log``): a probe is a finding only when the answer shows the thing itself (dotenv lines, log
lines, the tool's page or health answer), so a front-end that answers 200 to every path is no false alarm.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from ..contract import Contract, Operation
from ..redaction import (
    CARD_PLACEHOLDER,
    HASH_PLACEHOLDER,
    KEY_PLACEHOLDER,
    PASSWORD_HASH,
    PEM_PRIVATE_KEY,
    luhn_card,
)
from .base import CheckContext, Exchange, Finding, check

SECRET_NAME = re.compile(
    r"^(password|password_hash|hashed_password|remember_token|two_factor_secret|two_factor_recovery_codes|"
    r"api_token|secret|[a-z0-9_]*_secret|[a-z0-9_]*private_key)$",
    re.IGNORECASE,
)
# Text that only a framework's error output holds (one pattern per kind, searched in every string).
DEBUG_TEXT: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an SQL error (SQLSTATE)", re.compile(r"SQLSTATE\[")),
    ("a framework path (vendor/laravel/)", re.compile(r"vendor/laravel/")),
    ("a stack frame", re.compile(r"(?m)^#\d+ (?:\{main\}|[/\\A-Za-z].*\.php\(\d+\))")),
    ("a stack trace", re.compile(r"Stack trace:\s*#0 ")),
    # A PHP file under a server's usual roots (not a URL's path, not a relative path in a course text).
    (
        "a server path",
        re.compile(
            r"(?<![\w:/.\\])(?:/(?:var|home|srv|app|usr|opt|www|data|mnt)/|[A-Za-z]:\\)"
            r"(?:[\w.-]+[/\\])*[\w.-]+\.php\b"
        ),
    ),
)
DEBUG_MEMBERS = ("exception", "file", "line", "trace")
TEXT_TYPES = ("json", "text/", "xml", "javascript")
MAX_TEXT = 256 * 1024  # enough for Ignition's page; a file download is not read in full
MAX_FINDINGS = 10


def _finding(title: str, message: str, pointer: str | None, kind: str) -> Finding:
    return Finding(check="exposure", title=title, message=message, pointer=pointer, expected="absent", actual=kind)


# -- what the contract declares ------------------------------------------------------------------------------
def _names(contract: Contract, node: Any, out: set[str], seen: set[int]) -> None:
    if isinstance(node, dict) and "$ref" in node:
        node = contract.deref(node)
    if isinstance(node, dict):
        if id(node) in seen:
            return
        seen.add(id(node))
        for name, sub in (node.get("properties") or {}).items():
            out.add(str(name))
            _names(contract, sub, out, seen)
        for key in ("allOf", "anyOf", "oneOf", "prefixItems"):
            for sub in node.get(key) or []:
                _names(contract, sub, out, seen)
        for key in ("items", "additionalProperties", "not", "then", "else"):
            if isinstance(node.get(key), dict):
                _names(contract, node[key], out, seen)
    elif isinstance(node, list):
        for sub in node:
            _names(contract, sub, out, seen)


_DECLARED: dict[tuple[int, str], frozenset[str]] = {}


def declared_members(contract: Contract, op: Operation) -> frozenset[str]:
    """Every member name the operation's response schemas declare, at any depth (all statuses); computed once
    per operation and contract."""
    key = (id(contract), op.operation_id)
    found = _DECLARED.get(key)
    if found is None:
        out: set[str] = set()
        for spec in op.responses.values():
            if spec.schema is not None:
                _names(contract, spec.schema, out, set())
        found = _DECLARED[key] = frozenset(out)
    return found


# -- walking an answer ---------------------------------------------------------------------------------------
def _pointer(parts: tuple[str | int, ...]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _walk(value: Any) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every node of a JSON value with where it sits, in document order. A stack, not nested generators: every
    answer of every family is walked, and a generator per level made that the offline run's biggest cost."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), value)]
    while stack:
        parts, node = stack.pop()
        yield parts, node
        if isinstance(node, dict):
            children: list[tuple[tuple[str | int, ...], Any]] = [
                ((*parts, str(key)), sub)
                for key, sub in node.items()
                # Laravel's validation bag is keyed by the request's fields (``password``): messages, not members
                if parts or key != "errors" or not _validation_bag(sub)
            ]
            stack.extend(reversed(children))
        elif isinstance(node, list):
            stack.extend(reversed([((*parts, i), sub) for i, sub in enumerate(node)]))


def _validation_bag(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(v, list) and all(isinstance(m, str) for m in v) for v in value.values()
    )


def _holds_value(value: Any) -> bool:
    return value not in (None, "", False, [], {})


def _value_kind(value: str, declared: Callable[[], bool]) -> str | None:
    """What secret ``value`` is, if any; ``declared`` (asked only for a card number's length of digits) says
    whether the member holding it is one the contract declares."""
    # The redactor's own patterns: what it hides in a recording is what this check finds in an answer.
    if PASSWORD_HASH.fullmatch(value) or HASH_PLACEHOLDER in value:
        return "a password hash"
    if PEM_PRIVATE_KEY.search(value) or KEY_PLACEHOLDER in value:
        return "a private key"
    if (value == CARD_PLACEHOLDER or luhn_card(value)) and not declared():
        return "a card number"
    return None


def secrets(contract: Contract, op: Operation, body: Any) -> list[Finding]:
    """Secret members the contract does not declare, and secret values, in a JSON answer."""
    declared = declared_members(contract, op)
    found: list[Finding] = []
    for parts, value in _walk(body):
        name = parts[-1] if parts and isinstance(parts[-1], str) else ""
        if name and SECRET_NAME.match(name) and name not in declared and _holds_value(value):
            pointer = _pointer(parts)  # built only for a finding: most answers have none, and many members
            found.append(
                _finding(
                    "Secret member exposed",
                    f"{pointer}: the answer holds `{name}`, a secret the contract does not declare (value withheld)",
                    pointer,
                    "a secret member",
                )
            )
            continue
        if isinstance(value, str):

            def owner_declared(parts: tuple[str | int, ...] = parts) -> bool:
                return next((str(p) for p in reversed(parts) if isinstance(p, str)), "") in declared

            kind = _value_kind(value, owner_declared)
            if kind:
                pointer = _pointer(parts)
                found.append(
                    _finding("Secret value exposed", f"{pointer} holds {kind} (value withheld)", pointer, kind)
                )
    return found


def debug_output(contract: Contract, op: Operation, body: Any, text: str | None) -> list[Finding]:
    """Laravel's debug output: exception members the contract does not declare, and debug text anywhere."""
    declared = declared_members(contract, op)
    found: list[Finding] = []
    if body is not None:
        for parts, value in _walk(body):
            if isinstance(value, dict) and _debug_members(value, declared):
                pointer = _pointer(parts) or "/"
                members = ", ".join(m for m in DEBUG_MEMBERS if m in value)
                found.append(
                    _finding(
                        "Debug output in the answer",
                        f"{pointer} holds Laravel's exception members ({members}) the contract does not declare",
                        pointer,
                        "exception members",
                    )
                )
            elif isinstance(value, str):
                found.extend(_debug_text(value, parts))
    elif text:
        found.extend(_debug_text(text, None))
    return found


def _debug_members(value: dict[str, Any], declared: frozenset[str]) -> bool:
    if "exception" in declared or not isinstance(value.get("exception"), str):
        return False
    trace = isinstance(value.get("trace"), list) and "trace" not in declared
    where = isinstance(value.get("file"), str) and "line" in value and "file" not in declared
    return trace or where


def _debug_text(value: str, parts: tuple[str | int, ...] | None) -> list[Finding]:
    """``parts``: where ``value`` sits in a JSON answer (None: the whole text body)."""
    for kind, pattern in DEBUG_TEXT:
        if pattern.search(value):
            pointer = (_pointer(parts) or "/") if parts is not None else None
            where = f"{pointer}: the text" if pointer else "the body"
            return [_finding("Debug output in the answer", f"{where} holds {kind}", pointer, kind)]
    return []


def answer_text(exchange: Exchange) -> tuple[Any, str | None]:
    """(JSON body or None, the body as text when it is a text body that is not JSON)."""
    parsed, body = exchange.json_body
    if parsed:
        return body, None
    ctype = exchange.headers.get("content-type", "").lower()
    if not any(t in ctype for t in TEXT_TYPES):
        return None, None
    raw = exchange.body[:MAX_TEXT] if isinstance(exchange.body, bytes) else b""
    return None, raw.decode("utf-8", errors="replace")


@check("exposure")
def exposure(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    body, text = answer_text(exchange)
    found = secrets(ctx.contract, ctx.operation, body) if body is not None else []
    found += debug_output(ctx.contract, ctx.operation, body, text)
    return found[:MAX_FINDINGS]


# -- debug routes, probed once per run -----------------------------------------------------------------------
DOTENV = re.compile(r"(?m)^\s*(?:export\s+)?(APP_KEY|APP_ENV|DB_[A-Z_]+|[A-Z][A-Z0-9_]*_(?:KEY|SECRET|PASSWORD))=")
# Monolog's line format, "[stamp] channel.LEVEL: message" (the stamp as the redactor may have rewritten it).
LOG_LINE = re.compile(r"(?m)^\[[^\]\n]{8,40}\] [\w-]+\.(?:EMERGENCY|ALERT|CRITICAL|ERROR|WARNING|NOTICE|INFO|DEBUG):")
# path (relative to the host root or the API base) -> (what it is, what its answer shows when it is served)
DEBUG_ROUTES: dict[str, tuple[str, re.Pattern[str]]] = {
    "/telescope": ("Laravel Telescope", re.compile(r"(?i)<title>[^<]*telescope|telescope-api|window\.Telescope")),
    "/horizon": ("Laravel Horizon", re.compile(r"(?i)<title>[^<]*horizon|horizon/api|window\.Horizon")),
    "/_ignition/health-check": ("Ignition's health check", re.compile(r'"can_execute_commands"\s*:')),
    "/.env": ("the .env file", DOTENV),
    "/storage/logs/laravel.log": ("the Laravel log", LOG_LINE),
}


@functools.lru_cache(maxsize=4)
def probe_ids(contract: Contract) -> list[str]:
    """The one documented id whose row the debug-route probes report on: the surest operation served at the
    host root (where Laravel's own routes live), else the first documented id."""
    ranked = sorted((not op.server_root, op.confidence != "high", doc_id) for doc_id, op in contract.documented())
    return [ranked[0][-1]] if ranked else []


def _raw_text(exchange: Exchange) -> str:
    raw = exchange.body[:MAX_TEXT] if isinstance(exchange.body, bytes) else b""
    return raw.decode("utf-8", errors="replace")


@check("debug_routes")
def served(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    """A probe of a debug route (``ctx.expectation['probe']``, its path) must not be served."""
    probe = str((ctx.expectation or {}).get("probe", ""))
    if probe not in DEBUG_ROUTES or not 200 <= exchange.status < 300:
        return []  # 404, 403 (Telescope's gate), a redirect to a login: not served
    what, shows = DEBUG_ROUTES[probe]
    text = _raw_text(exchange)
    if probe == "/_ignition/health-check" and exchange.json_body[0]:
        text = json.dumps(exchange.json_body[1])
    if not shows.search(text):
        return []  # a 200 that is not the thing (a front-end's catch-all page)
    url = exchange.request.url
    return [
        Finding(
            check="exposure",
            title="Debug route served",
            message=f"{what} is served at {url} (HTTP {exchange.status}); production must not expose it",
            expected="not served (404 or 403)",
            actual=f"HTTP {exchange.status}, {what}",
        )
    ]
