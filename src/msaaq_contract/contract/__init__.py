"""Reading the contract: no HTTP, no pytest."""

from .inventory import Coverage, DocumentedEndpoint, coverage, load_inventory
from .loader import Bundle, bundle, validate
from .model import Contract, DocEntry, Operation, Parameter, ResponseSpec, load_contract

__all__ = [
    "Bundle",
    "Contract",
    "Coverage",
    "DocEntry",
    "DocumentedEndpoint",
    "Operation",
    "Parameter",
    "ResponseSpec",
    "bundle",
    "coverage",
    "load_contract",
    "load_inventory",
    "validate",
]
