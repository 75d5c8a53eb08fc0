"""A broken contract gives one line naming the file and the JSON pointer, never a traceback."""

import shutil
from pathlib import Path

import pytest

from msaaq_contract.cli.main import main
from msaaq_contract.contract.loader import bundle, validate
from msaaq_contract.errors import ContractError

ROOT = Path(__file__).resolve().parents[3] / "contracts"


@pytest.fixture
def copy(tmp_path):
    target = tmp_path / "contracts"
    shutil.copytree(ROOT, target)
    return target


def test_invalid_yaml_names_file_and_line(copy):
    path = copy / "paths" / "admin" / "coupons.yaml"
    path.write_text(path.read_text().replace("  post:", "  post: [", 1))
    with pytest.raises(ContractError) as err:
        bundle(copy)
    assert "coupons.yaml" in str(err.value)
    assert "invalid YAML at line" in str(err.value)


def test_dangling_ref_names_file_and_pointer(copy):
    path = copy / "paths" / "admin" / "coupons.yaml"
    path.write_text(path.read_text().replace("schemas/admin.Coupon", "schemas/admin.NoSuchModel", 1))
    with pytest.raises(ContractError) as err:
        bundle(copy)
    message = str(err.value)
    assert "coupons.yaml#/~1admin~1coupons/" in message
    assert "admin.NoSuchModel" in message


def test_missing_path_file(copy):
    (copy / "paths" / "admin" / "coupons.yaml").unlink()
    with pytest.raises(ContractError, match=r"missing file coupons\.yaml"):
        bundle(copy)


def test_invalid_openapi_names_the_source_file(copy):
    path = copy / "paths" / "admin" / "coupons.yaml"
    path.write_text(path.read_text().replace("in: query", "in: nowhere", 1))
    with pytest.raises(ContractError) as err:
        validate(bundle(copy))
    assert "coupons.yaml#/~1admin~1coupons/get/parameters/0" in str(err.value)


def test_invalid_schema_keyword_is_reported(copy):
    path = copy / "components" / "models-admin.yaml"
    path.write_text(path.read_text().replace("type: integer", "type: integr", 1))
    with pytest.raises(ContractError) as err:
        validate(bundle(copy))
    assert "models-admin.yaml#/admin." in str(err.value)


def test_cli_prints_one_line_and_exits_2(copy, capsys):
    (copy / "openapi.yaml").write_text("openapi: [\n")
    assert main(["validate-contract", "--contract", str(copy)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "openapi.yaml" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_cli_validates_the_real_contract(capsys):
    assert main(["validate-contract"]) == 0
    assert "contract OK" in capsys.readouterr().out


def test_coverage_reports_531_of_531(capsys, tmp_path):
    assert main(["coverage", "--cassettes", str(tmp_path), "--report", str(tmp_path / "none.json")]) == 0
    out = capsys.readouterr().out
    assert "resolved 531/531, missing 0, duplicated 0" in out


def test_coverage_fails_when_an_id_is_missing(copy, capsys, tmp_path):
    inventory = copy / "documented-endpoints.json"
    inventory.write_text(inventory.read_text().replace('"id": "oauth.ping"', '"id": "oauth.pong"', 1))
    assert main(["coverage", "--contract", str(copy), "--cassettes", str(tmp_path)]) == 1
    assert "missing: oauth.pong" in capsys.readouterr().out
