"""The public surface is small and explicit: what ``msaaq_contract`` exports is exactly this list."""

import msaaq_contract

EXPECTED = {
    "CHECKS", "CassetteError", "CheckContext", "Client", "ConfigError", "Contract", "ContractError",
    "ContractViolation", "CredentialsError", "Exchange", "Finding", "MsaaqContractError", "Operation",
    "RateLimited", "ReportError", "TargetError", "TargetUnreachable", "UnsafeTarget", "__version__", "check",
    "load_contract",
}  # fmt: skip


def test_exported_members_are_exactly_the_public_api():
    assert set(msaaq_contract.__all__) == EXPECTED
    for name in EXPECTED:
        assert hasattr(msaaq_contract, name), name


def test_every_error_is_a_msaaq_contract_error_with_a_one_line_message():
    errors = [getattr(msaaq_contract, n) for n in EXPECTED if n.endswith(("Error", "Unreachable", "Limited", "Target"))]
    for cls in errors:
        assert issubclass(cls, msaaq_contract.MsaaqContractError)
        assert "\n" not in cls("two\nlines", hint="fix it").one_line()
