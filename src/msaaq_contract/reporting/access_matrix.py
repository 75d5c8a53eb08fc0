"""The authorization matrix: per documented operation and identity, whether the target allowed, refused or gave
an unclear answer (``checks.access.access_of``), as observed by every family that sent a request as someone
(the happy request as the operation's identity, ``anonymous`` without a token, the foreign identities of the
``roles`` family, ``<identity>@other`` for the other academy's tokens). A cell nothing tried is absent: "not
tried".

The gate compares the matrix with a baseline report's (``--access-baseline``): a cell that was ``refused`` and
is now ``allowed`` is an escalation, and fails the gate even where the contract is silent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .verdict import Report

# Which reading of one cell wins when several answers fill it: one allowed request is an allowed cell.
RANK = {"allowed": 0, "unclear": 1, "refused": 2}
NOT_TRIED = "not tried"


def combine(cells: Iterable[tuple[str, str]], into: dict[str, str] | None = None) -> dict[str, str]:
    """``(who, reading)`` pairs folded into one matrix row (``into``, updated in place, is returned)."""
    row = into if into is not None else {}
    for who, reading in cells:
        if reading not in RANK:
            continue
        known = row.get(who)
        if known is None or RANK[reading] < RANK[known]:
            row[who] = reading
    return row


def parse(values: Iterable[object]) -> list[tuple[str, str]]:
    """``"who=reading"`` strings (the tests' user properties) as pairs; anything else is ignored."""
    pairs = []
    for value in values:
        who, sep, reading = str(value).rpartition("=")
        if sep and who and reading in RANK:
            pairs.append((who, reading))
    return pairs


def columns(report: Report) -> list[str]:
    """Every identity some operation was tried with: ``anonymous`` and the contract's own first, then the
    other academy's, alphabetically within each."""
    seen = {who for endpoint in report.endpoints for who in endpoint.access}
    return sorted(seen, key=lambda who: (who != "anonymous", "@" in who, who))


def counts(report: Report) -> dict[str, dict[str, int]]:
    """Per identity: how many operations allowed, refused or answered it unclearly."""
    out: dict[str, dict[str, int]] = {}
    for endpoint in report.endpoints:
        for who, reading in endpoint.access.items():
            out.setdefault(who, dict.fromkeys(RANK, 0))[reading] += 1
    return {who: out[who] for who in columns(report)}


@dataclass(frozen=True)
class Escalation:
    endpoint_id: str
    who: str
    before: str
    now: str

    @property
    def line(self) -> str:
        return f"{self.endpoint_id}  {self.who}: {self.before} -> {self.now}"


def escalations(baseline: Mapping[str, Mapping[str, str]], report: Report) -> list[Escalation]:
    """Cells the baseline (``{id: {who: reading}}``) saw refused that the report sees allowed."""
    found = []
    for endpoint in report.endpoints:
        before = baseline.get(endpoint.id, {})
        for who, now in sorted(endpoint.access.items()):
            if now == "allowed" and before.get(who) == "refused":
                found.append(Escalation(endpoint.id, who, "refused", now))
    return found


def matrix_of(report: Report) -> dict[str, dict[str, str]]:
    return {e.id: dict(e.access) for e in report.endpoints if e.access}
