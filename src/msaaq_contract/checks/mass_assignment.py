"""Mass assignment: a write must not store what its body does not declare (Laravel's ``$fillable``).

The members probed on a write are those of the read's model that the write's body does not declare (``id``,
``created_at``, ``status``, ``academy_id``...), and those either schema marks ``readOnly``: all the contract
says only the server sets. Each gets two distinct values (``probes``); the probe writes the first (the create),
reads the row back as its owner, writes the second (the update, or a second create) and reads again. A member is
stored only when *both* reads answer what was sent: one value could be the server's own (a default, a counter),
two chosen apart cannot. A 422, or a member accepted and ignored, conforms.

The check is pure: ``mass_assignment`` judges the read after the second write, given what was sent and what the
first read answered (the expectation), so a replay judges the recording the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jsonschema_rs

from ..contract import Contract, Operation
from ..contract.flatten import flatten, types_of
from ..contract.resources import Chain, resource_graph
from ..contract.shapes import object_members, success_data
from ..redaction import SENSITIVE_KEY
from .base import CheckContext, Exchange, Finding, check, compact

# Two values per type, the second *below* the first: a counter, an auto-increment or a clock only moves up, so a
# server that picks its own values cannot answer both. Strings carry our marker, which no server makes up.
# Seven digits at most: eight would read as a phone number to the redactor, which would blank them in cassettes.
INTEGERS = (9_876_543, 1_234_567)
NUMBERS = (98_765.25, 12_345.5)
TEXTS = ("msaaq-contract-mass-assignment-b", "msaaq-contract-mass-assignment-a")
# Laravel's own serialisation of a date (``Carbon::toJSON``), so a stored value reads back as sent.
DATE_TIMES = ("2001-02-03T04:05:06.000000Z", "2000-01-02T03:04:05.000000Z")
URIS = ("https://msaaq-contract.test/mass-assignment-b", "https://msaaq-contract.test/mass-assignment-a")
# Laravel names its date columns ``*_at`` (``created_at``, ``published_at``): a plain-string member so named gets
# dates, as its database column would refuse our text and hide a stored value behind a 500.
TIMESTAMP_NAME = re.compile(r"_at$")


@dataclass(frozen=True)
class Probe:
    """A member a write must not store, and the two values sent to it."""

    member: str
    first: Any
    second: Any
    why: str  # "response-only" or "readOnly"


def _pair(name: str, prop: dict[str, Any]) -> tuple[Any, Any] | None:
    """Two distinct values the member's schema accepts, or None where none are telling.

    An enum gives its last and first values (a lifecycle moves forward through its listed states, not back);
    booleans give none: a flag the server derives can match one bit twice by itself, which proves nothing.
    Objects and arrays give none: relations, not columns.
    """
    enum = prop.get("enum")
    if isinstance(enum, list):
        values = [v for v in enum if v is not None and not isinstance(v, (bool, dict, list))]
        return (values[-1], values[0]) if len(values) >= 2 else None
    types = [t for t in types_of(prop) if t != "null"]
    fmt = prop.get("format")
    if "integer" in types:
        pair: tuple[Any, Any] = INTEGERS
    elif "number" in types:
        pair = NUMBERS
    elif "string" in types:
        if fmt == "date-time" or (fmt is None and TIMESTAMP_NAME.search(name)):
            pair = DATE_TIMES
        elif fmt in ("uri", "url"):
            pair = URIS
        elif fmt is None:
            pair = TEXTS
        else:
            return None  # dates (redacted as phone-like digits), e-mails, uuids: not sent
    else:
        return None
    schema = {k: v for k, v in prop.items() if k != "format"}
    return pair if all(jsonschema_rs.is_valid(schema, v) for v in pair) else None


def _props(contract: Contract, schema: Any) -> dict[str, dict[str, Any]]:
    if schema is None:
        return {}
    members = flatten(contract, schema).get("properties") or {}
    return {name: flatten(contract, sub) for name, sub in members.items()}


def probes(
    contract: Contract, writer: Operation, read: Operation, *, skip: frozenset[str] = frozenset()
) -> list[Probe]:
    """What ``writer`` must not store, as ``read`` shows it: members of the read's model its body does not declare,
    or that either marks ``readOnly``, each with two values. None when the body declares no member: the
    contract does not know that write's fillable, so nothing it sends is out of bounds."""
    body = _props(contract, writer.request_schema)
    data = success_data(contract, read)
    if not body or data is None:
        return []
    found = []
    for name, sub in object_members(contract, data).items():
        prop = flatten(contract, sub)
        declared = body.get(name)
        read_only = bool(prop.get("readOnly") or (declared or {}).get("readOnly"))
        if name in skip or SENSITIVE_KEY.search(name) or (declared is not None and not read_only):
            continue
        pair = _pair(name, prop)
        if pair is not None:
            found.append(Probe(name, *pair, why="readOnly" if read_only else "response-only"))
    return found


def deleter(contract: Contract, chain: Chain) -> Operation | None:
    """The delete of what ``chain`` creates: its link, else its collection's (the resource graph's)."""
    made = resource_graph(contract).created_by(chain.create)
    return chain.links.get("delete") or (made.delete if made is not None else None)


def probed_creates(contract: Contract) -> list[str]:
    """The creates the family probes: a chain's create whose read shows a member its body does not declare, on a
    resource the contract can delete (a probe leaves nothing behind; payouts and subscriptions have no delete)."""
    chains = resource_graph(contract).chains
    return sorted(
        doc_id
        for doc_id, chain in chains.items()
        if deleter(contract, chain) is not None and probes(contract, chain.create, chain.links["read"])
    )


def stored(sent: Any, read: Any) -> bool:
    """Whether a read answers the value sent (as text: a form sends numbers as text; dates as instants)."""
    if read is None or isinstance(read, (dict, list, bool)):
        return False
    if isinstance(sent, str) and isinstance(read, str) and sent[:4].isdigit() and "T" in sent:
        try:
            return datetime.fromisoformat(sent) == datetime.fromisoformat(read)
        except ValueError:
            return sent == read
    if isinstance(sent, (int, float)) and not isinstance(read, str):
        return float(sent) == float(read)
    return str(sent) == str(read)


@check("mass_assignment")
def mass_assignment(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    """Judge the read after the second write. Expectation: ``first`` and ``second`` ({member: value sent}),
    ``after_first`` ({member: what the read after the first write answered}), ``writes`` (how each was sent,
    e.g. ``"create, then update"``)."""
    expect = ctx.expectation or {}
    first, second = expect.get("first") or {}, expect.get("second") or {}
    after_first = expect.get("after_first") or {}
    data = exchange.data if isinstance(exchange.data, dict) else {}
    writes = expect.get("writes", "two writes")
    findings = []
    for member, value in second.items():
        if member not in first or member not in data:
            continue
        if stored(first[member], after_first.get(member)) and stored(value, data[member]):
            findings.append(
                Finding(
                    check="mass_assignment",
                    title="Read-only member stored (mass assignment)",
                    message=(
                        f"{member}, which the body does not declare, was sent as {compact(first[member])} and "
                        f"{compact(value)} ({writes}); the owner read back {compact(after_first.get(member))} "
                        f"then {compact(data[member])}"
                    ),
                    expected="ignored (not fillable) or refused (422)",
                    actual=f"stored both values: {compact(first[member])}, {compact(value)}",
                    pointer=f"/data/{member}",
                )
            )
    return findings
