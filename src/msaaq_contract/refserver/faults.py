"""Fault injection: deliberate deviations from the contract, one small class per failure mode.

``Fault(name, operations=[globs], **params)`` selects operations by fnmatch globs over operationIds and
documented ids (``"*"`` = all). Faults come from ``serve --faults FILE`` (YAML or JSON: a list of
``{fault: name, operations: [...], ...params}``) or from the Python API (``start_server(faults=[...])``,
``handle.set_faults([...])``). Each exposes ``applies(operation)``: whether the fault can show on that
operation (the fault x check matrix of the self-tests picks operations with it).

Catalogue (``CATALOGUE``):

=========================  ===========================================================================
drop_data                  success bodies lose ``data``
wrong_status_word          error bodies say ``status: "success"``; success bodies get ``status: "failed"``
numeric_code               error ``code`` becomes an integer; the OAuth token's ``"200"`` becomes 200
wrong_field_type           the first scalar field of ``data`` (or ``data[0]``) gets another JSON type
missing_required_field     the first required property of ``data`` is removed
null_required_field        the first required, non-nullable property of ``data`` is set to null
enum_out_of_range          the first enum field found in ``data`` becomes ``"__not_in_enum__"``
broken_pagination_meta     ``meta.current_page`` becomes a string and ``meta.total`` disappears
html_500                   a 500 with an HTML body
wrong_content_type         JSON served as ``text/html``
auth_not_enforced          missing or bad tokens are served as the demo identity
tenant_not_enforced        a missing or unknown X-Tenant is served as academy-a
cross_tenant_leak          rows of other academies are visible
error_without_envelope     error bodies become ``{"error": "<text>"}``
rate_limit_429             the first ``times`` (1) calls per operation get 429, ``Retry-After: retry_after`` (1)
slow_response              waits ``delay_ms`` (200) before answering
undocumented_status        success answered with ``status`` (299); 204 without a body
extra_field                ``data`` gains ``x_undocumented_field`` (a warning for the suite, not a failure)
null_model_field           ``field`` of ``model`` is null wherever the model appears
number_as_string           ``field`` of ``model`` (a number) is a string wherever the model appears
undeclared_enum_value      ``field`` of ``model`` is ``value`` (not in its enum) wherever the model appears
update_changes_nothing     an update answers success and stores nothing
delete_does_nothing        a delete answers success and the row stays
method_not_refused         a method the path does not declare gets 404 without ``Allow`` (OPTIONS too)
requires_field             creates and updates whose body lacks ``field`` get Laravel's 422 "The X field is required."
laravel_rules              creates and updates validated by Laravel's ``rules`` ({member: "nullable|string"})
patch_alias                a path that declares PUT answers PATCH as PUT and lists it in Allow (Route::apiResource)
accepts_invalid            requests the contract's validation refuses are served anyway (negative fuzzing's drill)
optional_member_500        JSON writes with a member the schema does not require get a 500 (positive fuzzing's drill)
foreign_role_served        a user token of an identity the operation does not list is served (a student's on admin)
token_not_bound            another academy's token is served on this academy's X-Tenant
write_before_refusal       another academy's update or delete is stored, then refused with 403
existence_leak             another academy's row is refused with 403, a never-issued id with 404
owner_not_checked          a student may update or delete what another student of the academy created
json_like_media_type       JSON served as ``media_type`` (``application/problem+json``)
file_without_content_type  a documented file served without ``Content-Type``
undocumented_refusal       a 404 becomes a 403 where the operation documents no 403
mass_assignable            creates and updates store members their body does not declare (``$guarded = []``)
secret_member              ``data`` gains ``password`` holding a bcrypt hash (exposure's drill)
debug_error_body           error bodies gain Laravel's ``exception``, ``file``, ``line`` and ``trace`` members
debug_routes_served        the host serves ``.env``, the Laravel log, Telescope, Horizon, Ignition's health check
login_enumerates           a refused login with an unknown e-mail says the e-mail is unknown (enumeration's drill)
cors_echoes_origin         answers echo the request's ``Origin`` with ``Access-Control-Allow-Credentials: true``
=========================  ===========================================================================
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from ..contract import Contract, Operation
from ..errors import ConfigError
from .fault_access import ExistenceLeak, ForeignRoleServed, OwnerNotChecked, TokenNotBound, WriteBeforeRefusal
from .fault_answers import FileWithoutContentType, JsonLikeMediaType, UndocumentedRefusal
from .fault_exposure import CorsEchoesOrigin, DebugErrorBody, DebugRoutesServed, LoginEnumerates, SecretMember
from .fault_inputs import AcceptsInvalid, OptionalMember500
from .fault_kinds import (
    AuthNotEnforced,
    BrokenPaginationMeta,
    Catalogue,
    CrossTenantLeak,
    DropData,
    EnumOutOfRange,
    ErrorWithoutEnvelope,
    ExtraField,
    FaultKind,
    Html500,
    MethodNotRefused,
    MissingRequiredField,
    NullRequiredField,
    NumericCode,
    RateLimit429,
    SlowResponse,
    TenantNotEnforced,
    UndocumentedStatus,
    WrongContentType,
    WrongFieldType,
    WrongStatusWord,
)
from .fault_models import NullModelField, NumberAsString, UndeclaredEnumValue
from .fault_routes import PatchAlias
from .fault_rules import LaravelRules, RequiresField
from .fault_writes import DeleteDoesNothing, MassAssignable, UpdateChangesNothing

__all__ = ["CATALOGUE", "Catalogue", "Fault", "FaultKind", "load_faults"]

CATALOGUE: dict[str, type[FaultKind]] = {
    cls.name: cls
    for cls in (
        DropData, WrongStatusWord, NumericCode, WrongFieldType, MissingRequiredField, NullRequiredField,
        EnumOutOfRange, BrokenPaginationMeta, Html500, WrongContentType, AuthNotEnforced, TenantNotEnforced,
        CrossTenantLeak, ErrorWithoutEnvelope, RateLimit429, SlowResponse, UndocumentedStatus, ExtraField,
        NullModelField, NumberAsString, UndeclaredEnumValue, UpdateChangesNothing, DeleteDoesNothing, MethodNotRefused,
        RequiresField, LaravelRules, PatchAlias, AcceptsInvalid, OptionalMember500, ForeignRoleServed, TokenNotBound,
        WriteBeforeRefusal, ExistenceLeak, OwnerNotChecked, JsonLikeMediaType, FileWithoutContentType,
        UndocumentedRefusal, MassAssignable, SecretMember, DebugErrorBody, DebugRoutesServed, LoginEnumerates,
        CorsEchoesOrigin,
    )
}  # fmt: skip


class Fault:
    """One injected fault: ``Fault("drop_data", operations=["admin.courses.*"])``."""

    def __init__(self, name: str, operations: Iterable[str] = ("*",), **params: Any) -> None:
        kind = CATALOGUE.get(name)
        if kind is None:
            raise ConfigError(f"unknown fault {name!r}", hint="one of " + ", ".join(sorted(CATALOGUE)))
        if isinstance(operations, str):
            operations = [operations]
        self.name = name
        self.operations = tuple(str(o) for o in operations)
        self.kind = kind(**params)

    def matches(self, op: Operation) -> bool:
        """Whether the operation is selected (its operationId or one of its docs ids matches a glob)."""
        names = (op.operation_id, *op.doc_ids)
        return any(fnmatch.fnmatchcase(n, pattern) for pattern in self.operations for n in names)

    def applies(self, operation: Operation, contract: Contract | None = None) -> bool:
        """Whether this fault can show on ``operation`` (independent of the ``operations`` globs)."""
        return self.kind.applies(operation, Catalogue.of(contract))

    def __repr__(self) -> str:
        params = "".join(f", {k}={v!r}" for k, v in self.kind.params.items())
        return f"Fault({self.name!r}, operations={list(self.operations)!r}{params})"


def load_faults(path: Path) -> list[Fault]:
    """Read a ``--faults`` file (YAML or JSON). Every problem is a one-line ConfigError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the faults file {path} ({exc.__class__.__name__})") from None
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError):
        raise ConfigError(f"{path}: not valid {'JSON' if path.suffix == '.json' else 'YAML'}") from None
    if not isinstance(data, list):
        raise ConfigError(f"{path}: expected a list of {{fault: name, operations: [...]}} entries")
    return [_entry(path, i, item) for i, item in enumerate(data)]


def _entry(path: Path, i: int, item: Any) -> Fault:
    if not isinstance(item, Mapping) or not isinstance(item.get("fault"), str):
        raise ConfigError(f"{path}: entry {i} needs a 'fault' name")
    params = {k: v for k, v in item.items() if k not in ("fault", "operations")}
    operations = item.get("operations", ["*"])
    if not isinstance(operations, (list, str)):
        raise ConfigError(f"{path}: entry {i}: 'operations' must be a list of globs")
    try:
        return Fault(str(item["fault"]), operations, **params)
    except ConfigError as exc:
        raise ConfigError(f"{path}: entry {i}: {exc.message}", hint=exc.hint) from None
