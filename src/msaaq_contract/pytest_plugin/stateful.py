"""Stateful chains: create -> read -> update -> read -> list -> delete -> read, following the contract's links.

What was written must be what is read back, and a deleted resource must be gone: a 404 that is the read's
documented 404 (``checks.documented``), as every step's answer is the documented answer of its operation.
Whatever a chain created is deleted at the end, also when a step fails.
"""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import pytest

from ..checks import status
from ..checks.base import Finding
from ..checks.documented import documented_answer
from ..checks.request import GUESSED
from ..client.happy import PreparedCall, build_happy_request
from ..contract import Contract, Operation
from ..contract.flatten import flatten, types_of
from ..contract.resources import Chain
from ..contract.shapes import success_data
from ..exchange import Exchange
from .suite import Conformance, missing_data_skips

UPDATED_TEXT = "نسخة محدثة من msaaq-contract"
UPDATED_CODE = "MSAAQUPDATED"
TEXT_MEMBERS = ("title", "name", "description", "summary", "code")  # what a chain writes, in this order


def doc_id_of(op: Operation) -> str:
    """The id a request to ``op`` is built and judged as: its first documented id, else its operationId."""
    return op.doc_ids[0] if op.doc_ids else op.operation_id


def _data(exchange: Exchange) -> dict[str, Any]:
    return exchange.data or {}


def _same(sent: Any, read: Any) -> bool:
    if isinstance(read, bool) or isinstance(sent, bool):
        return str(sent).lower() in ("1", "true") if read else str(sent).lower() in ("0", "false")
    return str(sent) == str(read)


def run_chain(c: Conformance, chain: Chain) -> None:
    contract, fixtures = c.contract, c.runtime.fixtures
    if not c.runtime.settings.writes_allowed():
        pytest.skip(f"mutating: the {chain.create.label} chain is refused against {c.runtime.settings.host}")
    steps: list[str] = []

    def step(name: str, op: Operation, exchange: Exchange, expect_success: bool = True) -> None:
        steps.append(f"{name} {op.method.upper()} -> {exchange.status}")
        # The registry's checks of the chain; a step that need not succeed is not held to a success status.
        checks = [check for check in c.checks if expect_success or check is not status.success_expected]
        # Judged as the step's own operation: a finding lands on the documented id that broke.
        c.judge(exchange, *checks, doc_id=doc_id_of(op), step=name)

    def call_for(op: Operation, created: str | None, body: dict[str, Any] | None = None) -> Any:
        values = {op.path_params[-1].name: created} if created is not None and op.path.endswith("}") else None
        # the item path ends with the created resource's parameter
        return with_body(build_happy_request(contract, doc_id_of(op), fixtures, values=values), body or {})

    created_id: str | None = None
    with missing_data_skips():
        create_call = call_for(chain.create, None)
    with c.recording():
        try:
            created = c.send(create_call)
            step("create", chain.create, created)
            if not 200 <= created.status < 300:
                return  # the create's own refusal is the finding; there is nothing to follow
            data = _data(created)
            field = chain.member
            if field not in data:
                missing = Finding(
                    check="stateful",
                    title="Created resource has no identifier",
                    message=f"the create answer carries no data.{field} to follow its links",
                    pointer=f"/data/{field}",
                )
                c.record([missing], created, step="create")
                return
            created_id = str(data[field])
            sent = create_call.json if create_call.json is not None else (create_call.data or {})
            read_op = chain.links["read"]
            read = c.send(call_for(read_op, created_id))
            step("read", read_op, read)
            _compare(c, "read after create", sent, read, chain.create)
            update_op = chain.links.get("update")
            if update_op is not None:
                change, origin = _update_change(contract, chain, update_op, _data(read))
                if change:
                    updated = c.send(call_for(update_op, created_id, change))
                    step("update", update_op, updated)
                    reread = c.send(call_for(read_op, created_id))
                    step("read", read_op, reread)
                    _compare(c, "read after update", change, reread, update_op, origin)
            list_op = chain.links.get("list")
            if list_op is not None:
                listed = c.send(call_for(list_op, None))
                step("list", list_op, listed)
            delete_op = chain.links.get("delete")
            if delete_op is not None:
                deleted = c.send(call_for(delete_op, created_id))
                step("delete", delete_op, deleted)
                if 200 <= deleted.status < 300:
                    created_id = None
                    gone = c.send(call_for(read_op, str(data[field])))
                    steps.append(f"read-after-delete -> {gone.status}")
                    if gone.status == 404:
                        # Gone, and said the way the read documents its 404: status, media type, body, headers.
                        c.judge(gone, documented_answer, doc_id=doc_id_of(read_op), step="read-after-delete")
                    else:
                        still = Finding(
                            check="stateful",
                            title="Deleted resource still served",
                            message=f"read after delete got HTTP {gone.status}",
                            expected="404",
                            actual=str(gone.status),
                        )
                        c.record([still], gone, doc_id=doc_id_of(delete_op), step="delete")
        finally:
            if created_id is not None and "delete" in chain.links:
                c.runtime.client.send(call_for(chain.links["delete"], created_id), mutating=True)


def _members(contract: Contract, schema: Any) -> dict[str, dict[str, Any]]:
    """The members an object schema declares, each flattened (``$ref`` followed, ``allOf`` merged)."""
    if schema is None:
        return {}
    members = flatten(contract, schema).get("properties") or {}
    return {name: flatten(contract, sub) for name, sub in members.items()}


def _writable(prop: dict[str, Any], value: str) -> bool:
    """A member ``value`` fits: a string the member's schema accepts (its pattern, length, enum), without a
    format (formats are not asserted, so one could refuse the text unseen) and not read-only."""
    if "string" not in types_of(prop) or "format" in prop or prop.get("readOnly"):
        return False
    return bool(jsonschema_rs.is_valid(prop, value))


def _derived(prop: dict[str, Any]) -> str:
    """Where the contract took a body member it derived rather than saw (contracts/README: ``x-source``)."""
    source, ref = prop.get("x-source"), prop.get("x-source-ref")
    if source == "create":
        return "a member the create accepts"
    return f"a member the contract derived from {ref}"


def distinct_change(contract: Contract, op: Operation, current: dict[str, Any]) -> dict[str, Any]:
    """One member ``op``'s body documents, set to a value it accepts that ``current`` does not hold (text
    members first, then another enum value, a number plus one, the other boolean); {} when none fits."""
    members = _members(contract, op.request_schema)
    names = [n for n in TEXT_MEMBERS if n in members] + sorted(n for n in members if n not in TEXT_MEMBERS)
    for name in names:
        prop, now = members[name], current.get(name)
        if prop.get("readOnly") or "format" in prop:
            continue
        for value in _candidates(prop, now, UPDATED_CODE if name == "code" else UPDATED_TEXT):
            if value != now and jsonschema_rs.is_valid(prop, value):
                return {name: value}
    return {}


def _candidates(prop: dict[str, Any], now: Any, text: str) -> list[Any]:
    if prop.get("enum"):
        return [v for v in prop["enum"] if v is not None]
    types = types_of(prop)
    number = now if isinstance(now, (int, float)) and not isinstance(now, bool) else 0
    out: list[Any] = []
    if "string" in types:
        out.append(text)
    if "integer" in types or "number" in types:
        out += [int(number) + 1, int(number) - 1]
    if "boolean" in types:
        out.append(not now if isinstance(now, bool) else True)
    return out


def with_body(call: PreparedCall, change: dict[str, Any]) -> PreparedCall:
    """``call`` with ``change`` merged into its body (as text in a form)."""
    if change and call.data is not None:
        call.data.update({k: str(v) for k, v in change.items()})
    elif change:
        call.json = {**(call.json or {}), **change}
    return call


def _update_change(
    contract: Contract, chain: Chain, update: Operation, current: dict[str, Any]
) -> tuple[dict[str, str], str]:
    """One text member to write and read back, and where it was taken from ("" when the update's body
    documents it).

    An update whose body documents no text member still gets verified: it writes a member the contract derived
    for the body (``x-source``: the model's, the create's), else one the create accepts, or that the read's
    model declares and does not mark read-only, unless the update's schema forbids undeclared members
    (``additionalProperties: false``)."""
    own = flatten(contract, update.request_schema) if update.request_schema is not None else {}
    declared = _members(contract, update.request_schema)
    seen = {name: prop for name, prop in declared.items() if prop.get("x-source") not in GUESSED}
    sources: list[tuple[dict[str, dict[str, Any]], str | None]] = [(seen, ""), (declared, None)]
    if own.get("additionalProperties") is not False:
        read_data = success_data(contract, chain.links["read"])
        sources += [
            (_members(contract, chain.create.request_schema), "a member the create accepts"),
            (_members(contract, read_data), "a member the read's model declares"),
        ]
    for members, origin in sources:
        for name in TEXT_MEMBERS:
            prop = members.get(name)
            value = UPDATED_TEXT if name != "code" else UPDATED_CODE
            if prop is not None and name in current and _writable(prop, value):
                return {name: value}, _derived(prop) if origin is None else origin
    return {}, ""


def _compare(c: Conformance, when: str, sent: Any, exchange: Exchange, writer: Operation, origin: str = "") -> None:
    """What ``writer`` wrote must be what the read answered; a difference is ``writer``'s finding. ``origin``
    says where a member the writer does not declare was taken from."""
    why = f" ({origin}; the update's body documents no text member)" if origin else ""
    read = _data(exchange)
    if not isinstance(sent, dict):
        return
    lost = [
        Finding(
            check="stateful",
            title="Written value not read back",
            message=f"{when}: {key} was written as {value!r}, read {read[key]!r}{why}",
            expected=repr(value),
            actual=repr(read[key]),
            pointer=f"/data/{key}",
        )
        for key, value in sent.items()
        if not (isinstance(value, (dict, list)) or key not in read or "password" in key) and not _same(value, read[key])
    ]
    c.record(lost, exchange, doc_id=doc_id_of(writer), step=when)
