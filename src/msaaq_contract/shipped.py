"""Files the package ships besides its code: the contract, the conformance suite's test modules and the
project template ``msaaq-contract init`` lays out.

A wheel carries the contract and the suite under ``msaaq_contract/_data/`` (pyproject.toml's force-include); an
editable install or a checkout reads them where they live in the repository. A project's own ``contracts/``
always wins over the shipped contract (``contract.loader.default_contract`` and the plugin ask here last).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
DATA = PACKAGE / "_data"
# Shipped name -> where it is in the repository (an editable install has no copy under _data/).
IN_CHECKOUT = {"contracts": "contracts", "suite": "tests/conformance"}


def shipped(name: str) -> Path:
    """The shipped folder ``name`` (``contracts``, ``suite`` or ``template``); may not exist in a broken install."""
    inside = DATA / name
    if inside.exists() or name not in IN_CHECKOUT:
        return inside
    return PACKAGE.parents[1] / IN_CHECKOUT[name]


def shipped_contract() -> Path:
    return shipped("contracts") / "openapi.yaml"
