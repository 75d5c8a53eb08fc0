"""The xdist scheduler: one endpoint's tests on one worker, each test once, workers kept supplied, crashes requeued."""

from types import SimpleNamespace

import pytest

from msaaq_contract.pytest_plugin.scheduling import MAX_BUFFER, ByEndpoint


class FakeWorker:
    def __init__(self, name):
        self.name = name
        self.sent: list[int] = []
        self.messages = 0
        self.shutting_down = False
        self.gateway = SimpleNamespace(id=name)

    def send_runtest_some(self, indices):
        self.sent.extend(indices)
        self.messages += 1

    def shutdown(self):
        self.shutting_down = True

    def __repr__(self):
        return self.name


def collection(endpoints=300, families=("test_envelope", "test_status", "test_fuzz_valid")):
    ids = []
    for family in families:
        ids += [f"tests/conformance/t.py::{family}[admin.things.op-{i}]" for i in range(endpoints)]
    ids += [f"tests/conformance/test_language.py::test_language[admin.things.op-{i}-ar]" for i in range(endpoints)]
    return ids


def scheduler(items, workers=2, budget=None):
    config = SimpleNamespace(
        getvalue=lambda name: [f"{workers}*popen"],
        option=SimpleNamespace(loadscopereorder=True),
        getoption=lambda name, default=None: budget if name == "msaaq_time_budget" else default,
    )
    sched = ByEndpoint(config)
    nodes = [FakeWorker(f"gw{i}") for i in range(workers)]
    for node in nodes:
        sched.add_node(node)
        sched.add_node_collection(node, items)
    sched.schedule()
    return sched, nodes


def run_to_end(sched, nodes, items):
    """Completes tests in the order each worker received them, worker by worker, like xdist reports them."""
    done = dict.fromkeys(nodes, 0)
    while sched.has_pending:
        progressed = False
        for node in nodes:
            if done[node] < len(node.sent):
                sched.mark_test_complete(node, node.sent[done[node]])
                done[node] += 1
                progressed = True
        assert progressed, "work pending but nothing sent to any worker"
    return {node: [items[i] for i in node.sent] for node in nodes}


def test_each_test_runs_once_and_an_endpoint_stays_on_one_worker():
    items = collection()
    sched, nodes = scheduler(items)
    ran = run_to_end(sched, nodes, items)
    everything = [nodeid for node in nodes for nodeid in ran[node]]
    assert sorted(everything) == sorted(items)
    where = {}
    for node in nodes:
        for nodeid in ran[node]:
            assert where.setdefault(sched._split_scope(nodeid), node) is node
    assert all(len(ran[node]) > len(items) // 4 for node in nodes)  # both workers got a fair share
    assert sched.tests_finished
    assert all(node.shutting_down for node in nodes)
    # several endpoints per message: each send costs the controller more than a test's report does
    assert sum(node.messages for node in nodes) <= 300 / 3


def test_workers_are_topped_up_before_they_run_dry():
    items = collection()
    sched, nodes = scheduler(items)
    buffer = sched._buffer()
    assert 2 < buffer <= MAX_BUFFER
    assert all(len(node.sent) > buffer for node in nodes)  # the first supply is more than one endpoint's worth
    node = nodes[0]
    for index in list(node.sent):
        sched.mark_test_complete(node, index)
        if sched.workqueue:
            assert sched._pending[node] > buffer


def test_finished_endpoints_are_dropped_from_the_workload():
    items = collection(endpoints=50)
    sched, nodes = scheduler(items)
    node = nodes[0]
    scope = sched._split_scope(items[node.sent[0]])
    assert scope in sched.assigned_work[node]
    for index in [i for i in node.sent if sched._split_scope(items[i]) == scope]:
        sched.mark_test_complete(node, index)
    assert scope not in sched.assigned_work[node]
    assert sched.assigned_work[node]  # the rest of its supply is still there


def test_a_crashed_worker_s_pending_tests_go_to_the_others():
    items = collection(endpoints=100)
    sched, nodes = scheduler(items)
    crashed, survivor = nodes
    sched.mark_test_complete(crashed, crashed.sent[0])
    crash_item = sched.remove_node(crashed)
    assert crash_item == items[crashed.sent[1]]
    ran = run_to_end(sched, [survivor], items)
    assert sorted(ran[survivor] + [items[crashed.sent[0]]]) == sorted(items)


@pytest.mark.parametrize("workers", [1, 3])
def test_any_number_of_workers(workers):
    items = collection(endpoints=40)
    sched, nodes = scheduler(items, workers=workers)
    ran = run_to_end(sched, nodes, items)
    assert sorted(n for node in nodes for n in ran[node]) == sorted(items)


def test_under_a_time_budget_every_happy_request_goes_before_any_fuzz_example(monkeypatch):
    monkeypatch.delenv("MSAAQ_TIME_BUDGET", raising=False)
    items = collection(endpoints=300, families=("test_envelope", "test_status", "test_fuzz_valid"))
    # the plugin sorts a budgeted run by value: envelope and status (one module) first, fuzz (another) last
    items = [i.replace("t.py::test_fuzz", "fuzz.py::test_fuzz") for i in items]
    _, nodes = scheduler(items, budget="6m")
    first = [items[i] for node in nodes for i in node.sent[:10]]
    assert first and not any("test_fuzz" in nodeid for nodeid in first)
    _, nodes_plain = scheduler(items)
    first_plain = [items[i] for node in nodes_plain for i in node.sent[:10]]
    assert any("test_fuzz" in nodeid for nodeid in first_plain)  # without a budget: one endpoint, all families
