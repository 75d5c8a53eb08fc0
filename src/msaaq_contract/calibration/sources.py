"""The split contract files as editable data: schemas by name, operations by operationId, written back as the
build tool writes them (``contract.yaml_format``), so only the changed nodes differ in a diff.

Layout (contracts/README.md): the root ``openapi.yaml`` holds the shared components; ``components/*.yaml`` map
model names to schemas; ``paths/**.yaml`` map paths to path items.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..contract import Contract
from ..contract.model import METHODS
from ..contract.overrides import apply_changes
from ..contract.yaml_format import dump, load_styled


class SourceFiles:
    def __init__(self, contract: Contract) -> None:
        self.root = contract.bundle.root
        self.texts: dict[Path, str] = {}
        self.data: dict[Path, Any] = {}
        self.schemas: dict[str, dict[str, Any]] = {}
        self.operations: dict[str, dict[str, Any]] = {}
        self.file_of: dict[str, Path] = {}
        for path in contract.bundle.files:
            self.texts[path] = path.read_text(encoding="utf-8")
            data = self.data[path] = load_styled(self.texts[path])
            if path == self.root:
                shared = data.get("components", {}).get("schemas", {})
                self._schemas(path, {k: v for k, v in shared.items() if "$ref" not in v})
            elif path.parent.name == "components":
                self._schemas(path, data)
            else:
                for item in data.values():
                    for method in METHODS:
                        if isinstance(item, dict) and isinstance(item.get(method), dict):
                            op = item[method]
                            self.operations[str(op["operationId"])] = op
                            self.file_of[str(op["operationId"])] = path

    def _schemas(self, path: Path, named: dict[str, Any]) -> None:
        for name, schema in named.items():
            self.schemas[str(name)] = schema
            self.file_of[str(name)] = path

    def apply(self, changes: list[dict[str, Any]]) -> dict[Path, str]:
        """Apply ``changes``; returns the new text of every file that changed."""
        touched = apply_changes(self.schemas, self.operations, changes)
        out = {}
        for path in dict.fromkeys(self.file_of[name] for name in touched):
            text = dump(self.data[path])
            if text != self.texts[path]:
                out[path] = text
        return out
