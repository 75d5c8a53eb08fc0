# pytest only honours pytest_plugins in the root conftest. The conformance suite needs nothing but the plugin;
# the self-tests' fixtures (respx, reference servers) are imported by tests/selftest/conftest.py.
pytest_plugins = ["msaaq_contract.pytest_plugin"]
