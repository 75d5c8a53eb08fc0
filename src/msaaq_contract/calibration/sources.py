"""The split contract files as editable data, read only where a change lands and written back as the build
tool writes them (``contract.yaml_format``), so only the changed nodes differ in a diff.

Layout (contracts/README.md): the root ``openapi.yaml`` holds the shared components; ``components/*.yaml`` map
model names to schemas; ``paths/**.yaml`` map paths to path items.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..contract import Contract
from ..contract.loader import escape, unescape
from ..contract.overrides import apply_changes
from ..contract.yaml_format import dump, load_styled


class SourceFiles:
    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.texts: dict[Path, str] = {}
        self.data: dict[Path, Any] = {}

    def _load(self, path: Path) -> Any:
        if path not in self.data:
            self.texts[path] = path.read_text(encoding="utf-8")
            self.data[path] = load_styled(self.texts[path])
        return self.data[path]

    def _owner(self, change: dict[str, Any]) -> tuple[str, Path, dict[str, Any]]:
        """The schema or operation a change edits: its name, its file, and its node in that file."""
        if "schema" in change:
            name = str(change["schema"])
            pointer = f"/components/schemas/{escape(name)}"
        else:
            name = str(change["operation"])
            op = self.contract.operations.get(name)
            if op is None:
                return name, self.contract.bundle.root, {}  # apply_changes names the missing operation
            pointer = f"/paths/{escape(op.path)}/{op.method}"
        path, inner = self.contract.bundle.source(pointer)
        node: Any = self._load(path)
        for token in [t for t in inner.split("/") if t]:
            node = node.get(unescape(token), {}) if isinstance(node, dict) else {}
        return name, path, node

    def apply(self, changes: list[dict[str, Any]]) -> dict[Path, str]:
        """Apply ``changes``; returns the new text of every file that changed."""
        schemas: dict[str, dict[str, Any]] = {}
        operations: dict[str, dict[str, Any]] = {}
        file_of: dict[str, Path] = {}
        for change in changes:
            name, path, node = self._owner(change)
            if node:
                (schemas if "schema" in change else operations)[name] = node
                file_of[name] = path
        touched = apply_changes(schemas, operations, changes)
        out = {}
        for path in dict.fromkeys(file_of[name] for name in touched):
            text = dump(self.data[path])
            if text != self.texts[path]:
                out[path] = text
        return out
