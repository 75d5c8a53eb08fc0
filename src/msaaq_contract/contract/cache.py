"""A cache of the bundled and validated contract, keyed by the content of every file beside it.

Parsing ~1.5 MB of YAML and validating it takes seconds, and every pytest-xdist worker, the controller and each
CLI command would do it again. The key is a digest of every ``*.yaml``/``*.yml``/``*.json`` file under the
contract's folder (a superset of the files it references), so any edit misses the cache; only a contract that
validated is stored. The cache is JSON (data, never code), in ``$MSAAQ_CACHE_DIR`` or
``$XDG_CACHE_HOME/msaaq-contract`` (``~/.cache/msaaq-contract``); ``MSAAQ_CACHE_DIR=off`` disables it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .loader import Bundle

ENV = "MSAAQ_CACHE_DIR"
FORMAT = 1


def _folder() -> Path | None:
    given = os.environ.get(ENV)
    if given == "off":
        return None
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "msaaq-contract"


def _key(root: Path) -> str:
    digest = hashlib.sha256(f"{FORMAT}:{root.resolve()}".encode())
    folder = root.resolve().parent
    for file in sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.is_file()):
        digest.update(str(file.relative_to(folder)).encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:32]


def load(root: Path) -> Bundle | None:
    """The cached bundle of the contract at ``root``, if its files are unchanged since it was stored."""
    folder = _folder()
    if folder is None:
        return None
    try:
        data: dict[str, Any] = json.loads((folder / f"{_key(root)}.json").read_text(encoding="utf-8"))
        return Bundle(
            document=data["document"],
            root=Path(data["root"]),
            files=[Path(f) for f in data["files"]],
            origins={k: (Path(f), p) for k, (f, p) in data["origins"].items()},
            digest=data["digest"],
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None  # absent, unreadable or from another version: load the contract itself


def store(root: Path, result: Bundle) -> None:
    """Remember a validated bundle; a cache that cannot be written is simply not used."""
    folder = _folder()
    if folder is None:
        return
    data = {
        "document": result.document,
        "root": str(result.root),
        "files": [str(f) for f in result.files],
        "origins": {k: [str(f), p] for k, (f, p) in result.origins.items()},
        "digest": result.digest,
    }
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: concurrent xdist workers never read half a file.
        handle, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out)
        os.replace(tmp, folder / f"{_key(root)}.json")
