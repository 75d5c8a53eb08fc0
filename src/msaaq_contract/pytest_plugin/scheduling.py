"""Under pytest-xdist, all tests of one documented endpoint run on one worker: its families share one happy
exchange, and a DELETE sent from two workers would make the second one 404.

``ByEndpoint`` is xdist's scope scheduler with the scope being the documented id, and three changes that matter
when a suite has thousands of millisecond tests (measured on the offline suite, 4,537 tests, 2 workers):

- a worker is topped up before it runs dry, several endpoints per message. xdist sends the next scope once a
  worker has 2 tests left; while the controller is busy with reports, that buffer lasts a few milliseconds and
  the workers wait for work;
- the tests of a scope are found by a dictionary, not by ``list.index`` over the whole collection;
- finished scopes are dropped, so the pending count does not walk every finished scope on every report.

Under ``--time-budget`` the collection is in value order (``plan.VALUE_ORDER``) and a scope is one endpoint's
tests *of one test module* (the families sharing the happy exchange live in one module), so the workers take
every endpoint's happy request before any endpoint's fuzz examples.
"""

from __future__ import annotations

from typing import Any

from xdist.scheduler import LoadScopeScheduling

from .collection import endpoint_of
from .traffic import time_budget

# Tests kept queued on each worker: about 2% of the run each, so the last worker to finish waits at most that.
BUFFER_SHARE = 50
MIN_BUFFER = 2
MAX_BUFFER = 64


class ByEndpoint(LoadScopeScheduling):  # type: ignore[misc]  # untyped base (pytest-xdist)
    def __init__(self, config: Any, log: Any = None) -> None:
        super().__init__(config, log)
        self._indexes: dict[Any, dict[str, int]] = {}
        self._pending: dict[Any, int] = {}
        self._scopes: dict[str, str] = {}
        self._buffer_size: int | None = None
        self._by_module = time_budget(config) is not None

    def _split_scope(self, nodeid: str) -> str:
        scope = self._scopes.get(nodeid)
        if scope is None:
            scope = endpoint_of(nodeid)
            if self._by_module:
                scope += "|" + nodeid.split("::", 1)[0]
            self._scopes[nodeid] = scope
        return scope

    def _buffer(self) -> int:
        if self._buffer_size is None:  # fixed once the collection is known (``nodes`` is rebuilt on each call)
            tests = len(self.collection or ())
            self._buffer_size = max(MIN_BUFFER, min(MAX_BUFFER, tests // (BUFFER_SHARE * max(1, len(self.nodes)))))
        return self._buffer_size

    def _assign_work_unit(self, node: Any) -> None:
        node.send_runtest_some(self._take_unit(node))

    def _take_unit(self, node: Any) -> list[int]:
        """The next endpoint's tests, now assigned to ``node`` (by their index in its collection)."""
        scope, work_unit = self.workqueue.popitem(last=False)
        self.assigned_work.setdefault(node, {})[scope] = work_unit
        index = self._indexes.get(node)
        if index is None:
            index = self._indexes[node] = {nodeid: i for i, nodeid in enumerate(self.registered_collections[node])}
        todo = [index[nodeid] for nodeid, completed in work_unit.items() if not completed]
        self._pending[node] = self._pending.get(node, 0) + len(todo)
        return todo

    def _reschedule(self, node: Any) -> None:
        if node.shutting_down:
            return
        if not self.workqueue:
            node.shutdown()
            return
        buffer = self._buffer()
        if self._pending.get(node, 0) > buffer:
            return
        # Refill to twice the buffer in one message: each send costs the controller more than a test's report.
        todo: list[int] = []
        while self.workqueue and self._pending.get(node, 0) <= 2 * buffer:
            todo += self._take_unit(node)
        node.send_runtest_some(todo)

    def mark_test_complete(self, node: Any, item_index: int, duration: float = 0) -> None:
        nodeid = self.registered_collections[node][item_index]
        scope = self._split_scope(nodeid)
        workload = self.assigned_work[node]
        workload[scope][nodeid] = True
        self._pending[node] = self._pending.get(node, 1) - 1
        if not any(completed is False for completed in workload[scope].values()):
            del workload[scope]  # a finished scope has no pending test: dropping it changes no count
        self._reschedule(node)

    def remove_node(self, node: Any) -> Any:
        self._indexes.pop(node, None)
        self._pending.pop(node, None)
        return super().remove_node(node)
