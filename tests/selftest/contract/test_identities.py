"""The identities table read from the contract (``x-identity``, ``x-session``, ``x-own-account``): what it says
about the real contract, the requests built from it, one-line errors for broken blocks, and no login or logout
written anywhere else."""

from __future__ import annotations

import copy
import dataclasses
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from msaaq_contract.cli.main import main
from msaaq_contract.client.happy import Fixtures, build_happy_request
from msaaq_contract.contract import Contract, load_contract
from msaaq_contract.contract.identities import Identities, identities, render
from msaaq_contract.contract.loader import escape
from msaaq_contract.errors import ContractError
from msaaq_contract.settings import ENV_CREDENTIALS, Credentials

SRC = Path(__file__).resolve().parents[3] / "src" / "msaaq_contract"
# Where no login or logout may be written: everything there asks the contract's table.
NO_LOGINS_IN = ("client", "pytest_plugin", "discovery", "checks", "families.py", "settings.py")
CREDS = Credentials("cid", "csecret", "admin@a.example", "apass", "student@a.example", "spass")


@pytest.fixture(scope="module")
def contract() -> Contract:
    return load_contract()


@pytest.fixture(scope="module")
def table(contract: Contract) -> Identities:
    return identities(contract)


def test_the_contract_s_identities_logins_and_logouts(table):
    admin, student, client = table["adminUser"], table["tenantStudent"], table["oauthClient"]
    assert table.order == ("adminUser", "tenantStudent", "oauthClient")  # a user where allowed, else the client
    assert (admin.needs, student.needs, client.needs) == ("oauthClient", None, None)
    assert admin.user and student.user and not client.user
    assert [i.issuer.operation_id for i in (admin, student, client)] == [
        "admin.auth.login", "tenant.auth.authorize-verify", "oauth.craete-token",
    ]  # fmt: skip
    assert admin.session_end is not None and admin.session_end.operation_id == "admin.auth.logout"
    assert table.ends_session(admin.session_end) and client.session_end is None
    assert table.revocable() == {"adminUser", "tenantStudent"}
    assert admin.credentials == {"admin_email": "MSAAQ_ADMIN_EMAIL", "admin_password": "MSAAQ_ADMIN_PASSWORD"}
    table.check_variables(ENV_CREDENTIALS)  # the contract's variables are the ones the settings read


def test_a_login_body_is_the_template_with_the_credentials(table):
    values = dataclasses.asdict(CREDS)
    assert table["adminUser"].request_body(values) == {"email": "admin@a.example", "password": "apass"}
    assert table["tenantStudent"].request_body(values)["via"] == "password"  # literals stay as written
    assert table["adminUser"].missing({**values, "admin_password": ""}) == ["MSAAQ_ADMIN_PASSWORD"]
    assert table.ready({**values, "student_email": ""}) == ["oauthClient", "adminUser"]
    assert render({"a": ["x-{admin_email}-y"], "n": 3}, values) == {"a": ["x-admin@a.example-y"], "n": 3}


def test_the_token_and_its_lifetime_are_read_at_their_pointers(table):
    client = table["oauthClient"]
    answer = {"data": {"access_token": "tok", "expires_in": 60}}
    assert (client.token_in(answer), client.ttl_in(answer)) == ("tok", 60)
    assert client.token_in({"data": None}) is None and client.ttl_in([]) is None


def test_happy_requests_carry_the_run_s_own_credentials_where_the_contract_says(contract, table):
    fixtures = Fixtures(tenant="a.example", credentials=CREDS)
    for identity in table:
        for doc_id in identity.issuer.doc_ids:
            body = build_happy_request(contract, doc_id, fixtures).json
            assert body.items() >= identity.request_body(dataclasses.asdict(CREDS)).items(), doc_id
    own = [(contract.operations[oid], account) for oid, account in table.own.items()]
    assert len(own) > 40
    for op, account in own:
        if account.body and op.doc_ids:
            body = build_happy_request(contract, op.doc_ids[0], fixtures).json
            assert body.items() >= render(account.body, dataclasses.asdict(CREDS)).items(), op.operation_id
    changes = [op for op, account in own if "old_password" in account.body]
    assert changes and build_happy_request(contract, changes[0].operation_id, fixtures).json["old_password"] == "apass"


def test_a_registration_is_no_own_account_and_a_logout_gets_a_throwaway_token(contract, table):
    fixtures = Fixtures(tenant="a.example", credentials=CREDS)
    registrations = [op for op in contract if op.operation_id.endswith(".register")]
    assert registrations and not any(op.operation_id in table.own for op in registrations)
    for op in registrations:
        assert build_happy_request(contract, op.operation_id, fixtures).json["email"] != CREDS.admin_email
    logout = table["adminUser"].session_end
    assert logout is not None and build_happy_request(contract, logout.operation_id, fixtures).fresh_token
    assert not build_happy_request(contract, table["adminUser"].issuer.operation_id, fixtures).fresh_token


def test_no_login_or_logout_is_written_outside_the_contract(table):
    """Renaming a login route or id is a contract edit: no module that sends requests names one."""
    words: set[str] = set()
    for identity in table:
        for op in (identity.issuer, identity.session_end):
            if op is not None:
                words.update({op.path, op.operation_id, *op.doc_ids})
    places = [SRC / name for name in NO_LOGINS_IN]
    files = [f for place in places for f in (place.rglob("*.py") if place.is_dir() else [place])]
    assert len(files) > 20
    found = [
        f"{path.relative_to(SRC)}: {word}"
        for path in files
        for word in sorted(words)
        if re.search(re.escape(word) + r"(?![\w/-])", path.read_text(encoding="utf-8"))
    ]
    assert found == []


# -- broken blocks: one ContractError naming the file and the pointer -----------------------------------------
def edited(contract: Contract, edit: Callable[[dict[str, Any]], None]) -> Contract:
    document = copy.deepcopy(contract.document)
    edit(document)
    return Contract(dataclasses.replace(contract.bundle, document=document))


def scheme(document: dict[str, Any], name: str) -> dict[str, Any]:
    return document["components"]["securitySchemes"][name]["x-identity"]


def operation(document: dict[str, Any], path: str, method: str = "post") -> dict[str, Any]:
    return document["paths"][path][method]


def broken(contract: Contract, edit: Callable[[dict[str, Any]], None]) -> str:
    with pytest.raises(ContractError) as err:
        Identities(edited(contract, edit))
    line = err.value.one_line()
    assert "\n" not in line
    return line


ADMIN = "openapi.yaml#/components/securitySchemes/adminUser/x-identity"


@pytest.mark.parametrize(
    ("name", "edit", "where", "says"),
    [
        ("adminUser", lambda x: x.update(issuer="admin.auth.sign-in"), "/issuer", "no operationId"),
        ("adminUser", lambda x: x.update(kind="robot"), "/kind", "robot"),
        ("adminUser", lambda x: x.pop("token"), "", '"token" is a required property'),
        ("adminUser", lambda x: x.update(token="/data/tokn"), "/token", "declares no /data/tokn"),
        ("adminUser", lambda x: x["body"].update(email="{admin_mail}"), "/body/email", "{admin_mail}"),
        ("adminUser", lambda x: x.pop("needs"), "/needs", "is called with ['oauthClient']"),
        ("adminUser", lambda x: x.update(needs="robot"), "/needs", "no security scheme"),
        ("tenantStudent", lambda x: x.update(needs="oauthClient"), "/needs", "is called with []"),
    ],
)
def test_a_broken_identity_is_one_line_naming_file_and_pointer(contract, name, edit, where, says):
    line = broken(contract, lambda d: edit(scheme(d, name)))
    assert f"openapi.yaml#/components/securitySchemes/{name}/x-identity{where}:" in line
    assert says in line


def test_broken_operation_extensions_name_their_split_file(contract, table):
    login, me = table["adminUser"].issuer, table["adminUser"].session_end
    assert me is not None
    for op, key, value, says in (
        (login, "x-session", "ends", "user token"),
        (me, "x-session", "begins", "ends"),
        (me, "x-own-account", {"identity": "robot"}, "'robot'"),
        (me, "x-own-account", {"identity": "adminUser", "body": {"p": "{student_password}"}}, "{student_password}"),
    ):
        line = broken(contract, lambda d, op=op, key=key, value=value: operation(d, op.path).update({key: value}))
        assert f"authentication.yaml#/{escape(op.path)}/post/{key}" in line and says in line


def test_a_credential_the_settings_do_not_read_is_named(contract):
    table = Identities(edited(contract, lambda d: scheme(d, "adminUser")["credentials"].update(admin_email="X")))
    with pytest.raises(ContractError, match=rf"{ADMIN}/credentials/admin_email: .* read from MSAAQ_ADMIN_EMAIL"):
        table.check_variables(ENV_CREDENTIALS)


def test_validate_contract_reports_a_broken_identity_in_one_line(tmp_path, capsys):
    root = Path(__file__).resolve().parents[3] / "contracts"
    target = tmp_path / "contracts"
    shutil.copytree(root, target)
    openapi = target / "openapi.yaml"
    text = openapi.read_text(encoding="utf-8")
    assert text.count("        issuer: admin.auth.login\n") == 1
    openapi.write_text(text.replace("        issuer: admin.auth.login\n", "        issuer: admin.auth.sign-in\n"))
    assert main(["validate-contract", "--contract", str(target)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert f"{ADMIN}/issuer" in err and "admin.auth.sign-in" in err
