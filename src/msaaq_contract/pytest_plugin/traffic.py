"""One pacer, ledger and time budget per process of a run; the plan printed before anything is sent.

The pacer and the ledger are shared by every client of a process: discovery's (on the xdist controller or the
only process) and the suite's. The time budget starts when pytest is configured; its deadline travels to the
xdist workers as a wall-clock time (``handoff``), and each worker paces ``1/workers`` of each bucket's
limit. Workers hand their ledgers to the controller in ``workeroutput``; the controller adds them to its own.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from ..client.ledger import Ledger
from ..client.outages import DEFAULT_LIMIT_S
from ..client.pacing import Budget, Pacer, Traffic
from ..contract.resources import resource_graph
from ..errors import MsaaqContractError
from ..plan import Plan, build, value_rank
from ..settings import RateLimit, parse_duration
from . import live
from .collection import doc_id_of
from .handoff import handoff
from .mass_assignment import requests_at_most
from .options import option

LEDGER_OUTPUT = "msaaq_ledger"
TRAFFIC = pytest.StashKey[Traffic]()
PLAN = pytest.StashKey[Plan]()
FUZZ_TESTS = pytest.StashKey[int]()
PLANNED_IDS = pytest.StashKey[int]()  # documented ids the run's tests cover (progress: "120/531 ids judged")


def time_budget(config: Any) -> float | None:
    raw = option(config, "time_budget") or os.environ.get("MSAAQ_TIME_BUDGET")
    return parse_duration(str(raw)) if raw else None


def start_clock(config: pytest.Config) -> None:
    """On the controller (or the only process), when pytest is configured: the budget's deadline."""
    try:
        budget = time_budget(config)
        outage_limit(config)  # a bad limit is one line before anything is sent
    except MsaaqContractError as exc:
        raise pytest.UsageError(f"error: {exc.one_line()}") from None
    if budget is not None:
        handoff(config)["deadline"] = repr(time.time() + budget)


def traffic(config: pytest.Config) -> Traffic:
    found = config.stash.get(TRAFFIC, None)
    if found is not None:
        return found
    deadline = None
    wall_deadline = handoff(config).get("deadline")
    if wall_deadline:
        deadline = time.monotonic() + (float(wall_deadline) - time.time())
    budget = Budget(deadline=deadline)
    raw = option(config, "rate_limit") or os.environ.get("MSAAQ_RATE_LIMIT")
    ceiling = RateLimit.parse(str(raw)) if raw else None
    workerinput = getattr(config, "workerinput", None)
    workers = int(workerinput.get("workercount", 1)) if workerinput is not None else 1
    pacer = Pacer(ceiling=ceiling, share=workers, budget=budget)
    found = config.stash[TRAFFIC] = Traffic(pacer, Ledger(), outage_limit_s=outage_limit(config))
    return found


def outage_limit(config: Any) -> float:
    raw = option(config, "outage_limit") or os.environ.get("MSAAQ_OUTAGE_LIMIT")
    return parse_duration(str(raw), "--msaaq-outage-limit") if raw else DEFAULT_LIMIT_S


# -- value order and the plan ----------------------------------------------------------------------------
def order_by_value(items: list[pytest.Item]) -> None:
    """Under a time budget: the most valuable tests first (``plan.VALUE_ORDER``), stable within a rank."""
    items.sort(key=lambda item: value_rank(_family(item) or ""))


def _family(item: pytest.Item) -> str | None:
    from .collection import family_of

    marker = item.get_closest_marker("msaaq")
    return family_of(marker) if marker is not None else None


def make_plan(config: pytest.Config, items: list[pytest.Item], contract: Any, max_examples: int) -> Plan:
    every = resource_graph(contract).chains

    def chain_length(doc_id: str) -> int:
        chain = every.get(doc_id)
        if chain is None:
            return 0
        links = chain.links
        # create + each link, the read again after an update, and once more after the delete
        return 1 + len(links) + ("update" in links) + ("delete" in links)

    def probe_length(doc_id: str) -> int:
        chain = every.get(doc_id)
        return 0 if chain is None else requests_at_most(contract, chain)

    tests = []
    for item in items:
        family, doc_id = _family(item), doc_id_of(item)
        if family and doc_id is not None:
            tests.append((doc_id, family))
    plan = build(contract, tests, max_examples=max_examples, chain_length=chain_length, probe_length=probe_length)
    config.stash[PLAN] = plan
    config.stash[FUZZ_TESTS] = sum(1 for _, family in tests if family == "fuzz")
    config.stash[PLANNED_IDS] = len({doc_id for doc_id, _ in tests})
    return plan


def share_plan(config: pytest.Config, plan: Plan, ids: int) -> None:
    """An xdist worker leaves the plan (and how many ids it covers) for the controller, which prints it once the
    collection is known."""
    folder = handoff(config).get("run_dir")
    if folder:
        target = Path(folder) / "plan.json"
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({**plan.to_dict(), "ids": ids}), encoding="utf-8")
        tmp.replace(target)


def shared_plan(config: pytest.Config) -> tuple[Plan, int] | None:
    folder = handoff(config).get("run_dir")
    path = Path(folder) / "plan.json" if folder else None
    if path is None or not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    plan = Plan()
    for bucket, families in data.get("per_bucket_family", {}).items():
        for family, n in families.items():
            plan.add(bucket, family, int(n))
    return plan, int(data.get("ids", 0))


def plan_lines(config: pytest.Config, plan: Plan) -> list[str]:
    t = traffic(config)
    observed = t.pacer.limits()
    latency = 0.0
    found = t.ledger.requests
    if found:
        latency = max(0.0, (time.monotonic() - t.started - t.ledger.waited_s) / found)
    return plan.lines(observed, ceiling=t.pacer.ceiling, latency_s=latency, budget_s=time_budget(config))


class TrafficHooks:
    """Registered for conformance runs: the value order under a budget, the plan, the workers' ledgers."""

    @pytest.hookimpl(trylast=True)  # after -k/-m deselection: the plan is of what will run
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        sends = live.is_live(config) or bool(option(config, "sim"))
        if not (sends or option(config, "plan")):
            return  # offline: nothing is sent, nothing to plan
        if time_budget(config) is not None:
            order_by_value(items)
        from .collection import _contract
        from .options import contract_path, max_examples, resolve_settings

        try:
            contract = _contract(str(contract_path(config)))
            plan = make_plan(config, items, contract, max_examples(config, resolve_settings(config).mode))
        except MsaaqContractError as exc:
            raise pytest.UsageError(f"error: {exc.one_line()}") from None
        workerinput = getattr(config, "workerinput", None)
        if workerinput is not None:
            if workerinput.get("workerid") == "gw0":
                share_plan(config, plan, config.stash.get(PLANNED_IDS, 0))
        else:
            _say(config, plan_lines(config, plan))
        if option(config, "plan"):  # the dry run: the plan was the point
            config.hook.pytest_deselected(items=list(items))
            items[:] = []

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        """The controller prints the plan one worker computed from its collection (once)."""
        config = node.config
        if config.stash.get(PLAN, None) is not None:
            return
        shared = shared_plan(config)
        if shared is not None:
            config.stash[PLAN], config.stash[PLANNED_IDS] = shared
            _say(config, plan_lines(config, shared[0]))

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        """A worker's ledger joins the controller's (discovery's requests are already there)."""
        ledger = getattr(node, "workeroutput", {}).get(LEDGER_OUTPUT)
        if ledger:
            traffic(node.config).ledger.add(ledger)


def _say(config: pytest.Config, lines: list[str]) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    for line in lines:
        if reporter is not None:
            reporter.write_line(f"msaaq {line}")
