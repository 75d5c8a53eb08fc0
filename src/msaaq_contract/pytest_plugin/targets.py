"""What a session talks to, one small function per kind of target.

- ``offline``: the cassettes; settings, seed and fixture values come from ``cassettes/_meta.json``.
- ``simulated`` (``--sim``): a reference server started on loopback, its demo users and its seeded values.
- ``live`` (``--base-url``): credentials from the environment, values pinned by ``--target-fixtures`` over what
  discovery found at session start.

Each returns a ``Target``; ``runtime.start_runtime`` builds the sender and the recording around it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from ..client.happy import Fixtures
from ..client.pacing import Traffic
from ..contract import Contract
from ..discovery.target import survey
from ..errors import ConfigError
from ..recording.cassettes import read_meta
from ..settings import Credentials, Settings, require_live_credentials
from .options import cassette_root, max_examples, option, resolve_settings


@dataclass
class Target:
    settings: Settings  # resolved for this target: its base URL, credentials, tenants and seed
    fixtures: Fixtures
    examples: int  # examples per fuzz test and mode
    server: Any = None  # the reference server a --sim session started (stopped with the session)
    other_credentials: Credentials | None = None  # the other academy's users (isolation)
    second_credentials: Credentials | None = None  # a second user of the main academy (ownership)
    meta: dict[str, Any] = field(default_factory=dict)  # the cassettes' metadata (offline)


def open_target(config: pytest.Config, contract: Contract, settings: Settings, sending: Traffic | None) -> Target:
    if settings.mode == "offline":
        return offline(config, settings)
    if option(config, "sim"):
        return simulated(config, contract)
    return live(config, contract, settings, sending)


def offline(config: pytest.Config, settings: Settings) -> Target:
    meta = read_meta(cassette_root(config))
    fixtures = Fixtures.from_mapping(meta["fixtures"])
    seed = option(config, "seed")
    settings = replace(
        settings,
        seed=int(meta.get("seed", settings.seed)) if seed is None else int(seed),
        tenant=fixtures.tenant,
        other_tenant=fixtures.other_tenant,
    )
    examples = int(option(config, "max_examples") or meta.get("max_examples", 4))
    return Target(settings, fixtures, examples, meta=meta)


def simulated(config: pytest.Config, contract: Contract) -> Target:
    from ..refserver import demo_credentials, load_faults, start_server
    from ..refserver.seed import fixture_values

    faults_file = option(config, "sim_faults")
    faults = load_faults(Path(faults_file)) if faults_file else None
    server = start_server(contract=contract, faults=faults)
    settings = resolve_settings(config, sim_base_url=server.base_url)
    creds, other = demo_credentials("academy-a"), demo_credentials("academy-b")
    second = demo_credentials("academy-a", second=True)
    fixtures = Fixtures.from_mapping(fixture_values(contract), credentials=creds)
    # The demo users' addresses stay out of the redactor's list, as the other academy's always did.
    settings = replace(settings, credentials=creds, tenant=fixtures.tenant, other_tenant=fixtures.other_tenant)
    examples = max_examples(config, settings.mode)
    return Target(settings, fixtures, examples, server=server, other_credentials=other, second_credentials=second)


def live(config: pytest.Config, contract: Contract, settings: Settings, sending: Traffic | None) -> Target:
    require_live_credentials(settings)
    fixtures = live_fixtures(config, contract, settings, sending)
    return Target(
        settings,
        fixtures,
        max_examples(config, settings.mode),
        other_credentials=settings.other_credentials,
        second_credentials=settings.second_credentials,
    )


def live_fixtures(
    config: pytest.Config, contract: Contract, settings: Settings, sending: Traffic | None = None
) -> Fixtures:
    """Pinned values (``--target-fixtures``) over what discovery found on the target at session start."""
    from .live import discovered

    data = load_fixture_file(settings.fixtures_file) if settings.fixtures_file else {}
    data.setdefault("tenant", settings.tenant)
    data.setdefault("other_tenant", settings.other_tenant)
    found = discovered(config)
    if found is None:  # started without the session hook (a suite outside tests/conformance): survey now
        pacer, ledger, outages = (sending.pacer, sending.ledger, sending.outages) if sending else (None, None, None)
        found = survey(contract, settings, pacer=pacer, ledger=ledger, outages=outages)
    other = found.other
    data.setdefault("nonce", found.nonce)
    return Fixtures.from_mapping(
        data,
        credentials=settings.credentials,
        discovered={k: {p: f.value for p, f in v.items()} for k, v in found.main.values.items()},
        missing=found.main.missing,
        other_discovered={k: {p: f.value for p, f in v.items()} for k, v in other.values.items()} if other else {},
        other_missing=other.missing if other else {},
        protect_targets=True,
    )


def load_fixture_file(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"fixtures file {path} not found", hint="see README 'Live runs' for its format") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"fixtures file {path} is not valid YAML ({exc.__class__.__name__})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"fixtures file {path} must be a mapping", hint="keys: tenant, path, operations")
    return data
