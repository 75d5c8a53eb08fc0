"""Reports of calibration runs built in code against the real contract (no suite run needed).

``schema(...)`` and ``status(...)`` are findings as the checks write them; ``report({doc_id: [checks]})`` wraps
them in a report of a ``--sim`` run (or ``mode``/``target`` of a live one) made with ``contract``.
"""

from __future__ import annotations

import json
from pathlib import Path

from msaaq_contract.contract import Contract, load_contract
from msaaq_contract.reporting.verdict import CheckVerdict, EndpointVerdict, Finding, Report, RunInfo
from msaaq_contract.reporting.writers import write_reports

CONTRACT = load_contract()
STARTED = "2026-05-04T10:00:00Z"


def curl(doc_id: str, lang: str = "") -> str:
    op = CONTRACT.operation(doc_id)
    return f"curl -X {op.method.upper()} 'https://api.example.test/v1{op.path}' -H 'Accept-Language: {lang}'"


def schema(doc_id: str, pointer: str, expected: str, actual: object, status: int = 200, lang: str = "") -> Finding:
    text = json.dumps(actual)
    return Finding(
        check="schema",
        title="Field type mismatch",
        message=f"{pointer}: {text} is not valid",
        expected=expected,
        actual=text,
        pointer=pointer,
        curl=curl(doc_id, lang),
        status=status,
    )


def required(doc_id: str, pointer: str, name: str, status: int = 200) -> Finding:
    return Finding(
        check="schema",
        title="Schema violation",
        message=f"{pointer}: '{name}' is a required property",
        expected=f'required: ["{name}"]',
        actual="{}",
        pointer=pointer,
        curl=curl(doc_id),
        status=status,
    )


def status(doc_id: str, got: int, title: str = "Undocumented status code") -> Finding:
    op = CONTRACT.operation(doc_id)
    return Finding(
        check="status",
        title=title,
        message=f"HTTP {got} for {op.label}",
        expected=", ".join(op.responses),
        actual=str(got),
        curl=curl(doc_id),
        status=got,
    )


def envelope(doc_id: str, got: int, title: str = "Not a JSON response") -> Finding:
    return Finding(check="envelope", title=title, message=f"HTTP {got}", curl=curl(doc_id), status=got)


def check(family: str, *findings: Finding, outcome: str = "failed") -> CheckVerdict:
    return CheckVerdict(family, outcome, violations=list(findings))  # type: ignore[arg-type]


def passed(family: str) -> CheckVerdict:
    return CheckVerdict(family, "passed")


def conforming() -> list[CheckVerdict]:
    return [passed("envelope"), passed("schema"), passed("status")]


def report(
    checks: dict[str, list[CheckVerdict]],
    *,
    mode: str = "sim",
    target: str = "reference server http://127.0.0.1:40000/v1",
    contract: Contract = CONTRACT,
) -> Report:
    endpoints = []
    for doc_id, verdicts in checks.items():
        op = contract.operation(doc_id)
        entry = op.doc_entry(doc_id)
        endpoints.append(
            EndpointVerdict(
                id=doc_id,
                area=doc_id.split(".")[0],
                title=entry.title,
                method=op.method.upper(),
                path=op.path,
                operation_id=op.operation_id,
                confidence=entry.confidence,
                source=entry.source,
                checks={c.family: c for c in verdicts},
            )
        )
    run = RunInfo(
        target=target,
        mode=mode,  # type: ignore[arg-type]
        contract_version=contract.version,
        contract_digest=contract.digest,
        seed=1,
        started_at=STARTED,
    )
    return Report(run=run, endpoints=endpoints)


def write(rep: Report, folder: Path) -> Path:
    write_reports(rep, folder, formats=["json"])
    return folder / "conformance.json"
