"""Rows as the contract shows them, and Laravel's list machinery (search, filters, sort, pagination).

A stored document only holds what was seeded or written. ``View.render`` lays it over a body synthesised
from the response schema, keeping each stored field only where it validates against the property's schema
(or does once an id is turned into a string or back), so reads echo writes and stay contract-valid.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from ..contract.flatten import types_of
from .schemas import SchemaIndex
from .synth import Synthesizer

OWNER = "_owner"  # the student who created a row: never read from a request, never rendered
SECRET_FIELDS = frozenset({"password", "password_confirmation", "old_password", "token", "_method", OWNER})
DEFAULT_PER_PAGE = 15
_CONSTRAINTS = {"type", "properties", "items", "enum", "const", "anyOf", "oneOf", "allOf", "$ref", "required"}
LINK_WINDOW = 10


class View:
    def __init__(self, index: SchemaIndex, synth: Synthesizer) -> None:
        self.index = index
        self.synth = synth

    def is_object(self, schema: Any) -> bool:
        flat = self.index.flatten(schema)
        return "object" in types_of(flat) or (not types_of(flat) and "properties" in flat)

    def render(self, doc: dict[str, Any], schema: Any, lang: str, depth: int = 1) -> Any:
        """``doc`` laid over a synthesised value of ``schema`` (an object schema), field by field."""
        if not (set(self.index.flatten(schema)) & _CONSTRAINTS):  # untyped payload: the document itself
            return {k: v for k, v in doc.items() if k not in SECRET_FIELDS}
        base = self.synth.cached_value(schema, lang, depth)
        if not isinstance(base, dict) or not self.is_object(schema):
            return base
        flat = self.index.flatten(schema)
        props: dict[str, Any] = flat.get("properties") or {}
        extra = flat.get("additionalProperties", True)
        for key, value in doc.items():
            if key in SECRET_FIELDS or (isinstance(value, dict) and "filename" in value and "size" in value):
                continue
            sub = props.get(key)
            if sub is None:
                # The clean server sends only documented members (an extra one is the extra_field fault's job);
                # open maps (additionalProperties with a schema) still carry what was stored.
                if not props and isinstance(extra, dict) and self.index.is_valid(extra, value):
                    base[key] = value
                continue
            fitted = self._fit(sub, value)
            if fitted is not _MISSING:
                base[key] = fitted
        return base

    def _fit(self, schema: Any, value: Any) -> Any:
        if self.index.is_valid(schema, value):
            return value
        if isinstance(value, int) and not isinstance(value, bool) and self.index.is_valid(schema, str(value)):
            return str(value)
        if isinstance(value, str) and value.isdigit() and len(value) < 18 and self.index.is_valid(schema, int(value)):
            return int(value)
        return _MISSING


_MISSING = object()


def search_filter_sort(docs: list[dict[str, Any]], query: dict[str, Any]) -> list[dict[str, Any]]:
    """Laravel datatable semantics over stored documents.

    ``search`` matches any top-level text field (case-insensitive); ``filters[key]=value`` keeps documents
    whose ``key`` (or ``key.id``) equals ``value`` and is ignored when no document has ``key``; ``sort`` orders
    by a field, ``sort_direction=desc`` reverses.
    """
    term = query.get("search") or query.get("q")
    if isinstance(term, str) and term.strip():
        needle = term.strip().lower()
        docs = [d for d in docs if any(isinstance(v, str) and needle in v.lower() for v in d.values())]
    filters = query.get("filters")
    if isinstance(filters, dict):
        for key, wanted in filters.items():
            if not any(key in d for d in docs):
                continue
            values = {str(w) for w in wanted} if isinstance(wanted, list) else {str(wanted)}
            docs = [d for d in docs if _plain(d.get(key)) in values]
    sort = query.get("sort")
    if isinstance(sort, str) and docs and any(sort in d for d in docs):
        docs = sorted(docs, key=lambda d: (d.get(sort) is None, str(d.get(sort))))
        if query.get("sort_direction") == "desc":
            docs.reverse()
    return docs


def _plain(value: Any) -> str:
    if isinstance(value, dict) and "id" in value:
        return str(value["id"])
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def page_numbers(query: dict[str, Any]) -> tuple[int, int]:
    """(page, per_page) from validated query values (``limit`` is the tenant spelling of per_page)."""
    page = query.get("page", 1)
    per_page = query.get("per_page", query.get("limit", DEFAULT_PER_PAGE))
    page = page if isinstance(page, int) and page >= 1 else 1
    per_page = per_page if isinstance(per_page, int) and per_page >= 1 else DEFAULT_PER_PAGE
    return page, per_page


def paginate(items: list[Any], query: dict[str, Any], path: str) -> tuple[list[Any], dict[str, Any], dict[str, Any]]:
    """One page of ``items`` and Laravel's ``links`` and ``meta`` for it."""
    page, per_page = page_numbers(query)
    total = len(items)
    last_page = max(1, math.ceil(total / per_page))
    start = (page - 1) * per_page
    chunk = items[start : start + per_page] if start < total else []
    keep = {k: v for k, v in query.items() if k not in ("page", "filters") and isinstance(v, (str, int))}

    def url(n: int) -> str:
        return f"{path}?{urlencode({**keep, 'page': n})}"

    prev_url = url(page - 1) if page > 1 else None
    next_url = url(page + 1) if page < last_page else None
    links: list[dict[str, Any]] = [{"url": prev_url, "label": "&laquo; Previous", "active": False}]
    first_shown = max(1, min(page, last_page) - LINK_WINDOW // 2)
    for n in range(first_shown, min(last_page, first_shown + LINK_WINDOW - 1) + 1):
        links.append({"url": url(n), "label": str(n), "active": n == page})
    links.append({"url": next_url, "label": "Next &raquo;", "active": False})
    meta = {
        "current_page": page,
        "from": start + 1 if chunk else None,
        "last_page": last_page,
        "links": links,
        "path": path,
        "per_page": per_page,
        "to": start + len(chunk) if chunk else None,
        "total": total,
    }
    top = {"first": url(1), "last": url(last_page), "prev": prev_url, "next": next_url}
    return chunk, top, meta
