"""What the xdist controller hands its workers, through xdist's ``workerinput`` (never the environment, which
every process the run starts would inherit, a nested pytest run included).

The controller (or the only process) writes a value with ``handoff(config)[name] = value`` before xdist starts
its workers (``pytest_configure`` and ``pytest_sessionstart`` run first); ``pytest_configure_node`` copies the
table into each worker's ``workerinput``, where ``handoff(config)`` reads it. Values are strings:

- ``deadline``: the time budget's end, a wall-clock time (``time.time()``);
- ``token_share``: the folder of the tokens the processes share (``client.token_share``);
- ``run_dir``: where the first worker leaves the plan for the controller;
- ``discovered``: the file of what discovery found on a live target.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ..client.token_share import TokenShare

WORKERINPUT_KEY = "msaaq"
HANDOFF = pytest.StashKey[dict[str, str]]()


def handoff(config: pytest.Config) -> dict[str, str]:
    found = config.stash.get(HANDOFF, None)
    if found is None:
        workerinput = getattr(config, "workerinput", None)
        found = dict(workerinput.get(WORKERINPUT_KEY, {})) if workerinput is not None else {}
        config.stash[HANDOFF] = found
    return found


def to_worker(node: Any) -> None:
    """xdist's ``pytest_configure_node``: the controller's table goes into the new worker's ``workerinput``."""
    node.workerinput[WORKERINPUT_KEY] = dict(handoff(node.config))


def token_share(config: pytest.Config) -> TokenShare | None:
    folder = handoff(config).get("token_share")
    return TokenShare(Path(folder)) if folder and Path(folder).is_dir() else None
