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
    charset = exchange.headers.get("content-type", "").lower().partition("charset=")[2].strip()
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
    bad = MOJIBAKE.search(text)
    if bad:
        around = text[max(0, bad.start() - 20) : bad.end() + 20]
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
