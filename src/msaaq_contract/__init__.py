"""msaaq-contract: the conformance test suite for the MSAAQ API."""

from .checks import CHECKS, CheckContext, ContractViolation, Exchange, Finding, check
from .client.transport import Client
from .contract import Contract, Operation, load_contract
from .errors import (
    CassetteError,
    ConfigError,
    ContractError,
    CredentialsError,
    MsaaqContractError,
    RateLimited,
    ReportError,
    TargetError,
    TargetUnreachable,
    UnsafeTarget,
)

__version__ = "0.1.0"

__all__ = [
    "CHECKS",
    "CassetteError",
    "CheckContext",
    "Client",
    "ConfigError",
    "Contract",
    "ContractError",
    "ContractViolation",
    "CredentialsError",
    "Exchange",
    "Finding",
    "MsaaqContractError",
    "Operation",
    "RateLimited",
    "ReportError",
    "TargetError",
    "TargetUnreachable",
    "UnsafeTarget",
    "__version__",
    "check",
    "load_contract",
]
