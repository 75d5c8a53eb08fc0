"""The authorization matrix: cells folded from the tests' answers, written in every report format, merged
across shards, and compared with an earlier report's."""

from __future__ import annotations

import json

from tests.selftest.reporting.report_factory import endpoint, passed, run_info

from msaaq_contract.reporting.access_matrix import columns, combine, counts, escalations, matrix_of, parse
from msaaq_contract.reporting.merge import merge_reports
from msaaq_contract.reporting.verdict import Report
from msaaq_contract.reporting.writers import load_report, write_reports


def report(**rows: dict[str, str]) -> Report:
    endpoints = []
    for doc_id, cells in rows.items():
        e = endpoint(doc_id.replace("_", "."), [passed("status")])
        e.access = dict(cells)
        endpoints.append(e)
    return Report(run=run_info(), endpoints=endpoints)


def test_one_allowed_answer_makes_an_allowed_cell():
    row = combine(parse(["tenantStudent=refused", "tenantStudent=allowed", "adminUser@other=refused", "junk"]))
    assert row == {"tenantStudent": "allowed", "adminUser@other": "refused"}
    assert combine([("tenantStudent", "unclear")], row) == row  # allowed outranks unclear


def test_columns_put_anonymous_and_own_identities_before_the_other_academy():
    r = report(admin_courses_list={"adminUser@other": "refused", "tenantStudent": "refused", "anonymous": "refused"})
    assert columns(r) == ["anonymous", "tenantStudent", "adminUser@other"]
    assert counts(r)["tenantStudent"] == {"allowed": 0, "refused": 1, "unclear": 0}


def test_escalations_are_refused_then_allowed_only():
    before = {"admin.courses.list": {"tenantStudent": "refused", "anonymous": "unclear"}}
    now = report(admin_courses_list={"tenantStudent": "allowed", "anonymous": "allowed", "adminUser": "allowed"})
    assert [e.line for e in escalations(before, now)] == ["admin.courses.list  tenantStudent: refused -> allowed"]


def test_the_matrix_is_in_the_json_html_and_markdown_reports(tmp_path):
    r = report(admin_courses_list={"tenantStudent": "refused", "adminUser": "allowed"})
    write_reports(r, tmp_path)
    data = json.loads((tmp_path / "conformance.json").read_text())
    row = next(e for e in data["endpoints"] if e["id"] == "admin.courses.list")
    assert row["access"] == {"adminUser": "allowed", "tenantStudent": "refused"}
    assert matrix_of(load_report(tmp_path / "conformance.json")) == {"admin.courses.list": row["access"]}
    html = (tmp_path / "conformance.html").read_text()
    assert '<table id="access-matrix">' in html and '<td class="a-refused">refused</td>' in html
    assert "| tenantStudent | 0 | 1 | 0 |" in (tmp_path / "summary.md").read_text()


def test_shards_merge_their_cells():
    a = report(admin_courses_list={"tenantStudent": "refused"})
    b = report(admin_courses_list={"tenantStudent": "allowed", "adminUser@other": "refused"})
    merged = merge_reports([a, b], ["1", "2"])
    assert merged.endpoints[0].access == {"tenantStudent": "allowed", "adminUser@other": "refused"}
