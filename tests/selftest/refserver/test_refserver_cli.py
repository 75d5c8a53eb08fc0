"""``msaaq-contract serve``: banner with URL and demo credentials, clean stop on SIGTERM, one-line errors."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from msaaq_contract.cli.main import main


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_prints_url_and_credentials_and_stops_cleanly(tmp_path: Path, sig):
    env = {**os.environ, "MSAAQ_REFSERVER_PASSWORD": "env-password"}
    db = ["--db", str(tmp_path / "ref.db")] if sig == signal.SIGTERM else []  # SIGINT: a temporary database
    proc = subprocess.Popen(
        [sys.executable, "-m", "msaaq_contract.refserver", "--port", "0", *db],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        banner = [proc.stdout.readline() for _ in range(6)]  # blocks until the server has printed its banner
        url = banner[0].split(" on ")[1].split()[0]
        assert url.startswith("http://127.0.0.1:")
        assert url.endswith("/v1")
        text = "".join(banner)
        assert "demo-client / demo-secret" in text
        assert "admin@academy-a.msaaq.test" in text
        assert "student@academy-b.msaaq.test" in text
        assert "env-password" in text
        response = httpx.get(url + "/tenant/ping", headers={"X-Tenant": "academy-a.msaaq.test"}, timeout=10)
        assert response.json() == {"message": "pong!"}
        login = httpx.post(
            url + "/tenant/auth/authorize/verify",
            headers={"X-Tenant": "academy-a.msaaq.test"},
            json={"via": "password", "email": "student@academy-a.msaaq.test", "password": "env-password"},
            timeout=10,
        )
        assert login.status_code == 200
    finally:
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "stopped" in out
    database = Path(banner[1].split(":", 1)[1].strip())
    assert database.exists() == bool(db)  # --db keeps the database; the temporary one is removed


def test_non_loopback_host_is_refused(capsys):
    assert main(["serve", "--host", "192.0.2.10", "--port", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: refusing to listen on non-loopback host")
    assert "\n" not in err


def test_port_in_use_is_a_one_line_error(capsys):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    err = capsys.readouterr().err.strip()
    assert f"port {port} on 127.0.0.1 is already in use" in err
    assert "\n" not in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--token-ttl", "0"], "--token-ttl must be at least 1"),
        (["--faults", "/nonexistent/faults.yaml"], "cannot read the faults file"),
    ],
)
def test_bad_options_are_one_line_errors(capsys, args, expected):
    assert main(["serve", "--port", "0", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert expected in err
    assert "\n" not in err
