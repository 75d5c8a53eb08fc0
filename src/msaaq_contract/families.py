"""The check families: the one registry of what the conformance suite judges.

A family is a report column (auth, envelope, ...). Each has conformance tests; each test says when it applies
(a rule over the documented ids), which checks judge its answers (names in ``checks.CHECKS``) and which
cassette it replays (``cassettes/<documented id>/<name>.json``). Everything that needs to know a family reads it
here: the pytest markers and parametrization, the plugin (which checks a test runs, which cassette it opens, the
xdist scope), ``msaaq-contract coverage`` and the reports (column order). No pytest, no client: the CLI uses it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .checks import CHECKS
from .checks.base import Check
from .checks.cors import area_ids
from .checks.documented import ANSWER
from .checks.enumeration import login_ids
from .checks.exposure import DEBUG_ROUTES, probe_ids
from .checks.mass_assignment import probed_creates
from .contract import Contract, Operation
from .contract.access import foreign_users, owned_write, probe_kind, user_only
from .contract.identities import identities
from .contract.resources import resource_graph
from .errors import ConfigError

Applies = Callable[[Operation, str], bool]
# Rules that need the whole contract to pick their ids (the methods family probes each path once; identities
# are the contract's).
ContractRule = Callable[[Contract], list[str]]


def negative_applies(op: Operation, doc_id: str) -> bool:
    """Operations whose JSON body has constraints an invalid value can break.

    Multipart bodies are left out: every form value travels as text, so a "wrong type" (an integer where a
    string is expected) arrives as a perfectly valid string and would be a false alarm.
    """
    if op.request_media_type != "application/json":
        return False
    schema = op.request_schema or {}
    return bool(schema.get("properties") or schema.get("required"))


def _json_success(op: Operation) -> bool:
    return any(op.responses[s].is_json for s in op.success_statuses)


APPLICABILITY: dict[str, Applies] = {
    "all": lambda op, doc_id: True,
    "protected": lambda op, doc_id: op.auth == "required",
    "public": lambda op, doc_id: op.auth == "optional",
    "tenant": lambda op, doc_id: op.tenant_required,
    "reads": lambda op, doc_id: op.method == "get" and _json_success(op),
    "owned_reads": lambda op, doc_id: op.method == "get" and bool(op.path_params) and _json_success(op),
    "with_input": lambda op, doc_id: op.request_schema is not None or bool(op.query_params),
    "fuzz_negative": negative_applies,
}


@dataclass(frozen=True)
class FamilyTest:
    """One conformance test function of a family."""

    name: str  # the test function (``tests/conformance/test_*.py``)
    applies: str  # a rule of APPLICABILITY: the documented ids it is parametrized with
    checks: tuple[str, ...]  # names in ``checks.CHECKS``, run in this order on each judged answer
    cassette: str  # the recording it replays; ``{param}`` is the test's own parameter value
    param: tuple[str, tuple[str, ...]] | None = None  # (name, values) of a parameter besides the documented id

    @property
    def cassettes(self) -> tuple[str, ...]:
        values = self.param[1] if self.param else ("",)
        return tuple(dict.fromkeys(self.cassette.format(param=v) for v in values))

    def cassette_for(self, param: str | None = None) -> str:
        return self.cassette.format(param=param or "")

    def judges(self) -> tuple[Check, ...]:
        return tuple(CHECKS[name] for name in self.checks)


@dataclass(frozen=True)
class Family:
    name: str
    tests: tuple[FamilyTest, ...]
    # What a --time-budget run sends first (lower first): each id's happy request, the refusals, isolation,
    # stateful chains, language variants, fuzz examples last.
    value: int = 5
    summary: str = ""  # what it checks: the help of its pytest marker (``pytest --markers``)

    def applies(self, contract: Contract, op: Operation, doc_id: str) -> bool:
        """The family has at least one test for ``doc_id``."""
        return any(applies_to(contract, t.applies, op, doc_id) for t in self.tests)

    @property
    def cassettes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c for t in self.tests for c in t.cassettes))

    @property
    def checks(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c for t in self.tests for c in t.checks))


_HAPPY = "conformance"  # one happy exchange per endpoint, judged by three families and recorded once
LANGUAGES = ("ar", "en")

# In report order (the columns of the matrix).
FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Family(
            "auth",
            summary="missing / malformed / revoked tokens are refused",
            value=1,
            tests=(
                FamilyTest("test_missing_token", "protected", ("auth",), "auth-missing"),
                FamilyTest("test_malformed_token", "protected", ("auth",), "auth-malformed"),
                FamilyTest("test_revoked_token", "revocable", ("auth",), "auth-revoked"),
                FamilyTest("test_public_without_token", "public", ("public",), "auth-public"),
            ),
        ),
        Family(
            "tenant_header",
            summary="X-Tenant missing or unknown is refused",
            value=1,
            tests=(
                FamilyTest("test_missing_tenant", "tenant", ("tenant_header",), "tenant-missing"),
                FamilyTest("test_unknown_tenant", "tenant", ("tenant_header",), "tenant-unknown"),
            ),
        ),
        Family(
            "envelope",
            summary="status/code/data/message shape",
            tests=(FamilyTest("test_envelope", "all", ("envelope",), _HAPPY),),
            value=0,
        ),
        Family(
            "schema",
            summary="field types against the contract",
            tests=(FamilyTest("test_field_types", "all", ("schema",), _HAPPY),),
            value=0,
        ),
        # The happy answer is judged whole across three columns: the media type and envelope, the body's field
        # types, the status with the headers it requires.
        Family(
            "status",
            summary="status code documented, with the headers it requires",
            tests=(FamilyTest("test_status", "all", ("success", "status", "headers"), _HAPPY),),
            value=0,
        ),
        Family(
            "fuzz",
            summary="property-based requests from the contract",
            tests=(
                FamilyTest("test_fuzz_valid", "fuzz_positive", ("as_recorded",), "fuzz-positive"),
                FamilyTest("test_fuzz_invalid", "fuzz_negative", ("as_recorded",), "fuzz-negative"),
            ),
        ),
        Family(
            "stateful",
            summary="create/read/update/list/delete chains",
            tests=(FamilyTest("test_crud", "crud", ("success", *ANSWER), "stateful"),),
            value=3,
        ),
        Family(
            "isolation",
            summary="another academy cannot read or list this academy's resources, nor tell which of its ids exist",
            tests=(
                FamilyTest("test_isolation", "owned_reads", ("isolation", "no_existence_leak"), "isolation"),
                FamilyTest("test_isolation_lists", "tenant_lists", ("no_foreign_items",), "isolation-lists"),
            ),
            value=2,
        ),
        # Who may call what (after the happy requests: a data leak outranks a field type).
        Family(
            "roles",
            summary="a user identity the operation does not serve is refused (a student's token on the Admin API)",
            tests=(FamilyTest("test_foreign_role", "foreign_role", ("refused", "unchanged"), "roles"),),
            value=1,
        ),
        Family(
            "binding",
            summary="a token of the other academy is refused with this academy's X-Tenant",
            tests=(FamilyTest("test_other_academy_token", "bound_token", ("refused", "unchanged"), "binding"),),
            value=1,
        ),
        Family(
            "ownership",
            summary="a second user of the academy cannot change or delete what the first created",
            tests=(FamilyTest("test_other_user", "owned_writes", ("refused", "unchanged"), "ownership"),),
            value=1,
        ),
        Family(
            "language",
            summary="Accept-Language ar/en conform and keep Arabic intact",
            value=4,
            tests=(
                FamilyTest(
                    "test_language",
                    "reads",
                    ("success", *ANSWER, "language"),
                    "language-{param}",
                    param=("lang", LANGUAGES),
                ),
            ),
        ),
        Family(
            "methods",
            summary="an undeclared method on a documented path is refused with 405 and Allow",
            tests=(FamilyTest("test_undeclared_method", "paths", ("methods",), "methods"),),
            value=2,
        ),
        # Writes the run owns, with members only the server sets: a stored one is a data-integrity breach
        # (OWASP API3), valued right after the happy requests.
        Family(
            "mass_assignment",
            summary="members only the server sets, sent twice on the run's own writes, are not stored",
            tests=(
                FamilyTest("test_mass_assignment", "mass_assignable", ("mass_assignment", *ANSWER), "mass-assignment"),
            ),
            value=1,
        ),
        # Who may see what (issue 22): right after the happy requests under --time-budget.
        Family(
            "exposure",
            summary="no secret member or value, no debug output in any answer; debug routes not served",
            value=1,
            tests=(
                FamilyTest("test_exposure", "all", ("exposure",), _HAPPY),
                FamilyTest("test_debug_routes", "debug_probe", ("debug_routes",), "exposure-routes"),
            ),
        ),
        Family(
            "enumeration",
            summary="a login refuses an unknown e-mail and a wrong password alike",
            tests=(FamilyTest("test_login_enumeration", "logins", ("enumeration", *ANSWER), "enumeration"),),
            value=1,
        ),
        Family(
            "cors",
            summary="an unknown Origin is never echoed with credentials",
            tests=(FamilyTest("test_cors", "cors_areas", ("cors",), "cors"),),
            value=1,
        ),
    )
}
# Checks judged on every answer of every family (no request of their own): their family's column also collects
# what they find in other families' answers. The happy exchange is judged by the family's own test.
EVERY_ANSWER: tuple[str, ...] = ("exposure",)
HAPPY_CASSETTE = _HAPPY
DEBUG_PROBES = 2 * len(DEBUG_ROUTES)  # the exposure family's probes: each route at the host root and the API base
TESTS: dict[str, tuple[Family, FamilyTest]] = {t.name: (f, t) for f in FAMILIES.values() for t in f.tests}


def registered_test(family: str, name: str) -> FamilyTest:
    """The registered test ``name`` of ``family``; a test the registry does not know is a usage error."""
    found = TESTS.get(name)
    if found is None or found[0].name != family:
        known = ", ".join(t.name for t in FAMILIES[family].tests) if family in FAMILIES else ", ".join(FAMILIES)
        raise ConfigError(
            f"conformance test {name} (family {family!r}) is not in the family registry",
            hint=f"register it in msaaq_contract/families.py (known: {known})",
        )
    return found[1]


def families_for(contract: Contract, op: Operation, doc_id: str) -> list[str]:
    """The families with at least one test for ``doc_id``."""
    return [name for name, family in FAMILIES.items() if family.applies(contract, op, doc_id)]


def family_tests(contract: Contract, op: Operation, doc_id: str) -> Iterator[tuple[Family, FamilyTest]]:
    """Every (family, test) that runs for ``doc_id``."""
    for family in FAMILIES.values():
        for test in family.tests:
            if applies_to(contract, test.applies, op, doc_id):
                yield family, test


CONFIDENCE_RANK = {"high": 0, "medium": 1, "low": 2}


@functools.lru_cache(maxsize=4)
def path_ids(contract: Contract) -> list[str]:
    """One documented id per documented path: the methods family probes the path, not each operation on it.

    The id of the path's surest operation (its failures are then not "contract uncertain" when one route of the
    path is a sure fact), a read before a write, the first by name among equals. Signed-URL placeholders are no
    real paths: left out.
    """
    best: dict[tuple[str, bool], tuple[int, bool, bool, str]] = {}
    for doc_id, op in contract.documented():
        if op.raw.get("x-signed-url"):
            continue
        sureness = max(CONFIDENCE_RANK.get(c, 2) for c in (op.confidence, op.doc_entry(doc_id).confidence))
        rank = (sureness, op.destructive, op.mutating, doc_id)
        key = (op.path, op.server_root)
        best[key] = min(best.get(key, rank), rank)
    return sorted(rank[-1] for rank in best.values())


def chain_ids(contract: Contract) -> list[str]:
    """The creates whose answer links to a read of what they created: one stateful chain each (the graph's)."""
    return sorted(resource_graph(contract).chains)


@functools.lru_cache(maxsize=4)
def revocable_ids(contract: Contract) -> list[str]:
    """Protected operations called as a user whose token a logout (``x-session: ends``) can revoke."""
    table = identities(contract)
    revocable = table.revocable()
    return [d for d, op in contract.documented() if op.auth == "required" and table.of(op) in revocable]


@functools.lru_cache(maxsize=4)
def positive_ids(contract: Contract) -> list[str]:
    """Operations fuzzed with valid values: all but those whose generated values would lock the run out of its
    own account (``x-own-account`` with ``alters``: a new password, a logout). Their happy path and their
    negative fuzzing still run."""
    table = identities(contract)
    return [d for d, op in contract.documented() if not table.alters_own_account(op)]


@functools.lru_cache(maxsize=4)
def foreign_role_ids(contract: Contract) -> list[str]:
    """Operations that require a user and can be probed with another user identity's token (reads, creates,
    writes on a resource the probe creates)."""
    return [
        d for d, op in contract.documented() if foreign_users(contract, op) and probe_kind(contract, op) is not None
    ]


@functools.lru_cache(maxsize=4)
def bound_token_ids(contract: Contract) -> list[str]:
    """Operations that require a user and can be probed with that identity's token from the other academy."""
    return [d for d, op in contract.documented() if user_only(contract, op) and probe_kind(contract, op) is not None]


@functools.lru_cache(maxsize=4)
def owned_write_ids(contract: Contract) -> list[str]:
    """Updates and deletes of what a user creates as their own (``x-identity.objects: own``)."""
    return [d for d, op in contract.documented() if owned_write(contract, op)]


@functools.lru_cache(maxsize=4)
def tenant_list_ids(contract: Contract) -> list[str]:
    """Lists of a stored resource that a caller must be identified for (a token or an academy)."""
    graph = resource_graph(contract)
    return [
        d
        for d, op in contract.documented()
        if op.method == "get" and op.auth != "none" and graph.binding(op).role == "list" and graph.binding(op).target
    ]


@functools.lru_cache(maxsize=4)
def mass_assignable_ids(contract: Contract) -> list[str]:
    """The creates the mass-assignment family probes (``checks.mass_assignment.probed_creates``)."""
    return probed_creates(contract)


CONTRACT_RULES: dict[str, ContractRule] = {
    "foreign_role": foreign_role_ids,
    "tenant_lists": tenant_list_ids,
    "owned_writes": owned_write_ids,
    "mass_assignable": mass_assignable_ids,
    "bound_token": bound_token_ids,
    "paths": path_ids,
    "crud": chain_ids,
    "revocable": revocable_ids,
    "fuzz_positive": positive_ids,
    "debug_probe": probe_ids,
    "logins": login_ids,
    "cors_areas": area_ids,
}


def applies_to(contract: Contract, rule: str, op: Operation, doc_id: str) -> bool:
    """Whether ``rule`` picks ``doc_id``, for rules over one operation and rules over the whole contract."""
    if rule in CONTRACT_RULES:
        return doc_id in CONTRACT_RULES[rule](contract)
    return APPLICABILITY[rule](op, doc_id)
