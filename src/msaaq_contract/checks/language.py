"""Language: with ``Accept-Language: ar`` the body is UTF-8 JSON whose Arabic text arrived intact.

Mojibake shows as UTF-8 bytes decoded as Latin-1/Windows-1256 and re-encoded: sequences such as ``Ø§`` or
``Ù…`` in place of Arabic letters, or U+FFFD replacement characters.
"""

from __future__ import annotations

import re

from .base import CheckContext, Exchange, Finding, check

# Two garbled letters in a row: a lone "Ø" before a symbol is legitimate text, a run of pairs is not.
_PAIR = "[\u00d8\u00d9\u00da\u00db][\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0178\u02c6\u02dc]"
MOJIBAKE = re.compile(f"(?:{_PAIR}){{2,}}|\ufffd")


@check("language")
def arabic_intact(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    if "json" not in exchange.content_type:
        return []
    charset = exchange.headers.get("content-type", "").lower().partition("charset=")[2]
    charset = charset.split(";")[0].strip().strip('"')
    if charset and charset.replace("-", "") not in ("utf8",):
        return [
            Finding(
                check="language",
                title="Not UTF-8",
                message=f"JSON served with charset {charset}",
                expected="utf-8",
                actual=charset,
            )
        ]
    try:
        text = exchange.body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [
            Finding(
                check="language",
                title="Invalid UTF-8",
                message=f"body is not UTF-8 at byte {exc.start}",
                expected="UTF-8",
                actual="undecodable bytes",
            )
        ]
    # Judge the decoded text: PHP escapes non-ASCII as \uXXXX by default, and "\u00d8\u00a7" is mojibake too.
    parsed, _ = exchange.json_body
    texts = _strings(exchange) if parsed else [text]
    bad = next(filter(None, (MOJIBAKE.search(t) for t in texts)), None)
    if bad:
        source = bad.string
        around = source[max(0, bad.start() - 20) : bad.end() + 20]
        return [
            Finding(
                check="language",
                title="Mojibake in Arabic text",
                message=f"garbled text near {around!r}",
                expected="Arabic letters",
                actual=around,
            )
        ]
    return []


def _strings(exchange: Exchange) -> list[str]:
    """Every string (keys and values) of the JSON body, decoded from its escapes."""
    parsed, value = exchange.json_body
    out: list[str] = []
    stack = [value] if parsed else []
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, dict):
            out.extend(k for k in node if isinstance(k, str))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return out
