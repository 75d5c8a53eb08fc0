"""conformance.html in headless Chromium: the matrix is there after the JS ran, filters work, it paints.

The filters are driven through the URL fragment (``#outcome=failed``), which the page's JS reads on load,
so ``--dump-dom`` shows the filtered DOM without a driver. These tests need the Debian package
``chromium`` and fail (not skip) without it: a silently skipped browser test proves nothing.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from tests.selftest.reporting.html_dom import parse
from tests.selftest.reporting.report_factory import matrix_report, sample_report

from msaaq_contract.reporting.writers import write_reports

pytestmark = pytest.mark.slow

INSTALL_HINT = "chromium not found: install it with `apt-get update && apt-get install -y chromium`"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
)


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(INSTALL_HINT, pytrace=False)


def run_chromium(tmp_path: Path, url: str, *extra: str) -> subprocess.CompletedProcess[bytes]:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={profile}", *extra, url],
        capture_output=True,
        timeout=120,
        check=True,
    )


def dump_dom(tmp_path: Path, page: Path, fragment: str = "") -> str:
    url = page.as_uri() + (f"#{fragment}" if fragment else "")
    return run_chromium(tmp_path, url, "--dump-dom").stdout.decode("utf-8")


@pytest.fixture(scope="module")
def matrix_page(tmp_path_factory):
    report = matrix_report(531)
    out = tmp_path_factory.mktemp("matrix")
    write_reports(report, out, formats=["html"])
    return report, out / "conformance.html"


def test_matrix_is_in_the_dom_after_the_script_ran(tmp_path, matrix_page):
    _report, page = matrix_page
    dom = parse(dump_dom(tmp_path, page))
    assert len(dom.rows) == 531
    assert dom.text_of("f-count") == "531 of 531 endpoints shown"  # written by the JS, so the JS ran
    row = next(r for r in dom.rows if r.id == "admin.section-00.operation-000")
    assert not row.hidden
    assert "o-failed" in (row.cell("schema")["class"] or "")
    assert "o-passed" in (row.cell("auth")["class"] or "")


def test_outcome_filter_from_the_fragment_shows_only_failed_rows(tmp_path, matrix_page):
    report, page = matrix_page
    dom = parse(dump_dom(tmp_path, page, "outcome=failed"))
    visible = {r.id for r in dom.rows if not r.hidden}
    expected = {e.id for e in report.endpoints if e.outcome == "failed"}
    assert visible == expected
    assert len(expected) == 11
    assert dom.text_of("f-count") == f"{len(expected)} of 531 endpoints shown"
    hidden_groups = [a for a in dom.other_rows.values() if a.get("class") == "group" and "hidden" in a]
    assert hidden_groups, "groups without a visible row should be hidden too"


def test_filters_combine_with_area_confidence_and_search(tmp_path, matrix_page):
    report, page = matrix_page
    dom = parse(dump_dom(tmp_path, page, "area=tenant&confidence=medium&q=operation-01"))
    visible = {r.id for r in dom.rows if not r.hidden}
    expected = {
        e.id for e in report.endpoints if e.area == "tenant" and e.confidence == "medium" and "operation-01" in e.id
    }
    assert visible == expected
    assert expected


def test_open_fragment_expands_a_violation(tmp_path):
    out = tmp_path / "sample"
    write_reports(sample_report(), out, formats=["html"])
    page = out / "conformance.html"
    closed = parse(dump_dom(tmp_path, page))
    opened = parse(dump_dom(tmp_path, page, "open=admin.courses.get-course"))
    assert "hidden" in closed.other_rows["d-admin.courses.get-course"]
    assert "hidden" not in opened.other_rows["d-admin.courses.get-course"]
    assert opened.scripts == 1  # the API's <script> text stayed text


def png_facts(data: bytes) -> tuple[int, int, int]:
    """(width, height, distinct byte values of the decompressed image data) of a PNG file."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    return width, height, len(set(zlib.decompress(idat)))


def test_screenshot_is_not_blank(tmp_path):
    out = tmp_path / "sample"
    write_reports(sample_report(), out, formats=["html"])
    shot = tmp_path / "report.png"
    run_chromium(tmp_path, (out / "conformance.html").as_uri(), f"--screenshot={shot}")
    data = shot.read_bytes()
    width, height, distinct = png_facts(data)
    assert (width, height) == (1400, 1000)
    assert len(data) > 20_000, f"screenshot is only {len(data)} bytes: a blank page compresses to almost nothing"
    assert distinct > 100, f"only {distinct} distinct byte values in the image data: the page looks blank"


def test_report_of_the_committed_cassettes_says_it_judges_the_simulation(tmp_path):
    """Replay a slice of the committed cassettes as a user would; the page must say what was judged."""
    repo = Path(__file__).resolve().parents[3]
    out = tmp_path / "reports"
    command = [sys.executable, "-m", "pytest", "tests/conformance", "-q", "-p", "no:xdist", "-k", "tenant.ping-pong"]
    result = subprocess.run(
        [*command, "--report-dir", str(out)], cwd=repo, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout[-2000:]
    dom = parse(dump_dom(tmp_path, out / "conformance.html"))
    said = dom.text_of("verdict-on")
    assert said == (
        "recordings of the reference server (a simulation): this verdict is on the simulation, not on MSAAQ's API"
    )
    assert f"Verdict on {said}." in (out / "summary.md").read_text()
    assert "verdict on recordings of the reference server (a simulation)" in result.stdout
