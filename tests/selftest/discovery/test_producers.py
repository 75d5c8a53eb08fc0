"""Producers are computed from the contract: every path parameter's collection, parents first, and a new
operation added to the contract gets all of it with no code change (creators: ``contract/test_resources.py``)."""

from __future__ import annotations

import copy

from msaaq_contract.contract import Contract, load_contract
from msaaq_contract.contract.loader import Bundle
from msaaq_contract.discovery.producers import ProducerMap, slots


def producer_of(contract: Contract, doc_id: str, param: str):
    op = contract.operation(doc_id)
    slot = next(s for s in slots(op) if s.param == param)
    return slot, ProducerMap(contract).producer(slot, op.area)


def test_children_are_keyed_by_their_collection_under_the_parent():
    contract = load_contract()
    slot, producer = producer_of(contract, "admin.courses.chapters.contents.show-content", "content")
    assert slot.key == "/admin/courses/{course}/chapters/{chapter}/contents"
    assert slot.parents == ("course", "chapter")
    assert producer is not None and producer.kind == "collection"
    assert producer.operation.path == slot.key and producer.member == "id"


def test_namesake_and_member_producers():
    contract = load_contract()
    _, user = producer_of(contract, "admin.products.deprecated-check-google-calendar", "user")
    assert user is not None and (user.kind, user.operation.path) == ("namesake", "/admin/users")
    _, cart = producer_of(contract, "tenant.cart.get-cart-by-uuid", "uuid")
    assert cart is not None and (cart.kind, cart.member) == ("member", "uuid")


def test_a_generic_id_is_never_taken_from_an_unrelated_object():
    contract = load_contract()
    _, producer = producer_of(contract, "admin.auth.email-verification", "id")
    assert producer is None


def test_most_parameters_have_a_producer():
    contract = load_contract()
    producers = ProducerMap(contract)
    keyed = {(slot.key, slot.param, op.area): slot for _, op, slot in producers.needed()}
    with_producer = [k for k, slot in keyed.items() if producers.producer(slot, k[2]) is not None]
    # 70 since one path per route (tools/contract_routes.py): book-appointment's `{product}` segment shares its URI
    # with show-appointments-details, so both now name it `{appointment}` (x-path-param-renamed) and count as one
    # slot of /tenant/appointments; both slots were already produced by that collection's list before the merge.
    assert len(keyed) == 70
    assert len(with_producer) >= 62  # measured 62: the rest have no list in the contract (signature, hash, ...)


def test_an_operation_added_to_the_contract_gets_discovery_without_code(tmp_path):
    base = load_contract()
    document = copy.deepcopy(base.document)
    listing = copy.deepcopy(document["paths"]["/admin/coupons"]["get"])
    listing["operationId"] = "admin.widgets.list"
    listing["x-doc-ids"] = [{"id": "admin.widgets.list", "title": "List widgets", "source": "inferred",
                             "confidence": "low"}]  # fmt: skip
    detail = copy.deepcopy(document["paths"]["/admin/coupons/{coupon}"]["get"])
    detail["operationId"] = "admin.widgets.get"
    detail["x-doc-ids"] = [{"id": "admin.widgets.get", "title": "Get widget", "source": "inferred",
                            "confidence": "low"}]  # fmt: skip
    for param in detail["parameters"]:
        if param.get("in") == "path":
            param["name"] = "widget"
    document["paths"]["/admin/widgets"] = {"get": listing}
    document["paths"]["/admin/widgets/{widget}"] = {"get": detail}
    contract = Contract(Bundle(document, base.bundle.root, [], digest="widgets"))
    _, producer = producer_of(contract, "admin.widgets.get", "widget")
    assert producer is not None and producer.operation.operation_id == "admin.widgets.list"
