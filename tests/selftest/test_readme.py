"""The README's commands exist: every `msaaq-contract <command>` it shows answers --help, and every pytest
option it names is registered (or is a deprecated alias of one)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from msaaq_contract.cli.main import main
from msaaq_contract.pytest_plugin.options import OPTIONS

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text()


@pytest.mark.parametrize("command", sorted(set(re.findall(r"msaaq-contract ([a-z-]+)", README))))
def test_documented_command_exists(command, capsys):
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    assert "usage: msaaq-contract" in capsys.readouterr().out


def test_documented_options_are_registered():
    options = set(re.findall(r"`(--[a-z-]+)", README))
    help_text = ""
    for command in (
        ["pytest", "--help"],
        ["msaaq_contract", "serve", "--help"],
        ["msaaq_contract", "gate", "--help"],
        ["msaaq_contract", "validate-contract", "--help"],
        ["msaaq_contract", "calibrate", "--help"],
        ["msaaq_contract", "coverage", "--help"],
        ["msaaq_contract", "proxy", "--help"],
        ["msaaq_contract", "discover", "--help"],
    ):
        help_text += subprocess.run(
            [sys.executable, "-m", *command], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout
    aliases = {o.alias for o in OPTIONS}  # the spellings before 0.2: they work, pytest --help does not show them
    assert {o for o in options if o not in help_text and o not in aliases} == set()
