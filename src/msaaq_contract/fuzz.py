"""Property-based requests from the contract (schemathesis + hypothesis), judged by our own checks.

Generation is derandomized with a fixed seed and no example database, so an offline replay generates the
same requests the recording run sent. Header parameters (X-Tenant, Accept-Language) are removed from the
generated surface: the suite sets them, so a "negative" header that we then overwrite can never produce a
false alarm. Positive cases reach business logic with the fixture ids; destructive operations get an id that
cannot exist, so fuzzing never deletes the data other tests read.
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
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation

from .checks.base import ContractViolation, Finding
from .checks.schemathesis_exchange import from_schemathesis
from .client.happy import PreparedCall
from .contract import Contract, Operation
from .errors import TargetUnreachable
from .exchange import Exchange

MISSING_ID = "999999999"


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
    return info is not None and info.mode == GenerationMode.NEGATIVE


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
    timeout: float = 30.0,
) -> int:
    """Generate ``examples`` requests and judge each response; returns how many were sent.

    ``judge(exchange, negative)`` returns the error findings; the first failing example stops the run.
    """
    api_op = fuzz_schema(contract)[op.path][op.method.upper()]
    negative = mode == "negative"
    overrides: dict[str, Any] = {}
    if not negative and op.path_params:
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
        try:
            response = case.call(base_url=base_url, headers=dict(headers), allow_redirects=False, timeout=timeout)
        except requests.Timeout:
            raise TargetUnreachable(
                f"{op.label} timed out after {timeout:g}s", hint="the target is slow or down"
            ) from None
        except requests.RequestException as exc:
            raise TargetUnreachable(f"{op.label}: {exc.__class__.__name__}", hint=f"is {base_url} up?") from None
        sent[0] += 1
        findings = judge(from_schemathesis(response), negative)
        if findings:
            raise ContractViolation(doc_id, findings)

    with _no_local_constants():
        examples_test()
    return sent[0]


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
