"""The single Finding renderer: four parts, one line, and the whole-check text used by JUnit."""

from __future__ import annotations

from tests.selftest.reporting.report_factory import failed_check, schema_violation

from msaaq_contract.reporting.render import check_one_line, one_line, render_check, render_finding
from msaaq_contract.reporting.verdict import CheckVerdict, Finding


def test_render_finding_has_expected_got_where_and_reproduce():
    text = render_finding(schema_violation(), "admin.courses.get-course")
    assert text == (
        "[schema] admin.courses.get-course Response field has the wrong type\n"
        "  data.title must be a string\n"
        "  expected: string\n"
        "  got:      123\n"
        "  where:    /data/title\n"
        "  reproduce:\n"
        "    curl -X GET 'https://api.example.test/v1/admin/courses/1' -H 'Authorization: Bearer [REDACTED]'\n"
        "    cassette: cassettes/admin.courses.get-course/schema.yaml"
    )


def test_missing_parts_are_shown_as_dashes_and_the_check_cassette_fills_in():
    text = render_finding(Finding("status", "Undocumented status", "got 500"), cassette="cassettes/a/status.yaml")
    assert "  expected: -\n  got:      -\n  where:    -\n  reproduce:\n    curl: -\n" in text
    assert text.endswith("    cassette: cassettes/a/status.yaml")


def test_multi_line_values_are_indented_under_their_label():
    finding = Finding("schema", "Body differs", "see below", expected='{\n  "a": 1\n}', actual="{}")
    assert '  expected:\n    {\n      "a": 1\n    }\n  got:      {}' in render_finding(finding)


def test_one_line_squashes_whitespace_and_truncates():
    finding = Finding("schema", "Wrong   type", "line one\nline two " + "x" * 300, pointer="/data/id")
    line = one_line(finding, limit=60)
    assert "\n" not in line
    assert len(line) == 60
    assert line.endswith("…")
    assert line.startswith("Wrong type: line one line two x")


def test_check_one_line_counts_more_violations_and_uses_the_target_error():
    check = failed_check()
    check.violations.append(schema_violation("/data/price"))
    assert check_one_line(check).endswith("(+1 more)")
    assert check_one_line(CheckVerdict("auth", "error", target_error="timeout\nafter 30s")) == "timeout after 30s"
    assert check_one_line(CheckVerdict("auth", "passed")) == "passed"


def test_render_check_joins_every_violation_and_the_target_error():
    check = failed_check()
    check.violations.append(schema_violation("/data/price", "data.price must be a number"))
    check.target_error = "connection reset"
    text = render_check("admin.courses.get-course", check)
    assert text.count("[schema] admin.courses.get-course Response field has the wrong type") == 2
    assert "where:    /data/price" in text
    assert text.endswith("[schema] admin.courses.get-course target error: connection reset")


def test_one_line_neutralises_terminal_escapes():
    assert one_line(Finding("schema", "Bad", "\x1b[31mred\x1b[0m")) == "Bad: ?[31mred?[0m"
