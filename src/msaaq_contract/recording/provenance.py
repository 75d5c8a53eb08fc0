"""Where a set of cassettes was recorded from, and so what a verdict on it is a verdict on.

``cassettes/_meta.json`` carries ``recorded_from``: ``{"kind": "reference-server"}`` for recordings of our own
simulation, ``{"kind": "live", "host", "recorded_at", "contract_digest", "suite_version"}`` for a live target,
and ``{"kind": "mixed", "sources": [...]}`` when a partial re-recording came from another source than the rest.
Every report states it; a verdict on reference-server recordings says plainly that it judges the simulation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

Source = dict[str, Any]
REFERENCE_SERVER: Source = {"kind": "reference-server"}
SIMULATION = "the reference server (a simulation): this verdict is on the simulation, not on MSAAQ's API"


def of_recording(*, reference_server: bool, base_url: str, contract_digest: str, suite_version: str) -> Source:
    """The source of the recording being made now."""
    if reference_server:
        return dict(REFERENCE_SERVER)  # no date: re-recording the simulation gives identical cassettes
    return {
        "kind": "live",
        "host": urlsplit(base_url).hostname or base_url,
        "recorded_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "contract_digest": contract_digest,
        "suite_version": suite_version,
    }


def merged(old: Mapping[str, Any] | None, new: Source, *, complete: bool) -> Source:
    """The set's source after a recording run: ``new`` when it re-recorded everything (or the set had no source,
    or the same one), else a mix of both."""
    if complete or not old:
        return new
    olds = list(old.get("sources", [])) if old.get("kind") == "mixed" else [dict(old)]
    if all(_same(o, new) for o in olds):
        return new
    kept = [o for o in olds if not _same(o, new)]
    return {"kind": "mixed", "sources": [*kept, new]}


def _same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return a.get("kind") == b.get("kind") and a.get("host") == b.get("host")


def describe(source: Mapping[str, Any] | None) -> str:
    """One line for a report: what the recordings are recordings of."""
    if not source:
        return "recordings of an unknown source (cassettes/_meta.json names none): re-record to know"
    kind = source.get("kind")
    if kind == "reference-server":
        return f"recordings of {SIMULATION}"
    if kind == "live":
        when = str(source.get("recorded_at", "?"))[:10]
        return (
            f"recordings of the live target {source.get('host', '?')} made on {when} "
            f"(contract {source.get('contract_digest', '?')}, suite {source.get('suite_version', '?')})"
        )
    if kind == "mixed":
        parts = [describe(s).removeprefix("recordings of ") for s in source.get("sources", [])]
        return "recordings of several sources: " + "; ".join(parts)
    return f"recordings of an unknown kind of source ({kind})"


def verdict_on(mode: str, *, simulated: bool, target: str, recorded_from: Mapping[str, Any] | None) -> str:
    """What this run's verdict is a verdict on, for the terminal, summary.md, conformance.json and the HTML."""
    if mode == "offline":
        return describe(recorded_from)
    if simulated:
        return SIMULATION
    return f"the live target {urlsplit(target).hostname or target}"
