"""Scan written artefacts (cassettes, reports) for anything secret or personal."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

PATTERNS = {
    "bearer token": re.compile(r"Bearer\s+(?!<redacted>)[A-Za-z0-9._~+/=-]{8,}"),
    "JWT": re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}"),
    # Only our own generated addresses and placeholders may appear.
    "e-mail address": re.compile(r"[A-Za-z0-9._%+-]+@(?!example\.(?:test|invalid|com)\b)[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
    "phone number": re.compile(r"\+\d{9,15}\b"),
    "client secret field": re.compile(r"client_secret['\"]?\s*[:=]\s*['\"]?(?!<redacted>)[A-Za-z0-9-]{4,}"),
}


def scan(roots: Iterable[Path], secrets: Iterable[str] = ()) -> list[str]:
    """``file: what`` for every hit; an empty list means clean."""
    hits: list[str] = []
    values = [s for s in secrets if s]
    for root in roots:
        if not root.exists():
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            text = path.read_text(encoding="utf-8", errors="replace")
            for value in values:
                if value in text:
                    hits.append(f"{path}: credential value")
            for name, pattern in PATTERNS.items():
                match = pattern.search(text)
                if match:
                    hits.append(f"{path}: {name} {match.group(0)[:40]!r}")
    return hits
