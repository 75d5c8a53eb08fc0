"""Find real values for every path parameter on a target the suite knows nothing about.

For each documented operation and each of its path parameters, ask the parameter's producer (``producers.py``)
with the parents already found: list the courses, then the chapters of a course, then the contents of that
chapter. When the first parent has no children the next ones are tried (``FANOUT``), so one empty course does
not hide the chapters of another. Every value keeps the request that produced it; every parameter that could
not be found keeps a reason a user can act on. The resource a destructive operation destroys is found too, and
marked ``destroyed``: a probe that acts on nothing (a method probe) may address it, the operation itself never
does (``Fixtures.path_value`` gives it only what the run created, ``Lifecycle.ensure_created``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..client.happy import Fixtures, MissingTargetData, PreparedCall, build_happy_request
from ..contract import Contract, Operation
from ..errors import CredentialsError
from ..exchange import Exchange
from ..redaction import log_redaction
from .producers import Producer, Slot, producer_map, slots

log = logging.getLogger(__name__)
log.addFilter(log_redaction)

FANOUT = 3  # parent values tried (and items kept) per collection: a few requests, robust to empty parents
Send = Callable[[PreparedCall], Exchange]


@dataclass(frozen=True)
class Found:
    value: Any
    source: str  # the request that produced it, e.g. "GET /admin/courses -> data[0].id"


Binding = dict[str, Found]


def values_by_param(found: Discovered) -> dict[str, set[str]]:
    """Every value ``found`` holds, per path parameter."""
    out: dict[str, set[str]] = {}
    for bindings in found.values.values():
        for param, value in bindings.items():
            out.setdefault(param, set()).add(str(value.value))
    return out


@dataclass
class Discovered:
    """What one exploration of one academy found: per documented id, its path values or why they are missing."""

    tenant: str
    values: dict[str, dict[str, Found]] = field(default_factory=dict)
    missing: dict[str, dict[str, str]] = field(default_factory=dict)
    requests: int = 0
    # (collection template, parameter) pairs found / not found: the one-line summary counts these
    found: set[tuple[str, str]] = field(default_factory=set)
    lost: set[tuple[str, str]] = field(default_factory=set)
    # (doc id, parameter) pairs whose value names what the operation destroys: never pinned for it
    destroyed: set[tuple[str, str]] = field(default_factory=set)


def is_destroyed(op: Operation, slot: Slot) -> bool:
    """The resource a destructive operation destroys: its last path parameter."""
    last = slots(op)[-1] if op.path_params else None
    return op.destructive and slot == last


class Explorer:
    def __init__(
        self,
        contract: Contract,
        send: Send,
        tenant: str,
        *,
        fanout: int = FANOUT,
        avoid: Mapping[str, set[str]] | None = None,
    ) -> None:
        """``avoid``: per parameter, values to take last (the main academy's, when exploring the other one: a
        list that leaks them must not make both academies look alike and hide the leak from isolation)."""
        self.contract = contract
        self.avoid = avoid or {}
        self.send = send
        self.tenant = tenant
        self.fanout = fanout
        self.producers = producer_map(contract)
        self._memo: dict[tuple[str, str, str], tuple[list[Binding], str]] = {}
        self.requests = 0
        self._seen: dict[tuple[str, str], Exchange] = {}

    def explore(self) -> Discovered:
        out = Discovered(self.tenant)
        for doc_id, op, slot in self.producers.needed():
            if is_destroyed(op, slot):
                out.destroyed.add((doc_id, slot.param))
            bindings, reason = self.candidates(slot, op.area)
            pair = (slot.key, slot.param)
            if bindings:
                if pair not in out.found:
                    log.debug("discovery (%s): %s found for %s", self.tenant, slot.param, slot.key)
                out.found.add(pair)
                out.values.setdefault(doc_id, {}).update(bindings[0])
            else:
                if pair not in out.lost:
                    log.debug("discovery (%s): %s not found: %s", self.tenant, slot.param, reason)
                out.lost.add(pair)
                out.missing.setdefault(doc_id, {})[slot.param] = reason
        for doc_id, reasons in out.missing.items():  # a parameter found through a deeper slot is not missing
            for param in list(reasons):
                if param in out.values.get(doc_id, {}):
                    del reasons[param]
        out.missing = {k: v for k, v in out.missing.items() if v}
        out.requests = self.requests
        return out

    def candidates(self, slot: Slot, area: str) -> tuple[list[Binding], str]:
        """Up to ``fanout`` consistent bindings (the parameter and its parents), or none and the reason."""
        memo_key = (slot.key, slot.param, area)
        if memo_key not in self._memo:
            self._memo[memo_key] = self._candidates(slot, area)
        return self._memo[memo_key]

    def _candidates(self, slot: Slot, area: str) -> tuple[list[Binding], str]:
        pin = f"pin it in fixtures (path: {{{slot.param}: ...}})"
        producers = self.producers.producers(slot, area)
        if not producers:
            return [], f"no `{slot.param}`: the contract has no operation that lists {slot.key} — {pin}"
        first_reason = ""
        for producer in producers:  # the most trusted first; the next one only when it found nothing
            found, reason = self._from(producer, slot)
            if found:
                return found, ""
            first_reason = first_reason or reason
        return [], f"{first_reason} — create one or {pin}"

    def _from(self, producer: Producer, slot: Slot) -> tuple[list[Binding], str]:
        own = slots(producer.operation)
        parents: list[Binding] = [{}]
        if own:
            parents, reason = self.candidates(own[-1], producer.operation.area)
            if not parents:
                return [], reason.split(" — ")[0]
        out: list[Binding] = []
        reasons: list[str] = []
        for parent in parents[: self.fanout]:
            items, reason = self._ask(producer, parent, slot)
            reasons.append(reason)
            out.extend({**parent, slot.param: found} for found in items[: self.fanout - len(out)])
            if len(out) >= self.fanout:
                break
        under = f" under {len(parents)} `{own[-1].param}` value(s) tried" if own else ""
        return out, f"no `{slot.param}` on the target: {reasons[0]}{under}" if not out else ""

    def _ask(self, producer: Producer, parent: Binding, slot: Slot) -> tuple[list[Found], str]:
        op = producer.operation
        fixtures = Fixtures(tenant=self.tenant, path={k: f.value for k, f in parent.items()})
        try:
            call = build_happy_request(self.contract, op.doc_ids[0], fixtures)
            exchange = self._seen.get((call.method, call.path))
            if exchange is None:  # several parameters may ask the same list: once is enough
                self.requests += 1
                exchange = self._seen[(call.method, call.path)] = self.send(call)
        except MissingTargetData as exc:
            return [], exc.reason
        except CredentialsError as exc:  # no login for this identity: its collections stay unknown
            return [], f"GET {op.path} needs a login: {exc.one_line()}"
        where = f"GET {call.path}"
        if not 200 <= exchange.status < 300:
            return [], f"{where} answered HTTP {exchange.status}"
        parsed, body = exchange.json_body
        data = body.get("data") if parsed and isinstance(body, dict) else None
        shape = "integer " if slot.integer else ""
        if producer.kind == "member":
            value = data.get(producer.member) if isinstance(data, Mapping) else None
            found = [Found(value, f"{where} -> data.{producer.member}")] if slot.accepts(value) else []
            return found, f"{where} answered no {shape}data.{producer.member}"
        items = data if isinstance(data, list) else []
        found = [
            Found(item[producer.member], f"{where} -> data[{i}].{producer.member}")
            for i, item in enumerate(items)
            if isinstance(item, Mapping) and slot.accepts(item.get(producer.member))
        ]
        avoided = self.avoid.get(slot.param, set())
        found.sort(key=lambda f: str(f.value) in avoided)  # stable: the target's order otherwise
        return found, f"{where} listed no items" if not items else f"{where} listed no {shape}{producer.member}"
