"""Command-line options (group "msaaq") and how the run mode is decided from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..errors import ConfigError
from ..settings import DEFAULT_SEED, Mode, Settings, resolve

SUITE = "tests/conformance"  # the default ``msaaq_suite``, relative to pytest's rootdir


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("msaaq", "MSAAQ conformance")
    group.addoption(
        "--base-url",
        default=None,
        help="live target, the API base including /v1 (env MSAAQ_BASE_URL); credentials from MSAAQ_*",
    )
    group.addoption(
        "--sim",
        action="store_true",
        default=False,
        help="start the reference server on a free loopback port and run live against it",
    )
    group.addoption(
        "--sim-faults",
        default=None,
        help="with --sim: inject the faults of this YAML/JSON file (see refserver/README.md)",
    )
    group.addoption(
        "--allow-writes",
        action="store_true",
        default=False,
        help="send mutating requests to a non-loopback live target",
    )
    group.addoption(
        "--allow-production",
        action="store_true",
        default=False,
        help="with --allow-writes: also write to production (api.msaaq.com)",
    )
    group.addoption(
        "--rate-limit", default=None, help="cap live requests, e.g. 5/s, 300/m or 100/10s (env MSAAQ_RATE_LIMIT)"
    )
    group.addoption("--seed", type=int, default=None, help=f"hypothesis seed (default {DEFAULT_SEED})")
    group.addoption(
        "--max-examples",
        type=int,
        default=None,
        help="generated requests per operation and fuzz mode (default 4 offline/sim, 20 live)",
    )
    group.addoption(
        "--report-dir", default=None, help="where reports are written (default reports/ under pytest's rootdir)"
    )
    group.addoption("--cassette-dir", default=None, help="cassette folder (default cassettes/ under pytest's rootdir)")
    group.addoption(
        "--contract", default=None, help="contract root (default contracts/openapi.yaml under pytest's rootdir)"
    )
    group.addoption(
        "--target-fixtures", default=None, help="YAML/JSON of target ids and tenants for live runs (env MSAAQ_FIXTURES)"
    )
    group.addoption("--request-timeout", type=float, default=30.0, help="per-request timeout in seconds (default 30)")
    group.addoption(
        "--time-budget",
        default=None,
        help="live runs: fit the run into this time (e.g. 30m, 1h, 6m30s; env MSAAQ_TIME_BUDGET): the most "
        "valuable requests first, what does not fit is not-run",
    )
    group.addoption(
        "--outage-limit",
        default=None,
        help="live runs: how long to wait for a target that is away (a deploy: 502/503/504, refused connections) "
        "before the rest of the run is errors (e.g. 90s, 10m; env MSAAQ_OUTAGE_LIMIT; default 5m)",
    )
    group.addoption(
        "--progress-every",
        default=None,
        help="live and --sim runs: print a progress line this often (requests sent, ids judged, ETA, waits; "
        "e.g. 30s, 1m; env MSAAQ_PROGRESS_EVERY; default 30s)",
    )
    group.addoption(
        "--plan",
        action="store_true",
        default=False,
        help="print how many requests the run would send per family and bucket, and its ETA; send nothing",
    )
    parser.addini(
        "msaaq_suite",
        "folders of the conformance suite (tests marked msaaq); the plugin acts on runs that select them",
        type="paths",
        default=[SUITE],
    )


def runs_suite(config: pytest.Config) -> bool:
    """Does this run select the conformance suite? Decided before collection (live preflight and the xdist
    scheduler start before it), from the paths pytest was given (or ``testpaths``): one of them is a suite
    folder (``msaaq_suite``), lies inside one or holds one."""
    suites = [Path(config.rootpath, p).resolve() for p in config.getini("msaaq_suite")]
    given = [str(a) for a in config.args] or [str(p) for p in config.getini("testpaths")]
    for arg in given:
        path = Path(config.invocation_params.dir, arg.split("::", 1)[0]).resolve()
        if any(path == s or path.is_relative_to(s) or s.is_relative_to(path) for s in suites):
            return True
    return False


OPTIONS = (
    "base_url", "sim", "allow_writes", "allow_production", "rate_limit", "seed", "target_fixtures",
    "request_timeout", "time_budget", "outage_limit",
)  # fmt: skip


def resolve_settings(config: pytest.Config, sim_base_url: str | None = None) -> Settings:
    """Options > environment > defaults (``settings.resolve``, shared with the CLI). ``sim_base_url`` is the
    started reference server, if any."""
    options = {name: config.getoption(name, None) for name in OPTIONS}
    options["record_mode"] = config.getoption("record_mode", default="none")
    return resolve(options, sim_base_url=sim_base_url)


def max_examples(config: pytest.Config, mode: Mode) -> int:
    value = config.getoption("max_examples")
    if value is not None:
        if int(value) < 1:
            raise ConfigError("--max-examples must be at least 1")
        return int(value)
    # Live: 20 per mode and operation. Each distinct request is sent once, so an operation with little to vary
    # costs less; a full run stays under 12,000 requests (18,603 at 25 before requests were deduplicated).
    return 20 if mode == "live" else 4


def _from_options(config: pytest.Config, option: str, default: str) -> Path:
    """An option's path (relative to where pytest was invoked), else ``default`` under pytest's rootdir.

    Never relative to the installed package: a second checkout sharing a virtualenv, or a non-editable
    install, must test its own contract and cassettes."""
    given = config.getoption(option)
    if given:
        return Path(config.invocation_params.dir) / Path(given)
    return config.rootpath / default


def contract_path(config: pytest.Config) -> Path:
    return _from_options(config, "contract", "contracts/openapi.yaml")


def cassette_root(config: pytest.Config) -> Path:
    return _from_options(config, "cassette_dir", "cassettes")


def report_dir(config: pytest.Config) -> Path:
    return _from_options(config, "report_dir", "reports")
