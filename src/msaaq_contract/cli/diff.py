"""``msaaq-contract diff OLD NEW``: which changes between two contracts break clients.

OLD and NEW are OpenAPI 3.x documents: our split contract (its root ``openapi.yaml`` or its folder; external
``$ref``s are bundled first) or a single-file JSON/YAML export such as Apidog's. Exit codes: 0 no breaking
change, 1 breaking changes, 2 bad input (missing file, invalid YAML/JSON, not OpenAPI 3.x).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..contract.diff import Change, diff_documents
from ..contract.loader import bundle
from ..errors import ContractError


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument("old", type=Path, help="the old contract: root YAML/JSON file or contract folder")
    parser.add_argument("new", type=Path, help="the new contract")
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text", help="output format")


def load_document(path: Path) -> dict[str, Any]:
    """A JSON file is read as is; YAML goes through the bundler, which also inlines external ``$ref``s."""
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ContractError("contract file not found", file=str(path)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ContractError(f"cannot read the file ({exc.__class__.__name__})", file=str(path)) from None
        except json.JSONDecodeError as exc:
            message = f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            raise ContractError(message, file=str(path)) from None
        if not isinstance(data, dict):
            raise ContractError("expected a JSON object at the top level", file=str(path), pointer="")
        return data
    if not path.exists():
        raise ContractError("contract file not found", file=str(path))
    return bundle(path).document


def run(args: argparse.Namespace) -> int:
    old, new = load_document(args.old), load_document(args.new)
    changes = diff_documents(old, new, str(args.old), str(args.new))
    render = {"text": render_text, "json": render_json, "markdown": render_markdown}[args.format]
    print(render(changes, str(args.old), str(args.new)), end="")
    return 1 if any(c.breaking for c in changes) else 0


def _groups(changes: list[Change]) -> list[tuple[str, list[Change]]]:
    breaking = [c for c in changes if c.breaking]
    other = [c for c in changes if not c.breaking]
    return [("breaking", breaking), ("non-breaking", other)]


def _by_operation(changes: list[Change]) -> dict[tuple[str, str], list[Change]]:
    grouped: dict[tuple[str, str], list[Change]] = {}
    for c in changes:
        grouped.setdefault((c.operation, c.operation_id), []).append(c)
    return grouped


def _headline(changes: list[Change]) -> str:
    n_breaking = sum(1 for c in changes if c.breaking)
    return f"{n_breaking} breaking, {len(changes) - n_breaking} non-breaking change(s)"


def render_text(changes: list[Change], old: str, new: str) -> str:
    lines = [f"diff {old} -> {new}: {_headline(changes)}"]
    for title, group in _groups(changes):
        if not group:
            continue
        lines += ["", f"{title} ({len(group)}):"]
        for (operation, op_id), items in _by_operation(group).items():
            lines.append(f"  {operation}" + (f"  ({op_id})" if op_id else ""))
            lines += [f"    {c.rule}: {c.message}\n      at {c.pointer}" for c in items]
    return "\n".join(lines) + "\n"


def render_json(changes: list[Change], old: str, new: str) -> str:
    payload = {
        "old": old,
        "new": new,
        "breaking": sum(1 for c in changes if c.breaking),
        "non_breaking": sum(1 for c in changes if not c.breaking),
        "changes": [c.to_dict() for c in changes],
    }
    return json.dumps(payload, ensure_ascii=False, indent=1) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def render_markdown(changes: list[Change], old: str, new: str) -> str:
    lines = [f"# Contract diff: {_headline(changes)}", "", f"`{old}` → `{new}`"]
    for title, group in _groups(changes):
        lines += ["", f"## {title.capitalize()} ({len(group)})", ""]
        if not group:
            lines.append("None.")
            continue
        lines += ["| operation | operationId | rule | change | pointer |", "|---|---|---|---|---|"]
        lines += [
            f"| `{_md(c.operation)}` | `{_md(c.operation_id)}` | {c.rule} | {_md(c.message)} | `{_md(c.pointer)}` |"
            for c in group
        ]
    return "\n".join(lines) + "\n"
