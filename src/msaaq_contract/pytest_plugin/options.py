"""Command-line options (group "msaaq") and how the run mode is decided from them.

Every option is one row of ``OPTIONS``: ``Option("outage-limit", "help ...", {"type": int, "metavar": "N"})``
registers ``--msaaq-outage-limit`` (dest ``msaaq_outage_limit``), read with ``option(config, "outage_limit")``,
never ``config.getoption``. Only options that existed before 0.2 had an unprefixed spelling; they keep it as a
deprecated alias (``DEPRECATED_ALIASES``). A new option gets none.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest

from ..errors import ConfigError
from ..settings import DEFAULT_SEED, Mode, Settings, resolve
from ..shipped import shipped_contract

SUITE = "tests/conformance"  # the default ``msaaq_suite``, relative to pytest's rootdir


@dataclass(frozen=True)
class Option:
    """One option of the "msaaq" group. ``--msaaq-<name>`` is its spelling and ``msaaq_<name>`` its dest (read it
    with ``option(config, "<name>")``); for an option of ``DEPRECATED_ALIASES``, ``--<name>`` (its spelling before
    0.2) stays an alias with a deprecation note unless another plugin owns it (pytest-base-url's ``--base-url``)."""

    name: str
    help: str
    kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def flag(self) -> str:
        return f"--msaaq-{self.name}"

    @property
    def alias(self) -> str | None:
        return f"--{self.name}" if self.name in DEPRECATED_ALIASES else None

    @property
    def dest(self) -> str:
        return "msaaq_" + self.name.replace("-", "_")


# The spellings before 0.2 (``--sim``, ``--seed``, ...): kept, with a deprecation note, for these options only.
DEPRECATED_ALIASES = frozenset(
    {"base-url", "sim", "sim-faults", "allow-writes", "allow-production", "rate-limit", "seed", "max-examples",
     "report-dir", "cassette-dir", "contract", "target-fixtures", "request-timeout", "time-budget", "plan",
     "record-mode"}
)  # fmt: skip
FLAG: dict[str, Any] = {"action": "store_true", "default": False}
URL, FILE, DIR = ({"metavar": m} for m in ("URL", "FILE", "DIR"))

# The one table of the plugin's options. A new option is one row here: nothing else registers options.
OPTIONS: tuple[Option, ...] = (
    Option("base-url", "live target, the API base including /v1 (env MSAAQ_BASE_URL); credentials from MSAAQ_*", URL),
    Option("sim", "start the reference server on a free loopback port and run live against it", FLAG),
    Option("sim-faults", "with --msaaq-sim: inject the faults of this YAML/JSON file (see refserver/README.md)", FILE),
    Option("allow-writes", "send mutating requests to a non-loopback live target", FLAG),
    Option("allow-production", "with --msaaq-allow-writes: also write to production (api.msaaq.com)", FLAG),
    Option("rate-limit", "cap live requests, e.g. 5/s, 300/m or 100/10s (env MSAAQ_RATE_LIMIT)", {"metavar": "N/s"}),
    Option("seed", f"hypothesis seed (default {DEFAULT_SEED})", {"type": int, "metavar": "N"}),
    Option(
        "max-examples",
        "generated requests per operation and fuzz mode (default 4 offline/sim, 20 live)",
        {"type": int, "metavar": "N"},
    ),
    Option("report-dir", "where reports are written (default reports/ under pytest's rootdir)", DIR),
    Option("cassette-dir", "cassette folder (default cassettes/ under pytest's rootdir)", DIR),
    Option(
        "contract",
        "contract root (default contracts/openapi.yaml under pytest's rootdir, else the contract the package ships)",
        FILE,
    ),
    Option("target-fixtures", "YAML/JSON of target ids and tenants for live runs (env MSAAQ_FIXTURES)", FILE),
    Option(
        "request-timeout",
        "per-request timeout in seconds (default 30)",
        {"type": float, "default": 30.0, "metavar": "SECONDS"},
    ),
    Option(
        "time-budget",
        "live runs: fit the run into this time (e.g. 30m, 1h, 6m30s; env MSAAQ_TIME_BUDGET): the most valuable "
        "requests first, what does not fit is not-run",
        {"metavar": "DURATION"},
    ),
    Option(
        "record-mode",
        "record cassettes from the target: rewrite (all again), new_episodes, once, all; none replays (default)",
        {"choices": ("none", "once", "new_episodes", "all", "rewrite"), "metavar": "MODE"},
    ),
    Option(
        "outage-limit",
        "live runs: how long to wait for a target that is away (a deploy: 502/503/504, refused connections) "
        "before the rest of the run is errors (e.g. 90s, 10m; env MSAAQ_OUTAGE_LIMIT; default 5m)",
        {"metavar": "DURATION"},
    ),
    Option(
        "progress-every",
        "live and --msaaq-sim runs: print a progress line this often (requests sent, ids judged, ETA, waits; "
        "e.g. 30s, 1m; env MSAAQ_PROGRESS_EVERY; default 30s)",
        {"metavar": "DURATION"},
    ),
    Option("plan", "print how many requests the run would send per family and bucket, and its ETA; send nothing", FLAG),
)
BY_NAME = {o.name.replace("-", "_"): o for o in OPTIONS}
DEPRECATED = "msaaq_deprecated_spellings"  # on config.option: the old spellings this run used


# Old spellings other plugins own: alias -> (their module, their plugin name, their dest). Such a plugin may
# register after us, so it is recognised by being installed and not disabled (``-p no:NAME``); its value is then
# read as ours (``option``): pytest-base-url (pulled in by pytest-playwright) and pytest-recording.
OWNED_ELSEWHERE = {
    "--base-url": ("pytest_base_url", "base_url", "base_url"),
    "--record-mode": ("pytest_recording", "recording", "record_mode"),
}


def _owned_elsewhere(alias: str, pluginmanager: pytest.PytestPluginManager) -> bool:
    owner = OWNED_ELSEWHERE.get(alias)
    return owner is not None and find_spec(owner[0]) is not None and not pluginmanager.is_blocked(owner[1])


def add_options(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    group = parser.getgroup("msaaq", "MSAAQ conformance")
    for opt in OPTIONS:
        kwargs = {"default": None, **opt.kwargs}
        group.addoption(opt.flag, dest=opt.dest, help=opt.help, **kwargs)
        if opt.alias is not None and not _owned_elsewhere(opt.alias, pluginmanager):
            action = _DeprecatedFlag if kwargs.get("action") == "store_true" else _DeprecatedValue
            group.addoption(opt.alias, dest=opt.dest, help=argparse.SUPPRESS, **{**kwargs, "action": action})
    parser.addini(
        "msaaq_suite",
        "folders of the conformance suite (tests marked msaaq); the plugin acts on runs that select them",
        type="paths",
        default=[SUITE],
    )


def _note_deprecated(namespace: argparse.Namespace, used: str) -> None:
    seen = getattr(namespace, DEPRECATED, None) or []
    if used not in seen:
        setattr(namespace, DEPRECATED, [*seen, used])


class _DeprecatedFlag(argparse._StoreTrueAction):
    def __call__(self, parser: Any, namespace: argparse.Namespace, values: Any, option_string: Any = None) -> None:
        _note_deprecated(namespace, str(option_string))
        super().__call__(parser, namespace, values, option_string)


class _DeprecatedValue(argparse._StoreAction):
    def __call__(self, parser: Any, namespace: argparse.Namespace, values: Any, option_string: Any = None) -> None:
        _note_deprecated(namespace, str(option_string))
        super().__call__(parser, namespace, values, option_string)


def warn_deprecated(config: pytest.Config) -> None:
    """One deprecation note per old spelling used (through pytest's warnings, so ``-W`` and ``filterwarnings``
    apply; this repository's own ini ignores them, its self-tests use the old spellings on purpose)."""
    for used in getattr(config.option, DEPRECATED, None) or []:
        new = BY_NAME[used.lstrip("-").replace("-", "_")].flag
        config.issue_config_time_warning(
            pytest.PytestDeprecationWarning(f"msaaq option {used} is deprecated: use {new}"), stacklevel=2
        )


def option(config: Any, name: str) -> Any:
    """The value of the msaaq option ``name`` (``"base_url"``, ``"sim"``, ...); for an old spelling another plugin
    owns (``OWNED_ELSEWHERE``), that plugin's value when ours is not given."""
    opt = BY_NAME[name]
    value = config.getoption(opt.dest, None)
    owner = OWNED_ELSEWHERE.get(opt.alias or "")
    if value is None and owner is not None:
        value = config.getoption(owner[2], None)
    return value


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


SETTINGS = (
    "base_url", "sim", "allow_writes", "allow_production", "rate_limit", "seed", "target_fixtures",
    "request_timeout", "time_budget", "outage_limit",
)  # fmt: skip


def resolve_settings(config: pytest.Config, sim_base_url: str | None = None) -> Settings:
    """Options > environment > defaults (``settings.resolve``, shared with the CLI). ``sim_base_url`` is the
    started reference server, if any."""
    options = {name: option(config, name) for name in SETTINGS}
    options["record_mode"] = record_mode(config)
    return resolve(options, sim_base_url=sim_base_url)


def record_mode(config: pytest.Config) -> str:
    return str(option(config, "record_mode") or "none")


def max_examples(config: pytest.Config, mode: Mode) -> int:
    value = option(config, "max_examples")
    if value is not None:
        if int(value) < 1:
            raise ConfigError("--max-examples must be at least 1")
        return int(value)
    # Live: 20 per mode and operation. Each distinct request is sent once, so an operation with little to vary
    # costs less; a full run stays under 12,000 requests (18,603 at 25 before requests were deduplicated).
    return 20 if mode == "live" else 4


def _from_options(config: pytest.Config, name: str, default: str) -> Path:
    """An option's path (relative to where pytest was invoked), else ``default`` under pytest's rootdir.

    Never relative to the installed package: a second checkout sharing a virtualenv, or a non-editable
    install, must test its own contract and cassettes."""
    given = option(config, name)
    if given:
        return Path(config.invocation_params.dir) / Path(given)
    return config.rootpath / default


def contract_path(config: pytest.Config) -> Path:
    """--msaaq-contract, else the project's ``contracts/openapi.yaml``, else the contract the package ships."""
    found = _from_options(config, "contract", "contracts/openapi.yaml")
    if option(config, "contract") or found.is_file():
        return found
    return shipped_contract()


def cassette_root(config: pytest.Config) -> Path:
    return _from_options(config, "cassette_dir", "cassettes")


def report_dir(config: pytest.Config) -> Path:
    return _from_options(config, "report_dir", "reports")
