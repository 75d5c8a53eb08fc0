"""Read the matrix back out of conformance.html (as written, or as Chromium's DOM after the JS ran)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Row:
    attrs: dict[str, str | None]
    cells: list[dict[str, str | None]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.attrs.get("data-id") or ""

    @property
    def hidden(self) -> bool:
        return "hidden" in self.attrs

    def cell(self, family: str) -> dict[str, str | None]:
        return next(c for c in self.cells if c.get("data-family") == family)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Row] = []
        self.other_rows: dict[str, dict[str, str | None]] = {}
        self.scripts = 0
        self.by_id: dict[str, dict[str, str | None]] = {}
        self._texts: dict[str, list[str]] = {}
        self._spans: list[str | None] = []  # the id (or None) of every open <span>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if a.get("id"):
            self.by_id[a["id"] or ""] = a
        if tag == "tr" and "ep" in (a.get("class") or "").split():
            self.rows.append(Row(a))
        elif tag == "tr":
            self.other_rows[a.get("id") or a.get("data-group") or str(len(self.other_rows))] = a
        elif tag == "td" and self.rows and "cell" in (a.get("class") or "").split() and "data-family" in a:
            self.rows[-1].cells.append(a)
        if tag == "span":
            self._spans.append(a.get("id"))

    def handle_data(self, data: str) -> None:
        for element_id in self._spans:
            if element_id:
                self._texts.setdefault(element_id, []).append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._spans:
            self._spans.pop()

    def text_of(self, element_id: str) -> str:
        return "".join(self._texts.get(element_id, []))


def parse(document: str) -> _Parser:
    parser = _Parser()
    parser.feed(document)
    parser.close()
    return parser
