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
        "auth", "tenant_header", "envelope", "schema", "status", "fuzz", "stateful", "isolation", "roles",
        "binding", "ownership", "language", "methods", "mass_assignment", "exposure", "enumeration", "cors",
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


# Checks that hold the answer they judge to ``documented_answer`` themselves (a refusal, an anonymous answer, a
# generated request's answer, a tenant error); ``test_refusal_checks_judge_the_whole_answer`` shows each does.
WHOLE_INSIDE = {"auth", "public", "isolation", "as_recorded", "tenant_header", "refused", "no_foreign_items"}


def test_every_answer_a_family_receives_is_judged_whole():
    """Each registered test judges its answers with the documented-answer checks (``ANSWER``), itself or through
    a check that calls ``documented_answer``; the happy answer spreads them over its three columns. The methods
    family judges methods no operation declares, the debug-route probes paths none does: no documented answer
    exists for them."""
    from msaaq_contract.checks.documented import ANSWER

    by_cassette: dict[str, set[str]] = {}
    for family in families.FAMILIES.values():
        for test in family.tests:
            for cassette in test.cassettes:
                by_cassette.setdefault(cassette, set()).update(test.checks)
    partial = {
        cassette: sorted(set(ANSWER) - checks)
        for cassette, checks in by_cassette.items()
        # methods and debug routes probe what no operation declares; cors judges its read whole in the test (its
        # preflight is a method no operation declares)
        if cassette not in ("methods", "exposure-routes", "cors")
        and not checks & WHOLE_INSIDE
        and not set(ANSWER) <= checks
    }
    assert partial == {}


@pytest.mark.parametrize(
    ("check", "doc_id", "status", "expectation"),
    [
        ("auth", "admin.courses.get-course", 401, None),
        ("public", "tenant.get-tenant-details", 200, None),
        ("isolation", "admin.courses.get-course", 404, None),
        ("as_recorded", "admin.courses.get-course", 200, {"mode": "positive"}),
        ("tenant_header", "tenant.courses.list-courses", 400, {"code": "TENANT_NOT_FOUND"}),
        ("refused", "admin.courses.get-course", 401, {"who": "tenantStudent"}),
        ("no_foreign_items", "admin.courses.list-courses", 200, {"foreign_ids": {"id": ["1"]}}),
        ("no_existence_leak", "admin.courses.get-course", 404, None),
    ],
)
def test_refusal_checks_judge_the_whole_answer(contract, check, doc_id, status, expectation):
    """An answer of the status each check accepts, whose media type alone breaks the contract, fails."""
    from tests.selftest.fixtures.responses import ctx, exchange, titles

    op = contract.operation(doc_id)
    spec = op.responses[str(status)]
    body = spec.examples[0] if spec.examples else {"status": "failed", "code": "X", "message": {"body": "x"}}
    answer = exchange(contract, doc_id, status, body, content_type="application/problem+json")
    assert "Unexpected media type" in titles(CHECKS[check](ctx(contract, doc_id, expectation), answer))
