"""Everything a conformance session needs, built once: settings, contract, target, client, cassettes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ..client.happy import Fixtures
from ..client.pacing import Budget, Traffic
from ..client.transport import Client, Sender
from ..contract import Contract, load_contract
from ..contract.identities import identities
from ..discovery.lifecycle import Lifecycle
from ..errors import CassetteError, MsaaqContractError
from ..recording import provenance
from ..recording.cassettes import CassetteLibrary, read_meta, write_meta
from ..recording.replay import ReplayClient, ReplayLibrary
from ..redaction import Redactor
from ..settings import ENV_CREDENTIALS, Credentials, Settings
from .handoff import token_share
from .options import cassette_root, contract_path, option, record_mode, resolve_settings
from .targets import open_target


@dataclass
class Runtime:
    root: Path  # pytest's rootdir: paths in reports are shown relative to it
    settings: Settings
    contract: Contract
    fixtures: Fixtures
    client: Sender  # the live Client, or offline the ReplayClient
    cassettes: CassetteLibrary | ReplayLibrary | None
    redactor: Redactor
    max_examples: int
    server: Any = None
    other_credentials: Credentials | None = None
    second_credentials: Credentials | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    happy_cache: dict[tuple[str, str | None], Any] = field(default_factory=dict)
    controls: dict[tuple[str, str], Any] = field(default_factory=dict)  # (identity, scope) -> positive control
    down: str | None = None  # why the target is considered gone (a ``TargetDown``: away beyond --outage-limit)
    budget: Budget = field(default_factory=Budget)  # --time-budget's deadline (none offline)
    fuzz_left: int = 0  # fuzz tests this process still expects to run: they share what the budget leaves
    started: float = 0.0  # when this process began sending (monotonic): the throughput's start
    # What the run creates and ends on the target, and the clean-up (discovery/lifecycle.py).
    lifecycle: Lifecycle = field(init=False)

    def __post_init__(self) -> None:
        self.lifecycle = Lifecycle(self.contract, self.fixtures, self.client, self.live, offline=self.offline)

    def fuzz_examples(self) -> int:
        """Examples for the next fuzz test: ``max_examples``, or under a time budget an equal share of the
        requests the rest of the budget affords at the throughput so far, so every operation gets some."""
        left = self.budget.remaining()
        if left is None or self.client.ledger.requests == 0:
            return self.max_examples
        elapsed = max(self.client.clock() - self.started, 1e-3)
        rate = self.client.ledger.requests / elapsed
        tests = max(1, self.fuzz_left)
        self.fuzz_left = max(0, self.fuzz_left - 1)
        affordable = int(max(left, 0.0) * rate * 0.9 / tests)  # 10% kept for what the tests do besides sending
        return max(1, min(self.max_examples, affordable))

    @property
    def offline(self) -> bool:
        return self.settings.mode == "offline"

    @property
    def recording(self) -> bool:
        return self.settings.mode == "record"

    def target_label(self) -> str:
        if self.offline:
            return "offline (cassettes)"
        if self.server is not None:
            return f"reference server {self.settings.base_url}"
        return self.settings.base_url

    @property
    def live(self) -> bool:
        return not self.offline and self.server is None

    def close(self) -> None:
        # What the run created is deleted even after the time budget: safety before punctuality. The time it
        # takes (a throttled target may make it wait for its window) is in the ledger as ``cleanup_s``.
        self.budget.deadline = None
        self.client.ledger.cleanup_s += self.lifecycle.undo()
        self.client.close()
        if self.server is not None:
            self.server.stop()

    def verdict_on(self) -> str:
        """What this run's verdict judges: the recordings' source offline, else the target itself."""
        source = self.meta.get("recorded_from") if self.offline else None
        simulated = self.server is not None
        return provenance.verdict_on(
            self.settings.mode, simulated=simulated, target=self.settings.base_url, recorded_from=source
        )

    def write_cassette_meta(self) -> None:
        """After a recording run: the set's fixtures, seed, source (merged when only part was re-recorded) and
        the route each recorded id was recorded against (named when a later contract moves it)."""
        if not isinstance(self.cassettes, CassetteLibrary) or not self.recording:
            return
        from .. import __version__

        library = self.cassettes
        try:
            old = read_meta(library.root)
        except CassetteError:
            old = {}
        documented = dict(self.contract.documented())
        complete = set(documented) <= library.recorded
        source = provenance.of_recording(
            reference_server=self.server is not None,
            base_url=self.settings.base_url,
            contract_digest=self.contract.digest,
            suite_version=__version__,
        )
        routes = {k: v for k, v in old.get("operations", {}).items() if k in documented and not complete}
        routes.update({doc_id: documented[doc_id].label for doc_id in library.recorded if doc_id in documented})
        fixtures = {
            "tenant": self.fixtures.tenant,
            "other_tenant": self.fixtures.other_tenant,
            "path": dict(self.fixtures.path),
            "operations": {k: dict(v) for k, v in self.fixtures.operations.items()},
            "other_tenant_path": dict(self.fixtures.other_tenant_path),
            "nonce": self.fixtures.nonce,
        }
        write_meta(
            library.root,
            {
                "contract_digest": self.contract.digest,
                "seed": self.settings.seed,
                "max_examples": self.max_examples,
                # Ids and slugs are not secrets (a "signature" path value must survive): redact text only.
                "fixtures": json.loads(self.redactor.text(json.dumps(fixtures, ensure_ascii=False))),
                "recorded_from": provenance.merged(old.get("recorded_from"), source, complete=complete),
                "operations": dict(sorted(routes.items())),
            },
        )


def describe_run(config: pytest.Config) -> dict[str, Any]:
    """Target, mode, seed and what the verdict is on, without starting anything (the xdist controller has no
    runtime)."""
    try:
        settings = resolve_settings(config)
        seed = settings.seed
        source = None
        if settings.mode == "offline":
            meta = read_meta(cassette_root(config))
            source = meta.get("recorded_from")
            seed = int(meta.get("seed", seed)) if option(config, "seed") is None else seed
    except MsaaqContractError:
        return {"target": "not started", "mode": "offline", "seed": 0}
    sim = bool(option(config, "sim"))
    labels = {"offline": "offline (cassettes)", "sim": "reference server (--sim)"}
    target = labels.get(settings.mode) or ("reference server (--sim)" if sim else settings.base_url)
    verdict_on = provenance.verdict_on(settings.mode, simulated=sim, target=settings.base_url, recorded_from=source)
    return {"target": target, "mode": settings.mode, "seed": seed, "verdict_on": verdict_on, "recorded_from": source}


def start_runtime(config: pytest.Config, sending: Traffic | None = None, fuzz_tests: int = 0) -> Runtime:
    """``sending``: this process's pacer, ledger and budget (live and --sim runs); ``fuzz_tests``: how many fuzz
    tests the run collected (they share what a time budget leaves)."""
    contract = load_contract(contract_path(config))
    identities(contract).check_variables(ENV_CREDENTIALS)  # the logins the contract describes, with our variables
    target = open_target(config, contract, resolve_settings(config), sending)
    settings = target.settings
    redactor = Redactor(settings.secrets(), settings.personal())
    client: Sender  # the live Client, or offline the ReplayClient
    cassettes: CassetteLibrary | ReplayLibrary | None = None
    if settings.mode == "offline":
        # Offline, nothing is sent: every request is answered from its recording and judged again.
        cassettes = ReplayLibrary(cassette_root(config), contract, target.meta)
        client = ReplayClient(cassettes)
    else:
        pacer, ledger, outages = (sending.pacer, sending.ledger, sending.outages) if sending else (None, None, None)
        client = Client.for_contract(
            settings, contract, pacer=pacer, ledger=ledger, share=token_share(config), outages=outages
        )
    if settings.mode == "record":
        cassettes = CassetteLibrary(cassette_root(config), record_mode(config), redactor, actual_base=settings.base_url)
        if isinstance(client, Client):  # an outage's answers are sent again, never recorded
            client.http.discarded = cassettes.discard  # type: ignore[attr-defined]
    runtime = Runtime(
        config.rootpath, settings, contract, target.fixtures, client, cassettes, redactor, target.examples,
        target.server, target.other_credentials, target.second_credentials, target.meta,
    )  # fmt: skip
    if settings.mode != "offline" and sending is not None:
        workerinput = getattr(config, "workerinput", None)
        workers = int(workerinput.get("workercount", 1)) if workerinput is not None else 1
        runtime.budget = sending.budget
        runtime.started = sending.started
        runtime.fuzz_left = -(-fuzz_tests // workers)  # this process's share, rounded up
    return runtime
