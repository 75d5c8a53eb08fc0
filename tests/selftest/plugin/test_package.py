"""The plugin as any installed pytest plugin, proven in a temporary project (pytester) that is not this
repository: ``msaaq-contract init`` lays it out with a three-operation contract, the plugin loads by its entry
point, registers its markers and options, keeps the old option spellings as deprecated aliases, and starts
beside a plugin that owns ``--base-url`` (pytest-base-url)."""

from __future__ import annotations

import json

import pytest
from tests.selftest.fixtures.project import THREE, init_project

from msaaq_contract.cli.main import main
from msaaq_contract.families import FAMILIES
from msaaq_contract.pytest_plugin.options import OPTIONS

# pytest-base-url's option, as it registers it (a stand-in: the real plugin is not a dependency).
FAKE_BASE_URL = """
def pytest_addoption(parser):
    parser.addini("base_url", help="base url for the application under test.")
    parser.addoption("--base-url", metavar="url", default=None, help="base url for the application under test.")
"""


@pytest.fixture
def project(pytester):
    return init_project(pytester.path)


def run(pytester, *args):
    return pytester.runpytest_subprocess("-p", "no:xdist", "-p", "no:cacheprovider", *args)


def test_a_project_laid_out_by_init_passes_against_the_reference_server(pytester, project):
    result = run(pytester, "--msaaq-sim")
    assert result.ret == 0, result.stdout.str()[-2000:]
    result.assert_outcomes(passed=37, skipped=11)  # skipped: families no operation of the contract has
    report = json.loads((project / "reports" / "conformance.json").read_text())
    judged = {e["id"] for e in report["endpoints"] if any(c["outcome"] == "passed" for c in e["checks"].values())}
    assert set(THREE) <= judged  # and the documented ids served by the same routes
    assert "verdict on the reference server (a simulation)" in result.stdout.str()


def test_init_never_overwrites_and_leaves_an_existing_pytest_configuration_alone(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text("[tool.pytest.ini_options]\n")
    assert main(["init", str(tmp_path)]) == 0
    assert not (tmp_path / "pytest.ini").exists()
    assert "kept     your pytest configuration" in capsys.readouterr().out
    (tmp_path / "contracts" / "known-deviations.yaml").write_text("# mine\n[]\n")
    assert main(["init", str(tmp_path)]) == 0
    assert "kept     contracts/known-deviations.yaml (exists; --force overwrites)" in capsys.readouterr().out
    assert (tmp_path / "contracts" / "known-deviations.yaml").read_text() == "# mine\n[]\n"
    assert (tmp_path / ".github" / "workflows" / "msaaq-conformance.yml").is_file()


def test_markers_are_the_plugins_own(pytester, project):
    result = run(pytester, "--markers")
    text = result.stdout.str()
    for name in [*FAMILIES, "admin", "tenant", "oauth", "mutating", "msaaq(family)"]:
        assert f"@pytest.mark.{name}" in text, name
    strict = run(pytester, "--strict-markers", "-m", "envelope and not mutating", "--msaaq-plan")
    assert strict.ret == 0, strict.stdout.str()[-2000:]


def test_options_are_in_the_msaaq_group_and_the_plugin_can_be_turned_off(pytester, project):
    shown = run(pytester, "--help").stdout.str()
    assert all(option.flag in shown for option in OPTIONS)
    assert "--sim " not in shown  # the old spellings work but are not advertised
    off = run(pytester, "-p", "no:msaaq", "--help").stdout.str()
    assert "--msaaq-sim" not in off


def test_old_spellings_still_work_with_a_deprecation_note(pytester, project):
    result = run(pytester, "--sim", "--seed", "7", "-k", "envelope")
    assert result.ret == 0, result.stdout.str()[-2000:]
    text = result.stdout.str()
    assert "msaaq option --sim is deprecated: use --msaaq-sim" in text
    assert "msaaq option --seed is deprecated: use --msaaq-seed" in text
    assert json.loads((project / "reports" / "conformance.json").read_text())["run"]["seed"] == 7


def test_starts_beside_pytest_base_url_and_reads_its_base_url(pytester, project, monkeypatch):
    pytester.makepyfile(pytest_base_url=FAKE_BASE_URL)
    monkeypatch.setenv("PYTHONPATH", str(pytester.path))
    shown = run(pytester, "-p", "pytest_base_url", "--help")
    assert shown.ret == 0 and "--msaaq-base-url" in shown.stdout.str(), shown.stderr.str()
    # Its --base-url is the target: with no credentials, the live run stops as a usage error naming them.
    live = run(pytester, "-p", "pytest_base_url", "--base-url", "https://staging.example.invalid/v1")
    assert live.ret == 4
    assert "needs MSAAQ_CLIENT_ID" in live.stdout.str() + live.stderr.str()
