"""Write every report format from one ``Report``, and read ``conformance.json`` back.

Each format is a ``ReportFormat``: a file name and a pure ``Report -> str`` renderer (one module per
renderer: ``markdown``, ``html``; JSON is ``Report.to_dict``). ``write_reports`` passes the report through the
redactor (``redaction``), renders all formats before writing any, then writes each atomically, so a renderer
that raises leaves the previous reports in place, and an interrupted run never leaves a half-written file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import ReportError
from ..redaction import Redactor
from .atomic import atomic_write_text
from .html import render_html
from .markdown import render_markdown
from .validation import check_against
from .verdict import REPORT_SCHEMA, CheckVerdict, Finding, Report

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


def write_reports(
    report: Report, out_dir: Path, formats: Iterable[str] = tuple(FORMATS), redactor: Redactor | None = None
) -> list[Path]:
    """Write the chosen formats (default: all) into ``out_dir``, redacted (by ``redactor``: the run's, with its
    credentials; a plain one otherwise); returns the paths written."""
    report = redacted(report, redactor or Redactor())
    chosen = [FORMATS[name] for name in formats]
    rendered = [(out_dir / fmt.filename, fmt.render(report)) for fmt in chosen]
    return [atomic_write_text(path, text) for path, text in rendered]


def redacted(report: Report, redactor: Redactor) -> Report:
    """A copy of ``report`` with everything it quotes passed through the redactor. What a run redacted already
    stays as it is (placeholders are left alone), so a redacted report comes out unchanged."""

    def finding(f: Finding) -> Finding:
        copy = Finding(**f.__dict__)
        redactor.finding(copy)
        return copy

    def check(cv: CheckVerdict) -> CheckVerdict:
        return replace(
            cv,
            violations=[finding(f) for f in cv.violations],
            warnings=[finding(f) for f in cv.warnings],
            target_error=redactor.text(cv.target_error) if cv.target_error else cv.target_error,
        )

    run = report.run

    def maybe(value: str | None) -> str | None:
        return redactor.text(value) if value else value

    return Report(
        run=replace(
            run,
            target=redactor.text(run.target),
            aborted=maybe(run.aborted),
            discovery=maybe(run.discovery),
            pytest_args=[redactor.text(a) for a in run.pytest_args],
        ),
        endpoints=[replace(e, checks={k: check(cv) for k, cv in e.checks.items()}) for e in report.endpoints],
    )


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
