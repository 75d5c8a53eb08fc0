"""Imports flow one way: the import graph of ``src/`` (read with ``ast``, so nothing is imported) has no
circles, and no module imports a layer that ARCHITECTURE.md's table does not let it import.

Every import counts: at module level, inside a function (imported late to keep offline runs light) and under
``TYPE_CHECKING``: a type-only import back up still ties the two modules together.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = "msaaq_contract"
EVERYTHING = frozenset(
    {"errors", "exchange", "settings", "contract", "checks", "client", "recording", "reporting", "refserver",
     "discovery", "families", "fuzz", "plan", "calibration", "cli", "pytest_plugin", "redaction", "shipped",
     "(root)"}
)  # fmt: skip

# ARCHITECTURE.md's "Who may import whom", as data: layer -> the layers of ours it may import (its own modules
# always). A layer is a subpackage or a top-level module; "(root)" is the package's public facade.
MAY_IMPORT: dict[str, frozenset[str]] = {
    "errors": frozenset(),
    "exchange": frozenset(),
    "redaction": frozenset(),
    "shipped": frozenset(),
    "settings": frozenset({"errors", "redaction"}),
    "contract": frozenset({"errors", "redaction", "shipped"}),
    "checks": frozenset({"contract", "exchange", "errors", "redaction"}),
    "client": frozenset({"contract", "exchange", "settings", "errors", "redaction"}),
    "recording": frozenset({"contract", "exchange", "settings", "errors", "client", "redaction"}),
    "reporting": frozenset({"checks", "families", "errors", "redaction"}),
    "refserver": frozenset({"contract", "settings", "errors", "redaction"}),
    "discovery": frozenset({"contract", "client", "exchange", "settings", "errors", "redaction"}),
    "families": frozenset({"contract", "checks", "errors", "redaction"}),
    "fuzz": frozenset({"contract", "checks", "client", "exchange", "errors", "redaction"}),
    "plan": frozenset({"contract", "client", "families", "settings", "errors", "redaction"}),
    "calibration": frozenset({"contract", "checks", "reporting", "recording", "errors", "redaction"}),
    "cli": EVERYTHING - {"pytest_plugin"},
    "pytest_plugin": EVERYTHING,
    "(root)": EVERYTHING - {"pytest_plugin", "cli"},
}
# Where the table narrows a layer to one module: (importing layer, imported layer) -> (the only importing
# modules, the only imported modules); None leaves that side open.
NARROW: dict[tuple[str, str], tuple[frozenset[str] | None, frozenset[str] | None]] = {
    ("recording", "client"): (frozenset({"recording.replay"}), None),  # the replay serves the client's interface
    ("reporting", "checks"): (None, frozenset({"checks.base"})),  # findings only
    ("calibration", "recording"): (None, frozenset({"recording.files"})),  # reading cassettes only
}
# Known exceptions, for the lead to tighten: each entry is (importer, imported), module names without the package.
EXPECTED_CIRCLES: list[list[str]] = []
EXPECTED_UPWARD: list[tuple[str, str]] = []


def modules() -> dict[str, Path]:
    """Module name (package stripped: ``checks.base``; the package itself is "") -> file. ``__main__`` modules
    are entry points nobody imports, above every layer, and are left out."""
    out = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC / PACKAGE).with_suffix("").parts)
        if parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _ours(dotted: str, known: set[str]) -> str | None:
    """The module of ours a dotted name lands in (the longest known prefix), None for another package's."""
    if dotted != PACKAGE and not dotted.startswith(PACKAGE + "."):
        return None
    short = dotted[len(PACKAGE) + 1 :]
    while short and short not in known:
        short = short.rpartition(".")[0]
    return short


def _targets(node: ast.Import | ast.ImportFrom, name: str, is_package: bool, known: set[str]) -> set[str]:
    """The modules of ours one import statement names: ``from pkg import x`` names ``pkg.x`` when ``x`` is a
    submodule, else ``pkg``."""
    if isinstance(node, ast.Import):
        found = (_ours(alias.name, known) for alias in node.names)
        return {m for m in found if m is not None}
    module = node.module or ""
    if node.level:
        here = name.split(".") if name else []
        base = here if is_package else here[:-1]
        base = base[: len(base) - (node.level - 1)]
        module = ".".join([PACKAGE, *base, *([module] if module else [])])
    out = set()
    for alias in node.names:
        sub = _ours(f"{module}.{alias.name}", known)
        if sub is not None and sub == f"{module}.{alias.name}"[len(PACKAGE) + 1 :]:
            out.add(sub)
        elif (whole := _ours(module, known)) is not None:
            out.add(whole)
    return out


def import_graph() -> dict[str, set[str]]:
    known = modules()
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        edges = graph.setdefault(name, set())
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                edges |= _targets(node, name, path.name == "__init__.py", set(known))
        edges.discard(name)
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def layer(module: str) -> str:
    return module.split(".")[0] if module else "(root)"


def upward(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Imports the layer table does not allow."""
    out = []
    for importer, imported in sorted((a, b) for a, targets in graph.items() for b in targets):
        mine, theirs = layer(importer), layer(imported)
        if mine == theirs:
            continue
        allowed = theirs in MAY_IMPORT[mine]
        importers, importeds = NARROW.get((mine, theirs), (None, None))
        allowed = allowed and (importers is None or importer in importers)
        allowed = allowed and (importeds is None or imported in importeds)
        if not allowed:
            out.append((importer, imported))
    return out


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph()


def test_every_module_has_a_layer(graph):
    assert {layer(m) for m in graph} <= set(MAY_IMPORT), "a new top-level module needs a row in the table"
    assert set(MAY_IMPORT) == EVERYTHING


def test_no_import_circles(graph):
    assert circles(graph) == EXPECTED_CIRCLES


def test_no_import_runs_back_up(graph):
    assert upward(graph) == EXPECTED_UPWARD


def test_the_graph_sees_late_and_type_only_imports(graph):
    """The reader is not blind: edges the package is known to have, of each kind, are in the graph."""
    assert "discovery.lifecycle" in graph["pytest_plugin.runtime"]  # module level, from a subpackage
    assert "discovery.target" in graph["pytest_plugin.targets"]
    assert "refserver" in graph["pytest_plugin.targets"]  # inside a function (the --sim start)
    assert "exchange" in graph["client.httpx_exchange"]
    assert "refserver.services" in graph["refserver.handlers"]  # the protocol, not the engine
    assert "settings" in graph["refserver.credentials"]  # under TYPE_CHECKING and in a function
    assert "" in graph["pytest_plugin.runtime"]  # ``from .. import __version__``: the package itself


def test_a_circle_and_an_upward_import_are_found():
    """The detectors on a small made-up graph: a -> b -> c -> a is one circle; contract -> checks runs back up."""
    made_up = {"checks.a": {"checks.b"}, "checks.b": {"checks.c"}, "checks.c": {"checks.a"}, "contract.x": {"checks.a"}}
    assert circles(made_up) == [["checks.a", "checks.b", "checks.c"]]
    assert upward(made_up) == [("contract.x", "checks.a")]
    assert upward({"reporting.x": {"checks.schema"}}) == [("reporting.x", "checks.schema")]  # narrowed to base
