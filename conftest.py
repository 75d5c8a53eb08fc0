# The plugin loads through its pytest11 entry point (pyproject.toml), as it does in any project that installs the
# package. pytester runs it in temporary projects (tests/selftest/plugin/test_package.py); pytest honours
# pytest_plugins only here, in the root conftest. The self-tests' own fixtures (respx, reference servers) are
# imported by tests/selftest/conftest.py.
pytest_plugins = ["pytester"]
