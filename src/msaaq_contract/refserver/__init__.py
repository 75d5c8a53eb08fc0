"""The contract-driven reference MSAAQ server (see README.md beside this file).

``start_server()`` runs it in a thread for tests; ``msaaq-contract serve`` in the foreground.
"""

from .clock import ManualClock, SystemClock
from .credentials import DemoCredentials, demo_credentials
from .faults import CATALOGUE, Fault, load_faults
from .seed import fixture_values
from .server import ServerHandle, start_server

__all__ = [
    "CATALOGUE",
    "DemoCredentials",
    "Fault",
    "ManualClock",
    "ServerHandle",
    "SystemClock",
    "demo_credentials",
    "fixture_values",
    "load_faults",
    "start_server",
]
