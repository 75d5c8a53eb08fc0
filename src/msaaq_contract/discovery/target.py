"""One look at a live target before anything is judged: is it usable, and which data does it hold?

``preflight`` fetches a token for every identity the environment has credentials for: a target that cannot be
reached stops the run at once with one line (exit 69) instead of failing thousands of tests. ``discover``
explores both academies (``explore.py``) and returns a ``TargetData`` that the pytest plugin shares with its
xdist workers (JSON) and ``msaaq-contract discover`` writes as a reviewable fixtures file (``fixtures_file.py``).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..client.happy import MissingTargetData, PreparedCall
from ..client.ledger import Ledger, sending_as
from ..client.outages import Outages
from ..client.pacing import Pacer
from ..client.token_share import TokenShare
from ..client.transport import Client
from ..contract import Contract
from ..errors import ConfigError
from ..exchange import Exchange
from ..redaction import log_redaction
from ..settings import Credentials, Settings
from .explore import Discovered, Explorer, Found, values_by_param

log = logging.getLogger(__name__)
log.addFilter(log_redaction)

OTHER_ENV_HINT = "MSAAQ_OTHER_ADMIN_EMAIL/_PASSWORD and MSAAQ_OTHER_STUDENT_EMAIL/_PASSWORD"


def preflight(client: Client, credentials: Credentials) -> list[str]:
    """Log in once per identity of the contract that has credentials (raises TargetUnreachable /
    CredentialsError)."""
    ready = client.tokens.identities.ready(dataclasses.asdict(credentials))
    for identity in ready:
        client.tokens.get(identity)
    log.info("preflight: logged in as %s", ", ".join(ready) or "nobody (no credentials)")
    return ready


@dataclass
class TargetData:
    """What discovery found on the main academy and (optionally) on the other one."""

    base_url: str
    main: Discovered
    other: Discovered | None = None
    seconds: float = 0.0
    discovered_at: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    nonce: str = field(default_factory=lambda: f"r{int(time.time()) % 10**8:x}")  # shared by every worker

    def summary(self) -> str:
        found, lost = len(self.main.found), len(self.main.lost)
        names = sorted({param for _, param in self.main.lost})
        line = f"{found}/{found + lost} path parameters found on the target"
        if lost:
            line += f", {lost} not found ({', '.join(names)}): their tests are skipped"
        if self.other is not None:
            line += f"; other academy {len(self.other.found)}/{len(self.other.found) + len(self.other.lost)}"
        requests = self.main.requests + (self.other.requests if self.other else 0)
        return line + f" — {requests} requests in {self.seconds:.1f} s"

    # -- sharing with xdist workers ------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "seconds": self.seconds,
            "discovered_at": self.discovered_at,
            "nonce": self.nonce,
            "main": _discovered_json(self.main),
            "other": _discovered_json(self.other) if self.other else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TargetData:
        return cls(
            base_url=data["base_url"],
            main=_discovered_from(data["main"]),
            other=_discovered_from(data["other"]) if data.get("other") else None,
            seconds=float(data.get("seconds", 0.0)),
            discovered_at=str(data.get("discovered_at", "")),
            nonce=str(data.get("nonce", "")),
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> TargetData:
        try:
            return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"cannot read the discovered target data {path} ({exc.__class__.__name__})") from None


def _discovered_json(d: Discovered) -> dict[str, Any]:
    return {
        "tenant": d.tenant,
        "values": {k: {p: [f.value, f.source] for p, f in v.items()} for k, v in d.values.items()},
        "missing": d.missing,
        "requests": d.requests,
        "found": sorted(d.found),
        "lost": sorted(d.lost),
        "destroyed": sorted(d.destroyed),
    }


def _discovered_from(data: dict[str, Any]) -> Discovered:
    return Discovered(
        tenant=data["tenant"],
        values={k: {p: Found(v[0], v[1]) for p, v in vals.items()} for k, vals in data["values"].items()},
        missing={k: dict(v) for k, v in data["missing"].items()},
        requests=int(data.get("requests", 0)),
        found={tuple(x) for x in data.get("found", [])},  # type: ignore[misc]
        lost={tuple(x) for x in data.get("lost", [])},  # type: ignore[misc]
        destroyed={tuple(x) for x in data.get("destroyed", [])},  # type: ignore[misc]
    )


def discover(
    contract: Contract,
    client: Client,
    tenant: str,
    *,
    other_tenant: str | None = None,
    other_credentials: Credentials | None = None,
) -> TargetData:
    """Explore the main academy with the run's tokens, and the other academy with its own when it has them."""
    started = time.monotonic()

    def send_main(call: PreparedCall) -> Exchange:
        return client.send(call)

    main = Explorer(contract, send_main, tenant).explore()
    other = None
    if other_tenant:

        def send_other(call: PreparedCall) -> Exchange:
            token = None
            if call.identity and not client.tokens.identities[call.identity].user:  # a client serves every academy
                token = client.tokens.get(call.identity)
            elif call.identity and other_credentials is not None:
                token = client.tokens.get(call.identity, tenant=other_tenant, credentials=other_credentials)
            elif call.identity and contract.operation(call.doc_id).auth == "required":
                raise MissingTargetData(
                    "", f"{call.method} {call.path} of the other academy needs its own login: set {OTHER_ENV_HINT}"
                )
            return client.send(call, token=token)

        other = Explorer(contract, send_other, other_tenant, avoid=values_by_param(main)).explore()
    data = TargetData(client.base_url, main, other, seconds=time.monotonic() - started)
    log.info("discovery: %s", data.summary())
    return data


def survey(
    contract: Contract,
    settings: Settings,
    *,
    pacer: Pacer | None = None,
    ledger: Ledger | None = None,
    share: TokenShare | None = None,
    outages: Outages | None = None,
) -> TargetData:
    """Preflight, then discovery of both academies, with a client of its own (closed before returning) that
    paces, counts and waits out outages with the run's ``pacer``, ``ledger`` and ``outages`` and leaves its
    tokens in ``share``."""
    client = Client.for_contract(settings, contract, pacer=pacer, ledger=ledger, share=share, outages=outages)
    try:
        preflight(client, settings.credentials)
        with sending_as("discovery"):
            return discover(
                contract,
                client,
                str(settings.tenant),
                other_tenant=settings.other_tenant,
                other_credentials=settings.other_credentials,
            )
    finally:
        client.close()
