"""Progress lines of a long live run, on an injected clock: requests sent, ids judged, the ETA from the plan at
the pace so far (outage waits left out), waits for limits and outages, and a line as soon as the target goes away
or comes back. The live self-tests (test_live_outages.py) show them in a real run, serial and under xdist."""

from types import SimpleNamespace

from msaaq_contract.client.ledger import Ledger, sending_as
from msaaq_contract.pytest_plugin.progress import Progress, Snapshot, progress_line
from msaaq_contract.pytest_plugin.properties import ID


def test_the_line_says_requests_ids_eta_and_waits():
    now = Snapshot(requests=620, planned_sent=500, limits_s=12.34, outages=1, outage_s=20.0)
    line = progress_line(now, elapsed_s=640.0, judged=120, ids=531, planned=1100)
    # 620 requests in 620 s of sending (640 s less 20 s of outage): 60/min; 600 planned requests left: 10 min.
    assert line == (
        "progress: 620 requests sent, 120/531 ids judged, ETA 10 min 00 s at most at 60/min "
        "(plan: 1,100 requests at most); waited 12.3 s for limits, 20.0 s for 1 outage"
    )


def test_an_outage_in_progress_is_on_the_line_and_not_in_the_pace():
    now = Snapshot(requests=60, planned_sent=60, away_s=30.0, why="HTTP 503; probe: HTTP 502")
    line = progress_line(now, elapsed_s=90.0, judged=3, ids=0, planned=120)
    assert "3 ids judged, ETA 1 min 00 s at most at 60/min" in line
    assert line.endswith("; the target is away for 30 s (HTTP 503; probe: HTTP 502)")


def test_a_snapshot_leaves_discovery_and_probes_out_of_the_plan_and_adds_up_workers():
    ledger = Ledger()
    for family, n in (("discovery", 5), ("outage", 2), ("happy", 3)):
        with sending_as(family):
            for _ in range(n):
                ledger.sent("adminUser", 200)
    one = Snapshot.of(ledger.to_dict(), {"outage_away_s": None, "outage": ""})
    assert (one.requests, one.planned_sent) == (10, 3)
    other = Snapshot(requests=4, planned_sent=4, away_s=12.0, why="ConnectError; probe: ConnectError")
    one.add(other)
    assert (one.requests, one.planned_sent, one.away_s, one.why) == (14, 7, 12.0, other.why)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_line_every_interval_and_one_as_soon_as_the_target_goes_away_or_comes_back():
    clock, said = Clock(), []
    state = Snapshot(requests=10, planned_sent=10)
    progress = Progress(30.0, lambda: state, said.append, lambda: (100, 4), 300.0, clock=clock)
    for t in (1, 10, 29):
        clock.now = t
        progress.tick()
    assert said == []
    clock.now = 30
    progress.tick()
    assert len(said) == 1 and said[0].startswith("progress: 10 requests sent, 0/4 ids judged")
    state.away_s, state.why = 0.0, "HTTP 503; probe: HTTP 503"
    clock.now = 31
    progress.tick()
    assert said[-1] == (
        "outage: the target is away (HTTP 503; probe: HTTP 503); waiting up to 5 min 00 s for it to come back"
    )
    state.away_s, state.outage_s, state.outages = None, 20.0, 1
    clock.now = 51
    progress.tick()
    assert said[-1] == "outage: the target answers again; 20.0 s waited for it so far"
    assert len(said) == 3  # the next progress line is due at 60
    state.away_s = 0.0
    clock.now = 52
    progress.tick()
    state.away_s, state.down = None, "the target stopped answering during the run: away for more than 5.0 min"
    clock.now = 53
    progress.tick()
    assert said[-1] == (
        "outage: the target stopped answering during the run: away for more than 5.0 min; the remaining tests are "
        "errors"
    )  # never "answers again"
    assert len(said) == 5


def test_ids_count_as_judged_when_a_check_passed_or_failed():
    progress = Progress(30.0, Snapshot, lambda _: None, lambda: (0, 3), 300.0, clock=Clock())

    def report(doc_id, when, outcome):
        return SimpleNamespace(when=when, outcome=outcome, user_properties=[(ID, doc_id)])

    for r in (report("a", "call", "passed"), report("b", "call", "failed"), report("c", "setup", "skipped"),
              report("a", "call", "failed"), report("d", "call", "skipped")):  # fmt: skip
        progress.saw(r)
    assert progress.judged == {"a", "b"}
