"""Group observations by root cause across operations, each group with the contract change that removes it.

The key of a group comes from the contract, never from names: a schema finding is located (``locate.py``) at
the schema node that declared the value, so the same model field groups across every operation returning the
model. Kinds, in the order they are decided:

- ``guessed-route``: a low-confidence operation whose every call answered 404/405 (the guess is wrong);
- ``undocumented-status``: a response whose status the contract does not document; every other finding on
  that response is a consequence and joins the group;
- ``null-field`` / ``field-type``: a value of a JSON type the declaring node does not allow;
- ``enum-value``: values missing from the enum that declared them;
- ``required-field``: a required member that did not come;
- ``request-required`` / ``request-type`` / ``request-enum``: a rule the target stated in a 422 answer to a
  request the contract calls valid (``refusals``, ``requests``); the status finding of that answer is its
  consequence, not a group of its own;
- ``method-alias``: a path that declares PUT and answers PATCH as Laravel's resource routes do (a warning of
  the methods check): ``alias-method`` records it on the PUT operation (``x-method-aliases``);
- ``envelope`` and ``other``: the rest, by check and title (no contract change: keep or edit by hand).

An observation the current contract already accepts (the change was applied) is dropped, so calibrating a
report again after ``--apply`` proposes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..checks.base import Finding, short
from ..checks.methods import ALIAS_TITLE
from ..checks.schema import subschema_validator
from ..contract import Contract, Operation
from ..contract.methods import ALIASES, aliased
from .evidence import Observation
from .group import Group, actual_value, allows_type, json_type, shared_drifts
from .locate import Location, Walker
from .requests import request_group
from .usage import Usage

__all__ = ["Group", "Grouper", "actual_value", "json_type", "shared_drifts"]

Located = tuple[Location, Location | None]  # (member declaration, node carrying the failing keyword)
REQUIRED_MESSAGE = re.compile(r"^'(.+)' is a required property$")
STATUS_TITLES = ("Undocumented status code", "Valid request not accepted")
ROUTE_MISSING = (404, 405)
REFUSED_HINT = (
    "a validation answer: calibrate with --cassettes DIR of the recording run, and the rules it states "
    "(required members, types, enums) become proposals; or keep"
)


def _change(kind: str, loc: Location, **values: Any) -> list[dict[str, Any]]:
    """The overrides change editing ``loc``; none for nodes outside schemas and operations (root responses)."""
    if loc.kind == "document":
        return []
    return [{"change": kind, loc.kind: loc.owner, "pointer": loc.pointer, **values}]


class Grouper:
    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.walker = Walker(contract)
        self.usage = Usage(contract)
        self.groups: dict[str, Group] = {}
        self.ruled: set[str] = set()  # operations whose recorded refusals stated rules

    def group(self, observations: Iterable[Observation]) -> list[Group]:
        observations = list(observations)
        self.ruled = {o.operation_id for o in observations if o.rule is not None}
        by_doc: dict[str, list[Observation]] = {}
        for o in observations:
            by_doc.setdefault(o.doc_id, []).append(o)
        rest: list[Observation] = []
        for doc_id, found in by_doc.items():
            if self._guessed_route(doc_id, found):
                self._add(self._route_group(found[0].operation_id), found)
            else:
                rest.extend(found)
        by_exchange: dict[str, list[Observation]] = {}
        for o in rest:
            by_exchange.setdefault(o.exchange, []).append(o)
        for found in by_exchange.values():
            self._exchange(found)
        groups = [g for g in self.groups.values() if g.observations]
        for g in groups:
            g.observations.sort(key=lambda o: o.sort_key)
            if g.kind == "undocumented-status":
                g.changes = self._status_changes(g)
                g.touches = sorted({str(c["operation"]) for c in g.changes}) or g.operations
        return sorted(groups, key=lambda g: (-g.evidence, g.key))

    def _add(self, group: Group, observations: Iterable[Observation]) -> None:
        held = self.groups.setdefault(group.key, group)
        for o in observations:
            # A null in a string enum fails ``type`` and ``enum`` at once: one value is one piece of evidence.
            seen = (o.exchange, o.finding.pointer)
            if held.kind in ("null-field", "field-type") and seen in held.values:
                continue
            held.values.add(seen)
            held.observations.append(o)

    # -- routes and statuses ---------------------------------------------------------------------------------
    def _guessed_route(self, doc_id: str, found: list[Observation]) -> bool:
        op = self.contract.operation(doc_id)
        low = op.low_confidence(doc_id)
        statuses = {o.status for o in found}
        refused = any(o.finding.title == STATUS_TITLES[1] for o in found)
        return low and refused and statuses <= set(ROUTE_MISSING)

    def _route_group(self, op_id: str) -> Group:
        op = self.contract.operations[op_id]
        return Group(
            key=f"route:{op_id}",
            kind="guessed-route",
            summary=f"{op.label} ({op.title}) answered 404/405 on every call: the guessed route is wrong",
            touches=[op_id],
            where=self._file_of(Location("operation", op_id, "")),
            declared=f"{op.label}, x-source {op.source}, x-confidence {op.confidence}",
            hint="find the route the API serves for this docs entry and correct the operation by hand; or keep",
        )

    def _exchange(self, found: list[Observation]) -> None:
        status = next((o.status for o in found if o.status is not None), None)
        op = self.contract.operations[found[0].operation_id]
        if status == 422 and op.operation_id in self.ruled and all(o.rule is None for o in found):
            return  # the refusal's own rules (read from its recorded answer) are the root cause
        titles = {o.finding.title for o in found}
        undocumented = STATUS_TITLES[0] in titles
        not_accepted = STATUS_TITLES[1] in titles and status is not None and 200 <= status < 400
        if status is not None and (undocumented or not_accepted):
            if self._status_now_documented(op, status):
                return  # the contract already documents it: a consequence that calibration resolved
            self._add(self._status_group(status), found)
            return
        for o in found:
            group = self._classify(o)
            if group is not None:
                self._add(group, [o])

    def _status_now_documented(self, op: Operation, status: int) -> bool:
        if status < 400:
            return str(status) in op.success_statuses
        return op.response_for(status) is not None

    def _status_group(self, status: int) -> Group:
        return Group(
            key=f"status:{status}",
            kind="undocumented-status",
            summary=f"HTTP {status} is not documented",
            hint="" if status < 400 else "document the error response by hand (or keep): bodies vary",
        )

    def _status_changes(self, group: Group) -> list[dict[str, Any]]:
        status = group.observations[0].status or 0
        if not 200 <= status < 400:
            return []
        changes = []
        for op_id in group.operations:
            op = self.contract.operations[op_id]
            if str(status) in op.responses:
                continue
            like = (
                None if status in (204, 304) else next((s for s in op.success_statuses if op.responses[s].schema), None)
            )
            changes.append({"change": "add-response", "operation": op_id, "status": str(status), "like": like})
        if changes:
            group.where = self._file_of(Location("operation", str(changes[0]["operation"]), "/responses"))
        documents = {", ".join(self.contract.operations[i].success_statuses) for i in group.operations}
        group.declared = f"documented success statuses: {' / '.join(sorted(documents))}"
        group.summary = f"HTTP {status} is not documented ({len(group.operations)} operation(s))"
        return changes

    # -- one finding ------------------------------------------------------------------------------------------
    def _classify(self, o: Observation) -> Group | None:
        f = o.finding
        if o.rule is not None:
            group = self.groups.get(f"request:{o.operation_id}:{o.rule.kind}:{o.rule.field}")
            group = group or request_group(self.contract, o)
            if group is not None and not group.where:
                group.where = self._file_of(Location("operation", o.operation_id, ""))
            return group
        if f.check == "methods" and f.title == ALIAS_TITLE:
            return self._alias_group(o)
        if f.check == "schema" and f.pointer is not None and f.expected:
            return self._schema_group(o)
        if f.check == "envelope":
            return Group(
                key=f"envelope:{f.title}:{f.pointer or ''}",
                kind="envelope",
                summary=f"envelope: {f.title}" + (f" at {f.pointer}" if f.pointer else ""),
                declared=f"expected {f.expected}" if f.expected else "",
                hint="the envelope rules are the suite's (checks/envelope.py); keep, or fix x-response-kind by hand",
            )
        return self._other(o)

    def _alias_group(self, o: Observation) -> Group | None:
        """The framework's aliases of the declared methods of the path the methods check probed."""
        probed = self.contract.operations[o.operation_id]
        owners = [op for op in self.contract if op.path == probed.path and op.server_root == probed.server_root]
        changes = [
            {"change": "alias-method", "operation": op.operation_id, "methods": [ALIASES[op.method.upper()]]}
            for op in owners
            if op.method.upper() in ALIASES and ALIASES[op.method.upper()] not in aliased(self.contract, op)
        ]
        if not changes:
            return None  # recorded already: calibrating again proposes nothing
        label = f"{probed.path}" + (" (host root)" if probed.server_root else "")
        return Group(
            key=f"alias:{label}",
            kind="method-alias",
            summary=f"{label} answers PATCH as PUT (Laravel's resource route): record the alias",
            changes=changes,
            touches=[str(c["operation"]) for c in changes],
            where=self._file_of(Location("operation", str(changes[0]["operation"]), "")),
            declared="x-method-aliases: none",
        )

    def _other(self, o: Observation) -> Group:
        f = o.finding
        actual = f" (got {f.actual})" if f.check == "status" and f.actual else ""
        return Group(
            key=f"{o.family}:{f.check}:{f.title}{actual}",
            kind="other",
            summary=f"{o.family}: {f.title}{actual}",
            declared=f"expected {f.expected}" if f.expected else "",
            hint=REFUSED_HINT
            if o.status == 422
            else "not a shape of the contract: keep as a known deviation, or fix the API (or the fixtures)",
        )

    def _candidates(self, o: Observation) -> list[Operation]:
        """The operation that answered; for a chain step of a report without ``Finding.operation``, also the
        operations the chain links (the step's own operation is one of them)."""
        op = self.contract.operations[o.operation_id]
        if o.family != "stateful" or o.finding.operation:
            return [op]
        linked = [
            link.get("operationId")
            for response in op.raw.get("responses", {}).values()
            for link in (response.get("links") or {}).values()
        ]
        return [op, *(self.contract.operations[i] for i in dict.fromkeys(linked) if i in self.contract.operations)]

    def _schema_group(self, o: Observation) -> Group | None:
        f = o.finding
        keyword = (f.expected or "").split(":", 1)[0]
        match = REQUIRED_MESSAGE.match(f.message.split(": ", 1)[-1]) if keyword == "required" else None
        name = match.group(1) if match else None
        found = None
        for op in self._candidates(o):
            status = str(o.status) if o.status is not None else next(iter(op.success_statuses), "200")
            found = self._keyword(op, status, f.schema_path, keyword) or self._by_pointer(op, status, f, name)
            if found is not None:
                break
        if found is None:
            return self._other(o)
        member, holder = found
        if keyword == "required":
            if holder is None or name is None or name not in (self.walker.node(holder).get("required") or []):
                return None  # no longer required anywhere: already accepted
            return self._required_group(holder, name)
        exact, value = actual_value(f.actual)
        if keyword == "enum":
            if holder is None or not exact:
                return self._other(o)
            if allows_type(self.walker.node(holder), value):
                return None if value in self.walker.node(holder)["enum"] else self._enum_group(holder, value)
            keyword = "type"  # null in a string enum: the same root cause as the type finding beside it
        if keyword in ("type", "anyOf", "oneOf", "const"):
            return None if self._accepts(member, value) else self._type_group(member, json_type(value))
        return self._other(o)

    def _keyword(self, op: Operation, status: str, path: str | None, keyword: str) -> Located | None:
        """(member declaration, node carrying ``keyword``) from the finding's schema path: the exact branch."""
        found = self.walker.along(op, status, path) if path else None
        if found is None or found.name != keyword:
            return None
        return found.member, found.holder

    def _by_pointer(self, op: Operation, status: str, f: Finding, required: str | None) -> Located | None:
        """The same from the body pointer alone (findings of reports written before they named a schema path)."""
        slot = self.walker.slot(op, status, f.pointer or "/")
        if slot is None:
            return None
        keyword = (f.expected or "").split(":", 1)[0]
        if keyword in ("required", "enum"):
            return slot, self.walker.declaring(slot, keyword, required)
        return slot, slot

    def _accepts(self, loc: Location, value: Any) -> bool:
        return bool(subschema_validator(self.contract, loc.bundled_pointer(self.contract)).is_valid(value))

    def _named(self, loc: Location) -> str:
        prop = loc.property
        if loc.kind == "schema" and prop is not None and loc.pointer == f"/properties/{prop}":
            return f"{loc.owner}.{prop}"
        return f"{loc.owner} {loc.pointer or '/'}"

    def _base(self, key: str, kind: str, summary: str, loc: Location) -> Group:
        touches = self.usage.operations_using(loc.owner) if loc.kind == "schema" else [loc.owner]
        declared = short(self.walker.node(loc), 160)
        return Group(key, kind, summary, touches=touches, where=self._file_of(loc), declared=declared)

    def _type_group(self, slot: Location, kind: str) -> Group:
        null = kind == "null"
        key = f"{'null' if null else 'type'}:{slot.label}" + ("" if null else f":{kind}")
        if key in self.groups:
            return self.groups[key]
        drift = "null" if null else f"a {kind}"
        group = self._base(key, "null-field" if null else "field-type", f"{self._named(slot)} is {drift}", slot)
        group.changes = _change("add-types", slot, types=[kind])
        prop = slot.property
        if slot.kind == "schema" and prop is not None and slot.pointer == f"/properties/{prop}":
            group.member = (slot.owner, prop, drift)
        return group

    def _enum_group(self, holder: Location, value: Any) -> Group:
        key = f"enum:{holder.label}"
        group = self.groups.get(key) or self._base(key, "enum-value", "", holder)
        values = group.changes[0]["values"] if group.changes else []
        if value not in values:
            values.append(value)
        if holder.kind != "document":
            group.changes = [
                {"change": "add-enum", holder.kind: holder.owner, "pointer": holder.pointer, "values": values}
            ]
        group.summary = f"{self._named(holder)} has undeclared enum value(s) {short(values, 80)}"
        return group

    def _required_group(self, holder: Location, name: str) -> Group:
        key = f"required:{holder.label}/{name}"
        if key in self.groups:
            return self.groups[key]
        summary = f"{self._named(holder)}: required member {name!r} is missing"
        group = self._base(key, "required-field", summary, holder)
        if holder.kind != "document":
            group.changes = [
                {"change": "not-required", holder.kind: holder.owner, "pointer": holder.pointer, "property": name}
            ]
        return group

    def _file_of(self, loc: Location) -> str:
        file, inner = self.contract.bundle.locate(loc.bundled_pointer(self.contract))
        return f"{file}#{inner}"
