"""The plan of a run: requests per family and rate-limit bucket, the ETA at a limit, the value order and the
time-budget syntax."""

import pytest

from msaaq_contract.client.pacing import GUEST, LOGIN
from msaaq_contract.contract.identities import identities
from msaaq_contract.errors import ConfigError
from msaaq_contract.families import family_tests
from msaaq_contract.plan import Plan, bucket_for, build, value_rank
from msaaq_contract.settings import RateLimit, parse_duration


def full_run(contract):
    tests = []
    for doc_id, op in contract.documented():
        tests += [(doc_id, family.name) for family, _ in family_tests(contract, op, doc_id)]
    return tests


def test_one_happy_request_per_id_whatever_families_judge_it(contract):
    doc_id, op = next((d, o) for d, o in contract.documented() if o.auth == "required")
    tests = [(doc_id, "envelope"), (doc_id, "schema"), (doc_id, "status")]
    plan = build(contract, tests, max_examples=25, chain_length=lambda d: 0)
    assert plan.total == 1 and plan.by_family() == {"happy": 1}
    assert plan.by_bucket() == {bucket_for(op, identities(contract)): 1}


def test_refusals_are_guests_and_revoking_costs_one_login_and_logout(contract):
    table = identities(contract)
    ids = [d for d, o in contract.documented() if o.auth == "required" and bucket_for(o, table) == "adminUser"][:3]
    plan = build(contract, [(d, "auth") for d in ids], max_examples=25, chain_length=lambda d: 0)
    assert plan.counts[GUEST]["auth"] == 3
    assert plan.counts[LOGIN]["tokens"] == 1 and plan.counts["adminUser"]["auth"] == 1


def test_fuzzing_an_operation_without_input_costs_one_request(contract):
    quiet = next(d for d, o in contract.documented() if not o.query_params and o.request_schema is None)
    busy = next(d for d, o in contract.documented() if o.query_params)
    plan = build(contract, [(quiet, "fuzz"), (busy, "fuzz")], max_examples=25, chain_length=lambda d: 0)
    assert plan.by_family() == {"fuzz": 26}


def test_isolation_is_sent_as_the_other_academy(contract):
    admin = [d for d, o in contract.documented() if bucket_for(o, identities(contract)) == "adminUser"]
    read = next(d for d in admin if contract.operation(d).path_params)
    plan = build(contract, [(read, "isolation")], max_examples=25, chain_length=lambda d: 0)
    assert plan.by_bucket() == {"adminUser@other": 2}  # the real id, then a never-issued one
    listing = next(d for d in admin if not contract.operation(d).path_params)
    plan = build(contract, [(listing, "isolation")], max_examples=25, chain_length=lambda d: 0)
    assert plan.by_bucket() == {"adminUser@other": 1}  # the other academy's list, once


def test_foreign_token_probes_count_the_control_once_and_the_owners_requests(contract):
    from msaaq_contract.contract.access import probe_kind

    reads = [d for d, o in contract.documented() if o.area == "admin" and probe_kind(contract, o) == "read"][:2]
    write = next(d for d, o in contract.documented() if o.area == "admin" and probe_kind(contract, o) == "write")
    tests = [(d, "roles") for d in (*reads, write)] + [(write, "binding")]
    plan = build(contract, tests, max_examples=25, chain_length=lambda d: 0)
    # roles: one control, three probes with the student's token; the write's create and read as the admin
    assert plan.counts["tenantStudent"]["roles"] == 4
    assert plan.counts["adminUser"] == {"roles": 2, "binding": 2}
    assert plan.counts["adminUser@other"]["binding"] == 2  # its control, then the probe


def test_a_full_plan_and_its_eta(contract):
    plan = build(contract, full_run(contract), max_examples=25, chain_length=lambda d: 6)
    buckets = plan.by_bucket()
    assert plan.total == sum(buckets.values()) == sum(plan.by_family().values())
    assert plan.by_family()["happy"] == len(list(contract.documented()))
    busiest = max(buckets.values())
    per_minute = dict.fromkeys(buckets, 60)
    assert plan.eta_s(per_minute) == pytest.approx(busiest)  # 60/min: one second per request of the busiest
    assert buckets[LOGIN] > 9  # logins are fuzzed too: their own (harder) limit counts them
    assert plan.eta_s({}, ceiling=RateLimit.parse("10/s")) == pytest.approx(plan.total / 10)
    assert plan.eta_s({}, latency_s=0.01) == pytest.approx(plan.total * 0.01)
    lines = plan.lines({"adminUser": 600}, budget_s=360)
    assert lines[0].startswith(f"plan: {plan.total:,} requests at most")
    assert any("Laravel's default limit" in line for line in lines)
    assert any("--time-budget 6 min 00 s" in line for line in lines)


def test_exposure_enumeration_and_cors_requests(contract):
    from msaaq_contract.checks.cors import area_ids
    from msaaq_contract.checks.enumeration import login_ids
    from msaaq_contract.checks.exposure import probe_ids

    probe, logins = probe_ids(contract)[0], login_ids(contract)
    # The exposure family's happy-answer test shares the happy request; its second test is 10 anonymous probes.
    tests = [(probe, "envelope"), (probe, "exposure"), (probe, "exposure")] + [(d, "enumeration") for d in logins]
    tests += [(d, "cors") for d in area_ids(contract)]
    plan = build(contract, tests, max_examples=25, chain_length=lambda d: 0)
    reads = sum(contract.operation(d).method == "get" for d in area_ids(contract))
    assert plan.by_family() == {"happy": 1, "exposure": 10, "enumeration": 2 * len(logins), "cors": 3 + reads}
    assert plan.counts[LOGIN]["enumeration"] == 2 * len(logins) and plan.counts[GUEST]["exposure"] == 10
    # Right after the happy requests under --time-budget: a leak outranks a field type's refusal order.
    assert value_rank("envelope") < value_rank("exposure") == value_rank("cors") <= value_rank("isolation")


def test_value_order():
    ranks = [value_rank(f) for f in ("envelope", "auth", "isolation", "stateful", "language", "fuzz")]
    assert ranks == sorted(ranks) and ranks[0] < ranks[-1]
    assert value_rank("schema") == value_rank("status") == value_rank("envelope")
    assert value_rank("a-new-family") == value_rank("fuzz")


def test_plan_round_trips_through_its_dict():
    plan = Plan()
    plan.add("adminUser", "happy", 3)
    plan.add(GUEST, "auth", 2)
    assert plan.to_dict()["by_bucket"] == {"adminUser": 3, GUEST: 2}


@pytest.mark.parametrize(
    ("text", "seconds"), [("90", 90), ("90s", 90), ("30m", 1800), ("1h", 3600), ("1h30m", 5400), ("6m30s", 390)]
)
def test_time_budget_syntax(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "0", "-5m", "5 minutes", "m"])
def test_bad_time_budget_is_one_line(text):
    with pytest.raises(ConfigError, match="--time-budget"):
        parse_duration(text)
