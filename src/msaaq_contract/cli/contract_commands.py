"""``validate-contract`` and ``coverage``: what the contract holds and how much of it is exercised."""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from ..contract import Contract, Coverage, coverage, load_contract, load_inventory
from ..contract.identities import Identities
from ..contract.inventory import default_inventory_path
from ..contract.loader import bundle, validate
from ..families import families_for
from ..settings import ENV_CREDENTIALS


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument("--contract", type=Path, default=None, help="root openapi.yaml or its folder")
    if command == "validate-contract":
        parser.add_argument(
            "--full", action="store_true", help="also run openapi-spec-validator's complete (slower) validation"
        )
    else:
        parser.add_argument("--inventory", type=Path, default=None, help="documented-endpoints.json")
        parser.add_argument("--cassettes", type=Path, default=Path("cassettes"), help="cassette folder")
        parser.add_argument("--report", type=Path, default=Path("reports/conformance.json"), help="last verdicts")
        parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
        parser.add_argument(
            "--observed",
            type=Path,
            nargs="+",
            default=None,
            metavar="REPORT",
            help="which model members and enum values the recorded answers of these live runs showed",
        )
        parser.add_argument(
            "--never-observed",
            choices=["high", "medium", "low", "any"],
            default=None,
            help="list the ids of that confidence never seen conforming on a live target (x-observed)",
        )
    parser.set_defaults(_command=command)


def run(args: argparse.Namespace) -> int:
    return _validate(args) if args._command == "validate-contract" else _coverage(args)


def _validate(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    result = bundle(args.contract)
    validate(result)
    table = Identities(Contract(result))  # x-identity, x-session, x-own-account: one line naming file and pointer
    table.check_variables(ENV_CREDENTIALS)
    if args.full:
        from openapi_spec_validator import validate as full_validate

        full_validate(result.document)
    ops = sum(
        1 for item in result.document["paths"].values() for k in item if k in ("get", "post", "put", "patch", "delete")
    )
    took = time.perf_counter() - start
    print(
        f"contract OK: {len(result.files)} files, {ops} operations, {len(table.by_name)} identities, "
        f"digest {result.digest} ({took:.2f}s)"
    )
    return 0


def _coverage(args: argparse.Namespace) -> int:
    contract = load_contract(args.contract, fresh=True)
    if args.observed:
        from . import observed_coverage

        return observed_coverage.run(args.observed, contract, args.json)
    inventory = load_inventory(args.inventory or default_inventory_path(contract))
    cov = coverage(contract, inventory)
    cassette_ids = {p.name for p in args.cassettes.iterdir() if p.is_dir()} if args.cassettes.is_dir() else set()
    verdicts: dict[str, str] = {}
    if args.report.is_file():
        try:
            data = json.loads(args.report.read_text(encoding="utf-8"))
            verdicts = {e["id"]: e.get("outcome", "") for e in data.get("endpoints", [])}
        except (ValueError, KeyError, TypeError, AttributeError):
            verdicts = {}
    ids = [e.id for e in cov.documented]
    tested = {i: families_for(contract, contract.operation(i), i) for i in ids if i in cov.resolved}
    with_cassettes = sum(1 for i in ids if i in cassette_ids)
    passing = sum(1 for i in ids if verdicts.get(i) == "passed")
    if args.json:
        payload = cov.as_dict(contract)
        payload.update(
            {
                "with_cassettes": with_cassettes,
                "passing": passing,
                "with_verdict": len(verdicts),
                "with_tests": sum(1 for f in tested.values() if f),
            }
        )
        print(json.dumps(payload, indent=1))
    else:
        n = len(cov.documented)
        print(
            f"documented ids: {n}; resolved {len(cov.resolved)}/{n}, missing {len(cov.missing)}, "
            f"duplicated {len(cov.duplicated)}, unknown {len(cov.unknown)}"
        )
        for area, counts in sorted(cov.by_area(contract).items()):
            conf = ", ".join(f"{k.split(':')[1]} {v}" for k, v in sorted(counts.items()) if k.startswith("confidence:"))
            print(f"  {area:<7} {counts['resolved']}/{counts['documented']} resolved  (confidence: {conf})")
        print(f"operations: {len(contract)} ({len(cov.undocumented_operations)} undocumented client calls)")
        kinds = Counter(op.response_kind for op in contract)
        print("response kinds: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
        print(
            f"with tests: {sum(1 for f in tested.values() if f)}/{n} "
            f"(checks per id: {min(map(len, tested.values()), default=0)}-{max(map(len, tested.values()), default=0)} "
            "families; stateful chains follow the create ids)"
        )
        print(f"with cassettes: {with_cassettes}/{n}")
        if verdicts:
            print(f"passing in {args.report}: {passing}/{n}")
        _print_evidence(contract, cov, args.never_observed)
        for doc_id in cov.missing:
            print(f"  missing: {doc_id}")
        for doc_id, ops in cov.duplicated.items():
            print(f"  duplicated: {doc_id} -> {', '.join(ops)}")
        for doc_id in cov.unknown:
            print(f"  unknown x-doc-id: {doc_id}")
    return 0 if cov.ok else 1


def _print_evidence(contract: Contract, cov: Coverage, listed: str | None) -> None:
    matrix = cov.evidence(contract)
    print("confidence x evidence (x-observed: seen conforming on a live target, by calibrate --apply):")
    for confidence, split in matrix.items():
        print(f"  {confidence:<7} observed {len(split['observed']):>4}   never observed {len(split['never']):>4}")
    low = len(matrix.get("low", {}).get("never", []))
    print(f"low confidence, never observed: {low} (list: msaaq-contract coverage --never-observed low)")
    for confidence, split in matrix.items():
        if listed in (confidence, "any"):
            for doc_id in split["never"]:
                op = contract.operation(doc_id)
                print(f"  never observed ({confidence}): {doc_id}  {op.label}  {op.doc_entry(doc_id).title}")
