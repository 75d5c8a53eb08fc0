"""Live runs: the target is checked and explored once, at session start, before any test runs.

On the xdist controller (or the only process of a serial run) ``prepare`` logs in once per identity (an
unreachable target or refused credentials stop the run here, with one line and exit 3 or 2) and discovers the
target's data. The result is saved to a private temporary file named by ``MSAAQ_DISCOVERED``, which the workers
(spawned after this hook) inherit, so a run explores the target once however many workers it has.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from ..client.pacing import Traffic
from ..contract import load_contract
from ..discovery.target import TargetData, survey
from ..settings import require_live_credentials, run_mode
from .options import resolve_settings

ENV_DISCOVERED = "MSAAQ_DISCOVERED"
DISCOVERED = pytest.StashKey[TargetData]()


def is_live(config: pytest.Config) -> bool:
    """A live target (also when recording it), not the reference server: the one place plugin hooks ask."""
    base = config.getoption("base_url") or os.environ.get("MSAAQ_BASE_URL")
    return run_mode(base_url=None if config.getoption("sim") else base, sim=False) == "live"


def prepare(config: pytest.Config, contract_file: Path, sending: Traffic) -> None:
    """Preflight and discovery on the controller; raises MsaaqContractError when the target is not usable."""
    settings = resolve_settings(config)
    require_live_credentials(settings)
    data = survey(
        load_contract(contract_file), settings, pacer=sending.pacer, ledger=sending.ledger, outages=sending.outages
    )
    folder = tempfile.mkdtemp(prefix="msaaq-discovery-")
    path = Path(folder) / "discovered.json"
    data.save(path)
    os.environ[ENV_DISCOVERED] = str(path)
    config.stash[DISCOVERED] = data

    def drop() -> None:
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop(ENV_DISCOVERED, None)

    config.add_cleanup(drop)


def discovered(config: pytest.Config) -> TargetData | None:
    """What discovery found in this process or, on an xdist worker, in the controller (None: not a live run)."""
    data = config.stash.get(DISCOVERED, None)
    if data is None and os.environ.get(ENV_DISCOVERED) and Path(os.environ[ENV_DISCOVERED]).is_file():
        data = TargetData.load(Path(os.environ[ENV_DISCOVERED]))
        config.stash[DISCOVERED] = data
    return data
