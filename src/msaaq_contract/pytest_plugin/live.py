"""Live runs: the target is checked and explored once, at session start, before any test runs.

On the xdist controller (or the only process of a serial run) ``prepare`` logs in once per identity (an
unreachable target or refused credentials stop the run here, with one line and exit 69, or 4 for the
credentials) and discovers the target's data. The result is saved to a private temporary file named by
``handoff`` (the workers, started after this hook, get it in ``workerinput``), so a run explores the target once
however many workers it has.
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
from .handoff import handoff, token_share
from .options import option, resolve_settings

DISCOVERED = pytest.StashKey[TargetData]()


def is_live(config: pytest.Config) -> bool:
    """A live target (also when recording it), not the reference server: the one place plugin hooks ask."""
    base = option(config, "base_url") or os.environ.get("MSAAQ_BASE_URL")
    return run_mode(base_url=None if option(config, "sim") else base, sim=False) == "live"


def prepare(config: pytest.Config, contract_file: Path, sending: Traffic) -> None:
    """Preflight and discovery on the controller; raises MsaaqContractError when the target is not usable."""
    settings = resolve_settings(config)
    require_live_credentials(settings)
    data = survey(
        load_contract(contract_file),
        settings,
        pacer=sending.pacer,
        ledger=sending.ledger,
        share=token_share(config),
        outages=sending.outages,
    )
    folder = tempfile.mkdtemp(prefix="msaaq-discovery-")
    path = Path(folder) / "discovered.json"
    data.save(path)
    handoff(config)["discovered"] = str(path)
    config.stash[DISCOVERED] = data
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


def discovered(config: pytest.Config) -> TargetData | None:
    """What discovery found in this process or, on an xdist worker, in the controller (None: not a live run)."""
    data = config.stash.get(DISCOVERED, None)
    saved = handoff(config).get("discovered")
    if data is None and saved and Path(saved).is_file():
        data = TargetData.load(Path(saved))
        config.stash[DISCOVERED] = data
    return data
