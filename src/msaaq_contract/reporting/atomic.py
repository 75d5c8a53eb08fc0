"""Atomic file writes: a report is either the old file, the complete new one, or absent, never half-written.

The content goes to a temporary file in the target's own folder (``os.replace`` is only atomic within one
file system), is flushed and fsynced, then renamed over the target. If anything raises on the way, including a
KeyboardInterrupt while a run is being torn down, the temporary file is removed and the target is untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from ..errors import ReportError


@contextlib.contextmanager
def atomic_open(path: Path) -> Iterator[IO[str]]:
    """Yield a text stream; on a clean exit it replaces ``path``, on an exception it vanishes."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ReportError(f"{path}: cannot write the report ({exc.strerror or exc.__class__.__name__})") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp creates 0600 files; reports are shared artefacts, so give them the usual mode.
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> Path:
    with atomic_open(path) as stream:
        stream.write(text)
    return Path(path)


def atomic_write(path: Path, produce: Callable[[IO[str]], None]) -> Path:
    """Let ``produce`` stream into ``path`` atomically (for writers that emit piece by piece)."""
    with atomic_open(path) as stream:
        produce(stream)
    return Path(path)
