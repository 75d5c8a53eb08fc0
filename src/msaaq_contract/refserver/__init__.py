"""The contract-driven reference MSAAQ server (see README.md beside this file).

``start_server()`` runs it in a thread for tests; ``msaaq-contract serve`` in the foreground.
"""

from .clock import ManualClock, SystemClock
from .credentials import DemoCredentials, demo_credentials
from .faults import CATALOGUE, Fault, load_faults
from .limiter import Rate
from .proxy_throttle import ProxyCounts, ProxyThrottle
from .seed import fixture_values
from .server import ServerHandle, start_server
from .throttle import ServerCounts, Throttle

__all__ = [
    "CATALOGUE",
    "DemoCredentials",
    "Fault",
    "ManualClock",
    "ProxyCounts",
    "ProxyThrottle",
    "Rate",
    "ServerCounts",
    "ServerHandle",
    "SystemClock",
    "Throttle",
    "demo_credentials",
    "fixture_values",
    "load_faults",
    "start_server",
]
