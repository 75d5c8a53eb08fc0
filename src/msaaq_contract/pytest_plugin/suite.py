"""The per-test helper the conformance tests use: send a variant of the happy request, judge it, record it.

A test names its family; the family registry (``families``) says which checks judge its answers and which
cassette it replays. This object only carries the exchange to the checks and the findings to the reports
(through ``user_properties``, which also travel back from xdist workers).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..checks.access import access_of
from ..checks.base import CHECKS, Check, CheckContext, ContractViolation, Finding
from ..client.happy import MissingTargetData, PreparedCall, build_happy_request
from ..client.ledger import sending_as
from ..client.transport import DEFAULT, Client
from ..contract import Operation
from ..contract.identities import identities
from ..errors import UnsafeTarget
from ..exchange import Exchange
from ..families import EVERY_ANSWER, HAPPY_CASSETTE, FamilyTest
from ..recording.replay import ReplayClient
from . import properties
from .runtime import Runtime


class Conformance:
    def __init__(self, runtime: Runtime, node: pytest.Item, doc_id: str, family: str, test: FamilyTest) -> None:
        self.runtime = runtime
        self.node = node
        self.doc_id = doc_id
        self.family = family
        self.test = test  # this test's entry in the family registry
        self.checks: tuple[Check, ...] = test.judges()
        # Every answer this test judges is also judged by the every-answer checks (exposure), but the shared happy
        # exchange: the every-answer family's own test judges that one, so a leak there fails one column.
        every = (
            () if test.cassette == HAPPY_CASSETTE else tuple(CHECKS[n] for n in EVERY_ANSWER if n not in test.checks)
        )
        self.every_answer: tuple[Check, ...] = every
        self.contract = runtime.contract
        self.findings: list[Finding] = []
        self.warnings: list[Finding] = []
        self.cassette: str | None = None

    @property
    def op(self) -> Operation:
        return self.contract.operation(self.doc_id)

    def ctx(self, expectation: dict[str, Any] | None = None, doc_id: str | None = None) -> CheckContext:
        doc_id = doc_id or self.doc_id
        return CheckContext(self.contract, self.contract.operation(doc_id), doc_id, expectation)

    def call(self, *, language: str | None = None, other_tenant: bool = False) -> PreparedCall:
        """The happy request of this test's id; skipped when the target lacks the data it needs."""
        with missing_data_skips():
            if not other_tenant:
                self.runtime.lifecycle.ensure_created(self.doc_id)
            return build_happy_request(
                self.contract, self.doc_id, self.runtime.fixtures, language=language, other_tenant=other_tenant
            )

    def probe_call(self) -> PreparedCall:
        """This id's request for a probe that acts on nothing (a method probe): path values as discovered or
        pinned, also where the operation destroys what it names (nothing is created for it, nothing destroyed),
        else any known value of the parameter: routing needs the URL's shape, not the resource."""
        fixtures = self.runtime.fixtures
        values: dict[str, str] = {}
        with missing_data_skips():
            for param in self.op.path_params:
                try:
                    values[param.name] = fixtures.path_value(self.doc_id, param.name)
                except MissingTargetData:
                    known = fixtures.value_by_name(param.name)
                    if known is None:
                        raise
                    values[param.name] = str(known)
            return build_happy_request(self.contract, self.doc_id, fixtures, values=values)

    def debug_probe(self, path: str, *, root: bool) -> PreparedCall:
        """An anonymous GET of ``path`` at the host root (``root``) or under the API base: a request of no
        operation, reported on this test's id (``checks.exposure``'s debug routes)."""
        op = self.op
        return PreparedCall(
            self.doc_id, op.operation_id, "GET", path, headers={"Accept": "application/json, text/html"},
            root_relative=root, probe=True,
        )  # fmt: skip

    # -- sending ------------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def recording(self, param: str | None = None) -> Iterator[None]:
        """Replay or record this test's traffic in its cassette, ``cassettes/<doc id>/<name>.json`` (the name is
        the registry's, ``param`` fills a per-parameter name such as ``language-{param}``)."""
        lib = self.runtime.cassettes
        if lib is None:
            yield
            return
        name = self.test.cassette_for(param)
        self.cassette = _relative(lib.path(self.doc_id, name), self.runtime.root)
        with lib.use(self.doc_id, name):
            yield

    def send(self, call: PreparedCall, *, token: Any = DEFAULT, mutating: bool | None = None) -> Exchange:
        """``mutating`` None: whether the operation writes (a probe with a safe method says False)."""
        try:
            writes = self.op.mutating if mutating is None else mutating
            return self.runtime.client.send(call, token=token, mutating=writes)
        except UnsafeTarget as exc:
            pytest.skip(f"mutating: {exc.one_line()}")

    def happy(self, *, language: str | None = None) -> Exchange:
        """The minimal valid request, sent once per session and judged by several families."""
        key = (self.doc_id, language)
        cache = self.runtime.happy_cache
        if key not in cache:
            with self.recording(language), sending_as("happy" if language is None else self.family):
                cache[key] = self.send(self.call(language=language))
            self.runtime.lifecycle.schedule_cleanup(self.doc_id, cache[key])
        elif self.runtime.cassettes is not None:  # replayed earlier in this worker: point at the same recording
            name = self.test.cassette_for(language)
            self.cassette = _relative(self.runtime.cassettes.path(self.doc_id, name), self.runtime.root)
        exchange: Exchange = cache[key]
        return exchange

    def fuzz(self, mode: str) -> None:
        """Generate ``mode`` (positive / negative) requests with schemathesis, one cassette per mode, and judge
        each by what the contract says of it (``checks.fuzz.as_recorded``): a request it accepts must get a
        conforming answer, one it refuses must be refused. Offline, the recorded generated requests are judged
        the same way: nothing is generated again, and record and replay give the same verdicts."""
        if isinstance(self.runtime.client, ReplayClient):
            with self.recording():
                for exchange in self.runtime.client.recorded(self.op):
                    self.judge(exchange, *self.checks, expectation={"mode": mode})
            self.conclude()
            return
        from hypothesis.errors import Unsatisfiable

        from .. import fuzz

        call = self.call()
        if self.op.mutating and not self.runtime.settings.writes_allowed():
            pytest.skip(f"mutating: fuzzing {self.op.label} is refused against {self.runtime.settings.host}")
        client = self.runtime.client
        if not isinstance(client, Client):  # a sender that cannot send raw requests: a programming error
            raise TypeError(f"fuzzing {self.op.label} needs the live client, not {type(client).__name__}")
        token = client.tokens.get(call.identity, fresh=call.fresh_token) if call.identity else None
        values = call.path_values
        mutating = self.op.mutating

        def send(method: str, url: str, headers: dict[str, str], body: bytes | None) -> Exchange:
            return client.send_raw(method, url, headers, body, mutating=mutating)

        def judge(exchange: Exchange, negative: bool) -> list[Finding]:
            # Judged as a replay judges it: by what the contract says of the request actually sent, not by the
            # generator's intent. A generator may call a request invalid that the contract accepts (schemathesis
            # 4.28 omits an optional body in negative mode): demanding a refusal would cry wolf, and the
            # recording would replay to another verdict.
            found = self.judge(exchange, *self.checks, expectation={"mode": "negative" if negative else "positive"})
            return [f for f in found if f.is_error]

        base = client.root_url if self.op.server_root else client.base_url
        with self.recording():
            try:
                try:
                    fuzz.run(
                        self.contract,
                        self.op,
                        self.doc_id,
                        mode=mode,
                        base_url=base,
                        headers=fuzz.auth_headers(call, token),
                        path_values=values,
                        examples=self.runtime.fuzz_examples(),
                        fixed_seed=self.runtime.settings.seed,
                        judge=judge,
                        send=send,
                    )
                # The findings are already collected; conclude() turns them into the verdict. ``except*``: should
                # hypothesis wrap a violation in a FlakyFailure group, the violation of the first answer stands.
                except* ContractViolation:
                    pass
            except Unsatisfiable:
                pytest.skip(f"schemathesis cannot generate a {mode} request for {self.op.label} from the contract")
        self.conclude()

    def other_tenant_call(self) -> tuple[PreparedCall, str | None, list[str]]:
        """The main academy's resource requested as the other academy: its X-Tenant and its own token; and the
        path parameters whose values differ between the academies (the tenant-owned ids)."""
        fixtures = self.runtime.fixtures
        # Tenant-owned: the other academy has its own id for it (the same value means the id is not scoped).
        if not fixtures.other_tenant:
            pytest.skip(
                "isolation needs a second academy: set MSAAQ_OTHER_TENANT and its users "
                "(MSAAQ_OTHER_ADMIN_*, MSAAQ_OTHER_STUDENT_*)"
            )
        call = self.call()
        with missing_data_skips():
            theirs = build_happy_request(self.contract, self.doc_id, fixtures, other_tenant=True).path_values
        owned = [name for name, value in call.path_values.items() if theirs[name] != value]
        if not owned:
            pytest.skip(f"no tenant-owned id among {list(call.path_values)}: both academies use the same values")
        call.headers["X-Tenant"] = fixtures.other_tenant
        token: str | None = None
        if call.identity:
            other = self.runtime.other_credentials
            if other is None or not identities(self.contract)[call.identity].user:  # a client serves both
                # Without the other academy's credentials, the main identity's token must not leak either.
                token = self.runtime.client.tokens.get(call.identity)
            else:
                token = self.runtime.client.tokens.get(call.identity, tenant=fixtures.other_tenant, credentials=other)
        return call, token, owned

    # -- judging ------------------------------------------------------------------------------------------
    def access(self, who: str, exchange: Exchange) -> None:
        """One cell of the authorization matrix: how this operation answered ``who`` (an identity, ``anonymous``,
        ``<identity>@other`` for the other academy's token)."""
        self.node.user_properties.append((properties.ACCESS, f"{who}={access_of(exchange.status)}"))

    @property
    def identity(self) -> str:
        """Who the happy request is sent as: an identity of the contract, or ``anonymous``."""
        return identities(self.contract).of(self.op) or "anonymous"

    def judge(
        self,
        exchange: Exchange,
        *checks: Check,
        expectation: dict[str, Any] | None = None,
        doc_id: str | None = None,
        step: str | None = None,
    ) -> list[Finding]:
        """Run checks; collect their findings with a redacted curl and the cassette that shows them.

        ``doc_id`` judges the exchange as another documented operation's (a stateful chain's read step): its
        findings name that operation, so the reports put them on its row too.
        """
        ctx = self.ctx(expectation, doc_id)
        found: list[Finding] = []
        for check in (*checks, *self.every_answer):
            found.extend(check(ctx, exchange))
        self.record(found, exchange, doc_id=doc_id, step=step)
        return found

    def record(
        self, found: list[Finding], exchange: Exchange | None, *, doc_id: str | None = None, step: str | None = None
    ) -> None:
        """Keep findings for the verdict, each with the curl of the exchange that shows it and who broke, redacted
        (a value the target put in a secret-looking member is never quoted, here or later in the run)."""
        redactor = self.runtime.redactor
        curl = None
        request_doc: Any = None
        response_doc: Any = None
        if exchange is not None and (found or not self.runtime.offline):
            req = exchange.request
            request_doc = redactor.learn_body(req.body)
            parsed, response_doc = exchange.json_body
            redactor.learn(response_doc if parsed else None)
            curl = redactor.curl(req.method, req.url, req.headers, req.body) if found else None
        for f in found:
            if exchange is not None and f.status is None:
                f.status = exchange.status
            f.curl = f.curl or curl
            f.cassette = f.cassette or self.cassette
            if doc_id and doc_id != self.doc_id:
                f.operation = doc_id
            label = " ".join(x for x in (step, f.operation) if x)
            # A pointer into the response starts with "/"; a request finding's with where it is ("body/...").
            redactor.finding(f, response_doc if (f.pointer or "/").startswith("/") else request_doc)
            f.message = f"[{label}] {f.message}" if label else f.message
        self.findings.extend(f for f in found if f.is_error)
        self.warnings.extend(f for f in found if not f.is_error)

    def conclude(self) -> None:
        """Record the verdict material on the test item, then fail if a check found an error."""
        # Hypothesis re-runs a failing example to report it: keep each distinct finding once.
        self.findings = list({(f.title, f.message, f.pointer): f for f in self.findings}.values())
        self.warnings = list({(f.title, f.message, f.pointer): f for f in self.warnings}.values())
        if self.cassette:
            self.node.user_properties.append((properties.CASSETTE, self.cassette))
        if self.findings or self.warnings:
            self.node.user_properties.append((properties.FINDINGS, json.dumps(self.payload(), ensure_ascii=False)))
        if not self.findings:
            return
        violation = ContractViolation(self.doc_id, self.findings)
        if all(
            self.contract.operation(d).low_confidence(d) for d in {f.operation or self.doc_id for f in self.findings}
        ):
            pytest.xfail(f"contract uncertain (x-confidence: low): {violation}")
        raise violation

    def payload(self) -> dict[str, Any]:
        return {
            "violations": [f.__dict__ for f in self.findings],
            "warnings": [f.__dict__ for f in self.warnings],
        }

    def check(self, exchange: Exchange, *, expectation: dict[str, Any] | None = None) -> None:
        """Judge with this test's checks (the registry's) and conclude, in one step (the common case)."""
        self.judge(exchange, *self.checks, expectation=expectation)
        self.conclude()


@contextlib.contextmanager
def missing_data_skips() -> Iterator[None]:
    """Missing data on the target is not the API's fault: the test is skipped with the reason."""
    try:
        yield
    except MissingTargetData as exc:
        pytest.skip(exc.reason)


def _relative(path: Path, root: Path) -> str:
    if path.is_relative_to(root):  # the usual case, answered without asking the file system
        return str(path.relative_to(root))
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)
