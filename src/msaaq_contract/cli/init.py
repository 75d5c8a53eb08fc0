"""``msaaq-contract init [DIR]``: lay out a project that runs the conformance suite with the installed package.

What it writes (never over an existing file unless ``--force``):

- ``tests/conformance/``: the suite's test modules, as this package ships them (one per family group);
- ``pytest.ini``: ``testpaths`` and ``msaaq_suite`` (only where no pytest configuration file exists yet);
- ``contracts/``: the override point (empty, the shipped contract is used) and an empty ``known-deviations.yaml``;
- ``cassettes/``: where offline runs find their recordings;
- ``.github/workflows/msaaq-conformance.yml``: a CI example (simulation on pull requests, a time-boxed live run).

Then ``pytest --msaaq-sim`` runs the suite against the reference server.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from ..errors import ConfigError
from ..shipped import shipped

# Template file -> where it goes in the project. The suite's modules are added from ``shipped("suite")``.
TEMPLATE = {
    "pytest.ini": "pytest.ini",
    "contracts/README.md": "contracts/README.md",
    "contracts/known-deviations.yaml": "contracts/known-deviations.yaml",
    "cassettes/README.md": "cassettes/README.md",
    "ci/msaaq-conformance.yml": ".github/workflows/msaaq-conformance.yml",
}
PYTEST_CONFIGS = ("pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument("directory", nargs="?", type=Path, default=Path("."), help="the project (default: here)")
    parser.add_argument("--force", action="store_true", help="overwrite files that exist")


def plan(directory: Path) -> list[tuple[Path, Path]]:
    """(source, destination) of every file ``init`` lays out."""
    template, suite = shipped("template"), shipped("suite")
    if not template.is_dir() or not (suite / "conftest.py").is_file():
        raise ConfigError(f"the package's project files are missing ({template}, {suite})", hint="reinstall it")
    files = [(template / src, directory / dst) for src, dst in TEMPLATE.items()]
    files += [(path, directory / "tests" / "conformance" / path.name) for path in sorted(suite.glob("*.py"))]
    return files


def run(args: argparse.Namespace) -> int:
    directory: Path = args.directory
    if directory.exists() and not directory.is_dir():
        raise ConfigError(f"{directory} is not a folder")
    has_config = any((directory / name).is_file() for name in PYTEST_CONFIGS)
    for source, target in plan(directory):
        shown = target.relative_to(directory)
        if source.name == "pytest.ini" and has_config and not target.is_file():
            print("kept     your pytest configuration: add testpaths / msaaq_suite = tests/conformance to it")
            continue
        if target.exists() and not args.force:
            print(f"kept     {shown} (exists; --force overwrites)")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        print(f"wrote    {shown}")
    print("next: pytest --msaaq-sim   (the suite against the reference server; reports in reports/)")
    return 0
