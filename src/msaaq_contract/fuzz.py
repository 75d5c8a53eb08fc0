"""Property-based requests from the contract (schemathesis + hypothesis), judged by our own checks.

Generation is derandomized with a fixed seed and no example database, so an offline replay generates the
same requests the recording run sent. Each generated request is serialized as schemathesis serializes it and
sent through the suite's own client (``Client.send_raw``): paced, its 429s waited out, counted in the ledger. A
request already sent in this test is not sent again (its answer was judged). Header parameters (X-Tenant,
Accept-Language) are removed from the generated surface: the suite sets them, so a "negative" header that we then
overwrite can never produce a false alarm. Generated cases reach business logic with the fixture ids (an invalid
body is validated only once the route's models are bound); destructive operations get an id that cannot exist, so
fuzzing never deletes the data other tests read. A negative example Laravel accepts by design (``"1"`` for an
integer, ``1`` for a boolean, ``""`` for a nullable member: ``checks.request``) is not sent: the negative
examples are spent on values Laravel refuses.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, reject, seed, settings
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation

from .checks.base import ContractViolation, Finding
from .checks.request import request_problems
from .client.happy import PreparedCall
from .contract import Contract, Operation
from .errors import OverBudget
from .exchange import Exchange, RecordedRequest

MISSING_ID = "999999999"
# What ``requests.Request`` accepts of schemathesis' serialized case (it also names transport options).
REQUEST_KEYS = ("method", "url", "headers", "params", "cookies", "data", "json", "files", "auth")
Send = Callable[[str, str, dict[str, str], bytes | None], Exchange]


@functools.lru_cache(maxsize=2)
def fuzz_schema(contract: Contract) -> Any:
    document = copy.deepcopy(contract.document)
    for item in document["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and "parameters" in op:
                op["parameters"] = [p for p in op["parameters"] if _location(document, p) != "header"]
    return schemathesis.openapi.from_dict(document)


def _location(document: dict[str, Any], param: dict[str, Any]) -> str:
    if "$ref" in param:
        name = str(param["$ref"]).rsplit("/", 1)[-1]
        return str(document["components"]["parameters"][name].get("in", ""))
    return str(param.get("in", ""))


def _body_is_negative(case: Any) -> bool:
    info = case.meta.components.get(ParameterLocation.BODY) if case.meta else None
    if info is None or info.mode != GenerationMode.NEGATIVE:
        return False
    # Random bytes in place of a JSON body (schemathesis' syntax fuzzing; hypothesis' first, simplest draws pick
    # it): Laravel reads them as empty input, which most operations accept, so they say nothing about the
    # operation's rules. Generated values that break the schema do, and a throttled staging affords few requests.
    return not (isinstance(case.body, bytes) and "json" in str(case.media_type or ""))


def run(
    contract: Contract,
    op: Operation,
    doc_id: str,
    *,
    mode: str,
    base_url: str,
    headers: dict[str, str],
    path_values: dict[str, str],
    examples: int,
    fixed_seed: int,
    judge: Callable[[Exchange, bool], list[Finding]],
    send: Send,
) -> int:
    """Generate ``examples`` requests, send each distinct one with ``send(method, url, headers, body)`` and
    judge its answer; returns how many were sent.

    ``judge(exchange, negative)`` returns the error findings; the first failing example stops the run. When the
    time budget runs out mid-way, what was judged stands; with nothing sent the test is over budget.
    """
    api_op = fuzz_schema(contract)[op.path][op.method.upper()]
    negative = mode == "negative"
    overrides: dict[str, Any] = {}
    if op.path_params:
        # Both modes address a real resource: Laravel binds the route's models before it validates, so a generated
        # id would be refused 404 and an invalid body never reach the operation's rules.
        overrides["path_parameters"] = (
            {p.name: MISSING_ID for p in op.path_params} if op.destructive else dict(path_values)
        )
    strategy = api_op.as_strategy(
        generation_mode=GenerationMode.NEGATIVE if negative else GenerationMode.POSITIVE, **overrides
    )
    if negative:
        # Only an invalid *body* makes a request invalid for sure: unknown headers or extra query parameters
        # are ignored by real APIs, and counting them would report false alarms.
        strategy = strategy.filter(_body_is_negative)
    sent = [0]
    seen: dict[tuple[str, str, bytes], list[Finding]] = {}  # each distinct request -> what its answer showed
    over: list[OverBudget] = []

    # A fixed seed per (run seed, endpoint): the same requests whatever ran before in this process.
    @seed(fixed_seed + zlib.crc32(f"{doc_id}:{mode}".encode()))
    @settings(
        max_examples=examples,
        derandomize=False,
        database=None,
        deadline=None,
        phases=[Phase.generate],  # no shrinking: a bounded, replayable number of requests
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        print_blob=False,
    )
    @given(case=strategy)
    def examples_test(case: Any) -> None:
        if over:
            return
        method, url, request_headers, body = serialize(case, base_url, headers)
        if negative and not request_problems(contract, op, RecordedRequest(method, url, request_headers, body)):
            reject()  # Laravel reads it as valid: no negative example
        key = (method, url, body or b"")
        if key not in seen:
            try:
                exchange = send(method, url, request_headers, body)
            except OverBudget as exc:
                over.append(exc)
                return
            sent[0] += 1
            seen[key] = judge(exchange, negative)
        # Generated again (or replayed by hypothesis to report a failure): the first answer's verdict stands.
        if seen[key]:
            raise ContractViolation(doc_id, seen[key])

    with _no_local_constants():
        examples_test()
    if over and not sent[0]:
        raise over[0]
    return sent[0]


def serialize(case: Any, base_url: str, headers: dict[str, str]) -> tuple[str, str, dict[str, str], bytes | None]:
    """The request schemathesis would send for ``case``, as method, URL, headers and body bytes."""
    kwargs = case.as_transport_kwargs(base_url=base_url, headers=dict(headers))
    prepared = requests.Request(**{k: kwargs[k] for k in REQUEST_KEYS if k in kwargs}).prepare()
    raw = prepared.body
    body = raw.encode("utf-8") if isinstance(raw, str) else raw if isinstance(raw, bytes) else None
    # httpx sets the length of what it sends; every other header goes as schemathesis built it.
    sent_headers = {k: str(v) for k, v in prepared.headers.items() if k.lower() != "content-length"}
    return str(prepared.method), str(prepared.url), sent_headers, body


@contextlib.contextmanager
def _no_local_constants() -> Iterator[None]:
    """Hypothesis mixes literals mined from the *loaded local modules* into generated values; which modules are
    loaded differs between a recording run (the reference server is imported) and a replay, so the generated
    requests would differ. Generation must depend on the seed and the contract only."""
    from hypothesis.internal.conjecture import providers

    original = getattr(providers, "_get_local_constants", None)
    if original is None:  # hypothesis before local-constant mining: nothing to switch off
        yield
        return
    empty = providers.Constants()  # type: ignore[attr-defined]
    providers._get_local_constants = lambda: empty
    try:
        yield
    finally:
        providers._get_local_constants = original


def auth_headers(call: PreparedCall, token: str | None) -> dict[str, str]:
    headers = {k: v for k, v in call.headers.items() if k.lower() != "content-type"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers
