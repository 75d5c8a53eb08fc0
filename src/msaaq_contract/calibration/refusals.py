"""Rules the target states itself: requests the contract calls valid, refused with Laravel's validation answer.

Laravel refuses an invalid request with 422 ``{"message": ..., "errors": {"name": ["The name field is
required."]}}``. When the whole contract accepts the recorded request (``checks.request`` with ``strict``: members
the contract only infers are judged too, and no loose reading), such an answer is a rule the contract does not
state, and the answer says which: the member (the key of ``errors``) and the rule (its text). A request already
outside the contract teaches nothing: Laravel's ``nullable|string`` says "must be a string" about ``true``, never
about ``null``.
Every recorded exchange of a create or update (POST, PUT, PATCH) is read, whatever family sent it; a member
inside a list or an object (``items.0.id``) and texts that name no rule we can write down (``has already been
taken``) teach nothing.

=====================================================  ==========================================
Laravel's text (English; the required rule also Arabic)  rule
=====================================================  ==========================================
``The X field is required.`` / ``حقل X مطلوب.``         ``required``
``... must be an integer`` / ``a number`` / ``numeric``  ``type`` integer / number
``... must be a string`` / ``an array``                  ``type`` string / array
``... must be true or false`` / ``a boolean``            ``type`` boolean
``... must be one of: a, b``                             ``enum`` [a, b]
``The selected X is invalid.`` (Laravel's ``in:``)       ``enum`` of the values the API showed
=====================================================  ==========================================

Laravel's ``in:`` rule never lists its values, so its message is enum evidence completed from what the API
showed: the member's values in requests of the operation it accepted and in the answers of its resource (the
operation's collection and item paths), those of the type the contract declares. With none shown, nothing is
proposed. A type rule keeps ``null`` where the contract allows it (``nullable|string``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..checks.base import Exchange, Finding
from ..checks.request import request_problems
from ..contract import Contract, Operation
from ..contract.flatten import flatten, types_of
from ..errors import CassetteError
from ..recording import files
from .evidence import Observation, Rule

WRITES = ("post", "put", "patch")
TYPES = (
    (re.compile(r"must be an integer", re.IGNORECASE), "integer"),
    (re.compile(r"must be (?:a number|numeric)", re.IGNORECASE), "number"),
    (re.compile(r"must be a string", re.IGNORECASE), "string"),
    (re.compile(r"must be an array", re.IGNORECASE), "array"),
    (re.compile(r"must be (?:true or false|a boolean)", re.IGNORECASE), "boolean"),
)
REQUIRED = (re.compile(r"^the .+ field is required\.?$", re.IGNORECASE), re.compile(r"^حقل .+ مطلوب\.?$"))
ONE_OF = re.compile(r"must be one of(?: the following)?(?: values)?:?\s*(.+?)\.?$", re.IGNORECASE)
SELECTED = (
    re.compile(r"^the selected .+ is invalid\.?$", re.IGNORECASE),
    re.compile(r"^قيمة .+ المختارة غير صالحة\.?$"),
)
SCALARS = (str, int, float, bool)


def rules(errors: Any) -> list[tuple[Rule, str]]:
    """The rules a Laravel ``errors`` object states about top-level members, each with the text that says so."""
    found: list[tuple[Rule, str]] = []
    if not isinstance(errors, dict):
        return found
    for name, texts in errors.items():
        if not isinstance(name, str) or not name or "." in name or not isinstance(texts, list):
            continue
        for text in (t.strip() for t in texts if isinstance(t, str)):
            rule = _rule(name, text)
            if rule is not None:
                found.append((rule, text))
    return found


def _rule(name: str, text: str) -> Rule | None:
    if any(pattern.match(text) for pattern in REQUIRED):
        return Rule("required", name)
    if any(pattern.match(text) for pattern in SELECTED):
        return Rule("enum", name)  # values unknown: completed from what the API showed (``shown_values``)
    listed = ONE_OF.search(text)
    if listed:
        values = tuple(v.strip().strip("'\"") for v in re.split(r",\s*|\s+or\s+", listed.group(1)) if v.strip())
        return Rule("enum", name, values) if values else None
    kind = next((kind for pattern, kind in TYPES if pattern.search(text)), None)
    return Rule("type", name, (kind,)) if kind else None


def family_of(cassette: str) -> str:
    """The check family a cassette's requests are judged by (``keep`` decisions name it in the baseline)."""
    if cassette == "conformance":
        return "status"  # the happy request: a refusal fails its status check
    if cassette.startswith("tenant-"):
        return "tenant_header"
    return cassette.split("-")[0]  # fuzz-positive, language-ar, auth-missing


def _laravel_errors(exchange: Exchange) -> Any:
    if exchange.status != 422:
        return None
    try:
        body = json.loads(exchange.body)
    except (ValueError, UnicodeDecodeError):
        return None
    return body.get("errors") if isinstance(body, dict) and isinstance(body.get("message"), str) else None


def _curl(exchange: Exchange) -> str:
    body = exchange.request.body.decode("utf-8", "replace") if exchange.request.body else ""
    data = f" --data-raw '{body[:200]}'" if body else ""
    return f"curl -X {files.wire_method(exchange.request)} '{exchange.request.url}'{data}"


def _cassettes(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in files.SUFFIXES) if folder.is_dir() else []


def refused(contract: Contract, doc_id: str, folder: Path) -> list[Observation]:
    """The refusals recorded in ``folder`` (one documented id's cassettes, in the run's cassette folder) that
    state a rule about its operation, one observation per rule (family: the cassette's name)."""
    op = contract.operation(doc_id)
    if op.method not in WRITES or not folder.is_dir():
        return []
    out: list[Observation] = []
    shown: dict[str, tuple[Any, ...]] = {}  # member -> the values the API showed (read once per member)
    for path in _cassettes(folder):
        for index, exchange in enumerate(files.read_cassette(path, hint="pass the --cassette-dir of the run")):
            errors = _laravel_errors(exchange)
            if errors is None or not _valid_for(contract, op, exchange):
                continue
            for rule, text in rules(errors):
                if rule.kind == "enum" and not rule.values:
                    if rule.field not in shown:
                        shown[rule.field] = shown_values(contract, op, rule.field, folder.parent)
                    values = shown[rule.field]
                    if not values:
                        continue  # an ``in:`` rule whose values the API never showed: nothing to propose
                    rule = Rule("enum", rule.field, values)
                    text = f"{text} (values the API accepted or returned: {', '.join(map(str, values))})"
                finding = Finding(
                    check="request",
                    title="Valid request refused by a rule the contract does not state",
                    message=text,
                    expected="accepted (the contract calls the request valid)",
                    actual="422",
                    pointer=f"/{rule.field}",
                    curl=_curl(exchange),
                    cassette=str(path),
                    status=422,
                )
                where = f"{path}#{index}"
                out.append(Observation(doc_id, family_of(path.stem), op.operation_id, 422, finding, where, rule))
    return out


def _valid_for(contract: Contract, op: Operation, exchange: Exchange) -> bool:
    """Whether the recorded request is one of ``op``'s (its method; a path its route takes) that the contract
    accepts: a stateful chain's cassette also holds the requests of the operations it links."""
    if files.wire_method(exchange.request).lower() != op.method:
        return False
    return not request_problems(contract, op, exchange.request, strict=True)


def _collection(path: str) -> str:
    while path.endswith("}"):
        path = path.rsplit("/", 1)[0]
    return path


def shown_values(contract: Contract, op: Operation, name: str, root: Path) -> tuple[Any, ...]:
    """The values of body member ``name`` the API accepted (2xx answers to ``op``'s requests) or returned (its
    resource's 2xx answers: ``data`` or its items), of the types the contract declares for it; sorted."""
    props = flatten(contract, op.request_schema).get("properties") or {} if op.request_schema else {}
    types = set(types_of(flatten(contract, props[name]))) if name in props else set()
    home = _collection(op.path)
    doc_ids = [
        d for d, o in contract.by_doc_id.items() if o.server_root == op.server_root and _collection(o.path) == home
    ]
    seen: list[Any] = []
    for doc_id in sorted(doc_ids):
        owner = contract.operation(doc_id)
        for path in _cassettes(root / doc_id):
            for exchange in files.read_cassette(path, hint="pass the --cassette-dir of the run"):
                if not 200 <= exchange.status < 300:
                    continue
                sent = _json(exchange.request.body) if owner is op and _fits(op, exchange) else None
                answer = _json(exchange.body)
                data = answer.get("data") if isinstance(answer, dict) else None
                rows = [sent, *(data if isinstance(data, list) else [data])]
                seen += [r[name] for r in rows if isinstance(r, dict) and isinstance(r.get(name), SCALARS)]
    kept = {(type(v).__name__, v) for v in seen if not types or _type_of(v) in types or _is_number(v, types)}
    return tuple(v for _, v in sorted(kept, key=lambda p: (p[0], str(p[1]))))


def _fits(op: Operation, exchange: Exchange) -> bool:
    return files.wire_method(exchange.request).lower() == op.method


def _json(body: bytes | None) -> Any:
    try:
        return json.loads(body) if body else None
    except (ValueError, UnicodeDecodeError):
        return None


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return "number" if isinstance(value, float) else "string"


def _is_number(value: Any, types: set[str]) -> bool:
    return "number" in types and isinstance(value, (int, float)) and not isinstance(value, bool)


def collect_refusals(contract: Contract, doc_ids: list[str], root: Path) -> list[Observation]:
    """Every rule the recorded refusals of these documented ids state (``root``: the run's cassette folder)."""
    if not root.is_dir():
        raise CassetteError(f"{root}: no such cassette folder", hint="pass the --cassette-dir of the recording run")
    return [r for doc_id in sorted(doc_ids) for r in refused(contract, doc_id, root / doc_id)]
