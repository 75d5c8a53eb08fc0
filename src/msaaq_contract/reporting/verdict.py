"""Verdicts: the one record every report is written from (``reports/conformance.json`` is its serialisation).

One ``EndpointVerdict`` per documented endpoint id; inside it one ``CheckVerdict`` per check family that ran
(auth, tenant_header, envelope, schema, status, fuzz, stateful, isolation, language). Writers (JSON, Markdown,
HTML; JUnit is written from the test reports, ``pytest_plugin/junit.py``), the gate and the merge of shards
all read this format and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

from .. import families
from ..checks.base import Finding

__all__ = ["FAMILIES", "CheckVerdict", "EndpointVerdict", "Finding", "Report", "RunInfo"]

SCHEMA_VERSION = 1

Outcome = Literal["passed", "failed", "uncertain", "error", "skipped", "not-run"]
# Worst first: an endpoint's outcome is the worst of its checks' outcomes.
OUTCOME_ORDER: tuple[str, ...] = ("failed", "error", "uncertain", "passed", "skipped", "not-run")
# The report columns, in the family registry's order.
FAMILIES: tuple[str, ...] = tuple(families.FAMILIES)


@dataclass
class CheckVerdict:
    family: str
    outcome: Outcome
    nodeids: list[str] = field(default_factory=list)
    violations: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    target_error: str | None = None  # one line, when outcome == "error"
    cassette: str | None = None
    duration_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        # What ``dataclasses.asdict`` gives, built directly: asdict deep-copies every value and took most of
        # the time of writing a 4,500-check report.
        data = {name: getattr(self, name) for name in _CHECK_FIELDS}
        data["nodeids"] = list(self.nodeids)
        data["violations"] = [dict(f.__dict__) for f in self.violations]
        data["warnings"] = [dict(f.__dict__) for f in self.warnings]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckVerdict:
        return cls(
            family=data["family"],
            outcome=data["outcome"],
            nodeids=list(data.get("nodeids", [])),
            violations=[Finding.from_dict(v) for v in data.get("violations", [])],
            warnings=[Finding.from_dict(v) for v in data.get("warnings", [])],
            target_error=data.get("target_error"),
            cassette=data.get("cassette"),
            duration_s=float(data.get("duration_s", 0.0)),
        )


@dataclass
class EndpointVerdict:
    id: str
    area: str
    title: str
    method: str
    path: str
    operation_id: str
    confidence: str
    source: str
    checks: dict[str, CheckVerdict] = field(default_factory=dict)
    # The authorization matrix's row: identity -> allowed | refused | unclear (reporting/access_matrix.py).
    access: dict[str, str] = field(default_factory=dict)

    @property
    def section(self) -> str:
        """The docs section: the id's second segment (``admin.courses.get-course`` -> ``courses``)."""
        parts = self.id.split(".")
        return parts[1] if len(parts) > 2 else self.area

    @property
    def outcome(self) -> Outcome:
        outcomes = [c.outcome for c in self.checks.values()]
        for candidate in OUTCOME_ORDER:
            if candidate in outcomes:
                return candidate  # type: ignore[return-value]
        return "not-run"

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in _ENDPOINT_FIELDS}
        data["checks"] = {k: v.to_dict() for k, v in self.checks.items()}
        if self.access:
            data["access"] = dict(sorted(self.access.items()))
        data["outcome"] = self.outcome
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EndpointVerdict:
        return cls(
            id=data["id"],
            area=data["area"],
            title=data.get("title", ""),
            method=data.get("method", ""),
            path=data.get("path", ""),
            operation_id=data.get("operation_id", data["id"]),
            confidence=data.get("confidence", "high"),
            source=data.get("source", ""),
            checks={k: CheckVerdict.from_dict(v) for k, v in data.get("checks", {}).items()},
            access={str(k): str(v) for k, v in (data.get("access") or {}).items()},
        )


_CHECK_FIELDS = tuple(f.name for f in fields(CheckVerdict))
_ENDPOINT_FIELDS = tuple(f.name for f in fields(EndpointVerdict) if f.name not in ("checks", "access"))


@dataclass
class RunInfo:
    target: str  # "offline (cassettes)", a base URL, or "sim http://127.0.0.1:PORT/v1"; never credentials
    mode: Literal["offline", "live", "sim", "record"]
    contract_version: str
    contract_digest: str
    seed: int
    started_at: str  # ISO 8601, UTC
    duration_s: float = 0.0
    interrupted: bool = False
    exit_status: int | None = None
    shard: str | None = None
    pytest_args: list[str] = field(default_factory=list)
    aborted: str | None = None  # why nothing was judged (the target was unreachable at session start)
    discovery: str | None = None  # live runs: what discovery found on the target, one line
    # What the verdict judges, in words ("recorded from the reference server, a simulation: ..."), and for
    # offline runs the cassettes' own ``recorded_from`` (see recording/provenance.py).
    verdict_on: str = ""
    recorded_from: dict[str, Any] | None = None
    # Live and --sim runs: every request sent to the target (``client.ledger``), and what the plan expected.
    ledger: dict[str, Any] | None = None
    plan: dict[str, Any] | None = None


@dataclass
class Report:
    run: RunInfo
    endpoints: list[EndpointVerdict] = field(default_factory=list)

    def checks(self) -> Iterator[tuple[EndpointVerdict, CheckVerdict]]:
        """Every (endpoint, check) pair, endpoints by id and checks in FAMILIES order (unknown ones last)."""
        rank = {f: i for i, f in enumerate(FAMILIES)}
        for e in sorted(self.endpoints, key=lambda e: e.id):
            for fam in sorted(e.checks, key=lambda f: (rank.get(f, len(rank)), f)):
                yield e, e.checks[fam]

    def totals(self) -> dict[str, Any]:
        by_outcome: dict[str, int] = {}
        by_family: dict[str, dict[str, int]] = {}
        by_area: dict[str, dict[str, int]] = {}
        for e in self.endpoints:
            by_outcome[e.outcome] = by_outcome.get(e.outcome, 0) + 1
            area = by_area.setdefault(e.area, {})
            area[e.outcome] = area.get(e.outcome, 0) + 1
            for fam, cv in e.checks.items():
                f = by_family.setdefault(fam, {})
                f[cv.outcome] = f.get(cv.outcome, 0) + 1
        return {"endpoints": len(self.endpoints), "by_outcome": by_outcome, "by_family": by_family, "by_area": by_area}

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "run": asdict(self.run),
            "totals": self.totals(),
            "endpoints": [e.to_dict() for e in sorted(self.endpoints, key=lambda e: e.id)],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        run = data["run"]
        return cls(
            run=RunInfo(**{k: run[k] for k in RunInfo.__dataclass_fields__ if k in run}),
            endpoints=[EndpointVerdict.from_dict(e) for e in data.get("endpoints", [])],
        )


# JSON Schema of conformance.json: a report file that does not match is refused with a one-line error.
# It requires what ``Report.from_dict`` needs, so a file that validates always loads.
_FINDING_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["check", "title", "message"],
    "properties": {
        "check": {"type": "string"},
        "title": {"type": "string"},
        "message": {"type": "string"},
        "severity": {"enum": ["error", "warning"]},
        "expected": {"type": ["string", "null"]},
        "actual": {"type": ["string", "null"]},
        "pointer": {"type": ["string", "null"]},
        "curl": {"type": ["string", "null"]},
        "cassette": {"type": ["string", "null"]},
        "operation": {"type": ["string", "null"]},
        "status": {"type": ["integer", "null"]},
        "schema_path": {"type": ["string", "null"]},
    },
}
REPORT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["schema_version", "run", "endpoints"],
    "$defs": {"finding": _FINDING_SCHEMA},
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION},
        "run": {
            "type": "object",
            "required": ["target", "mode", "contract_version", "contract_digest", "seed", "started_at"],
            "properties": {
                "target": {"type": "string"},
                "mode": {"enum": ["offline", "live", "sim", "record"]},
                "contract_version": {"type": "string"},
                "contract_digest": {"type": "string"},
                "seed": {"type": "integer"},
                "started_at": {"type": "string"},
                "duration_s": {"type": "number"},
                "interrupted": {"type": "boolean"},
                "exit_status": {"type": ["integer", "null"]},
                "shard": {"type": ["string", "null"]},
                "pytest_args": {"type": "array", "items": {"type": "string"}},
                "aborted": {"type": ["string", "null"]},
                "discovery": {"type": ["string", "null"]},
                "verdict_on": {"type": "string"},
                "recorded_from": {"type": ["object", "null"], "properties": {"kind": {"type": "string"}}},
                "ledger": {
                    "type": ["object", "null"],
                    "required": ["requests", "by_bucket", "by_family", "status_429", "retries", "waited_s"],
                    "properties": {
                        "requests": {"type": "integer", "minimum": 0},
                        "by_bucket": {"type": "object", "additionalProperties": {"type": "integer"}},
                        "by_family": {"type": "object", "additionalProperties": {"type": "integer"}},
                        "status_429": {"type": "integer", "minimum": 0},
                        "retries": {"type": "integer", "minimum": 0},
                        "waited_s": {"type": "number", "minimum": 0},
                    },
                },
                "plan": {"type": ["object", "null"]},
            },
        },
        "endpoints": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "area", "checks"],
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "area": {"type": "string"},
                    "outcome": {"enum": list(OUTCOME_ORDER)},
                    "checks": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "object",
                            "required": ["family", "outcome"],
                            "properties": {
                                "family": {"type": "string"},
                                "outcome": {"enum": list(OUTCOME_ORDER)},
                                "nodeids": {"type": "array", "items": {"type": "string"}},
                                "violations": {"type": "array", "items": {"$ref": "#/$defs/finding"}},
                                "warnings": {"type": "array", "items": {"$ref": "#/$defs/finding"}},
                                "target_error": {"type": ["string", "null"]},
                                "cassette": {"type": ["string", "null"]},
                                "duration_s": {"type": "number"},
                            },
                        },
                    },
                },
            },
        },
    },
}
