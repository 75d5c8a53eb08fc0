"""What the handlers and flows use of the server: its parts, as the engine holds them.

A protocol rather than the engine itself, so the pipeline (``engine``) stands above what it dispatches to
(``handlers``, ``flows``) and nothing imports back up.
"""

from __future__ import annotations

from typing import Protocol

from ..contract.resources import ResourceGraph
from .auth import Authenticator
from .credentials import DemoCredentials
from .schemas import SchemaIndex
from .store import Store
from .synth import Synthesizer
from .views import View


class Services(Protocol):
    store: Store
    credentials: DemoCredentials
    index: SchemaIndex
    synth: Synthesizer
    view: View
    resources: ResourceGraph
    auth: Authenticator
