"""One token per identity across pytest-xdist workers of a live run.

The controller names a private folder (mode 0700, deleted at the end of the session; the workers get it in
xdist's ``workerinput``);
each worker reads a token from it before logging in and writes the one it fetched. A file lock (filelock, on any
platform) serialises the workers, so a live target sees one login per identity instead of one per worker. Token
values never leave this folder: it is not a cassette or a report, and it is removed when the run ends.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from filelock import FileLock


class TokenShare:
    def __init__(self, folder: Path, wall: Callable[[], float] = time.time) -> None:
        self.folder = folder
        self.file = folder / "tokens.json"
        self.wall = wall

    @contextlib.contextmanager
    def locked(self) -> Iterator[dict[str, dict[str, float | str]]]:
        """The shared table, held under an exclusive lock; changes are written back on exit."""
        with FileLock(self.folder / "lock"):
            try:
                table = json.loads(self.file.read_text()) if self.file.is_file() else {}
            except ValueError:
                table = {}
            before = json.dumps(table, sort_keys=True)
            yield table
            if json.dumps(table, sort_keys=True) != before:
                tmp = self.file.with_suffix(".tmp")
                tmp.write_text(json.dumps(table))
                os.chmod(tmp, 0o600)
                tmp.replace(self.file)

    def get(self, key: str) -> tuple[str, float] | None:
        """(token, seconds left) if a worker already holds a valid token for ``key``."""
        with self.locked() as table:
            entry = table.get(key)
            if entry and float(entry["expires_at"]) > self.wall():
                return str(entry["value"]), float(entry["expires_at"]) - self.wall()
        return None

    def put(self, key: str, value: str, lifetime: float) -> None:
        with self.locked() as table:
            table[key] = {"value": value, "expires_at": self.wall() + lifetime}

    def drop(self, key: str) -> None:
        with self.locked() as table:
            table.pop(key, None)
