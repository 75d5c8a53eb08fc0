"""Who calls an operation, read from the contract: the one table of identities (pytest-free, client-free).

An identity is a security scheme with an ``x-identity`` block: which operation issues its token (``issuer``, an
operationId), the request body with credential placeholders (``{admin_email}``), the identity whose token that
request itself carries (``needs``), the JSON pointers of the token and of its lifetime in the answer, and the
``MSAAQ_*`` variables that hold the credentials. Operations add ``x-session: ends`` (a logout) and
``x-own-account`` (the caller's own account: whose, which body members carry its credentials, whether generated
values would lock the run out). Tokens, happy requests, revocation, preflight, the plan and the family registry
all ask this table (``identities(contract)``, built once per contract); contracts/README.md documents the blocks.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NoReturn

from ..errors import ContractError
from .loader import escape, resolve_pointer
from .model import Contract, Operation
from .shapes import object_members

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_POINTER = {"type": "string", "pattern": "^(/[^/]+)+$"}
IDENTITY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["kind", "issuer", "body", "token", "credentials"],
    "additionalProperties": False,
    "properties": {
        "kind": {"enum": ["user", "client"]},
        "issuer": {"type": "string", "minLength": 1},
        "body": {"type": "object"},
        "needs": {"type": "string", "minLength": 1},
        "token": _POINTER,
        "ttl": _POINTER,
        "credentials": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {"type": "string", "pattern": "^[A-Z][A-Z0-9_]*$"},
        },
        "objects": {"enum": ["own", "shared"]},
    },
}
OWN_ACCOUNT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["identity"],
    "additionalProperties": False,
    "properties": {"identity": {"type": "string"}, "alters": {"type": "boolean"}, "body": {"type": "object"}},
}
SESSION_SCHEMA: dict[str, Any] = {"enum": ["ends"]}
HINT = "see contracts/README.md, 'Identities'"


@dataclass(frozen=True)
class Identity:
    """One identity the run can log in as (a security scheme with ``x-identity``)."""

    name: str
    kind: Literal["user", "client"]  # client: an application's token, no user and no academy of its own
    issuer: Operation
    body: Mapping[str, Any]  # the issuing request's body, with ``{credential}`` placeholders
    needs: str | None  # the identity whose token the issuing request carries (None: anonymous)
    token: str  # JSON pointer of the token in the issuer's answer
    ttl: str | None  # JSON pointer of its lifetime in seconds, when the answer says
    credentials: Mapping[str, str]  # placeholder -> the environment variable that holds it
    session_end: Operation | None = None  # the ``x-session: ends`` operation that revokes its token
    # ``own``: what one user of this identity creates is theirs, another user of the same academy may not change
    # it (students); ``shared``: the academy's users share what they create (dashboard users).
    objects: Literal["own", "shared"] = "shared"

    @property
    def user(self) -> bool:
        """A user's token: rate-limited per user, scoped to one academy, revocable by logging out."""
        return self.kind == "user"

    def request_body(self, values: Mapping[str, str]) -> Any:
        return render(self.body, values)

    def missing(self, values: Mapping[str, str]) -> list[str]:
        """The variables of the credentials that ``values`` lacks."""
        return [var for name, var in self.credentials.items() if not values.get(name)]

    def token_in(self, answer: Any) -> Any:
        return _pick(answer, self.token)

    def ttl_in(self, answer: Any) -> Any:
        return _pick(answer, self.ttl) if self.ttl else None


@dataclass(frozen=True)
class OwnAccount:
    """``x-own-account``: the operation acts on ``identity``'s own account."""

    identity: str
    alters: bool = False  # generated values would lock the run out (a new password or e-mail, a logout)
    body: Mapping[str, Any] = field(default_factory=dict)  # members that must carry the account's credentials


def render(template: Any, values: Mapping[str, str]) -> Any:
    """``template`` with each ``{name}`` replaced by ``values[name]`` (a whole-string placeholder keeps the type)."""
    if isinstance(template, Mapping):
        return {k: render(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [render(v, values) for v in template]
    if isinstance(template, str):
        whole = PLACEHOLDER.fullmatch(template)
        if whole:
            return values.get(whole.group(1), "")
        return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), template)
    return template


def placeholders(template: Any) -> Iterator[tuple[str, str]]:
    """(pointer inside ``template``, placeholder name) of every placeholder it holds."""
    if isinstance(template, Mapping):
        items: Any = template.items()
    elif isinstance(template, list):
        items = enumerate(template)
    else:
        for name in PLACEHOLDER.findall(template) if isinstance(template, str) else ():
            yield "", name
        return
    for key, value in items:
        for inner, name in placeholders(value):
            yield f"/{escape(str(key))}{inner}", name


def _pick(answer: Any, pointer: str) -> Any:
    try:
        return resolve_pointer(answer, pointer)
    except (KeyError, TypeError):
        return None


class Identities:
    """The identities of a contract and the operations that issue, end and act on their sessions."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.by_name: dict[str, Identity] = {}
        self.own: dict[str, OwnAccount] = {}  # operationId -> whose account
        _Reader(contract, self).read()
        users = [i.name for i in self.by_name.values() if i.user]
        # The order a request picks its identity in: a user where the operation allows one, else the client.
        self.order: tuple[str, ...] = (*users, *(n for n in self.by_name if n not in users))
        self._issued = {i.issuer.operation_id: i for i in self.by_name.values()}

    def __getitem__(self, name: str) -> Identity:
        return self.by_name[name]

    def __iter__(self) -> Iterator[Identity]:
        return iter(self.by_name.values())

    def of(self, op: Operation) -> str | None:
        """The identity a request to ``op`` is sent as (None: anonymous)."""
        return next((name for name in self.order if name in op.security), None)

    def user_of(self, op: Operation) -> str | None:
        """The user identity ``op`` is sent as; None for anonymous and client-token calls."""
        name = self.of(op)
        return name if name is not None and self.by_name[name].user else None

    def issued_by(self, op: Operation) -> Identity | None:
        """The identity whose token ``op`` issues (its login)."""
        return self._issued.get(op.operation_id)

    def credential_body(self, op: Operation) -> Mapping[str, Any]:
        """The members of ``op``'s body that carry the run's own credentials: the login's body, else the
        ``x-own-account`` members (empty for any other operation)."""
        issued = self.issued_by(op)
        if issued is not None:
            return issued.body
        own = self.own.get(op.operation_id)
        return own.body if own is not None else {}

    def alters_own_account(self, op: Operation) -> bool:
        own = self.own.get(op.operation_id)
        return own is not None and own.alters and op.mutating

    @staticmethod
    def ends_session(op: Operation) -> bool:
        return op.raw.get("x-session") == "ends"

    def revocable(self) -> frozenset[str]:
        """The identities whose token a run can revoke (they have a session-ending operation)."""
        return frozenset(i.name for i in self if i.session_end is not None)

    def ready(self, values: Mapping[str, str]) -> list[str]:
        """The identities ``values`` holds every credential of, in the contract's order."""
        return [i.name for i in self if not i.missing(values)]

    def check_variables(self, known: Mapping[str, str]) -> None:
        """Each credential must be one the settings read, from the variable the contract names."""
        for identity in self:
            for name, var in identity.credentials.items():
                where = f"{_scheme(identity.name)}/credentials/{escape(name)}"
                if name not in known:
                    _fail(self.contract, where, f"credential {name!r} is none the suite reads ({', '.join(known)})")
                if known[name] != var:
                    _fail(self.contract, where, f"credential {name!r} is read from {known[name]}, not {var}")


def _scheme(name: str) -> str:
    return f"/components/securitySchemes/{escape(name)}/x-identity"


def _fail(contract: Contract, pointer: str, message: str) -> NoReturn:
    file, inner = contract.bundle.locate(pointer)
    raise ContractError(message, file=file, pointer=inner, hint=HINT)


class _Reader:
    """Reads and checks the blocks: a broken one is one ContractError naming its file and pointer."""

    def __init__(self, contract: Contract, table: Identities) -> None:
        self.contract = contract
        self.table = table

    def read(self) -> None:
        schemes = self.contract.document.get("components", {}).get("securitySchemes", {})
        blocks = {name: s["x-identity"] for name, s in schemes.items() if isinstance(s, dict) and "x-identity" in s}
        for name, block in blocks.items():
            self._shape(_scheme(name), block, IDENTITY_SCHEMA)
        for name, block in blocks.items():
            self.table.by_name[name] = self._identity(name, block, blocks)
        for op in self.contract:
            base = f"/paths/{escape(op.path)}/{op.method}"
            if "x-session" in op.raw:
                self._session(base, op)
            if "x-own-account" in op.raw:
                self._own(base, op)

    def _shape(self, pointer: str, block: Any, schema: dict[str, Any]) -> None:
        import jsonschema_rs

        for error in jsonschema_rs.validator_for(schema).iter_errors(block):
            inner = "".join(f"/{escape(str(p))}" for p in error.instance_path)
            _fail(self.contract, pointer + inner, error.message)

    def _identity(self, name: str, block: dict[str, Any], blocks: dict[str, Any]) -> Identity:
        where = _scheme(name)
        issuer = self.contract.operations.get(block["issuer"])
        if issuer is None:
            _fail(self.contract, f"{where}/issuer", f"issuer {block['issuer']!r} is no operationId of the contract")
        needs = block.get("needs")
        if needs is not None and needs not in blocks:
            _fail(self.contract, f"{where}/needs", f"needs {needs!r}, which is no security scheme with x-identity")
        if (needs is not None and needs not in issuer.security) or (needs is None and issuer.security):
            _fail(self.contract, f"{where}/needs", f"{issuer.operation_id} is called with {list(issuer.security)}")
        if needs is not None and blocks[needs].get("needs") is not None:
            _fail(self.contract, f"{where}/needs", f"{needs} needs a token itself: one step of needs at most")
        self._placeholders(f"{where}/body", block["body"], block["credentials"])
        if not self._declares(issuer, block["token"]):
            _fail(self.contract, f"{where}/token", f"{issuer.operation_id}'s answer declares no {block['token']}")
        return Identity(
            name=name,
            kind=block["kind"],
            issuer=issuer,
            body=block["body"],
            needs=needs,
            token=block["token"],
            ttl=block.get("ttl"),
            objects=block.get("objects", "shared"),
            credentials=block["credentials"],
        )

    def _placeholders(self, pointer: str, body: Any, credentials: Mapping[str, str]) -> None:
        for inner, name in placeholders(body):
            if name not in credentials:
                known = ", ".join(credentials)
                _fail(self.contract, pointer + inner, f"placeholder {{{name}}} is no credential of it ({known})")

    def _declares(self, op: Operation, pointer: str) -> bool:
        """Whether a JSON success answer of ``op`` declares the member at ``pointer``."""
        for status in op.success_statuses:
            node: Any = op.responses[status].schema
            for token in pointer.lstrip("/").split("/"):
                members = object_members(self.contract, node) if node is not None else {}
                node = members.get(token.replace("~1", "/").replace("~0", "~"))
                if node is None:
                    break
            else:
                return True
        return False

    def _session(self, base: str, op: Operation) -> None:
        self._shape(f"{base}/x-session", op.raw["x-session"], SESSION_SCHEMA)
        known = self.table.by_name
        user = next((known[n] for n in op.security if n in known and known[n].user), None)
        if user is None:
            _fail(self.contract, f"{base}/x-session", "a session-ending operation must be called with a user token")
        if user.session_end is None:  # the first one revokes its tokens
            known[user.name] = dataclasses.replace(user, session_end=op)

    def _own(self, base: str, op: Operation) -> None:
        where = f"{base}/x-own-account"
        block = op.raw["x-own-account"]
        self._shape(where, block, OWN_ACCOUNT_SCHEMA)
        identity = self.table.by_name.get(block["identity"])
        if identity is None:
            _fail(self.contract, f"{where}/identity", f"{block['identity']!r} is no security scheme with x-identity")
        self._placeholders(f"{where}/body", block.get("body", {}), identity.credentials)
        self.table.own[op.operation_id] = OwnAccount(identity.name, bool(block.get("alters")), block.get("body", {}))


@functools.lru_cache(maxsize=4)
def identities(contract: Contract) -> Identities:
    """One table per contract, whoever asks (tokens, happy requests, revocation, preflight, plan, families)."""
    return Identities(contract)
