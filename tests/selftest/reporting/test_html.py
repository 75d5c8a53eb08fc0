"""conformance.html as written: the matrix, escaping, right-to-left text, self-containment and speed."""

from __future__ import annotations

import re
import time

from tests.selftest.reporting.html_dom import parse
from tests.selftest.reporting.report_factory import ARABIC, SCRIPT, matrix_report, sample_report

from msaaq_contract.reporting.html import render_html
from msaaq_contract.reporting.verdict import FAMILIES


def test_matrix_has_one_row_per_endpoint_with_a_cell_per_family():
    report = sample_report()
    dom = parse(render_html(report))
    assert [r.id for r in dom.rows] == sorted(e.id for e in report.endpoints)
    row = next(r for r in dom.rows if r.id == "admin.courses.get-course")
    assert [c["data-family"] for c in row.cells] == list(FAMILIES)
    assert row.attrs["data-outcome"] == "failed"
    assert row.attrs["data-area"] == "admin"
    assert row.attrs["data-confidence"] == "high"
    assert "o-failed" in (row.cell("schema")["class"] or "")
    assert "o-passed" in (row.cell("auth")["class"] or "")
    assert "o-not-run" in (row.cell("fuzz")["class"] or "")  # a family that did not run for this id
    assert not any(r.hidden for r in dom.rows)


def test_rows_are_grouped_by_area_and_section():
    dom = parse(render_html(sample_report()))
    groups = [a.get("data-group") for a in dom.other_rows.values() if a.get("class") == "group"]
    assert groups == ["admin/courses", "admin/members", "oauth/oauth", "tenant/courses", "tenant/members"]


def test_violation_text_is_escaped():
    page = render_html(sample_report())
    assert SCRIPT not in page
    assert "message was &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert parse(page).scripts == 1  # only the page's own inline script


def test_finding_details_hold_the_four_parts():
    page = render_html(sample_report())
    details = page.split('id="d-admin.courses.get-course"')[1].split("</tr>")[0]
    assert "Response field has the wrong type" in details
    assert '<pre dir="auto">string</pre>' in details
    assert '<pre dir="auto">123</pre>' in details
    assert "<code>/data/title</code>" in details
    assert "curl -X GET &#x27;https://api.example.test/v1/admin/courses/1&#x27;" in details
    assert "cassettes/admin.courses.get-course/schema.yaml" in details
    assert " hidden>" in page.split('id="d-admin.courses.get-course"')[1][:40]  # collapsed until clicked


def test_arabic_text_is_utf8_and_direction_aware():
    page = render_html(sample_report())
    assert page.startswith('<!doctype html>\n<html lang="en" dir="ltr"><head><meta charset="utf-8">')
    assert f'<span class="t" dir="auto">{ARABIC}</span>' in page
    assert f'<p dir="auto">expected {ARABIC} back</p>' in page


def test_page_is_self_contained():
    page = render_html(sample_report())
    assert "<link" not in page
    assert "@import" not in page
    assert "url(" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "Content-Security-Policy" in page
    assert "default-src 'none'" in page
    assert page.count("<style>") == 1
    assert page.count("<script>") == 1


def test_filters_and_legend_are_rendered():
    page = render_html(sample_report())
    for control in ('id="f-area"', 'id="f-outcome"', 'id="f-confidence"', 'id="f-q"'):
        assert control in page
    assert '<option value="tenant">tenant</option>' in page
    assert 'aria-label="legend"' in page
    assert "uncertain</li>" in page


def test_interrupted_run_is_flagged_in_the_header():
    page = render_html(sample_report(interrupted=True))
    assert "failed (interrupted)" in page
    assert '<span class="warn">yes: verdicts are incomplete</span>' in page


def test_full_size_matrix_renders_fast():
    report = matrix_report(531)
    start = time.perf_counter()
    page = render_html(report)
    took = time.perf_counter() - start
    dom = parse(page)
    assert len(dom.rows) == 531
    assert all(len(r.cells) == len(FAMILIES) for r in dom.rows)
    assert took < 1.0, f"rendering 531 rows took {took:.2f}s"
