"""The operations whose answer depends on more than one row: tokens, logins, accounts and the cart.

Everything else is generic (``handlers``). The reference server sends no e-mail or SMS: password-reset and
signed-URL operations accept any token and leave passwords unchanged; the demo OTP is ``123456``.
Students have their own cart; anonymous and client-token shoppers share one guest cart per academy.
Unknown coupon codes are accepted without a discount (the server checks the shape, not the business rule).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..contract import Contract
from ..contract.identities import identities
from .clock import FIXED_ISO
from .context import Ctx
from .envelopes import Reply, failed, field_error
from .handlers import success_status
from .seed import CART_RESOURCE
from .services import Services
from .store import Identity, Row
from .texts import message

Flow = Callable[[Services, Ctx], Reply]
FLOWS: dict[str, Flow] = {}  # by operationId
# By the role the contract's identities give an operation, wherever it lives: ``login:<identity>`` (the
# ``x-identity`` issuer of that identity's token), ``logout`` (``x-session: ends``).
ROLES: dict[str, Flow] = {}
DEMO_OTP = "123456"
ITEM_PRICE = 100


def flow(*operation_ids: str, role: str | None = None) -> Callable[[Flow], Flow]:
    def register(fn: Flow) -> Flow:
        for oid in operation_ids:
            FLOWS[oid] = fn
        if role is not None:
            ROLES[role] = fn
        return fn

    return register


def bind_flows(contract: Contract) -> dict[str, Flow]:
    """Each special operation's flow by operationId: logins and logouts where the contract's identities say."""
    table = identities(contract)
    bound = dict(FLOWS)
    for identity in table:
        login = ROLES.get(f"login:{identity.name}")
        if login is not None:
            bound[identity.issuer.operation_id] = login
    bound.update({op.operation_id: ROLES["logout"] for op in contract if table.ends_session(op)})
    return bound


def _body(e: Services, ctx: Ctx) -> tuple[Any, Any]:
    """A fresh synthesised success body and its ``data`` schema."""
    status = success_status(ctx.op)
    spec = ctx.op.responses[status]
    return e.synth.response(ctx.op, status, ctx.lang), e.index.data_schema(spec.schema)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


# -- tokens and logins ---------------------------------------------------------------------------------
@flow(role="login:oauthClient")
def oauth_token(e: Services, ctx: Ctx) -> Reply:
    f = ctx.fields
    if f.get("client_id") != e.credentials.client_id or f.get("client_secret") != e.credentials.client_secret:
        return failed(401, "UNAUTHORIZED", message("bad_client", ctx.lang))
    token = e.auth.issue("client", None, None)
    data = {"token_type": "Bearer", "expires_in": e.auth.ttl, "access_token": token}
    return Reply(200, {"status": "success", "code": "200", "data": data})


def _admin_body(e: Services, ctx: Ctx, identity: Identity, token: str) -> Reply:
    body, data_schema = _body(e, ctx)
    data = body.get("data") if isinstance(body, dict) else None
    if isinstance(data, dict):
        data["token"] = token
        user = e.store.get("users", str(identity.user_id))
        doc = user.localized(ctx.lang) if user else {"id": identity.user_id, "email": identity.email}
        data["user"] = e.view.render(
            {**doc, "name": identity.name}, e.index.property_schema(data_schema, "user"), ctx.lang, 2
        )
        academy = e.store.academy(identity.academy) or {}
        items = e.index.item_schema(e.index.property_schema(data_schema, "academies"))
        if items is not None:
            data["academies"] = [e.view.render(academy, items, ctx.lang, 2)]
    return Reply(200, body)


@flow(role="login:adminUser")
def admin_login(e: Services, ctx: Ctx) -> Reply:
    found = e.store.find_identity("admin", None, _text(ctx.fields.get("email")))
    if found is None or found[1] != ctx.fields.get("password"):
        return field_error("email", "bad_credentials", ctx.lang)
    identity = found[0]
    return _admin_body(e, ctx, identity, e.auth.issue("admin", identity.user_id, identity.academy))


@flow("admin.auth.refresh-token")
def admin_refresh(e: Services, ctx: Ctx) -> Reply:
    identity = _me(e, ctx)
    if identity is None:
        return failed(401, "UNAUTHORIZED", message("unauthenticated", ctx.lang))
    # The old token stays valid until it expires: suites that hold it keep working.
    return _admin_body(e, ctx, identity, e.auth.issue("admin", identity.user_id, identity.academy))


@flow("admin.auth.register")
def admin_register(e: Services, ctx: Ctx) -> Reply:
    email = _text(ctx.fields.get("email")).strip().lower()
    if e.store.find_identity("admin", None, email) is not None:
        return field_error("email", "taken", ctx.lang)
    idx = e.store.next_id("_academies")
    domain = f"academy-{idx}.msaaq.test"
    e.store.add_academy(idx, domain, {"id": idx, "domain": domain, "title": _text(ctx.fields.get("name"))})
    user_id = e.store.next_id("users")
    name = _text(ctx.fields.get("name"))
    doc = {"id": user_id, "email": email, "name": name, "created_at": FIXED_ISO, "updated_at": FIXED_ISO}
    e.store.insert(Row("users", str(user_id), domain, "", doc, {}))
    identity = Identity("admin", domain, email, user_id, name)
    e.store.add_identity(identity, _text(ctx.fields.get("password")))
    return _admin_body(e, ctx, identity, e.auth.issue("admin", user_id, domain))


@flow(role="logout")
def logout(e: Services, ctx: Ctx) -> Reply:
    if ctx.caller.token:
        e.auth.revoke(ctx.caller.token)
    body, _ = _body(e, ctx)
    if isinstance(body, dict):
        body["message"] = message("logged_out", ctx.lang)
    return Reply(200, body)


def _me(e: Services, ctx: Ctx) -> Identity | None:
    caller = ctx.caller
    if caller.kind not in ("admin", "student") or caller.user_id is None or caller.academy is None:
        return None
    return e.store.identity_by_id(caller.kind, caller.academy, caller.user_id)


def _check_password(e: Services, ctx: Ctx, field: str) -> Reply | Identity:
    identity = _me(e, ctx)
    found = e.store.find_identity(identity.kind, identity.academy, identity.email) if identity else None
    if identity is None or found is None or found[1] != ctx.fields.get(field):
        return field_error(field, "bad_credentials", ctx.lang)
    return identity


@flow("admin.auth.change-password", "tenant.account.update-login-credentials.change-password")
def change_password(e: Services, ctx: Ctx) -> Reply:
    identity = _check_password(e, ctx, "old_password") if "old_password" in ctx.fields else _me(e, ctx)
    if not isinstance(identity, Identity):
        return (
            identity
            if isinstance(identity, Reply)
            else failed(401, "UNAUTHORIZED", message("unauthenticated", ctx.lang))
        )
    new = ctx.fields.get("password")
    confirm = ctx.fields.get("password_confirmation", new)
    if not isinstance(new, str) or confirm != new:
        return field_error("password", "generic", ctx.lang)
    e.store.set_password(identity, new)
    body, _ = _body(e, ctx)
    return Reply(200, body)


@flow("admin.auth.change-email")
def change_email(e: Services, ctx: Ctx) -> Reply:
    # The change waits for the new address to be confirmed (by e-mail), so the login e-mail is unchanged.
    checked = _check_password(e, ctx, "password")
    if isinstance(checked, Reply):
        return checked
    body, _ = _body(e, ctx)
    return Reply(200, body)


# -- students --------------------------------------------------------------------------------------------
def _member_body(e: Services, ctx: Ctx, identity: Identity, token: str | None) -> Reply:
    body, data_schema = _body(e, ctx)
    row = e.store.get("members", str(identity.user_id))
    doc = row.localized(ctx.lang) if row else {"id": identity.user_id, "email": identity.email, "name": identity.name}
    if isinstance(body, dict) and isinstance(body.get("data"), dict):
        if token is None:
            body["data"] = e.view.render(doc, data_schema, ctx.lang)
        else:
            body["data"]["token"] = token
            member_schema = e.index.property_schema(data_schema, "member")
            body["data"]["member"] = e.view.render(doc, member_schema, ctx.lang, 2)
    return Reply(200, body)


@flow("tenant.auth.authorize")
def authorize(e: Services, ctx: Ctx) -> Reply:
    via = _text(ctx.fields.get("via")) or "email"
    known = e.store.find_identity("student", ctx.academy, _text(ctx.fields.get("email"))) is not None
    body, _ = _body(e, ctx)
    body["data"] = {"via": via, "next_action": "password" if via == "email" and known else "otp"}
    return Reply(200, body)


@flow(role="login:tenantStudent")
def authorize_verify(e: Services, ctx: Ctx) -> Reply:
    f = ctx.fields
    found = e.store.find_identity("student", ctx.academy, _text(f.get("email")))
    secret_ok = found is not None and (
        found[1] == f.get("password") if f.get("via") != "otp" else f.get("otp_code") == DEMO_OTP
    )
    if found is None or not secret_ok:
        return field_error("password" if f.get("via") != "otp" else "otp_code", "bad_credentials", ctx.lang)
    identity = found[0]
    return _member_body(e, ctx, identity, e.auth.issue("student", identity.user_id, identity.academy))


@flow("tenant.auth.register")
def register(e: Services, ctx: Ctx) -> Reply:
    f = ctx.fields
    email = _text(f.get("email")).strip().lower()
    if e.store.find_identity("student", ctx.academy, email) is not None:
        return field_error("email", "taken", ctx.lang)
    member_id = e.store.next_id("members")
    doc: dict[str, Any] = {k: f[k] for k in ("name", "phone", "phone_code") if k in f}
    doc.update(id=member_id, email=email, created_at=FIXED_ISO, updated_at=FIXED_ISO)
    e.store.insert(Row("members", str(member_id), ctx.academy, "", doc, {}))
    identity = Identity("student", ctx.academy, email, member_id, _text(f.get("name")))
    e.store.add_identity(identity, _text(f.get("password")))
    return _member_body(e, ctx, identity, e.auth.issue("student", member_id, ctx.academy))


@flow("tenant.auth.me")
def student_me(e: Services, ctx: Ctx) -> Reply:
    identity = _me(e, ctx)
    if identity is None:
        return failed(401, "UNAUTHORIZED", message("unauthenticated", ctx.lang))
    return _member_body(e, ctx, identity, None)


# -- cart and checkout -----------------------------------------------------------------------------------
def cart_key(ctx: Ctx) -> str:
    if ctx.caller.kind == "student" and ctx.caller.user_id is not None:
        return f"{ctx.academy}:{ctx.caller.user_id}"
    return f"{ctx.academy}:guest"


def load_cart(e: Services, ctx: Ctx) -> Row:
    row = e.store.get(CART_RESOURCE, cart_key(ctx))
    if row is None:
        uuid = f"00000000-0000-4000-8000-{e.store.next_id(CART_RESOURCE):012d}"
        row = e.store.insert(Row(CART_RESOURCE, cart_key(ctx), ctx.academy, "", {"uuid": uuid, "items": []}, {}))
    return row


def render_cart(e: Services, ctx: Ctx, cart: Row, schema: Any) -> Any:
    items_schema = e.index.item_schema(e.index.property_schema(schema, "items"))
    items = []
    subtotal = 0
    for n, item in enumerate(cart.doc.get("items", []), start=1):
        kind = "courses" if item.get("product_type") == "course" else "products"
        product = e.store.get(kind, str(item.get("product_id")))
        title = product.localized(ctx.lang).get("title") if product and product.academy == ctx.academy else None
        subtotal += ITEM_PRICE * int(item.get("quantity") or 1)
        doc = {"id": n, **item, "price": ITEM_PRICE, **({"title": title} if title else {})}
        items.append(e.view.render(doc, items_schema, ctx.lang, 3) if items_schema is not None else doc)
    discount = 10 if cart.doc.get("coupon") and subtotal else 0
    doc = {
        "uuid": cart.doc.get("uuid"), "count": len(items), "coupon": cart.doc.get("coupon"),
        "order_id": cart.doc.get("order_id"), "discount": discount, "subtotal": subtotal,
        "total": subtotal - discount, "is_free": subtotal == 0, "currency": "SAR",
    }  # fmt: skip
    rendered = e.view.render(doc, schema, ctx.lang)
    if isinstance(rendered, dict):
        rendered["items"] = items
    return rendered


def _cart_reply(e: Services, ctx: Ctx, cart: Row) -> Reply:
    body, data_schema = _body(e, ctx)
    if isinstance(body, dict) and data_schema is not None:
        body["data"] = render_cart(e, ctx, cart, data_schema)
    return Reply(200, body)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@flow("tenant.cart.get-current-cart")
def get_cart(e: Services, ctx: Ctx) -> Reply:
    return _cart_reply(e, ctx, load_cart(e, ctx))


@flow("tenant.cart.get-cart-by-uuid")
def get_cart_by_uuid(e: Services, ctx: Ctx) -> Reply:
    wanted = ctx.params.get("uuid", "")
    for cart in e.store.list(CART_RESOURCE, ctx.academy, None):
        if cart.doc.get("uuid") == wanted:
            return _cart_reply(e, ctx, cart)
    return failed(404, "NOT_FOUND", message("not_found", ctx.lang))


@flow("tenant.cart.add-to-cart")
def add_to_cart(e: Services, ctx: Ctx) -> Reply:
    cart = load_cart(e, ctx)
    f = ctx.fields
    items: list[dict[str, Any]] = cart.doc.setdefault("items", [])
    key = (_int(f.get("product_id")), f.get("product_type"))
    quantity = max(1, _int(f.get("quantity")) or 1)
    for item in items:
        if (item.get("product_id"), item.get("product_type")) == key:
            item["quantity"] = int(item.get("quantity") or 1) + quantity
            break
    else:
        items.append({"product_id": key[0], "product_type": key[1], "quantity": quantity})
    e.store.update(cart)
    return _cart_reply(e, ctx, cart)


@flow("tenant.cart.remove-from-cart")
def remove_from_cart(e: Services, ctx: Ctx) -> Reply:
    cart = load_cart(e, ctx)
    key = (_int(ctx.fields.get("product_id")), ctx.fields.get("product_type"))
    cart.doc["items"] = [i for i in cart.doc.get("items", []) if (i.get("product_id"), i.get("product_type")) != key]
    e.store.update(cart)
    return _cart_reply(e, ctx, cart)


@flow("tenant.cart.redeem-coupon")
def redeem_coupon(e: Services, ctx: Ctx) -> Reply:
    cart = load_cart(e, ctx)
    code = _text(ctx.fields.get("coupon"))
    known = any(r.academy == ctx.academy for r in e.store.find("coupons", code, ("code",))) if code else False
    cart.doc["coupon"] = code if known else cart.doc.get("coupon")
    e.store.update(cart)
    return _cart_reply(e, ctx, cart)


def _place_order(e: Services, ctx: Ctx, items: list[dict[str, Any]], gateway: str) -> str:
    order_id = e.store.next_id("orders")
    total = sum(ITEM_PRICE * int(i.get("quantity") or 1) for i in items)
    doc = {
        "id": order_id, "member_id": ctx.caller.user_id, "items": items, "total": total,
        "payment_gateway": gateway, "created_at": FIXED_ISO, "updated_at": FIXED_ISO,
    }  # fmt: skip
    e.store.insert(Row("orders", str(order_id), ctx.academy, "", doc, {}))
    return str(order_id)


@flow("tenant.cart.checkout")
def checkout(e: Services, ctx: Ctx) -> Reply:
    cart = load_cart(e, ctx)
    items = list(cart.doc.get("items", []))
    if not items:
        return field_error("cart", "empty_cart", ctx.lang)
    order_id = _place_order(e, ctx, items, _text(ctx.fields.get("payment_gateway")) or "free")
    placed = Row(cart.resource, cart.id, cart.academy, "", {**cart.doc, "order_id": order_id}, {})
    cart.doc = {"uuid": cart.doc.get("uuid"), "items": []}  # a new, empty cart after the order
    e.store.update(cart)
    body, data_schema = _body(e, ctx)
    cart_schema = e.index.property_schema(data_schema, "cart")
    if isinstance(body, dict) and isinstance(body.get("data"), dict) and cart_schema is not None:
        body["data"]["cart"] = render_cart(e, ctx, placed, cart_schema)
    return Reply(200, body)


@flow("tenant.cart.express-checkout")
def express_checkout(e: Services, ctx: Ctx) -> Reply:
    f = ctx.fields
    item = {"product_id": _int(f.get("product_id")), "product_type": f.get("product_type"), "quantity": 1}
    order_id = _place_order(e, ctx, [item], "express")
    placed = Row(
        CART_RESOURCE, "express", ctx.academy, "", {"uuid": order_id, "items": [item], "order_id": order_id}, {}
    )
    return _cart_reply(e, ctx, placed)
