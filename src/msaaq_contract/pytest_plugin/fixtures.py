"""The per-test fixtures ``conformance`` and ``revoked_token``.

They are methods of a plugin object that knows the test being set up, so they do not ask pytest for
``request``: pytest 9 builds a new fixture definition (and inspects a signature) for every such ask, in every
test, and for 4,500 millisecond tests those asks cost more than the checks (measured). ``msaaq_runtime``, the
session's target, stays a plain fixture in the plugin module: pytest refuses session fixtures bound to an
instance.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ..client.ledger import sending_as
from ..errors import OverBudget, TargetUnreachable
from .collection import family_of, registered
from .runtime import Runtime
from .suite import Conformance


class SuiteFixtures:
    """Registered once per session by the plugin."""

    def __init__(self) -> None:
        self.item: pytest.Item | None = None

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        self.item = item  # the test whose fixtures are about to be set up

    @pytest.fixture
    def conformance(self, msaaq_runtime: Runtime, doc_id: str) -> Iterator[Conformance]:
        """Sends variants of ``doc_id``'s happy request and records the verdict of this test's family; what it
        sends is counted under that family in the request ledger."""
        if msaaq_runtime.down is not None:  # a pytest error at setup: nothing about the API was judged
            raise TargetUnreachable(msaaq_runtime.down, hint="the remaining tests were not run against it")
        if msaaq_runtime.budget.expired():  # not-run: the budget went to more valuable tests
            raise OverBudget("over the time budget", hint="raise --time-budget to judge it")
        item = self.item
        assert item is not None  # noqa: S101 - pytest sets a test up before its fixtures
        marker = item.get_closest_marker("msaaq")
        if marker is None:
            raise pytest.UsageError(f"error: {item.nodeid} asks for `conformance` without @pytest.mark.msaaq(family)")
        family = family_of(marker)
        with sending_as(family):
            yield Conformance(
                msaaq_runtime, item, doc_id, family, registered(family, getattr(item, "originalname", ""))
            )

    @pytest.fixture
    def revoked_token(self, msaaq_runtime: Runtime) -> Any:
        """``revoked_token(identity)``: a token that was valid and has been revoked by logging out."""
        return msaaq_runtime.lifecycle.revoked_token
