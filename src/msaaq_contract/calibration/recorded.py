"""Recorded responses as evidence: the cassettes of a recording run hold every body the checks judged.

The schema check reports at most a few violations per response; a recorded body can be validated again in
full, so every occurrence counts (a field null in 14 list items is 14 pieces of evidence, not 5). Only
responses whose schema check failed in the report are read again, and only their schema findings are
replaced: the cassette of the happy request (``conformance``) for the ``schema`` family, the
``language-*`` ones for the ``language`` family.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..checks.schema import validator_for, violations
from ..contract import Contract
from ..errors import CassetteError
from ..recording import files
from .evidence import Evidence, Observation

FAMILY_CASSETTES = {"schema": ("conformance",), "language": ("language-ar", "language-en")}


def recorded_responses(path: Path) -> list[tuple[int, Any]]:
    """(status, parsed JSON body or None) of every interaction of a VCR.py cassette."""
    try:
        data = files.load(path)
        out = []
        for interaction in data["interactions"]:
            response = interaction["response"]
            text: Any = response.get("body", {}).get("string", "")
            try:
                body = json.loads(text) if text else None
            except (TypeError, ValueError):
                body = None
            out.append((int(response["status"]["code"]), body))
        return out
    except (OSError, UnicodeDecodeError, KeyError, TypeError, ValueError) as exc:
        raise CassetteError(f"{path}: corrupt cassette ({exc.__class__.__name__})") from None


def refine_with_cassettes(evidence: Evidence, contract: Contract, root: Path) -> int:
    """Replace the schema findings of recorded responses by a full validation; returns the responses read."""
    if not root.is_dir():
        raise CassetteError(f"{root}: no such cassette folder", hint="pass the --cassette-dir of the recording run")
    read = 0
    for doc_id in sorted(evidence.doc_ids):
        op = contract.operation(doc_id)
        for family, names in FAMILY_CASSETTES.items():
            if not any(_replaced(o, doc_id, family) for o in evidence.observations):
                continue
            paths = [p for p in (files.find(root / doc_id / name) for name in names) if p.is_file()]
            if not paths:
                continue
            fresh: list[Observation] = []
            for path in paths:
                for index, (status, body) in enumerate(recorded_responses(path)):
                    read += 1
                    validator = validator_for(contract, op.operation_id, str(status))
                    if validator is None or body is None:
                        continue
                    for finding in violations(validator, body):
                        finding.status, finding.cassette = status, str(path)
                        exchange = f"{path}#{index}"
                        fresh.append(Observation(doc_id, family, op.operation_id, status, finding, exchange))
            evidence.observations = [o for o in evidence.observations if not _replaced(o, doc_id, family)] + fresh
    evidence.observations.sort(key=lambda o: o.sort_key)
    return read


def _replaced(o: Observation, doc_id: str, family: str) -> bool:
    return o.doc_id == doc_id and o.family == family and o.finding.check == "schema"
