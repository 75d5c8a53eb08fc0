"""Write every report format from one ``Report``, and read ``conformance.json`` back.

Each format is a ``ReportFormat``: a file name and a pure ``Report -> str`` renderer (one module per
renderer: ``markdown``, ``html``; JSON is ``Report.to_dict``). ``write_reports`` renders all of them
before writing any, then writes each atomically, so a renderer that raises leaves the previous reports
in place, and an interrupted run never leaves a half-written file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ReportError
from .atomic import atomic_write_text
from .html import render_html
from .markdown import render_markdown
from .validation import check_against
from .verdict import REPORT_SCHEMA, Report

JSON_NAME = "conformance.json"
MARKDOWN_NAME = "summary.md"
HTML_NAME = "conformance.html"


def render_json(report: Report) -> str:
    """The report with one endpoint per line: as easy to diff and grep as an indented file, and written by
    json's C encoder (``indent`` switches to the pure-Python one, 10x slower on a 1.5 MB report)."""
    data = report.to_dict()
    endpoints = data.pop("endpoints")
    # ensure_ascii=False keeps Arabic readable in the artefact; the file is always written as UTF-8.
    head = json.dumps(data, ensure_ascii=False, indent=1)[:-2]  # without the closing "\n}"
    rows = ",\n  ".join(json.dumps(e, ensure_ascii=False) for e in endpoints)
    return f'{head},\n "endpoints": [\n  {rows}\n ]\n}}\n' if endpoints else f'{head},\n "endpoints": []\n}}\n'


@dataclass(frozen=True)
class ReportFormat:
    name: str
    filename: str
    render: Callable[[Report], str]


FORMATS: dict[str, ReportFormat] = {
    "json": ReportFormat("json", JSON_NAME, render_json),
    "markdown": ReportFormat("markdown", MARKDOWN_NAME, render_markdown),
    "html": ReportFormat("html", HTML_NAME, render_html),
}


def write_reports(report: Report, out_dir: Path, formats: Iterable[str] = tuple(FORMATS)) -> list[Path]:
    """Write the chosen formats (default: all) into ``out_dir``; returns the paths written."""
    chosen = [FORMATS[name] for name in formats]
    rendered = [(out_dir / fmt.filename, fmt.render(report)) for fmt in chosen]
    return [atomic_write_text(path, text) for path, text in rendered]


def load_report(path: Path) -> Report:
    """Read and validate a conformance.json; every problem is a one-line ReportError naming the file."""
    path = Path(path)
    data = read_json(path)
    check_against(REPORT_SCHEMA, data, str(path), what="conformance report")
    try:
        return Report.from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:  # the schema should have caught it; never a traceback
        raise ReportError(f"{path}: not a conformance report ({exc.__class__.__name__}: {exc})") from None


def read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(f"{path}: no such file", hint="run the conformance suite first, or check the path") from None
    except IsADirectoryError:
        raise ReportError(f"{path}: is a folder, expected a conformance.json file") from None
    except UnicodeDecodeError:
        raise ReportError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise ReportError(f"{path}: cannot read ({exc.strerror or exc.__class__.__name__})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
