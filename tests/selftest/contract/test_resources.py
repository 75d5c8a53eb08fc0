"""The resource graph is read from the contract once: collections with their list, create, read, update and
delete, the member a create answers the new item in, the chains the stateful family walks, and the bindings the
reference server stores rows by. A resource added to the contract gets all of it with no code change."""

from __future__ import annotations

import copy
import re

import pytest

from msaaq_contract.contract import Contract, load_contract
from msaaq_contract.contract.loader import Bundle
from msaaq_contract.contract.resources import resource_graph


@pytest.fixture(scope="module")
def contract() -> Contract:
    return load_contract()


def _posts_on(contract: Contract, template: str) -> list[str]:
    """Documented, non-destructive POSTs on a collection template, read straight from the contract."""
    return [op.operation_id for op in contract if op.path == template and op.method == "post"
            and not op.undocumented and not op.destructive]  # fmt: skip


def test_every_destructive_operation_whose_collection_has_a_create_gets_one(contract):
    graph = resource_graph(contract)
    with_create, without = [], []
    for doc_id, op in contract.documented():
        if not (op.destructive and op.path_params):
            continue
        last = list(re.finditer(r"\{([^}]+)\}", op.path))[-1]
        template, param = op.path[: last.start()].rstrip("/"), last.group(1)
        target = graph.destroyed(op)
        assert target is not None and (target.path, target.param) == (template, param)
        if _posts_on(contract, template):
            assert target.create is not None, f"{doc_id}: {template} has a create"
            assert target.create.operation_id in _posts_on(contract, template)
            with_create.append(doc_id)
        else:
            assert target.create is None, doc_id
            without.append(doc_id)
    assert "admin.builder.pages.delete-page" in with_create  # once skipped: the page model declares no members
    assert "admin.msaaqpay.transactions.refund" in without
    assert (len(with_create), len(without)) == (31, 7)  # measured on the committed contract


def test_a_create_answers_the_new_item_where_its_link_says(contract):
    graph = resource_graph(contract)
    courses = graph.collection("/admin/courses", "course")
    assert courses.create is not None and courses.create.operation_id == "admin.courses.create-course"
    assert courses.member == "id"  # course = $response.body#/data/id
    assert courses.listing is not None and courses.listing.operation_id == "admin.courses.list-courses"
    ops = (courses.read, courses.update, courses.delete)
    assert [op.operation_id if op else None for op in ops] == [
        "admin.courses.get-course", "admin.courses.update-course", "admin.courses.delete-course",
    ]  # fmt: skip
    assert courses.describe_create() == "POST /admin/courses -> data.id"
    domains = graph.collection("/admin/domains", "domain")
    assert domains.member == "id"  # not the domain's name, which it also carries
    pages = graph.collection("/admin/pages", "page")  # an opaque model: the link alone says where the id is
    assert pages.create is not None and pages.member == "id"
    assert graph.created_by(contract.operation("admin.builder.pages.create")) is pages


def test_reads_are_never_creates_and_a_collection_without_a_post_has_none(contract):
    graph = resource_graph(contract)
    for collection in graph.collections.values():
        if collection.create is not None:
            assert collection.create.method == "post" and collection.create.path == collection.path
            assert not collection.create.destructive and not collection.create.undocumented
        if collection.delete is not None:
            assert collection.delete.method == "delete" and collection.delete.path == collection.item
    transactions = graph.collection("/admin/msaaqpay/transactions", "transaction")
    assert transactions.create is None
    assert transactions.describe_create() == "no create for /admin/msaaqpay/transactions"


def test_chains_start_at_creates_that_link_a_read(contract):
    chains = resource_graph(contract).chains
    assert len(chains) == 24
    for doc_id, chain in chains.items():
        assert chain.create.doc_ids[0] == doc_id and "read" in chain.links
        assert chain.member in ("id", "uuid")
    quiz = chains["admin.quizzes.create"]
    assert {name: op.operation_id for name, op in quiz.links.items()} == {
        "read": "admin.quizzes.get-quiz", "update": "admin.quizzes.update-quiz",
        "delete": "admin.quizzes.delete-quiz", "list": "admin.quizzes.list-quizzes",
    }  # fmt: skip


def test_one_graph_per_contract(contract):
    assert resource_graph(contract) is resource_graph(contract)


def test_the_reference_server_view_shares_rows_across_areas(contract):
    graph = resource_graph(contract)
    chapters = graph.resources["courses/chapters"]
    assert chapters.parent is graph.resources["courses"] and chapters.parent_field == "course_id"
    storefront = graph.binding(contract.operation("tenant.courses.course-details"))
    assert storefront.role == "read" and storefront.target is graph.resources["courses"]
    removed = graph.removes_rows()
    assert removed["admin.courses.delete-course"][0] is graph.resources["courses"]


def test_a_resource_added_to_the_contract_gets_a_create_and_delete_without_code(contract):
    document = copy.deepcopy(contract.document)
    paths = document["paths"]
    renamed = {}
    copies = (("/admin/coupons", "/admin/widgets"), ("/admin/coupons/{coupon}", "/admin/widgets/{widget}"))
    for template, item in copies:
        renamed[item] = copy.deepcopy(paths[template])
        for op in renamed[item].values():
            op["operationId"] = op["operationId"].replace("coupons", "widgets").replace("coupon", "widget")
            op["x-doc-ids"] = [{**d, "id": op["operationId"]} for d in op.get("x-doc-ids", [])]
            for param in op.get("parameters", []):
                if param.get("in") == "path":
                    param["name"] = "widget"
            for response in op.get("responses", {}).values():
                if isinstance(response, dict):
                    response.pop("links", None)  # no links: the routes alone say what creates and deletes
    paths.update(renamed)
    graph = resource_graph(Contract(Bundle(document, contract.bundle.root, [], digest="widgets")))
    widgets = graph.collection("/admin/widgets", "widget")
    assert widgets.create is not None and widgets.create.path == "/admin/widgets" and widgets.member == "id"
    assert widgets.delete is not None and widgets.delete.path == "/admin/widgets/{widget}"
    delete = next(op for op in graph.contract if op.method == "delete" and op.path == "/admin/widgets/{widget}")
    assert graph.destroyed(delete) == widgets
