"""Offline replay: the recorded exchanges are judged again, never re-sent and never regenerated.

A cassette (VCR.py's JSON, or its YAML when a body is not text: see ``files``) is read once, and
each interaction becomes an ``Exchange``. While a test runs inside ``ReplayLibrary.use(doc_id, family)``, the
``ReplayClient`` answers each request the test sends with the next recorded exchange, in order, after checking
that the recorded request still fits the operation the test means (same method, a path the operation's route
accepts). The recorded request is what gets judged, not the one the test would build today, so a request-side
contract edit is judged instead of making the recording unmatchable.

A recording is stale only when it can no longer be judged: a recorded request no longer fits its operation (the
path or method was renamed or removed), or the test sends more or fewer requests than were recorded. Each
case is a one-line ``CassetteError`` naming what changed and the re-record command. Response-side edits never
make a recording stale: the recorded responses are simply judged by the current contract.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..client.happy import PreparedCall
from ..client.ledger import Ledger
from ..client.transport import DEFAULT
from ..contract import Contract, Operation
from ..errors import CassetteError
from ..exchange import Exchange
from ..settings import CANONICAL_BASE, Credentials
from . import files
from .files import read_cassette, to_exchange, wire_method

__all__ = ["Cassette", "ReplayClient", "ReplayLibrary", "read_cassette", "rerecord_hint", "to_exchange", "wire_method"]


def rerecord_hint(doc_id: str) -> str:
    return f"re-record: pytest tests/conformance --msaaq-sim --msaaq-record-mode=rewrite -k '{doc_id}' -p no:xdist"


@dataclass
class Cassette:
    """The recorded exchanges of one (doc id, family), played in order."""

    doc_id: str
    family: str
    path: Path
    exchanges: list[Exchange]
    played: int = 0
    hint: str = field(init=False)

    def __post_init__(self) -> None:
        self.hint = rerecord_hint(self.doc_id)

    @property
    def label(self) -> str:
        return f"{self.doc_id}/{self.family}"

    def remaining(self) -> list[Exchange]:
        """Every exchange not played yet, now counted as played (the fuzz families judge them all)."""
        rest = self.exchanges[self.played :]
        self.played = len(self.exchanges)
        return rest


class ReplayLibrary:
    """Opens the recording of (doc id, family) for the test that is running; checks each request against it."""

    replaying = True

    def __init__(self, root: Path, contract: Contract, meta: Mapping[str, Any]) -> None:
        self.root = root
        self.contract = contract
        self.recorded_routes: Mapping[str, Any] = meta.get("operations", {})
        source = meta.get("recorded_from") or {}
        self.base_path = str(source.get("base_path", urlsplit(CANONICAL_BASE).path))
        self.current: Cassette | None = None
        self._paths: dict[tuple[str, str], Path] = {}  # nothing writes cassettes during a replay

    def path(self, doc_id: str, family: str) -> Path:
        key = (doc_id, family)
        if key not in self._paths:  # asked by the test, then by use(): one look at the file system
            self._paths[key] = files.find(self.root / doc_id / family)
        return self._paths[key]

    def rerecord_hint(self, doc_id: str, family: str) -> str:
        return rerecord_hint(doc_id)

    @contextlib.contextmanager
    def use(self, doc_id: str, family: str) -> Iterator[Cassette]:
        path = self.path(doc_id, family)
        cassette = Cassette(doc_id, family, path, read_cassette(path, rerecord_hint(doc_id), f"{doc_id}/{family}"))
        self.current = cassette
        try:
            yield cassette
        finally:
            self.current = None
        if cassette.played < len(cassette.exchanges):
            left = len(cassette.exchanges) - cassette.played
            raise CassetteError(
                f"{cassette.label}: {left} recorded interaction(s) were not replayed", hint=cassette.hint
            )

    def answer(self, call: PreparedCall) -> Exchange:
        """The next recorded exchange of the running test, which must be a request of ``call``'s operation."""
        cassette = self.current
        if cassette is None:
            raise CassetteError(
                f"{call.doc_id}: {call.method} {call.path} sent outside a recording",
                hint="offline runs answer only from cassettes; record this family first",
            )
        if cassette.played >= len(cassette.exchanges):
            raise CassetteError(
                f"{cassette.label}: the test now sends more requests than the {len(cassette.exchanges)} recorded "
                f"({call.method} {call.path})",
                hint=cassette.hint,
            )
        exchange = cassette.exchanges[cassette.played]
        cassette.played += 1
        if call.probe:
            self.check_probe(cassette, call, exchange)
        else:
            self.check_fits(cassette, self.contract.operation(call.operation_id), exchange, call.method)
        return exchange

    def check_probe(self, cassette: Cassette, call: PreparedCall, exchange: Exchange) -> None:
        """A probe of no operation replays only its own recorded method and path (root- or base-relative)."""
        path = urlsplit(exchange.request.url).path
        want = call.path if call.root_relative else self.base_path + call.path
        if wire_method(exchange.request).upper() != call.method.upper() or path != want:
            raise CassetteError(
                f"{cassette.label}: the recorded {exchange.request.method} {path} is not the probe {call.method} "
                f"{want}: the probes changed since recording",
                hint=cassette.hint,
            )

    def check_fits(self, cassette: Cassette, op: Operation, exchange: Exchange, method: str | None = None) -> None:
        """Stale when the recorded request is not a request of ``op`` any more (its path or method changed).
        ``method``: the one the test sends now, when it is not the operation's (a method probe)."""
        request = exchange.request
        path = urlsplit(request.url).path
        if wire_method(request).lower() == (method or op.method).lower() and self._fits(op, path):
            return
        was = self.recorded_routes.get(cassette.doc_id)
        before = f" (recorded against {was})" if isinstance(was, str) and was != op.label else ""
        raise CassetteError(
            f"{cassette.label}: the recorded {request.method} {path} no longer fits {op.label}{before}: "
            "the operation's path or method changed since recording",
            hint=cassette.hint,
        )

    def _fits(self, op: Operation, path: str) -> bool:
        base = "" if op.server_root else self.base_path
        return path.startswith(base) and self.contract.path_values(op, path[len(base) :] or "/") is not None


OFFLINE_TOKEN = "offline-replay-token"  # noqa: S105 - a placeholder, never a credential


class OfflineTokens:
    """Offline no token is fetched or sent: the recording holds the answers (and was recorded redacted)."""

    def get(
        self,
        identity: str,
        *,
        fresh: bool = False,
        tenant: str | None = None,
        credentials: Credentials | None = None,
        user: str = "",
    ) -> str:
        return OFFLINE_TOKEN

    def forget(self, value: str) -> None:
        return None


class ReplayClient:
    """The offline sender (``client.transport.Sender``): every request is answered from the running test's
    recording, nothing is sent; the ledger stays at zero."""

    def __init__(self, library: ReplayLibrary) -> None:
        self.library = library
        self.ledger = Ledger()
        self.tokens = OfflineTokens()
        self.clock = time.monotonic

    def send(self, call: PreparedCall, *, token: Any = DEFAULT, mutating: bool = False) -> Exchange:
        return self.library.answer(call)

    def close(self) -> None:
        return None

    def recorded(self, op: Operation) -> list[Exchange]:
        """Every exchange of the running test's recording not judged yet (the fuzz families judge them all)."""
        cassette = self.library.current
        if cassette is None:
            raise CassetteError("no recording is open", hint="call recorded() inside Conformance.recording()")
        rest = cassette.remaining()
        for exchange in rest:
            self.library.check_fits(cassette, op, exchange)
        return rest
