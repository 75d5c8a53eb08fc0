"""Collection: ids are documented ids, markers per area/family, xdist scopes per endpoint, fast enough."""

import subprocess
import sys
from pathlib import Path

import pytest

from msaaq_contract.pytest_plugin.collection import endpoint_of

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("nodeid", "endpoint"),
    [
        ("tests/conformance/test_envelope.py::test_envelope[admin.courses.get-course]", "admin.courses.get-course"),
        ("tests/conformance/test_language.py::test_language[tenant.pages.list-ar]", "tenant.pages.list"),
        ("tests/conformance/test_auth.py::test_missing_token[admin.settings.academy-ar]", "admin.settings.academy-ar"),
    ],
)
def test_xdist_scope_is_the_documented_id(nodeid, endpoint):
    assert endpoint_of(nodeid) == endpoint


def test_every_documented_id_is_collected_with_its_markers():
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/conformance", "--collect-only", "-q", "-m", "tenant and envelope"],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    lines = [line for line in result.stdout.splitlines() if "::" in line]
    assert len(lines) == 123  # the envelope test of every tenant endpoint
    assert all("[tenant." in line for line in lines)
