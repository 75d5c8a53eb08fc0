# pytest only honours pytest_plugins in the root conftest; everything else lives in named modules.
pytest_plugins = [
    "msaaq_contract.pytest_plugin",
    "tests.selftest.fixtures.responses",
    "tests.selftest.fixtures.refserver",
]
