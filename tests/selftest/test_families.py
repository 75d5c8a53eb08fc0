"""The family registry is the one home of a family: the conformance tests, the plugin's switch and the reports
all read it, and nothing it names is missing."""

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest

from msaaq_contract import families
from msaaq_contract.checks import CHECKS
from msaaq_contract.errors import ConfigError
from msaaq_contract.pytest_plugin.options import runs_suite
from msaaq_contract.reporting.verdict import FAMILIES as REPORT_COLUMNS

REPO = Path(__file__).resolve().parents[2]


def _marked_tests() -> dict[str, str]:
    """Test function -> the family of its ``@pytest.mark.msaaq("family")`` in tests/conformance."""
    found = {}
    for path in (REPO / "tests" / "conformance").glob("test_*.py"):
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.FunctionDef):
                continue
            for deco in node.decorator_list:
                if isinstance(deco, ast.Call) and ast.unparse(deco.func) == "pytest.mark.msaaq":
                    found[node.name] = deco.args[0].value
    return found


def test_every_conformance_test_is_registered_in_its_family_and_every_registered_test_exists():
    registered = {name: family.name for name, (family, _) in families.TESTS.items()}
    assert _marked_tests() == registered


def test_every_named_check_and_rule_exists():
    for family in families.FAMILIES.values():
        for test in family.tests:
            assert test.applies in families.APPLICABILITY or test.applies in families.CONTRACT_RULES
            assert all(name in CHECKS for name in test.checks), test.name
            assert len(test.judges()) == len(test.checks)


def test_the_reports_use_the_registry_order():
    assert REPORT_COLUMNS == tuple(families.FAMILIES) == (
        "auth", "tenant_header", "envelope", "schema", "status", "fuzz", "stateful", "isolation", "language",
        "methods", "exposure", "enumeration", "cors",
    )  # fmt: skip


def test_cassette_names_come_from_the_registry():
    language = families.FAMILIES["language"]
    assert language.cassettes == ("language-ar", "language-en")
    assert families.FAMILIES["auth"].cassettes == ("auth-missing", "auth-malformed", "auth-revoked", "auth-public")
    assert families.TESTS["test_envelope"][1].cassette_for(None) == "conformance"


def test_a_test_outside_the_registry_is_a_usage_error_naming_the_registry():
    with pytest.raises(ConfigError) as caught:
        families.registered_test("auth", "test_something_new")
    assert "not in the family registry" in caught.value.one_line()
    assert "families.py" in caught.value.one_line()
    with pytest.raises(ConfigError):
        families.registered_test("schema", "test_missing_token")  # registered, but in another family


def test_families_for_an_id_include_stateful_chains(contract):
    create = families.chain_ids(contract)[0]
    assert "stateful" in families.families_for(contract, contract.operation(create), create)


def _config(tmp_path, args, suites=("tests/conformance",), testpaths=()):
    ini = {"msaaq_suite": list(suites), "testpaths": list(testpaths)}
    return SimpleNamespace(
        rootpath=tmp_path,
        args=list(args),
        getini=ini.__getitem__,
        invocation_params=SimpleNamespace(dir=tmp_path),
    )


@pytest.mark.parametrize(
    ("args", "on"),
    [
        (["tests/conformance"], True),
        (["tests/conformance/test_auth.py::test_missing_token[admin.x]"], True),
        (["tests"], True),  # holds the suite
        (["."], True),
        (["tests/selftest"], False),
        (["tests/selftest/plugin/test_conformance_report.py"], False),  # a name is not a folder
        (["tests/selftest", "tests/conformance/test_envelope.py"], True),
    ],
)
def test_the_plugin_acts_on_runs_that_select_the_suite_folder(tmp_path, args, on):
    assert runs_suite(_config(tmp_path, args)) is on


def test_the_suite_folder_is_configurable_and_testpaths_count(tmp_path):
    assert runs_suite(_config(tmp_path, ["api_tests"], suites=("api_tests",)))
    assert not runs_suite(_config(tmp_path, ["tests/conformance"], suites=("api_tests",)))
    assert runs_suite(_config(tmp_path, [], testpaths=("tests/selftest", "tests/conformance")))
