"""The one Finding -> text renderer: terminal output, JUnit messages and the Markdown summary all use it.

A rendered finding always has the same four parts, in the same order, so a reader knows where to look:
expected, got, where (the JSON pointer) and how to reproduce (the redacted curl line and the cassette).
A part the check did not record is shown as ``-`` rather than left out.
"""

from __future__ import annotations

from typing import Any

from .verdict import CheckVerdict, Finding

MISSING = "-"
ONE_LINE_MAX = 200


def squash(text: str | None, limit: int = ONE_LINE_MAX) -> str:
    """Collapse whitespace to one line and cut it to ``limit`` characters (with an ellipsis).

    Control characters become ``?``: API text must not be able to drive the terminal (ANSI escapes).
    """
    line = " ".join((text or "").split())
    line = "".join(ch if ch.isprintable() else "?" for ch in line)
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def one_line(finding: Finding, limit: int = ONE_LINE_MAX) -> str:
    """``title: message`` on one line, e.g. for a gate regression or a table cell."""
    title, message = squash(finding.title, limit), squash(finding.message, limit)
    if not message or message == title:
        text = title
    elif not title:
        text = message
    else:
        text = f"{title}: {message}"
    if finding.pointer and finding.pointer not in text:
        text += f" (at {finding.pointer})"
    return squash(text, limit)


def check_one_line(check: CheckVerdict, limit: int = ONE_LINE_MAX) -> str:
    """One line for a whole check verdict: its first violation (+N more), its target error, or its outcome."""
    if check.violations:
        text = one_line(check.violations[0], limit)
        if len(check.violations) > 1:
            text += f" (+{len(check.violations) - 1} more)"
        return squash(text, limit)
    if check.target_error:
        return squash(check.target_error, limit)
    if check.warnings:
        return squash("warning: " + one_line(check.warnings[0], limit), limit)
    return check.outcome


def _block(label: str, value: str | None) -> list[str]:
    """``label: value``; a multi-line value starts on its own lines, indented under the label."""
    if value is None or not value.strip():
        return [f"  {label:<9} {MISSING}"]
    lines = value.strip("\n").splitlines()
    if len(lines) == 1:
        return [f"  {label:<9} {lines[0]}"]
    return [f"  {label}", *(f"    {line}" for line in lines)]


def render_finding(finding: Finding, endpoint_id: str | None = None, cassette: str | None = None) -> str:
    """The full multi-line rendering of one finding (no trailing newline).

    ``cassette`` is the check's cassette, used when the finding does not name its own.
    """
    head = f"[{finding.check}]"
    if endpoint_id:
        head += f" {endpoint_id}"
    head += f" {finding.title}"
    if finding.severity == "warning":
        head += " (warning)"
    lines = [head]
    message = (finding.message or "").strip()
    if message and message != finding.title:
        lines.extend(f"  {line}" for line in message.splitlines())
    lines += _block("expected:", finding.expected)
    lines += _block("got:", finding.actual)
    lines += _block("where:", finding.pointer)
    lines.append("  reproduce:")
    lines.append(f"    {finding.curl.strip()}" if finding.curl and finding.curl.strip() else f"    curl: {MISSING}")
    lines.append(f"    cassette: {finding.cassette or cassette or MISSING}")
    return "\n".join(lines)


def render_check(endpoint_id: str, check: CheckVerdict) -> str:
    """Every violation of a check (the JUnit failure text); a target error or the bare outcome otherwise."""
    parts = [render_finding(f, endpoint_id, check.cassette) for f in check.violations]
    if check.target_error:
        parts.append(f"[{check.family}] {endpoint_id} target error: {squash(check.target_error)}")
    if not parts:
        parts.append(f"[{check.family}] {endpoint_id} {check.outcome}")
    return "\n\n".join(parts)


def describe_ledger(ledger: dict[str, Any]) -> str:
    """The request ledger of a run (``run.ledger``) in one line: terminal, ``summary.md`` and the HTML header."""
    buckets = ", ".join(f"{k} {v:,}" for k, v in (ledger.get("by_bucket") or {}).items())
    line = f"{int(ledger.get('requests', 0)):,} requests sent to the target" + (f" ({buckets})" if buckets else "")
    line += f"; {int(ledger.get('status_429', 0))} answered 429, {int(ledger.get('retries', 0))} retried"
    line += f"; {float(ledger.get('waited_s', 0.0)):.1f} s waited for the target's limits"
    outages = int(ledger.get("outages", 0))
    if outages:  # a deploy or a restart met on the way: how long the run waited for the target to come back
        line += f"; {outages} outage{'s' if outages > 1 else ''}, {float(ledger.get('outage_s', 0.0)):.1f} s waited"
        line += " for the target to come back"
    return line
