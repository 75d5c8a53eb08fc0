"""Who logs in and whose account an operation touches, as contract data (used by build_contract.py only).

The security schemes' ``x-identity`` blocks (``contract_static.yaml``) say which operation issues each token and
with which body. From them and from the operation ids, this adds to the operations:

- ``x-session: ends`` on the logouts (the suite revokes a token with them; their happy request gets a
  throwaway token so the run's own session survives);
- ``x-own-account: {identity, alters?, body?}`` on the operations that act on the caller's own account
  (``admin.auth.*``, ``tenant.auth.*``, ``tenant.account.*`` but the registrations, which make a new one):
  ``identity`` is the account's (by area), ``body`` the members that must carry that identity's own
  credentials (or later logins would break), ``alters`` an operation whose generated values would lock the run
  out (a new password or e-mail, a logout), so it is not fuzzed with valid values.

The name rules live here, at build time: the runtime reads only the extensions, which a reviewer may edit.
"""

from __future__ import annotations

import re
from typing import Any

SESSION_ENDING = re.compile(r"\.(logout|log-out)$")
OWN_ACCOUNT = re.compile(r"^(admin\.auth|tenant\.auth|tenant\.account)\.")
REGISTRATION = re.compile(r"\.register$")
ACCOUNT_ALTERING = re.compile(r"(change-password|change-email|reset-password|logout|update|delete|passwordless)")
ACCOUNT_OF_AREA = {"admin": "adminUser", "tenant": "tenantStudent"}
# The first step of the student's login (which next step the e-mail gets) asks for the student's own e-mail.
FIRST_STEPS = {"tenant.auth.authorize": {"via": "email", "email": "{student_email}"}}


def add_account_extensions(items: dict[str, dict[str, Any]], schemes: dict[str, Any]) -> int:
    """Add ``x-session`` and ``x-own-account`` to the operations of ``items``; returns how many it marked."""
    identities = {name: s["x-identity"] for name, s in schemes.items() if "x-identity" in s}
    issuers = {block["issuer"] for block in identities.values()}
    marked = 0
    for item in items.values():
        for op in item.values():
            op_id = op["operationId"]
            if SESSION_ENDING.search(op_id):
                op["x-session"] = "ends"
            if OWN_ACCOUNT.match(op_id) and not REGISTRATION.search(op_id):
                identity = ACCOUNT_OF_AREA[op["x-area"]]
                own: dict[str, Any] = {"identity": identity}
                if op.get("x-mutating") and ACCOUNT_ALTERING.search(op_id):
                    own["alters"] = True
                body = {} if op_id in issuers else _own_members(op, identities[identity]["body"])
                if body:
                    own["body"] = body
                op["x-own-account"] = own
            marked += "x-session" in op or "x-own-account" in op
    return marked


def _own_members(op: dict[str, Any], login: dict[str, str]) -> dict[str, str]:
    """The members the happy request sends (required or in a docs example) that name a credential of the login:
    ``email``, or any member about a password."""
    content = (op.get("requestBody") or {}).get("content") or {}
    schema = next(iter(content.values()), {}).get("schema") or {}
    sent = set(schema.get("required", []))
    for entry in op.get("x-doc-ids", []):
        sent.update(entry.get("example-body", {}))
    members: dict[str, str] = {}
    for name in schema.get("properties", {}):
        if name == "email" and name in sent:
            members[name] = login["email"]
        elif "password" in name and name in sent:
            members[name] = login["password"]
    members.update(FIRST_STEPS.get(op["operationId"], {}))
    return members
