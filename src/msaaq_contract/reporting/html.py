"""``conformance.html``: one self-contained page with the endpoint x check matrix.

Everything is rendered server-side (the table, the counts, every finding's details); the inline JS in
``html_assets`` only filters rows and expands details. Every value that reaches the page goes through
``esc`` (violation text comes from the API under test and may hold markup), and free text carries
``dir="auto"`` so Arabic titles and messages lay out right-to-left inside a left-to-right page.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable

from . import access_matrix
from .html_assets import CSS, JS
from .markdown import overall
from .render import describe_ledger
from .verdict import FAMILIES, OUTCOME_ORDER, CheckVerdict, EndpointVerdict, Finding, Report

GLYPHS = {"passed": "✓", "failed": "✗", "uncertain": "?", "error": "!", "skipped": "–", "not-run": "·"}
CONFIDENCES = ("high", "medium", "low")
# The page may fetch nothing at all: inline style and script only.
CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def families_of(report: Report) -> list[str]:
    """The matrix columns: the known families in their fixed order, then any other family seen."""
    seen = {fam for e in report.endpoints for fam in e.checks}
    return list(FAMILIES) + sorted(seen - set(FAMILIES))


def _run_meta(report: Report) -> str:
    run = report.run
    items: list[tuple[str, str]] = [
        ("target", esc(run.target)),
        ("mode", esc(run.mode)),
        ("contract", f"{esc(run.contract_version)} <code>{esc(run.contract_digest)}</code>"),
        ("seed", esc(run.seed)),
        ("started", esc(run.started_at)),
        ("duration", f"{run.duration_s:.1f} s"),
        (
            "interrupted",
            '<span class="warn">yes: verdicts are incomplete</span>' if run.interrupted else "no",
        ),
        ("shard", esc(run.shard) if run.shard else "-"),
    ]
    if run.exit_status is not None:
        items.append(("pytest exit status", esc(run.exit_status)))
    if run.discovery:
        items.append(("discovery", esc(run.discovery)))
    if run.ledger:
        items.append(("requests", f'<span id="ledger">{esc(describe_ledger(run.ledger))}</span>'))
    if run.aborted:
        items.append(("aborted", f'<span class="warn">nothing was judged: {esc(run.aborted)}</span>'))
    body = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items)
    return f'<dl class="run">{body}</dl>'


def _count_table(caption: str, rows: Iterable[tuple[str, dict[str, int]]]) -> str:
    head = "".join(f'<th><span class="sw o-{o}"></span>{o}</th>' for o in OUTCOME_ORDER)
    body = []
    for name, counts in rows:
        cells = "".join(f"<td>{counts.get(o, 0) or ''}</td>" for o in OUTCOME_ORDER)
        body.append(f"<tr><th>{esc(name)}</th><td>{sum(counts.values())}</td>{cells}</tr>")
    return (
        f'<table class="counts"><thead><tr><th>{esc(caption)}</th><th>total</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _chips(by_outcome: dict[str, int]) -> str:
    chips = "".join(
        f'<li><span class="badge o-{o}">{by_outcome[o]} {o}</span></li>' for o in OUTCOME_ORDER if by_outcome.get(o)
    )
    return f'<ul class="chips" aria-label="endpoints by outcome">{chips}</ul>'


def _header(report: Report) -> str:
    totals = report.totals()
    word = overall(report)
    badge_outcome = word.split()[0] if word.split()[0] in GLYPHS else "not-run"
    by_family: dict[str, dict[str, int]] = totals["by_family"]
    family_rows = [(f, by_family[f]) for f in families_of(report) if f in by_family]
    return (
        f'<header><h1>MSAAQ conformance <span class="badge o-{badge_outcome}">{esc(word)}</span></h1>'
        f"{_verdict_on(report)}{_run_meta(report)}"
        f"<h2>{totals['endpoints']} endpoints</h2>{_chips(totals['by_outcome'])}"
        '<div class="totals">'
        f"<div><h2>Endpoints by area</h2>{_count_table('area', sorted(totals['by_area'].items()))}</div>"
        f"<div><h2>Checks by family</h2>{_count_table('family', family_rows)}</div>"
        "</div></header>"
    )


def _verdict_on(report: Report) -> str:
    if not report.run.verdict_on:
        return ""
    return f'<p class="verdict-on">Verdict on <span id="verdict-on">{esc(report.run.verdict_on)}</span>.</p>'


def _select(name: str, label: str, values: Iterable[str]) -> str:
    options = "".join(f'<option value="{esc(v)}">{esc(v)}</option>' for v in values)
    return f'<label>{label} <select id="f-{name}"><option value="">all</option>{options}</select></label>'


def _filters(report: Report) -> str:
    areas = sorted({e.area for e in report.endpoints})
    legend = "".join(f'<li><span class="sw o-{o}"></span>{GLYPHS[o]} {o}</li>' for o in OUTCOME_ORDER)
    return (
        '<nav class="filters">'
        + _select("area", "Area", areas)
        + _select("outcome", "Outcome", OUTCOME_ORDER)
        + _select("confidence", "Confidence", CONFIDENCES)
        + '<label>Search <input id="f-q" type="search" placeholder="id, title, path or message"></label>'
        + f'<span id="f-count">{len(report.endpoints)} endpoints</span>'
        + f'<ul class="legend" aria-label="legend">{legend}</ul></nav>'
    )


def _has_details(cv: CheckVerdict) -> bool:
    return bool(cv.violations or cv.warnings or cv.target_error)


def _cell(e: EndpointVerdict, family: str) -> str:
    cv = e.checks.get(family)
    outcome = cv.outcome if cv else "not-run"
    tip = f"{family}: {outcome}"
    if cv is not None and _has_details(cv):
        count = len(cv.violations) or len(cv.warnings) or 1
        tip += f" ({count} finding{'s' if count != 1 else ''}: click for details)"
        label = f"{GLYPHS[outcome]} {count}" if count > 1 else GLYPHS[outcome]
        inner = (
            f'<button type="button" data-family="{esc(family)}" aria-expanded="false" '
            f'aria-controls="d-{esc(e.id)}">{label}</button>'
        )
    else:
        inner = GLYPHS.get(outcome, "")
    return f'<td class="cell o-{esc(outcome)}" data-family="{esc(family)}" title="{esc(tip)}">{inner}</td>'


def _search_text(e: EndpointVerdict) -> str:
    parts = [e.id, e.title, e.method, e.path, e.operation_id]
    for cv in e.checks.values():
        parts += [cv.target_error or ""]
        parts += [f"{f.title} {f.message}" for f in (*cv.violations, *cv.warnings)]
    return " ".join(" ".join(p.split()) for p in parts if p).lower()


def _row(e: EndpointVerdict, group: str, families: list[str]) -> str:
    attrs = (
        f'id="ep-{esc(e.id)}" class="ep" data-id="{esc(e.id)}" data-area="{esc(e.area)}" '
        f'data-outcome="{esc(e.outcome)}" data-confidence="{esc(e.confidence)}" data-group="{esc(group)}" '
        f'data-text="{esc(_search_text(e))}"'
    )
    head = (
        f'<th class="ep-head" scope="row"><code>{esc(e.id)}</code><span class="t" dir="auto">{esc(e.title)}</span>'
        f"<small>{esc(e.method.upper())} {esc(e.path)}</small></th>"
    )
    conf = f'<td class="conf c-{esc(e.confidence)}">{esc(e.confidence)}</td>'
    outcome = f'<td class="cell o-{esc(e.outcome)}" title="endpoint: {esc(e.outcome)}">{esc(e.outcome)}</td>'
    cells = "".join(_cell(e, f) for f in families)
    return f"<tr {attrs}>{head}{conf}{outcome}{cells}</tr>"


def _pre(value: str | None) -> str:
    return f'<pre dir="auto">{esc(value)}</pre>' if value else "-"


def _finding(f: Finding, check_cassette: str | None) -> str:
    cassette = f.cassette or check_cassette
    return (
        f'<article class="finding sev-{esc(f.severity)}"><h4 dir="auto">{esc(f.title)}</h4>'
        f'<p dir="auto">{esc(f.message)}</p><dl>'
        f"<dt>expected</dt><dd>{_pre(f.expected)}</dd>"
        f"<dt>got</dt><dd>{_pre(f.actual)}</dd>"
        f"<dt>where</dt><dd>{f'<code>{esc(f.pointer)}</code>' if f.pointer else '-'}</dd>"
        f"<dt>reproduce</dt><dd>{f'<pre>{esc(f.curl)}</pre>' if f.curl else '-'}</dd>"
        f"<dt>cassette</dt><dd>{f'<code>{esc(cassette)}</code>' if cassette else '-'}</dd>"
        "</dl></article>"
    )


def _details_row(e: EndpointVerdict, width: int) -> str:
    sections = []
    for family, cv in e.checks.items():
        if not _has_details(cv):
            continue
        parts = [
            f'<section class="check" id="d-{esc(e.id)}--{esc(family)}">'
            f'<h3>{esc(family)} <span class="badge o-{esc(cv.outcome)}">{esc(cv.outcome)}</span></h3>'
        ]
        if cv.nodeids:
            parts.append(f'<p class="nodeids">{" ".join(f"<code>{esc(n)}</code>" for n in cv.nodeids)}</p>')
        if cv.target_error:
            parts.append(f'<p class="target-error" dir="auto">target error: {esc(cv.target_error)}</p>')
        parts += [_finding(f, cv.cassette) for f in (*cv.violations, *cv.warnings)]
        parts.append("</section>")
        sections.append("".join(parts))
    if not sections:
        return ""
    return f'<tr class="details" id="d-{esc(e.id)}" hidden><td colspan="{width}">{"".join(sections)}</td></tr>'


def _matrix(report: Report) -> str:
    families = families_of(report)
    width = 3 + len(families)
    head = "".join(f"<th>{esc(f)}</th>" for f in families)
    body: list[str] = []
    endpoints = sorted(report.endpoints, key=lambda e: (e.area, e.section, e.id))
    sizes = Counter(f"{e.area}/{e.section}" for e in endpoints)
    current = None
    for e in endpoints:
        group = f"{e.area}/{e.section}"
        if group != current:
            current = group
            body.append(
                f'<tr class="group" data-group="{esc(group)}"><th colspan="{width}">'
                f"{esc(e.area)} · {esc(e.section)} <small>({sizes[group]})</small></th></tr>"
            )
        body.append(_row(e, group, families))
        body.append(_details_row(e, width))
    return (
        '<table id="matrix"><thead><tr><th class="ep-col">endpoint</th><th>conf.</th><th>outcome</th>'
        f"{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _access(report: Report) -> str:
    """The authorization matrix: per operation and identity, allowed / refused / unclear, blank = not tried."""
    who = access_matrix.columns(report)
    rows = [e for e in sorted(report.endpoints, key=lambda e: e.id) if e.access]
    if not rows:
        return ""
    head = "".join(f"<th>{esc(w)}</th>" for w in who)
    body = "".join(
        f'<tr><th class="ep-head"><code>{esc(e.id)}</code></th>'
        + "".join(f'<td class="a-{esc(e.access.get(w, "none"))}">{esc(e.access.get(w, ""))}</td>' for w in who)
        + "</tr>"
        for e in rows
    )
    return (
        '<section id="access"><h2>Who may call what</h2><p>Per operation and identity: <b>allowed</b> (2xx, 3xx), '
        "<b>refused</b> (401, 403, 404), <b>unclear</b> (any other answer); blank: not tried. "
        "<code>@other</code>: the other academy's token.</p>"
        f'<table id="access-matrix"><thead><tr><th>operation</th>{head}</tr></thead><tbody>{body}</tbody></table>'
        "</section>"
    )


def render_html(report: Report) -> str:
    title = f"MSAAQ conformance: {overall(report)} ({report.run.target})"
    return (
        '<!doctype html>\n<html lang="en" dir="ltr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f"{_header(report)}{_filters(report)}<main>{_matrix(report)}{_access(report)}</main>"
        f"<script>{JS}</script></body></html>\n"
    )
