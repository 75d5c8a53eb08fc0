"""``msaaq-contract <command>``: one entry point, one module per command.

Exit codes (``errors.Exit``, the README's table): 0 success; 1 a finding (a gate regression, breaking changes,
uncovered ids); 2 usage or bad input (broken contract, corrupt report); 69 target unreachable; 70 an internal
error (a bug of ours, with its traceback: never read as a finding); 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Callable, Sequence

from .. import __version__
from ..errors import Exit, MsaaqContractError

# command -> (module, help). Modules expose ``add_arguments(parser)`` and ``run(args) -> int``.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("msaaq_contract.cli.init", "lay out a project that runs the suite (tests, contracts/, cassettes/, CI)"),
    "validate-contract": ("msaaq_contract.cli.contract_commands", "validate the contract (OpenAPI 3.1 + our rules)"),
    "coverage": ("msaaq_contract.cli.contract_commands", "documented ids vs operations, tests, cassettes, verdicts"),
    "serve": ("msaaq_contract.refserver.cli", "run the reference MSAAQ server on loopback"),
    "proxy": ("msaaq_contract.refserver.proxy_cli", "forward to a target, varying its answers in harmless ways"),
    "discover": ("msaaq_contract.cli.discover", "find a live target's data and write it as a fixtures file"),
    "gate": ("msaaq_contract.cli.gate", "CI gate: fail on failures not in the known-deviations baseline"),
    "diff": ("msaaq_contract.cli.diff", "classify changes between two contracts as breaking or not"),
    "merge-reports": ("msaaq_contract.cli.merge", "merge the conformance.json of several shards"),
    "report": ("msaaq_contract.cli.merge", "re-render HTML/Markdown from a conformance.json"),
    "calibrate": ("msaaq_contract.cli.calibrate", "group a live run's deviations by root cause; --apply the review"),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The full parser; only the chosen command's module is imported (the server pulls in uvicorn)."""
    parser = argparse.ArgumentParser(prog="msaaq-contract", description="MSAAQ API conformance tooling.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == command:
            module = importlib.import_module(module_name)
            adder: Callable[[argparse.ArgumentParser, str], None] = module.add_arguments
            adder(p, name)
            p.set_defaults(_module=module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        argv = list(sys.argv[1:] if argv is None else argv)
        command = next((a for a in argv if not a.startswith("-")), None)
        parser = build_parser(command if command in COMMANDS else None)
        args = parser.parse_args(argv)
        code: int = args._module.run(args)
        return code
    except MsaaqContractError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return Exit.INTERRUPTED
    except Exception as exc:  # a bug of ours: say so, with the traceback to report, and never exit as a finding
        traceback.print_exc(file=sys.stderr)
        print(f"internal error: {type(exc).__name__}: {exc} (a bug in msaaq-contract {__version__})", file=sys.stderr)
        return Exit.INTERNAL_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
