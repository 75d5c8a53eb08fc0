"""msaaq-contract: the conformance test suite for the MSAAQ API."""

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
    "CassetteError",
    "ConfigError",
    "Contract",
    "ContractError",
    "CredentialsError",
    "MsaaqContractError",
    "Operation",
    "RateLimited",
    "ReportError",
    "TargetError",
    "TargetUnreachable",
    "UnsafeTarget",
    "__version__",
    "load_contract",
]
