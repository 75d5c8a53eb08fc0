"""The known-deviations baseline (``contracts/known-deviations.yaml``): accepted failures, each owned and dated.

The file is a YAML list. Each entry names a documented endpoint id (``fnmatch`` globs allowed, e.g.
``admin.dashboards.*``), a check family (or ``*``), why the deviation is accepted, who owns it, and the
last day it is accepted (``expires``). The format is checked against ``BASELINE_SCHEMA``; a bad file is a
one-line ``ReportError`` naming the entry's JSON pointer.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import ReportError
from .validation import check_against
from .verdict import FAMILIES

BASELINE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "msaaq-contract known deviations",
    "type": "array",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "check", "reason", "owner", "expires"],
        "properties": {
            "id": {"type": "string", "minLength": 1, "description": "documented endpoint id; fnmatch globs allowed"},
            "check": {"enum": [*FAMILIES, "*"], "description": "check family, or * for every family"},
            "reason": {"type": "string", "minLength": 1},
            "owner": {"type": "string", "minLength": 1},
            "expires": {
                "type": "string",
                "pattern": r"^\d{4}-\d{2}-\d{2}$",
                "description": "YYYY-MM-DD: the last day the deviation is accepted",
            },
        },
    },
}


@dataclass(frozen=True)
class KnownDeviation:
    id: str
    check: str
    reason: str
    owner: str
    expires: dt.date
    index: int  # position in the file, for messages ("entry 3")

    def matches(self, endpoint_id: str, family: str) -> bool:
        return fnmatch.fnmatchcase(endpoint_id, self.id) and (self.check == "*" or self.check == family)

    def expired(self, today: dt.date) -> bool:
        return today > self.expires

    @property
    def label(self) -> str:
        return f"{self.id}  {self.check}"


def _normalise(node: Any) -> Any:
    # YAML turns an unquoted 2026-03-01 into a date; the schema speaks JSON, so dates become strings again.
    if isinstance(node, dt.date):
        return node.isoformat()
    if isinstance(node, dict):
        return {k: _normalise(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_normalise(v) for v in node]
    return node


def parse_baseline(data: Any, file: str) -> list[KnownDeviation]:
    if data is None:  # a file holding only the header comment is an empty baseline
        data = []
    data = _normalise(data)
    check_against(BASELINE_SCHEMA, data, file, what="known-deviations baseline")
    entries = []
    for i, raw in enumerate(data):
        try:
            expires = dt.date.fromisoformat(raw["expires"])
        except ValueError:
            raise ReportError(f"{file}#/{i}/expires: not a real date: {raw['expires']!r}") from None
        entries.append(KnownDeviation(raw["id"], raw["check"], raw["reason"], raw["owner"], expires, i))
    return entries


def load_baseline(path: Path) -> list[KnownDeviation]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(f"{path}: no such baseline file", hint="create it with an empty list: []") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path}: cannot read the baseline ({exc.__class__.__name__})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ReportError(f"{path}: invalid YAML{where}: {problem}") from None
    return parse_baseline(data, str(path))
