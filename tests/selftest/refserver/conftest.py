# Until the root conftest lists "tests.selftest.fixtures.refserver" in pytest_plugins, import its fixtures here.
from tests.selftest.fixtures.refserver import (  # noqa: F401
    _ref_client_session,
    _refserver_session,
    fresh_client,
    fresh_refserver,
    ref_client,
    refserver,
    start_refserver,
)
