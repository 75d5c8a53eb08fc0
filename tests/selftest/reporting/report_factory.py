"""Reports built in code for the reporting and CLI self-tests (no suite run needed).

``sample_report()`` is small and covers every outcome: a failure with all four parts of a finding, a
contract-uncertain check with Arabic text, a target error, a skip, and a violation whose text carries markup.
``matrix_report(n)`` is the size of the real matrix (531 ids x 10 families) for the HTML and browser tests.
"""

from __future__ import annotations

from msaaq_contract.reporting.verdict import FAMILIES, CheckVerdict, EndpointVerdict, Finding, Report, RunInfo

DIGEST = "abcdef0123456789"
SCRIPT = "<script>alert('x')</script>"
ARABIC = "عنوان الدورة"


def run_info(**overrides: object) -> RunInfo:
    values: dict[str, object] = {
        "target": "offline (cassettes)",
        "mode": "offline",
        "contract_version": "1.0.0-contract.1",
        "contract_digest": DIGEST,
        "seed": 1234,
        "started_at": "2026-01-02T03:04:05Z",
        "duration_s": 12.5,
    }
    values.update(overrides)
    return RunInfo(**values)  # type: ignore[arg-type]


def passed(family: str) -> CheckVerdict:
    return CheckVerdict(family, "passed", nodeids=[f"tests/conformance/test_{family}.py::test_{family}[x]"])


def schema_violation(pointer: str = "/data/title", message: str = "data.title must be a string") -> Finding:
    return Finding(
        check="schema",
        title="Response field has the wrong type",
        message=message,
        expected="string",
        actual="123",
        pointer=pointer,
        curl="curl -X GET 'https://api.example.test/v1/admin/courses/1' -H 'Authorization: Bearer [REDACTED]'",
        cassette="cassettes/admin.courses.get-course/schema.yaml",
    )


def endpoint(
    endpoint_id: str, checks: list[CheckVerdict], confidence: str = "high", title: str | None = None
) -> EndpointVerdict:
    area = endpoint_id.split(".")[0]
    return EndpointVerdict(
        id=endpoint_id,
        area=area,
        title=title if title is not None else endpoint_id.rsplit(".", 1)[-1].replace("-", " ").capitalize(),
        method="get",
        path="/" + "/".join(endpoint_id.split(".")[:-1]),
        operation_id=endpoint_id,
        confidence=confidence,
        source="client",
        checks={c.family: c for c in checks},
    )


def failed_check(family: str = "schema", finding: Finding | None = None) -> CheckVerdict:
    finding = finding or schema_violation()
    return CheckVerdict(
        family,
        "failed",
        nodeids=[f"tests/conformance/test_{family}.py::test_{family}[x]"],
        violations=[finding],
        cassette="cassettes/x/schema.yaml",
    )


def sample_report(**run_overrides: object) -> Report:
    return Report(
        run=run_info(**run_overrides),
        endpoints=[
            endpoint(
                "admin.courses.get-course",
                [passed("auth"), passed("envelope"), failed_check("schema"), passed("status")],
            ),
            endpoint("admin.courses.list-courses", [passed("auth"), passed("envelope"), passed("schema")]),
            endpoint(
                "admin.members.update-member",
                [
                    passed("auth"),
                    failed_check(
                        "envelope",
                        Finding("envelope", "Envelope broken", f"message was {SCRIPT}", pointer="/message"),
                    ),
                ],
            ),
            endpoint(
                "tenant.courses.get-course",
                [
                    passed("auth"),
                    CheckVerdict(
                        "language",
                        "uncertain",
                        violations=[
                            Finding("language", "Arabic text altered", f"expected {ARABIC} back", expected=ARABIC)
                        ],
                    ),
                ],
                confidence="low",
                title=ARABIC,
            ),
            endpoint(
                "tenant.members.list",
                [CheckVerdict("auth", "error", target_error="timeout after 30.0s (GET /tenant/members)")],
            ),
            endpoint("oauth.ping", [passed("auth"), CheckVerdict("fuzz", "skipped")]),
        ],
    )


def matrix_report(n: int = 531, failing_every: int = 50) -> Report:
    """``n`` endpoints over 3 areas and 10 families; every ``failing_every``-th endpoint fails its schema check."""
    areas = ("admin", "tenant", "oauth")
    endpoints = []
    for i in range(n):
        area = areas[i % 3]
        endpoint_id = f"{area}.section-{i % 17:02d}.operation-{i:03d}"
        checks = [passed(f) for f in FAMILIES]
        if i % failing_every == 0:
            checks[FAMILIES.index("schema")] = failed_check("schema")
        if i % 97 == 5:
            checks[FAMILIES.index("fuzz")] = CheckVerdict("fuzz", "error", target_error="connection refused")
        endpoints.append(endpoint(endpoint_id, checks, confidence=("high", "medium", "low")[i % 3]))
    return Report(run=run_info(), endpoints=endpoints)
