"""Everything a conformance session needs, built once: settings, contract, target, client, cassettes."""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from ..client.happy import Credentials, Fixtures, MissingTargetData, build_happy_request
from ..client.transport import Client
from ..contract import Contract, Operation, load_contract
from ..errors import ConfigError, MsaaqContractError, UnsafeTarget
from ..recording.cassettes import CassetteLibrary, read_meta, write_meta
from ..recording.redaction import Redactor
from ..settings import CANONICAL_BASE, Settings, require_live_credentials
from .options import max_examples, resolve_settings

REPO_ROOT = Path(__file__).resolve().parents[3]


# Evidence about an operation (``x-observed``, written by calibration) is not part of its definition.
EVIDENCE_KEYS = frozenset({"x-observed"})


def operation_hash(op: Operation) -> str:
    """Changes when the operation's definition changes: a cassette recorded before is stale."""
    definition = {k: v for k, v in op.raw.items() if k not in EVIDENCE_KEYS}
    return hashlib.sha256(json.dumps(definition, sort_keys=True, default=str).encode()).hexdigest()[:12]


def contract_path(config: pytest.Config) -> Path:
    given = config.getoption("contract")
    return Path(given) if given else REPO_ROOT / "contracts" / "openapi.yaml"


def cassette_root(config: pytest.Config) -> Path:
    given = config.getoption("cassette_dir")
    return Path(given) if given else REPO_ROOT / "cassettes"


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


@dataclass
class Runtime:
    settings: Settings
    contract: Contract
    fixtures: Fixtures
    client: Client
    cassettes: CassetteLibrary | None
    redactor: Redactor
    max_examples: int
    server: Any = None
    other_credentials: Credentials | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    happy_cache: dict[tuple[str, str | None], Any] = field(default_factory=dict)
    cleanup: list[Any] = field(default_factory=list)
    revoked: dict[str, str] = field(default_factory=dict)  # identity -> a token revoked by logging out
    down: str | None = None  # why the target is considered gone (set by ``probe``)

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

    def stale(self, doc_id: str) -> bool:
        recorded = self.meta.get("operations", {}).get(doc_id)
        return bool(recorded) and recorded != operation_hash(self.contract.operation(doc_id))

    def revoked_token(self, identity: str) -> str:
        """A token of ``identity`` that was valid and has been revoked by the logout operation."""
        if self.offline:
            return "offline-revoked-token"
        if identity not in self.revoked:
            from ..client.happy import PreparedCall

            token = self.client.tokens.get(identity, fresh=True)
            path = "/admin/authentication/logout" if identity == "adminUser" else "/tenant/auth/logout"
            call = PreparedCall(
                doc_id="logout",
                operation_id="logout",
                method="POST",
                path=path,
                headers={"Accept": "application/json", "X-Tenant": self.fixtures.tenant},
            )
            self.client.send(call, token=token, mutating=True)
            self.revoked[identity] = token
        return self.revoked[identity]

    @property
    def live(self) -> bool:
        return not self.offline and self.server is None

    def schedule_cleanup(self, doc_id: str, exchange: Any) -> None:
        """Remember how to delete what a create answered with, when the target is a live one (not a replay
        and not the throwaway reference server): the create's ``delete`` link names the operation."""
        if not self.live or not (200 <= exchange.status < 300):
            return
        from .stateful import chains

        chain = chains(self.contract).get(doc_id)
        data = exchange.data
        if chain is not None and "delete" in chain.links and data is not None and "id" in data:
            self._delete_later(chain.links["delete"], str(data["id"]))

    def _delete_later(self, delete: Operation, created: str) -> None:
        values = {delete.path_params[-1].name: created}
        with contextlib.suppress(MissingTargetData):  # parents unknown: nothing we could address
            self.cleanup.append(build_happy_request(self.contract, delete.doc_ids[0], self.fixtures, values=values))

    def ensure_created(self, doc_id: str) -> None:
        """A destructive operation on a live target acts on a resource this run creates for it (once per id),
        never on one it discovered. Raises MissingTargetData (-> skipped) when none can be created."""
        from ..discovery.explore import is_destroyed
        from ..discovery.producers import ProducerMap, slots

        op = self.contract.operation(doc_id)
        fixtures = self.fixtures
        if not (fixtures.protect_targets and op.destructive and op.path_params) or doc_id in fixtures.created:
            return
        slot = slots(op)[-1]
        if not is_destroyed(op, slot) or slot.param in fixtures.operations.get(doc_id, {}):
            return
        pin = f"pin one in fixtures (operations: {{{doc_id}: {{{slot.param}: ...}}}})"
        creator = ProducerMap(self.contract).creator(slot)
        if creator is None:
            raise MissingTargetData(
                slot.param,
                f"{doc_id} destroys a `{slot.param}`, so it only gets one this run created, and the contract has "
                f"no create for {slot.key} — {pin}",
            )
        call = build_happy_request(self.contract, creator.operation.doc_ids[0], fixtures)
        try:
            made = self.client.send(call, mutating=True)
        except UnsafeTarget as exc:
            reason = f"{doc_id} needs a `{slot.param}` created first: {exc.one_line()}"
            raise MissingTargetData(slot.param, reason) from None
        value = (made.data or {}).get(creator.member)
        if not (200 <= made.status < 300) or value in (None, ""):
            raise MissingTargetData(
                slot.param,
                f"could not create a `{slot.param}` for {doc_id}: {creator.describe()} answered HTTP {made.status} — "
                + pin,
            )
        fixtures.created[doc_id] = {slot.param: str(value)}
        delete = next(
            (o for o in self.contract if o.method == "delete" and o.path == f"{slot.key}/{{{slot.param}}}"), None
        )
        if delete is not None:  # whatever the destructive operation leaves (a cancel, a failed delete)
            self._delete_later(delete, str(value))

    def probe(self) -> None:
        """After a network error: is the target still there? If not, the remaining tests are errors."""
        if self.down is not None or not self.live:
            return
        try:
            self.client.http.get(self.client.root_url + "/", timeout=5.0)
        except httpx.HTTPError as exc:
            self.down = f"{self.settings.base_url} stopped answering during the run ({exc.__class__.__name__})"

    def close(self) -> None:
        for call in reversed(self.cleanup):
            with contextlib.suppress(MsaaqContractError):  # best effort: verdicts do not depend on cleanup
                self.client.send(call, mutating=True)
        self.client.close()
        if self.server is not None:
            self.server.stop()

    def write_cassette_meta(self) -> None:
        if self.cassettes is None or not self.recording:
            return
        fixtures = {
            "tenant": self.fixtures.tenant,
            "other_tenant": self.fixtures.other_tenant,
            "path": dict(self.fixtures.path),
            "operations": {k: dict(v) for k, v in self.fixtures.operations.items()},
            "other_tenant_path": dict(self.fixtures.other_tenant_path),
            "nonce": self.fixtures.nonce,
        }
        write_meta(
            self.cassettes.root,
            {
                "contract_digest": self.contract.digest,
                "seed": self.settings.seed,
                "max_examples": self.max_examples,
                # Ids and slugs are not secrets (a "signature" path value must survive): redact text only.
                "fixtures": json.loads(self.redactor.text(json.dumps(fixtures, ensure_ascii=False))),
                "operations": {doc_id: operation_hash(op) for doc_id, op in self.contract.documented()},
            },
        )


def describe_run(config: pytest.Config) -> dict[str, Any]:
    """Target, mode and seed of this run without starting anything (the xdist controller has no runtime)."""
    try:
        settings = resolve_settings(config)
        seed = settings.seed
        if settings.mode == "offline" and config.getoption("seed") is None:
            seed = int(read_meta(cassette_root(config)).get("seed", seed))
    except MsaaqContractError:
        return {"target": "not started", "mode": "offline", "seed": 0}
    labels = {"offline": "offline (cassettes)", "sim": "reference server (--sim)"}
    target = labels.get(settings.mode) or ("reference server (--sim)" if config.getoption("sim") else settings.base_url)
    return {"target": target, "mode": settings.mode, "seed": seed}


def live_fixtures(config: pytest.Config, contract: Contract, settings: Settings) -> Fixtures:
    """Pinned values (``--target-fixtures``) over what discovery found on the target at session start."""
    from .live import discovered, explore

    data = load_fixture_file(settings.fixtures_file) if settings.fixtures_file else {}
    data.setdefault("tenant", settings.tenant)
    data.setdefault("other_tenant", settings.other_tenant)
    found = discovered(config)
    if found is None:  # started without the session hook (a direct API user): explore now
        client = Client(settings, base_url=settings.base_url)
        try:
            found = explore(contract, client, settings)
        finally:
            client.close()
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


def start_runtime(config: pytest.Config) -> Runtime:
    contract = load_contract(contract_path(config))
    settings = resolve_settings(config)
    server = None
    other: Credentials | None = None
    meta: dict[str, Any] = {}
    if settings.mode == "offline":
        meta = read_meta(cassette_root(config))
        fixtures = Fixtures.from_mapping(meta["fixtures"])
        seed = config.getoption("seed")
        settings = replace(
            settings,
            seed=int(meta.get("seed", settings.seed)) if seed is None else int(seed),
            tenant=fixtures.tenant,
            other_tenant=fixtures.other_tenant,
        )
        examples = int(config.getoption("max_examples") or meta.get("max_examples", 4))
    elif config.getoption("sim"):
        from ..refserver import demo_credentials, load_faults, start_server
        from ..refserver.seed import fixture_values

        faults_file = config.getoption("sim_faults")
        faults = load_faults(Path(faults_file)) if faults_file else None
        server = start_server(contract=contract, faults=faults)
        settings = resolve_settings(config, sim_base_url=server.base_url)
        creds, other = demo_credentials("academy-a"), demo_credentials("academy-b")
        fixtures = Fixtures.from_mapping(fixture_values(contract), credentials=creds)
        settings = replace(settings, credentials=creds, tenant=fixtures.tenant, other_tenant=fixtures.other_tenant)
        examples = max_examples(config, settings.mode)
    else:
        require_live_credentials(settings)
        fixtures = live_fixtures(config, contract, settings)
        other = settings.other_credentials
        examples = max_examples(config, settings.mode)
    redactor = Redactor(settings.secrets(), settings.personal())
    offline = settings.mode == "offline"
    client = Client(settings, base_url=CANONICAL_BASE if offline else settings.base_url, offline=offline)
    record_mode = str(config.getoption("record_mode", default="none") or "none")
    cassettes = None
    if settings.mode in ("offline", "record"):
        cassettes = CassetteLibrary(cassette_root(config), record_mode, redactor, actual_base=settings.base_url)
    return Runtime(settings, contract, fixtures, client, cassettes, redactor, examples, server, other, meta)
