"""The pytest plugin: the only part of the package that imports pytest.

Loaded through the ``pytest11`` entry point ``msaaq`` (``-p no:msaaq`` disables it). Nothing happens at
import time: the contract is read when conformance tests are parametrized, and the target (reference server,
tokens, cassettes) is prepared by the session fixture the first conformance test asks for.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import tempfile
from collections.abc import Generator, Iterator
from typing import Any

import pytest

from ..checks.base import ContractViolation
from ..errors import MsaaqContractError, OverBudget, TargetDown
from ..redaction import Redactor, library_request_log, log_redaction
from . import live, traffic
from .collection import _contract, generate_tests, modify_items
from .fixtures import SuiteFixtures
from .handoff import handoff, to_worker
from .junit import JUnitLog
from .options import (
    add_options,
    contract_path,
    option,
    record_mode,
    report_dir,
    resolve_settings,
    runs_suite,
    warn_deprecated,
)
from .properties import NOT_RUN, TARGET_ERROR
from .runtime import Runtime, describe_run, start_runtime
from .verdicts import VerdictCollector, write

COLLECTOR = pytest.StashKey[VerdictCollector]()
JUNIT = pytest.StashKey[JUnitLog]()
RUNTIME = pytest.StashKey[Runtime]()
SUMMARY = pytest.StashKey[tuple[dict[str, Any], str, str]]()
REDACTOR = pytest.StashKey[Redactor]()
RUNS_SUITE = pytest.StashKey[bool]()


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    add_options(parser, pluginmanager)


# Markers besides one per family (families.FAMILIES): registered by the plugin, so --strict-markers holds in any
# project that installs it.
MARKERS = {
    "msaaq": "msaaq(family): a conformance test of a registered family (families.py)",
    "admin": "operation of the Admin API (/admin/...)",
    "tenant": "operation of the Tenant API (/tenant/...)",
    "oauth": "OAuth token endpoint and ping",
    "mutating": "sends a non-read request (refused against remote targets without --msaaq-allow-writes)",
}


def _register_markers(config: pytest.Config) -> None:
    from ..families import FAMILIES

    for name, text in MARKERS.items():
        config.addinivalue_line("markers", text if text.startswith(f"{name}(") else f"{name}: {text}")
    for family in FAMILIES.values():
        config.addinivalue_line("markers", f"{family.name}: check family: {family.summary or family.name}")


def _runs_conformance(config: pytest.Config) -> bool:
    flag: bool | None = config.stash.get(RUNS_SUITE, None)
    if flag is None:
        flag = config.stash[RUNS_SUITE] = runs_suite(config)
    return flag


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    _register_markers(config)
    warn_deprecated(config)
    collector = VerdictCollector()
    config.stash[COLLECTOR] = collector
    config.pluginmanager.register(collector, "msaaq-verdicts")  # receives every test report (and Ctrl-C)
    config.pluginmanager.register(SuiteFixtures(), "msaaq-fixtures")
    if _runs_conformance(config):
        config.pluginmanager.register(traffic.TrafficHooks(), "msaaq-traffic")
    if _runs_conformance(config) and getattr(config.option, "xmlpath", None) is None and not _is_worker(config):
        config.stash[JUNIT] = JUnitLog()  # reports/junit.xml, unless --junitxml asks for pytest's own writer
        config.pluginmanager.register(config.stash[JUNIT], "msaaq-junit")
    recording = record_mode(config)
    workers = getattr(config.option, "numprocesses", None)
    is_live = live.is_live(config)
    if is_live and workers not in (None, 0, "0") and not _is_worker(config):
        # One login per identity for the whole run: the workers (started after this) get the folder.
        share = handoff(config)["token_share"] = tempfile.mkdtemp(prefix="msaaq-tokens-")
        config.add_cleanup(lambda: shutil.rmtree(share, ignore_errors=True))
    sends = is_live or bool(option(config, "sim"))
    if sends and _runs_conformance(config) and not option(config, "plan") and not config.option.collectonly:
        from .progress import ProgressHooks

        config.pluginmanager.register(ProgressHooks(), "msaaq-progress")  # a line every --msaaq-progress-every
        httpx_log = logging.getLogger("httpx")
        httpx_log.addFilter(library_request_log)  # its per-request INFO: redacted, and DEBUG like ours
        config.add_cleanup(lambda: httpx_log.removeFilter(library_request_log))
    if sends and _runs_conformance(config) and not _is_worker(config):
        traffic.start_clock(config)  # the time budget counts from here, discovery included
        if workers not in (None, 0, "0"):
            run_dir = handoff(config)["run_dir"] = tempfile.mkdtemp(prefix="msaaq-run-")  # the plan, from a worker
            config.add_cleanup(lambda: shutil.rmtree(run_dir, ignore_errors=True))
    if recording != "none" and workers not in (None, 0, "0"):
        raise pytest.UsageError("recording runs serially: add -p no:xdist or -n 0 to --msaaq-record-mode runs")


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """Live runs check and explore the target once, here, before xdist starts its workers."""
    config = session.config
    if _is_worker(config) or not _runs_conformance(config) or not live.is_live(config) or config.option.collectonly:
        return
    if option(config, "plan"):  # a dry run sends nothing, not even a login
        return
    log_redaction.use(run_redactor(config))  # discovery and token logs know the run's credentials
    try:
        live.prepare(config, contract_path(config), traffic.traffic(config))
    except MsaaqContractError as exc:
        # Nothing was judged: say so in the reports, then stop with the error's own exit code (69: target).
        _write_reports(config, exc.pytest_exit_code, aborted=exc.one_line())
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            config.pluginmanager.register(_OneLineStop(reporter), "msaaq-one-line-stop")
        pytest.exit(run_redactor(config).text(f"error: {exc.one_line()}"), returncode=exc.pytest_exit_code)


class _OneLineStop:
    """pytest already says a stop at session start in one line ("Exit: error: ..."); the terminal reporter would
    repeat it as an interruption banner, so its memo of the interruption is dropped."""

    def __init__(self, reporter: Any) -> None:
        self.reporter = reporter

    @pytest.hookimpl(trylast=True)
    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        if hasattr(self.reporter, "_keyboardinterrupt_memo"):  # pytest's own attribute: guarded
            self.reporter._keyboardinterrupt_memo = None


def pytest_report_header(config: pytest.Config) -> list[str]:
    data = config.stash.get(live.DISCOVERED, None)
    if data is None or _is_worker(config):
        return []
    return [run_redactor(config).text(f"msaaq discovery: {data.summary()}")]


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session: pytest.Session) -> None:
    """A contract that cannot be read is a usage error (exit 4) before any module is collected: raised while
    parametrizing, it would be a collection error per module, which pytest exits with 2 (its "interrupted")."""
    if _runs_conformance(session.config):
        try:
            _contract(str(contract_path(session.config)))
        except MsaaqContractError as exc:
            raise pytest.UsageError(f"error: {exc.one_line()}") from None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    try:
        generate_tests(metafunc)
    except MsaaqContractError as exc:
        raise pytest.UsageError(f"error: {exc.one_line()}") from None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    modify_items(config, items)


def pytest_collection_finish(session: pytest.Session) -> None:
    if _runs_conformance(session.config):
        # The contract and 4,500 items live until the end of the run: moved out of the collector's sight, they are
        # not walked again by every full collection (0.2-0.4 s of CPU per process, measured).
        gc.freeze()


@pytest.hookimpl(tryfirst=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    if _runs_conformance(config):
        # The run is over. pytest's closing full collections (they look for errors raised in finalizers) would
        # walk every object of the run again, 0.2-0.3 s per process (measured); the tests' own finalizers have
        # run by now, so only cyclic garbage left at exit goes unexamined.
        gc.freeze()


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist starts a worker: what the controller prepared for it travels in its ``workerinput``."""
    to_worker(node)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under pytest-xdist, all tests of one documented endpoint go to one worker (see ``scheduling``)."""
    if not _runs_conformance(config) or config.getoption("dist") not in ("load", "loadscope", "no"):
        return None
    from .scheduling import ByEndpoint

    return ByEndpoint(config, log)


@pytest.fixture(scope="session")
def msaaq_runtime(pytestconfig: pytest.Config) -> Iterator[Runtime]:
    """The target of this run: offline cassettes, the reference server (--sim) or a live base URL."""
    try:
        runtime = start_runtime(
            pytestconfig, traffic.traffic(pytestconfig), fuzz_tests=pytestconfig.stash.get(traffic.FUZZ_TESTS, 0)
        )
    except MsaaqContractError as exc:
        pytest.exit(run_redactor(pytestconfig).text(f"error: {exc.one_line()}"), returncode=exc.pytest_exit_code)
    pytestconfig.stash[RUNTIME] = runtime
    log_redaction.use(runtime.redactor)  # the package's log records: the run's credentials and learnt secrets
    yield runtime
    runtime.write_cassette_meta()
    runtime.close()


def run_redactor(config: pytest.Config) -> Redactor:
    """The run's redactor (it has learned the secret-looking values the target sent); on an xdist controller,
    which has no runtime, one that knows the run's credentials."""
    runtime = config.stash.get(RUNTIME, None)
    if runtime is not None:
        return runtime.redactor
    found = config.stash.get(REDACTOR, None)
    if found is None:
        try:
            settings = resolve_settings(config)
            found = Redactor(settings.secrets(), settings.personal())
        except MsaaqContractError:
            found = Redactor()
        config.stash[REDACTOR] = found
    return found


def _redact_report(report: pytest.TestReport, redactor: Redactor) -> None:
    """What the terminal and JUnit show of a conformance test: its failure, its skip reason, its captured output."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        report.longrepr = (longrepr[0], longrepr[1], redactor.text(str(longrepr[2])))
    elif longrepr is not None:
        text = str(longrepr)
        clean = redactor.text(text)
        if clean != text:  # pytest's own rendering is kept when there is nothing to take out
            report.longrepr = clean
    report.sections = [(title, redactor.text(content)) for title, content in report.sections]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    if item.get_closest_marker("msaaq") is not None and (report.longrepr is not None or report.sections):
        _redact_report(report, run_redactor(item.config))
    if call.excinfo is not None and isinstance(call.excinfo.value, OverBudget):
        # Not judged for lack of time: a skip in pytest and JUnit, "not-run" in the reports, never a failure.
        reason = f"not-run: {call.excinfo.value.one_line()}"
        report.outcome = "skipped"
        report.longrepr = (str(item.path), (item.location[1] or 0) + 1, reason)
        report.user_properties.append((NOT_RUN, reason))
    elif call.excinfo is not None and isinstance(call.excinfo.value, ContractViolation):
        report.longrepr = render_violation(call.excinfo.value)
    elif call.excinfo is not None and isinstance(call.excinfo.value, MsaaqContractError):
        # Our own error (target, cassette, credentials) is never the API breaking its contract: an "error".
        exc = call.excinfo.value
        report.longrepr = f"{exc.__class__.__name__}: {exc.one_line()}"
        report.user_properties.append((TARGET_ERROR, report.longrepr))
        if call.when == "call" and item.get_closest_marker("msaaq") is not None:
            # pytest, its JUnit XML and xdist count a failed report outside "call" as an error, not a failure.
            report.when = "setup"
        if isinstance(exc, TargetDown):  # away longer than --outage-limit: the remaining tests error at setup
            runtime = item.config.stash.get(RUNTIME, None)
            if runtime is not None and runtime.down is None:
                runtime.down = exc.message
    return report


def render_violation(violation: ContractViolation) -> str:
    from ..reporting.render import render_finding

    return "\n\n".join(render_finding(f, violation.doc_id) for f in violation.findings)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if _is_worker(config) and traffic.TRAFFIC in config.stash:
        config.workeroutput[traffic.LEDGER_OUTPUT] = config.stash[traffic.TRAFFIC].ledger.to_dict()  # type: ignore[attr-defined]
    if option(config, "plan") and _runs_conformance(config):
        session.exitstatus = pytest.ExitCode.OK  # the plan was printed: a dry run that did its job
        return  # it judged nothing: the last run's reports stay
    if _is_worker(config) or not _runs_conformance(config) or config.option.collectonly:
        return
    _write_reports(config, int(exitstatus))


def _write_reports(config: pytest.Config, exitstatus: int, aborted: str | None = None) -> None:
    collector = config.stash[COLLECTOR]
    runtime = config.stash.get(RUNTIME, None)
    try:
        contract = runtime.contract if runtime else _contract(str(contract_path(config)))
    except MsaaqContractError:
        return
    described = (
        {
            "target": runtime.target_label(),
            "mode": runtime.settings.mode,
            "seed": runtime.settings.seed,
            "verdict_on": runtime.verdict_on(),
            "recorded_from": runtime.meta.get("recorded_from") if runtime.offline else None,
        }
        if runtime
        else describe_run(config)
    )
    found = live.discovered(config)
    run = {
        **described,
        "exit_status": int(exitstatus),
        "shard": os.environ.get("MSAAQ_SHARD"),
        "pytest_args": [str(a) for a in config.invocation_params.args],
        "aborted": aborted,
        "discovery": found.summary() if found is not None else None,
        "ledger": _ledger(config, runtime),
        "plan": plan.to_dict() if (plan := config.stash.get(traffic.PLAN, None)) is not None else None,
    }
    report = collector.report(contract, run)
    out = report_dir(config)
    junit = config.stash.get(JUNIT, None)
    redactor = run_redactor(config)
    try:
        paths = ([junit.write(out / "junit.xml", redactor)] if junit is not None else []) + write(report, out, redactor)
    except (OSError, MsaaqContractError) as exc:
        config.get_terminal_writer().line(f"error: could not write reports to {out}: {exc}", red=True)
        return
    root = config.rootpath
    shown = ", ".join(str(p.relative_to(root)) if p.is_relative_to(root) else str(p) for p in paths)
    config.stash[SUMMARY] = (report.totals(), shown, report.run.verdict_on)


def _ledger(config: pytest.Config, runtime: Runtime | None) -> dict[str, Any] | None:
    """Every request this run sent to its target; None offline (nothing is sent)."""
    sends = live.is_live(config) or bool(option(config, "sim"))
    if not sends or (traffic.TRAFFIC not in config.stash and runtime is None):
        return None
    return traffic.traffic(config).ledger.to_dict()


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """The closing table: endpoints per area and outcome, then where the reports are."""
    found = config.stash.get(SUMMARY, None)
    if found is None:
        return
    totals, shown, verdict_on = found
    outcomes = ["passed", "failed", "uncertain", "error", "skipped", "not-run"]
    terminalreporter.section("msaaq conformance")
    terminalreporter.write_line(f"{'area':<8}" + "".join(f"{o:>11}" for o in outcomes) + f"{'total':>8}")
    for area, counts in sorted(totals["by_area"].items()):
        cells = "".join(f"{counts.get(o, 0):>11}" for o in outcomes)
        terminalreporter.write_line(f"{area:<8}{cells}{sum(counts.values()):>8}")
    data = live.discovered(config)
    if data is not None:
        terminalreporter.write_line(run_redactor(config).text(f"discovery: {data.summary()}"))
    ledger = _ledger(config, config.stash.get(RUNTIME, None))
    if ledger is not None:
        from ..reporting.render import describe_ledger

        terminalreporter.write_line(f"requests: {describe_ledger(ledger)}")
    if verdict_on:
        terminalreporter.write_line(f"verdict on {verdict_on}", bold=True)
    terminalreporter.write_line(f"reports: {shown}")
