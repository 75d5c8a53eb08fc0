"""Deterministic seed data and the fixture values the suite calls the server with.

Two academies, ``academy-a.msaaq.test`` (index 1) and ``academy-b.msaaq.test`` (index 2). Every stateful
resource of the contract's resource graph gets rows in both: ids are ``index * 1000 + n`` per resource, so academy-a's
first course is 1001 and academy-b's is 2001, and the first row of *any* resource in academy-a is 1001
(which lets one path value per parameter name serve every route). Top-level resources get three rows,
nested ones two under each of the first two parents (chapters 1001-1002 under course 1001). Each documented
id that deletes a row gets a spare row of its own (under the first parent), named in
``fixture_values()["operations"]``. Text is English with an Arabic overlay; the clock is fixed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..contract import Contract
from ..contract.resources import Resource, ResourceGraph, resource_graph
from .clock import FIXED_ISO
from .credentials import ACADEMIES, DemoCredentials, admin_email, second_student_email, student_email
from .schemas import SchemaIndex
from .store import Identity, Row, Store
from .synth import SAMPLE_UUID
from .texts import ARABIC_DIGITS, DEFAULT_NOUN, NOUNS, SEED_TITLES

TOP_LEVEL_ROWS = 3
CHILDREN_PER_PARENT = 2
PRIMARY_PARENTS = 2
CART_RESOURCE = "_carts"  # the students' carts; not a contract resource
SECOND_MEMBER = "Member 2"  # the seeded members row n°2 (its e-mail is second_student_email)
DEMO_PEOPLE = {"members": ("Omar Khaled", "عمر خالد"), "users": ("Sara Ahmed", "سارة أحمد")}
ACADEMY_NAMES = {
    ACADEMIES[0]: ("Academy A", "أكاديمية أ"),
    ACADEMIES[1]: ("Academy B", "أكاديمية ب"),
}


@dataclass(frozen=True)
class SeedPlan:
    rows: list[Row]
    spares: dict[str, tuple[str, str]]  # doc id -> (path parameter, academy-a spare id)

    def first_id(self, resource: str, academy: str) -> str | None:
        return next((r.id for r in self.rows if r.resource == resource and r.academy == academy), None)


def text_fields(index: SchemaIndex, resource: Resource) -> set[str]:
    """Property names of the resource as the contract's responses show it."""
    names: set[str] = set()
    for op in resource.ops:
        spec = op.responses.get("200") or op.responses.get("201")
        data = index.data_schema(spec.schema) if spec and spec.schema else None
        if data is None:
            continue
        flat = index.flatten(data)
        if "array" in str(flat.get("type", "")) or "items" in flat:
            flat = index.flatten(index.item_schema(data) or {})
        names.update((flat.get("properties") or {}).keys())
    return names


def _titles(resource: Resource, n: int) -> tuple[str, str]:
    fixed = SEED_TITLES.get(resource.key)
    if fixed and n <= len(fixed):
        return fixed[n - 1]
    en, ar = NOUNS.get(resource.name, DEFAULT_NOUN)
    return f"{en} {n}", f"{ar} {str(n).translate(ARABIC_DIGITS)}"


def _doc(resource: Resource, fields: set[str], row_id: int, n: int, academy: str, parent: str) -> Row:
    value: int | str = row_id if resource.integer_ids else str(row_id)
    doc: dict[str, Any] = {"id": value, "created_at": FIXED_ISO, "updated_at": FIXED_ISO}
    en, ar = _titles(resource, n)
    overlay: dict[str, Any] = {}
    for key in ("title", "name"):
        if key in fields:
            doc[key] = en
            overlay[key] = ar
    if "slug" in fields:
        doc["slug"] = f"{resource.name.rstrip('s')}-{row_id}"
    if resource.parent_field and parent:
        doc[resource.parent_field] = int(parent) if parent.isdigit() else parent
    _extras(resource.key, doc, n, academy, row_id)
    person = DEMO_PEOPLE.get(resource.key) if n == 1 else None
    if person:  # the demo student is member n°1, the demo admin user n°1
        doc["name"], overlay["name"] = person
    return Row(resource.key, str(row_id), academy, parent, doc, {"ar": overlay} if overlay else {})


def _extras(key: str, doc: dict[str, Any], n: int, academy: str, row_id: int) -> None:
    """The few fields flows depend on: logins, coupon codes, order ownership, webhook urls."""
    if key == "members":
        doc["email"] = student_email(academy) if n == 1 else f"member{n}@{academy}"
    elif key == "users":
        doc["email"] = admin_email(academy) if n == 1 else f"user{n}@{academy}"
    elif key == "coupons":
        doc["code"] = f"SAVE{row_id}"
    elif key == "orders":
        doc["member_id"] = ACADEMIES.index(academy) * 1000 + 1001
    elif key == "webhooks":
        doc["url"] = f"https://hooks.{academy}/{row_id}"


def plan(contract: Contract, resources: ResourceGraph | None = None, index: SchemaIndex | None = None) -> SeedPlan:
    resources = resources or resource_graph(contract)
    index = index or SchemaIndex(contract)
    spares_needed: dict[str, list[tuple[str, str]]] = {}
    for doc_id, (resource, param) in sorted(resources.removes_rows().items()):
        spares_needed.setdefault(resource.key, []).append((doc_id, param))
    rows: list[Row] = []
    spares: dict[str, tuple[str, str]] = {}
    by_key: dict[tuple[str, str], list[Row]] = {}
    for resource in resources.ordered():
        fields = text_fields(index, resource)
        for idx, academy in enumerate(ACADEMIES, start=1):
            made: list[Row] = []
            parents = (
                [""]
                if resource.parent is None
                else [r.id for r in by_key.get((resource.parent.key, academy), [])[:PRIMARY_PARENTS]]
            )
            per_parent = TOP_LEVEL_ROWS if resource.parent is None else CHILDREN_PER_PARENT
            for parent in parents:
                for _ in range(per_parent):
                    n = len(made) + 1
                    made.append(_doc(resource, fields, idx * 1000 + n, n, academy, parent))
            for doc_id, param in spares_needed.get(resource.key, []):
                n = len(made) + 1
                made.append(_doc(resource, fields, idx * 1000 + n, n, academy, parents[0] if parents else ""))
                if idx == 1:
                    spares[doc_id] = (param, made[-1].id)
            by_key[(resource.key, academy)] = made
            rows.extend(made)
    return SeedPlan(rows, spares)


def seed(store: Store, contract: Contract, credentials: DemoCredentials, seed_plan: SeedPlan) -> None:
    """Fill an empty database: academies, the demo identities, every planned row and the demo carts."""
    for idx, academy in enumerate(ACADEMIES, start=1):
        en, ar = ACADEMY_NAMES[academy]
        store.add_academy(idx, academy, {"id": idx, "domain": academy, "title": en, "title_ar": ar})
        admin_id = idx * 1000 + 1  # the first seeded user / member of the academy
        store.add_identity(
            Identity("admin", academy, admin_email(academy), admin_id, DEMO_PEOPLE["users"][0]), credentials.password
        )
        store.add_identity(
            Identity("student", academy, student_email(academy), admin_id, DEMO_PEOPLE["members"][0]),
            credentials.password,
        )
        # The academy's second member logs in too: the other user of the ownership checks.
        second = Identity("student", academy, second_student_email(academy), admin_id + 1, SECOND_MEMBER)
        store.add_identity(second, credentials.password)
    store.insert_many(seed_plan.rows + list(_carts(seed_plan)))


def cart_uuid(idx: int, n: int = 0) -> str:
    """The uuid of academy ``idx``'s demo student cart (n=0) or guest cart (n=1)."""
    return SAMPLE_UUID if (idx, n) == (1, 0) else f"00000000-0000-4000-8000-{idx:06d}{n:06d}"


def _carts(seed_plan: SeedPlan) -> Iterator[Row]:
    """Each academy's demo student and guest cart hold its first two products (academy-a's uses SAMPLE_UUID)."""
    for idx, academy in enumerate(ACADEMIES, start=1):
        products = [r.id for r in seed_plan.rows if r.resource == "products" and r.academy == academy][:2]
        items = [{"product_id": int(p), "product_type": "product", "quantity": 1} for p in products]
        for n, owner in enumerate((str(idx * 1000 + 1), "guest")):
            uuid = cart_uuid(idx, n)
            yield Row(CART_RESOURCE, f"{academy}:{owner}", academy, "", {"uuid": uuid, "items": list(items)}, {})


def _unbound_value(name: str, types: set[str]) -> Any:
    if "integer" in types or "number" in types:
        return 1
    return {"uuid": SAMPLE_UUID, "gateway": "tap", "hash": "sample-hash", "signature": "sample-signature"}.get(
        name, "sample"
    )


def fixture_values(contract: Contract) -> dict[str, Any]:
    """Path values with which every documented id answers 2xx on a fresh server (see the module doc)."""
    resources = resource_graph(contract)
    seed_plan = plan(contract, resources)
    a, b = ACADEMIES
    bound: dict[str, Resource] = {}
    resource: Resource | None
    types: dict[str, set[str]] = {}
    for op in contract:  # undocumented client calls too (a payment gateway's callback): every route answers
        for resource, param in resources.binding(op).chain:
            bound.setdefault(param, resource)
        for p in op.path_params:
            t = p.schema.get("type", "string")
            types.setdefault(p.name, set()).update(t if isinstance(t, list) else [t])
    path: dict[str, Any] = {}
    other: dict[str, Any] = {}
    for name in sorted(types):
        resource = bound.get(name)
        if resource is None:
            path[name] = other[name] = _unbound_value(name, types[name])
            if name == "uuid":  # the cart routes: each academy's demo student cart
                other[name] = cart_uuid(2)
            continue
        first_a, first_b = seed_plan.first_id(resource.key, a), seed_plan.first_id(resource.key, b)
        as_int = "integer" in types[name] or resource.integer_ids
        path[name] = int(first_a) if as_int and first_a and first_a.isdigit() else first_a
        other[name] = int(first_b) if as_int and first_b and first_b.isdigit() else first_b
    operations: dict[str, dict[str, Any]] = {}
    for doc_id, (param, spare) in seed_plan.spares.items():
        operations[doc_id] = {param: int(spare) if isinstance(path.get(param), int) else spare}
    return {"tenant": a, "other_tenant": b, "path": path, "operations": operations, "other_tenant_path": other}
