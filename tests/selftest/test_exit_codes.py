"""The README's exit-code table, row by row: every code it gives, in every column, is what that situation
exits with. pytest's runs happen in a project laid out by ``msaaq-contract init`` with a three-operation
contract (``fixtures.project``), so each takes a few seconds."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from tests.selftest.cli.test_contract_diff import BREAKING, base, changed
from tests.selftest.fixtures.project import init_project
from tests.selftest.plugin.test_live_unknown_target import live_env

from msaaq_contract.cli.main import main
from msaaq_contract.errors import Exit

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
COLUMNS = ("pytest", "gate", "other")
UNREACHABLE = "http://127.0.0.1:9/v1"  # the discard port: nothing listens on loopback


def documented() -> set[tuple[str, int]]:
    """(column, code) of every cell of the README's table that is not a dash."""
    section = README[README.index("## Exit codes") :]
    section = section[: section.index("\n## ")]
    cells = set()
    for row in re.findall(r"^\| (\d+) \|(.*)\|$", section, flags=re.MULTILINE):
        code, rest = int(row[0]), [c.strip() for c in row[1].split(" | ")]
        assert len(rest) == len(COLUMNS), row
        cells |= {(column, code) for column, text in zip(COLUMNS, rest, strict=True) if text != "—"}
    return cells


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return init_project(tmp_path_factory.mktemp("exit-codes") / "project")


def run_pytest(folder: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MSAAQ_")}
    command = [sys.executable, "-m", "pytest", "-p", "no:xdist", "-q", "--no-header", *args]
    return subprocess.run(
        command, cwd=folder, capture_output=True, text=True, timeout=300, env={**clean, **(env or {})}, check=False
    )


@pytest.fixture(scope="module")
def passing(project):
    result = run_pytest(project, "--msaaq-sim", "--msaaq-report-dir", "reports/passing")
    return result, project / "reports" / "passing" / "conformance.json"


@pytest.fixture(scope="module")
def failing(project):
    faults = project / "faults.yaml"
    faults.write_text(yaml.safe_dump([{"fault": "wrong_field_type", "operations": ["admin.auth.login"]}]))
    result = run_pytest(
        project, "--msaaq-sim", "--msaaq-sim-faults", str(faults), "--msaaq-report-dir", "reports/failing"
    )
    return result, project / "reports" / "failing" / "conformance.json"


def _pytest_interrupted(project, tmp_path, monkeypatch) -> int:
    (tmp_path / "interrupt_after_three.py").write_text(
        "seen = []\n"
        "def pytest_runtest_logreport(report):\n"
        "    if report.when == 'call':\n"
        "        seen.append(report)\n"
        "        if len(seen) == 3:\n"
        "            raise KeyboardInterrupt\n"
    )
    out = tmp_path / "reports"
    result = run_pytest(
        project, "--msaaq-sim", "-p", "interrupt_after_three", "--msaaq-report-dir", str(out),
        env={"PYTHONPATH": str(tmp_path)},
    )  # fmt: skip
    assert "interrupted" in (out / "conformance.json").read_text()  # the reports are still written
    return result.returncode


def _pytest_internal_error(project, tmp_path, monkeypatch) -> int:
    (tmp_path / "crashing_plugin.py").write_text("def pytest_collection_modifyitems(items):\n    raise RuntimeError\n")
    return run_pytest(project, "-p", "crashing_plugin", env={"PYTHONPATH": str(tmp_path)}).returncode


def _pytest_usage(project, tmp_path, monkeypatch) -> int:
    result = run_pytest(project, "--msaaq-contract", str(tmp_path / "nowhere.yaml"))
    assert "contract file not found" in result.stdout + result.stderr and "Traceback" not in result.stdout
    return result.returncode


def _pytest_unreachable(project, tmp_path, monkeypatch) -> int:
    result = run_pytest(project, "--msaaq-report-dir", str(tmp_path), env=live_env(UNREACHABLE))
    assert "Exit: error: cannot reach http://127.0.0.1:9/v1" in result.stdout + result.stderr
    return result.returncode


def _gate(report: Path, project: Path) -> int:
    return main(["gate", str(report), "--baseline", str(project / "contracts" / "known-deviations.yaml")])


def _gate_raises(error: BaseException, fixtures, monkeypatch) -> int:
    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr("msaaq_contract.cli.gate.evaluate", broken)
    return _gate(fixtures["passing"][1], fixtures["project"])


def _diff_raises(error: BaseException, monkeypatch) -> int:
    def broken(args):
        raise error

    monkeypatch.setattr("msaaq_contract.cli.diff.run", broken)
    return main(["diff", "old.yaml", "new.yaml"])


def _diff_breaking(tmp_path) -> int:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(yaml.safe_dump(base()))
    new.write_text(yaml.safe_dump(changed(BREAKING["removed operation"][0])))
    return main(["diff", str(old), str(new)])


def _version(capsys) -> int:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert capsys.readouterr().out.startswith("msaaq-contract ")
    return int(done.value.code or 0)


def _discover_unreachable(tmp_path, monkeypatch) -> int:
    for key, value in live_env(UNREACHABLE).items():
        monkeypatch.setenv(key, value)
    return main(["discover", "--base-url", UNREACHABLE, "--out", str(tmp_path / "found.yaml")])


Scenario = Callable[..., int]
SCENARIOS: dict[tuple[str, int], Scenario] = {
    ("pytest", 0): lambda f, **_: f["passing"][0].returncode,
    ("pytest", 1): lambda f, **_: f["failing"][0].returncode,
    ("pytest", 2): lambda f, tmp_path, monkeypatch, **_: _pytest_interrupted(f["project"], tmp_path, monkeypatch),
    ("pytest", 3): lambda f, tmp_path, monkeypatch, **_: _pytest_internal_error(f["project"], tmp_path, monkeypatch),
    ("pytest", 4): lambda f, tmp_path, monkeypatch, **_: _pytest_usage(f["project"], tmp_path, monkeypatch),
    ("pytest", 5): lambda f, **_: run_pytest(f["project"], "-k", "no-such-test").returncode,
    ("pytest", 69): lambda f, tmp_path, monkeypatch, **_: _pytest_unreachable(f["project"], tmp_path, monkeypatch),
    ("gate", 0): lambda f, **_: _gate(f["passing"][1], f["project"]),
    ("gate", 1): lambda f, **_: _gate(f["failing"][1], f["project"]),
    ("gate", 2): lambda f, tmp_path, **_: _gate(tmp_path / "missing.json", f["project"]),
    ("gate", 70): lambda f, monkeypatch, **_: _gate_raises(RuntimeError("bug"), f, monkeypatch),
    ("gate", 130): lambda f, monkeypatch, **_: _gate_raises(KeyboardInterrupt(), f, monkeypatch),
    ("other", 0): lambda f, capsys, **_: _version(capsys),
    ("other", 1): lambda f, tmp_path, **_: _diff_breaking(tmp_path),
    ("other", 2): lambda f, tmp_path, **_: main(["diff", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")]),
    ("other", 69): lambda f, tmp_path, monkeypatch, **_: _discover_unreachable(tmp_path, monkeypatch),
    ("other", 70): lambda f, monkeypatch, **_: _diff_raises(ValueError("bug"), monkeypatch),
    ("other", 130): lambda f, monkeypatch, **_: _diff_raises(KeyboardInterrupt(), monkeypatch),
}  # fmt: skip


def test_every_cell_of_the_table_has_a_scenario():
    assert documented() == set(SCENARIOS)
    ours = {code for _column, code in SCENARIOS} - {0, 1, 2, 3, 4, 5}
    assert ours == {Exit.TARGET_UNREACHABLE, Exit.INTERNAL_ERROR, Exit.INTERRUPTED}


@pytest.mark.parametrize(("column", "code"), sorted(SCENARIOS), ids=lambda v: str(v))
def test_the_table_is_true(column, code, request, tmp_path, monkeypatch, capsys):
    needs = {"pytest": ("project", "passing", "failing"), "gate": ("project", "passing", "failing")}.get(column, ())
    fixtures = {name: request.getfixturevalue(name) for name in needs}
    monkeypatch.chdir(tmp_path)
    assert SCENARIOS[column, code](fixtures, tmp_path=tmp_path, monkeypatch=monkeypatch, capsys=capsys) == code


def test_an_internal_error_of_the_cli_is_told_apart_from_a_finding(monkeypatch, capsys):
    assert _diff_raises(ValueError("a bug"), monkeypatch) == Exit.INTERNAL_ERROR != Exit.FINDINGS
    err = capsys.readouterr().err
    assert "Traceback" in err and "internal error: ValueError: a bug (a bug in msaaq-contract" in err
