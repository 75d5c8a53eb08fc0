"""The error tree. Bad input never surfaces as a traceback: the CLI and the pytest plugin catch
``MsaaqContractError`` at the boundary and print ``error: <what> — <hint>``.

    MsaaqContractError
    ├── ContractError          the contract files are unreadable, invalid or incomplete
    ├── ConfigError            an option or environment variable is missing or wrong
    │   └── CredentialsError   a credential needed for a live run is missing or refused
    ├── UnsafeTarget           a write or a production host was not explicitly allowed
    ├── TargetError            the target did not answer usefully
    │   ├── TargetUnreachable  connection refused, DNS failure, timeout
    │   │   └── TargetDown     away (refused, 502/503/504) for longer than --outage-limit: the run stops judging
    │   └── RateLimited        429 that outlived the retry budget
    ├── OverBudget             the run's --time-budget is spent: what is left is not-run, never failed
    ├── CassetteError          a recording is missing, corrupt, stale or unwritable
    └── ReportError            a report or baseline file is missing, corrupt or invalid
"""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    """Exit codes beyond pytest's own (0-5: ok, failed, interrupted, internal error, usage error, no tests): the
    README's table ("Exit codes") is this one, and a self-test runs each row. The two of ours come from BSD's
    sysexits.h, where nothing of pytest's lands."""

    OK = 0
    FINDINGS = 1  # CLI: breaking changes, a gate regression, uncovered ids (pytest: a check failed)
    BAD_INPUT = 2  # CLI: usage or bad input (argparse's own code). Under pytest, 4: its USAGE_ERROR
    PYTEST_USAGE = 4  # pytest.ExitCode.USAGE_ERROR: bad option, broken contract, missing or refused credential
    TARGET_UNREACHABLE = 69  # EX_UNAVAILABLE: nothing was judged; pytest's 3 is its own internal error
    INTERNAL_ERROR = 70  # EX_SOFTWARE: a bug of msaaq-contract's CLI (a traceback follows), never a finding
    INTERRUPTED = 130  # CLI: Ctrl-C (128 + SIGINT). pytest's own code for it is 2


class MsaaqContractError(Exception):
    """Base of every error this package raises on purpose. ``exit_code`` is the CLI's; under pytest every one of
    them but an unreachable target is a usage error (``pytest_exit_code``)."""

    exit_code: int = Exit.BAD_INPUT

    @property
    def pytest_exit_code(self) -> int:
        return int(Exit.PYTEST_USAGE if self.exit_code == Exit.BAD_INPUT else self.exit_code)

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        text = " ".join(self.message.split())
        return f"{text} — {self.hint}" if self.hint else text

    def __str__(self) -> str:
        return self.one_line()


class ContractError(MsaaqContractError):
    """The contract cannot be loaded: names the file and JSON pointer."""

    def __init__(self, message: str, *, file: str | None = None, pointer: str | None = None, hint: str | None = None):
        where = ""
        if file:
            where = file + (f"#{pointer}" if pointer is not None else "")
        super().__init__(f"{where}: {message}" if where else message, hint)
        self.file = file
        self.pointer = pointer


class ConfigError(MsaaqContractError):
    pass


class CredentialsError(ConfigError):
    pass


class UnsafeTarget(MsaaqContractError):
    pass


class TargetError(MsaaqContractError):
    exit_code = Exit.TARGET_UNREACHABLE


class TargetUnreachable(TargetError):
    pass


class TargetDown(TargetUnreachable):
    """The target stayed away longer than the run waits for it (``--outage-limit``): the rest are errors."""


class RateLimited(TargetError):
    pass


class OverBudget(MsaaqContractError):
    """Sending (or waiting to send) would end after the run's ``--time-budget``: the test is ``not-run``."""


class CassetteError(MsaaqContractError):
    pass


class ReportError(MsaaqContractError):
    pass
