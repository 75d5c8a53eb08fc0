"""``keep`` decisions as entries of ``contracts/known-deviations.yaml`` (the gate's baseline format).

One entry per (documented id, check family) the group's evidence failed in, unless an entry already covers
it, so writing the same decisions twice adds nothing. Every comment of the file is kept.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..errors import ReportError
from ..reporting.baseline import BASELINE_SCHEMA, load_baseline, parse_baseline
from ..reporting.validation import check_against
from .grouping import Group
from .review import Decision


def kept_entries(group: Group, decision: Decision, where: str) -> list[dict[str, str]]:
    """Baseline entries for a ``keep`` decision; a one-line error when owner, reason or expires is missing."""
    missing = [f for f in ("owner", "reason", "expires") if not getattr(decision, f)]
    if missing:
        raise ReportError(f"{where}: group {group.key}: keep needs {', '.join(missing)}")
    try:
        dt.date.fromisoformat(decision.expires)
    except ValueError:
        raise ReportError(f"{where}: group {group.key}: expires {decision.expires!r} is not YYYY-MM-DD") from None
    pairs = sorted({(o.doc_id, o.family) for o in group.observations})
    reason = f"{decision.reason} (calibration group {group.key})"
    return [
        {"id": doc_id, "check": family, "reason": reason, "owner": decision.owner, "expires": decision.expires}
        for doc_id, family in pairs
    ]


def baseline_text(path: Path, entries: list[dict[str, str]]) -> tuple[str, int] | None:
    """The baseline with ``entries`` added (those not covered yet) and how many, or None when nothing is new.

    People edit this file: it is edited round-trip (ruamel.yaml), so its comments, quotes, key order and the
    entries already there come back as they were, and the new entries follow them."""
    existing = load_baseline(path) if path.is_file() else []
    fresh = [e for e in entries if not any(d.matches(e["id"], e["check"]) for d in existing)]
    fresh = list({(e["id"], e["check"]): e for e in fresh}.values())
    if not fresh:
        return None
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    editor = YAML(typ="rt")
    editor.preserve_quotes = True
    editor.width = 120
    document: Any = editor.load(text) if text.strip() else None
    rows = [{k: str(v) for k, v in entry.items()} for entry in (document or [])] + fresh
    check_against(BASELINE_SCHEMA, rows, str(path), what="known-deviations baseline")
    parse_baseline(rows, str(path))
    if not document:  # empty (``[]``, a flow list): the entries start a block list under the comment block
        header, document = text[: _comment_block_length(text)], CommentedSeq()
    else:
        header = ""
    document.extend(CommentedMap(entry) for entry in fresh)
    out = io.StringIO()
    editor.dump(document, out)
    return header + out.getvalue(), len(fresh)


def _comment_block_length(text: str) -> int:
    """Length of the leading run of comment and blank lines."""
    length = 0
    for line in text.splitlines(keepends=True):
        if line.strip() and not line.lstrip().startswith("#"):
            break
        length += len(line)
    return length
