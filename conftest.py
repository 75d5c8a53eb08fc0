# The plugin loads through its pytest11 entry point (pyproject.toml), as it does in any project that installs the
# package. The self-tests' fixtures (respx, reference servers) are imported by tests/selftest/conftest.py.
