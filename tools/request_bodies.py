"""How much of the request side the contract knows: writes (POST/PUT/PATCH) whose body declares no field.

    python tools/request_bodies.py [--contract contracts] [--list] [--traced]

Counts every POST, PUT and PATCH operation (the operations that carry a body; DELETE is left out) whose
request schema declares no property, and how many declare properties none of which is required. ``--traced``
lists every body member that did not come from the client's own request fields, with its ``x-source`` and
``x-source-ref`` (``model``: a writable member of the model the body is a partial of; ``create``: a member of
the collection's create, given to an update whose body was unknown).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from msaaq_contract.contract import load_contract
from msaaq_contract.contract.model import Contract, Operation

WRITES = ("post", "put", "patch")


def body_schema(contract: Contract, op: Operation) -> dict[str, Any]:
    schema = contract.deref(op.request_schema) if op.request_schema is not None else {}
    return schema if isinstance(schema, dict) else {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contract", type=Path, default=Path("contracts"))
    parser.add_argument("--list", action="store_true", help="list the writes whose body declares no field")
    parser.add_argument("--traced", action="store_true", help="list the members the contract derived")
    args = parser.parse_args()
    contract = load_contract(args.contract)
    writes = [op for op in contract if op.method in WRITES]
    bare = [op for op in writes if not body_schema(contract, op).get("properties")]
    optional_only = [
        op
        for op in writes
        if body_schema(contract, op).get("properties") and not body_schema(contract, op).get("required")
    ]
    sources: Counter[str] = Counter()
    for op in writes:
        for name, member in (body_schema(contract, op).get("properties") or {}).items():
            source = member.get("x-source") if isinstance(member, dict) else None
            if source:
                sources[source] += 1
                if args.traced:
                    print(f"{op.operation_id} {name}: x-source {source}, x-source-ref {member.get('x-source-ref')}")
    if args.list:
        for op in bare:
            print(f"no body field: {op.operation_id} {op.label}")
    print(f"writes (POST/PUT/PATCH): {len(writes)}")
    print(f"declare no body field: {len(bare)}")
    print(f"declare fields, none required: {len(optional_only)}")
    print("derived members: " + (", ".join(f"{k} {v}" for k, v in sorted(sources.items())) or "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
