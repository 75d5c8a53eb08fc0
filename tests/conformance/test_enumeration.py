"""Logins do not enumerate users: an unknown e-mail and a known e-mail with a wrong password are refused alike.

Two requests per login route (``checks.enumeration``: the routes and their members come from the contract).
"""

import pytest

from msaaq_contract.checks.enumeration import UNKNOWN_EMAIL, WRONG_PASSWORD, members_of


@pytest.mark.msaaq("enumeration")
def test_login_enumeration(conformance, doc_id):
    email, secret = members_of(conformance.contract, conformance.op)
    call = conformance.call()
    field = "json" if isinstance(call.json, dict) else "data"
    body = dict(getattr(call, field) or {})
    if not body.get(email) and not conformance.runtime.offline:  # offline the recording holds the requests
        pytest.skip(f"{doc_id}: no known e-mail to log in with (set the identity's credentials)")
    unknown = call.copy(**{field: {**body, email: UNKNOWN_EMAIL, secret: WRONG_PASSWORD}})
    known = call.copy(**{field: {**body, secret: WRONG_PASSWORD}})
    with conformance.recording():
        # A refused login changes nothing: no --allow-writes needed.
        first = conformance.send(unknown, mutating=False)
        second = conformance.send(known, mutating=False)
    conformance.judge(first, *conformance.checks)
    conformance.check(second, expectation={"twin": first})
