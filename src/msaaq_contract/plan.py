"""The plan of a run: how many requests each family will send to which rate-limit bucket, and how long that
takes at the target's limits. Printed before a live run sends anything (``--plan`` prints it and stops).

Estimates are upper bounds where the run decides later: fuzzing counts ``max_examples`` per test (one for an
operation whose generated requests are all the same, which the run sends once), a stateful chain one request
per link plus its read-backs, a mass-assignment probe its every write and read-back, and tests skipped for
missing data still count. ``VALUE_ORDER`` is what a ``--time-budget`` run sends first: each id's happy request,
then the refusals and the mass-assignment probes, isolation, stateful chains, language variants, and fuzz
examples last, spread over every operation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from .client.pacing import GUEST, LOGIN, WINDOW_S
from .contract import Contract, Operation
from .contract.access import foreign_users, probe_kind
from .contract.identities import Identities, identities
from .contract.logins import login_operations
from .families import CONTRACT_RULES, DEBUG_PROBES, FAMILIES
from .settings import RateLimit

# Lower sends first under --time-budget (each family's ``value`` in the registry).
VALUE_ORDER: dict[str, int] = {name: family.value for name, family in FAMILIES.items()}
HAPPY = frozenset({"envelope", "schema", "status"})  # one shared exchange per id
LARAVEL_DEFAULT = 60  # requests per minute and user (per IP for guests): Laravel's default ``api`` limiter
LARAVEL_LOGIN_DEFAULT = 5  # per minute: the login limiter Laravel's starter kits (Fortify) install


def value_rank(family: str) -> int:
    return VALUE_ORDER.get(family, max(VALUE_ORDER.values()))


def bucket_for(op: Operation, table: Identities, *, other: bool = False, logins: frozenset[str] = frozenset()) -> str:
    if op.operation_id in logins:  # a login route: its own, harder limit (see ``contract.logins``)
        return LOGIN
    identity = table.user_of(op)
    if identity is None:  # anonymous, or a client token (no user): Laravel keys it by IP, like a guest
        return GUEST
    return f"{identity}@other" if other else str(identity)


def _varies(op: Operation) -> bool:
    """Whether generated valid requests can differ (path values are the fixtures' in positive fuzzing)."""
    return bool(op.query_params) or op.request_schema is not None


@dataclass
class Plan:
    counts: dict[str, Counter[str]] = field(default_factory=dict)  # bucket -> family -> requests

    def add(self, bucket: str, family: str, n: int = 1) -> None:
        self.counts.setdefault(bucket, Counter())[family] += n

    @property
    def total(self) -> int:
        return sum(sum(c.values()) for c in self.counts.values())

    def by_bucket(self) -> dict[str, int]:
        return {b: sum(c.values()) for b, c in sorted(self.counts.items(), key=lambda kv: -sum(kv[1].values()))}

    def by_family(self) -> dict[str, int]:
        out: Counter[str] = Counter()
        for c in self.counts.values():
            out.update(c)
        return dict(out.most_common())

    def eta_s(self, per_minute: Mapping[str, int], ceiling: RateLimit | None = None, latency_s: float = 0.0) -> float:
        """Seconds to send the plan: the busiest bucket at its limit (the client interleaves the buckets, so the
        slowest one sets the pace), the ``--rate-limit`` ceiling, or the latency of sequential requests."""
        times = [self.total * latency_s]
        for bucket, n in self.by_bucket().items():
            limit = per_minute.get(bucket)
            if limit:
                times.append(n / (limit / WINDOW_S))
        if ceiling is not None:
            times.append(self.total * ceiling.interval)
        return max(times)

    def to_dict(self) -> dict[str, object]:
        return {
            "requests": self.total,
            "by_bucket": self.by_bucket(),
            "by_family": self.by_family(),
            "per_bucket_family": {b: dict(c) for b, c in sorted(self.counts.items())},
        }

    def lines(
        self,
        per_minute: Mapping[str, int],
        *,
        ceiling: RateLimit | None = None,
        latency_s: float = 0.0,
        budget_s: float | None = None,
    ) -> list[str]:
        buckets = ", ".join(f"{b} {n:,}" for b, n in self.by_bucket().items())
        families = ", ".join(f"{f} {n:,}" for f, n in self.by_family().items())
        out = [f"plan: {self.total:,} requests at most ({buckets}); by family: {families}"]
        if per_minute or ceiling is not None:
            limits = ", ".join(f"{b} {n}/min" for b, n in sorted(per_minute.items()))
            if ceiling is not None:
                limits = ", ".join(
                    x for x in (limits, f"--rate-limit {ceiling.requests}/{ceiling.per_seconds:g}s") if x
                )
            out.append(f"plan: ETA {duration_text(self.eta_s(per_minute, ceiling, latency_s))} at {limits}")
        default = {b: LARAVEL_LOGIN_DEFAULT if b == LOGIN else LARAVEL_DEFAULT for b in self.counts}
        out.append(
            f"plan: ETA {duration_text(self.eta_s(default, None, latency_s))} at Laravel's default limits "
            f"({LARAVEL_DEFAULT}/min per user, per IP for guests; {LARAVEL_LOGIN_DEFAULT}/min for logins)"
        )
        if budget_s is not None:
            out.append(
                f"plan: --time-budget {duration_text(budget_s)}: happy requests first, then refusals and probes of "
                "who may call what, isolation, stateful chains, language, fuzz examples; what does not fit is not-run"
            )
        return out


def build(
    contract: Contract,
    tests: Iterable[tuple[str, str]],
    *,
    max_examples: int,
    chain_length: Callable[[str], int],
    probe_length: Callable[[str], int] = lambda doc_id: 0,
) -> Plan:
    """The plan of ``tests`` (documented id, family) of one run."""
    plan = Plan()
    table = identities(contract)
    logins = login_operations(contract)
    happy_sent: set[str] = set()
    revoking: set[str] = set()
    controlled: set[tuple[str, str]] = set()
    probed_ids, probed = set(CONTRACT_RULES["debug_probe"](contract)), set[str]()
    for doc_id, family in tests:
        op = contract.operation(doc_id)
        bucket = bucket_for(op, table, logins=logins)
        if family in HAPPY or family == "exposure":  # exposure judges the happy answer too: no request of its own
            if doc_id not in happy_sent:
                happy_sent.add(doc_id)
                plan.add(bucket, "happy")
            if family == "exposure" and doc_id in probed_ids and doc_id not in probed:
                probed.add(doc_id)  # the debug-route probes, anonymous, once per run (an upper bound)
                plan.add(GUEST, family, DEBUG_PROBES)
        elif family == "enumeration":
            plan.add(LOGIN, family, 2)  # an unknown e-mail, a known one with a wrong password
        elif family == "cors":
            if op.method == "get":
                plan.add(bucket, family)  # the read with the Origin
            plan.add(GUEST, family)  # the preflight carries no token
        elif family == "auth":
            plan.add(GUEST, family)  # no token, a malformed or a revoked one: the target knows no user
            if bucket not in (GUEST, LOGIN) and bucket not in revoking:
                revoking.add(bucket)  # one fresh login and one logout per identity make the revoked token
                plan.add(LOGIN, "tokens")
                plan.add(bucket, family)
        elif family == "isolation":
            # a read: the real id, then a never-issued one; a list: once
            plan.add(bucket_for(op, table, other=True), family, 1 if op.path_params == () else 2)
        elif family in ("roles", "binding", "ownership"):
            own = table.user_of(op)
            foreign = {"roles": foreign_users(contract, op), "binding": [f"{own}@other"]}.get(family, [f"{own}#second"])
            for who in foreign:
                if (who, family) not in controlled:  # the positive control: once per token (per process)
                    controlled.add((who, family))
                    plan.add(who, family)
                plan.add(who, family)
                if probe_kind(contract, op) == "write":
                    plan.add(bucket, family, 2)  # the owner's create, and the owner's read afterwards
        elif family == "stateful":
            plan.add(bucket, family, chain_length(doc_id))
        elif family == "mass_assignment":  # its bound: the whole probe, though a conforming target stops early
            plan.add(bucket, family, probe_length(doc_id))
        elif family == "fuzz":
            plan.add(bucket, family, max_examples if _varies(op) else 1)
        else:  # tenant_header, language and any family that sends one variant of the happy request
            plan.add(bucket, family)
    return plan


def duration_text(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"
