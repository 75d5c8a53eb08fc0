"""The self-tests' shared fixtures, imported here so that only the self-tests load them (and respx): the
conformance suite runs with the base install. pytest forbids ``pytest_plugins`` outside the root conftest."""

from tests.selftest.fixtures.refserver import (
    _ref_client_session,
    _refserver_session,
    fresh_client,
    fresh_refserver,
    ref_client,
    refserver,
    start_refserver,
)
from tests.selftest.fixtures.responses import contract

__all__ = [
    "_ref_client_session",
    "_refserver_session",
    "contract",
    "fresh_client",
    "fresh_refserver",
    "ref_client",
    "refserver",
    "start_refserver",
]
