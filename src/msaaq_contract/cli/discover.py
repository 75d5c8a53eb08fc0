"""``msaaq-contract discover``: find the target's data and write it as a reviewable fixtures file.

Credentials come from the same ``MSAAQ_*`` variables as a live run. Discovery only reads (GET), so it needs no
``--allow-writes``. The file it writes is the ``--target-fixtures`` format: pass it back to pin the values.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..contract import load_contract
from ..discovery.fixtures_file import render
from ..discovery.target import survey
from ..errors import ConfigError
from ..settings import require_live_credentials, resolve


def add_arguments(parser: argparse.ArgumentParser, command: str = "discover") -> None:
    parser.add_argument("--base-url", default=None, help="the API base including /v1 (env MSAAQ_BASE_URL)")
    parser.add_argument("--out", type=Path, default=None, help="fixtures file to write (default: standard output)")
    parser.add_argument("--contract", type=Path, default=None, help="root openapi.yaml or its folder")
    parser.add_argument("--request-timeout", type=float, default=30.0, help="per-request timeout in seconds (30)")


def run(args: argparse.Namespace) -> int:
    settings = resolve({"base_url": args.base_url, "request_timeout": args.request_timeout})
    if settings.mode != "live":
        raise ConfigError("discover needs a target", hint="pass --base-url URL or set MSAAQ_BASE_URL")
    require_live_credentials(settings)
    data = survey(load_contract(args.contract), settings)
    text = render(data)
    if args.out is None:
        sys.stdout.write(text)
    else:
        try:
            args.out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot write {args.out} ({exc.strerror})") from None
    print(f"discovery: {data.summary()}", file=sys.stderr)
    return 0
