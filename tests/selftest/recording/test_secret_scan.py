"""Every committed cassette and every report is free of tokens, credentials, e-mails and phone numbers."""

from pathlib import Path

from tests.selftest.recording.secret_scan import scan

from msaaq_contract.refserver.credentials import DEFAULT_CLIENT_SECRET, DEFAULT_PASSWORD

REPO = Path(__file__).resolve().parents[3]


def test_committed_cassettes_and_reports_are_clean():
    assert scan([REPO / "cassettes", REPO / "reports"], secrets=[DEFAULT_CLIENT_SECRET, DEFAULT_PASSWORD]) == []


def test_the_scanner_finds_what_it_looks_for(tmp_path):
    leak = tmp_path / "leak.yaml"
    leak.write_text(
        "Authorization: Bearer abcdefghijkl\nemail: sara@gmail.com\nphone: +966501234567\n"
        "token: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl\nclient_secret: demo-secret\n"
    )
    hits = scan([tmp_path], secrets=["demo-secret"])
    kinds = {h.split(": ", 1)[1].split(" ")[0] for h in hits}
    assert {"credential", "bearer", "JWT", "e-mail", "phone", "client"} <= kinds
