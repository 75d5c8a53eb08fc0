"""Run settings, resolved in one place.

Precedence (highest first): command-line option > environment variable > default. Credentials come only
from the environment (never from the command line, where they would land in shell history and CI logs).
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from .errors import ConfigError

Mode = Literal["offline", "live", "sim", "record"]
PRODUCTION_HOSTS = frozenset({"api.msaaq.com"})
# Replayed cassettes are recorded against this canonical base so that the port of the recording server does
# not matter; it is never contacted.
CANONICAL_BASE = "https://api.msaaq.test/v1"
# The other academy of isolation checks logs in with its own users (the OAuth client is shared).
ENV_OTHER_CREDENTIALS = {
    "admin_email": "MSAAQ_OTHER_ADMIN_EMAIL",
    "admin_password": "MSAAQ_OTHER_ADMIN_PASSWORD",
    "student_email": "MSAAQ_OTHER_STUDENT_EMAIL",
    "student_password": "MSAAQ_OTHER_STUDENT_PASSWORD",
}
# A second user of the main academy (the ownership family): each identity's variables with SECOND_ after MSAAQ_.
ENV_SECOND_CREDENTIALS = {k: v.replace("MSAAQ_OTHER_", "MSAAQ_SECOND_") for k, v in ENV_OTHER_CREDENTIALS.items()}
ENV_CREDENTIALS = {
    "client_id": "MSAAQ_CLIENT_ID",
    "client_secret": "MSAAQ_CLIENT_SECRET",
    "admin_email": "MSAAQ_ADMIN_EMAIL",
    "admin_password": "MSAAQ_ADMIN_PASSWORD",
    "student_email": "MSAAQ_STUDENT_EMAIL",
    "student_password": "MSAAQ_STUDENT_PASSWORD",
}


@dataclass(frozen=True)
class Credentials:
    """Who the run logs in as (from the environment only)."""

    client_id: str = ""
    client_secret: str = ""
    admin_email: str = ""
    admin_password: str = ""
    student_email: str = ""
    student_password: str = ""

    def secrets(self) -> list[str]:
        """Values that must never reach a cassette or a report."""
        return [v for v in (self.client_secret, self.admin_password, self.student_password) if v]

    def personal(self) -> list[str]:
        return [v for v in (self.client_id, self.admin_email, self.student_email) if v]


_UNIT_SECONDS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600,
                 "d": 86400, "day": 86400}  # fmt: skip
_UNITS = {**_UNIT_SECONDS, **{name + "s": n for name, n in _UNIT_SECONDS.items() if len(name) > 1}}  # 5/10mins
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*$")
RATE_HINT = "write hits per window: 600/m, 5/min, 100/10s, 1000/h, 10000/d"


def parse_rate(text: str, label: str = "rate") -> tuple[int, int]:
    """``600/m``, ``5/min``, ``100/10s``, ``1000/h``, ``10000/d`` -> (hits, window in seconds).

    One grammar for the client's ``--rate-limit`` ceiling and the reference server's Laravel limiter.
    """
    found = _RATE.match(text.lower())
    unit = _UNITS.get(found.group(3), 0) if found else 0
    if not found or not unit or found.group(2) == "0":
        raise ConfigError(f"invalid {label} {text!r}", hint=RATE_HINT)
    return int(found.group(1)), int(found.group(2) or 1) * unit


@dataclass(frozen=True)
class RateLimit:
    requests: int
    per_seconds: float

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        requests, window = parse_rate(text, "--rate-limit")
        if requests == 0:
            raise ConfigError(f"invalid --rate-limit {text!r}: it must allow at least one request", hint=RATE_HINT)
        return cls(requests, float(window))

    @property
    def interval(self) -> float:
        return self.per_seconds / self.requests


@dataclass(frozen=True)
class Settings:
    mode: Mode
    base_url: str
    tenant: str | None = None
    other_tenant: str | None = None
    credentials: Credentials = field(default_factory=Credentials)
    other_credentials: Credentials | None = None
    second_credentials: Credentials | None = None  # a second user of the main academy (ownership checks)
    allow_writes: bool = False
    allow_production: bool = False
    rate_limit: RateLimit | None = None
    seed: int = 20261127
    timeout_s: float = 30.0
    max_retry_wait_s: float = 60.0
    fixtures_file: Path | None = None
    time_budget_s: float | None = None
    outage_limit_s: float = 300.0  # --outage-limit: how long a live run waits for a target that is away

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    @property
    def is_loopback(self) -> bool:
        host = self.host
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False

    @property
    def is_production(self) -> bool:
        return self.host in PRODUCTION_HOSTS

    @property
    def root_url(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    def writes_allowed(self) -> bool:
        """Mutating requests go to loopback targets and replays freely; elsewhere only when allowed."""
        if self.mode in ("offline", "sim") or self.is_loopback:
            return True
        if self.is_production and not self.allow_production:
            return False
        return self.allow_writes

    def secrets(self) -> list[str]:
        more = [c for c in (self.other_credentials, self.second_credentials) if c is not None]
        return self.credentials.secrets() + [v for c in more for v in c.secrets()]

    def personal(self) -> list[str]:
        more = [c for c in (self.other_credentials, self.second_credentials) if c is not None]
        return self.credentials.personal() + [v for c in more for v in c.personal()]


DEFAULT_SEED = 20261127


def run_mode(*, base_url: str | None, sim: bool, record_mode: str = "none") -> Mode:
    """What a run is, decided in one place: the reference server (``--sim``), a live target (a base URL), or
    offline from cassettes; recording any target is ``record``."""
    if sim and base_url:
        raise ConfigError(
            "--msaaq-sim and --msaaq-base-url are exclusive", hint="choose the reference server or a live target"
        )
    mode: Mode = "sim" if sim else "live" if base_url else "offline"
    if record_mode not in ("", "none"):
        if mode == "offline":
            raise ConfigError(
                f"--msaaq-record-mode={record_mode} needs a target", hint="add --msaaq-sim or --msaaq-base-url URL"
            )
        return "record"
    return mode


def resolve(
    options: Mapping[str, object], env: Mapping[str, str] | None = None, *, sim_base_url: str | None = None
) -> Settings:
    """Run settings from options (the pytest plugin's and the CLI's, by the option's dest name; missing = unset),
    then the environment, then defaults. Pure: no pytest, no file read. ``sim_base_url``: the started reference
    server, if any."""
    env = os.environ if env is None else env

    def option(name: str) -> object:
        return options.get(name)

    def either(name: str, var: str) -> str | None:
        value = option(name) or env.get(var)
        return str(value) if value else None

    sim = bool(option("sim"))
    given_base = option("base_url")
    base = either("base_url", "MSAAQ_BASE_URL")
    mode = run_mode(
        base_url=str(given_base) if sim and given_base else (None if sim else base),
        sim=sim,
        record_mode=str(option("record_mode") or "none"),
    )
    if sim:
        base = sim_base_url or "http://127.0.0.1:0/v1"
    elif mode == "offline":
        base = CANONICAL_BASE
    rate, budget, fixtures, outage = (
        either("rate_limit", "MSAAQ_RATE_LIMIT"),
        either("time_budget", "MSAAQ_TIME_BUDGET"),
        either("target_fixtures", "MSAAQ_FIXTURES"),
        either("outage_limit", "MSAAQ_OUTAGE_LIMIT"),
    )
    seed = option("seed")
    timeout = option("request_timeout")
    return Settings(
        mode=mode,
        base_url=validate_base_url(str(base)),
        tenant=env.get("MSAAQ_TENANT") or None,
        other_tenant=env.get("MSAAQ_OTHER_TENANT") or None,
        credentials=credentials_from_env(env),
        other_credentials=other_credentials_from_env(env),
        second_credentials=other_credentials_from_env(env, ENV_SECOND_CREDENTIALS),
        allow_writes=bool(option("allow_writes")),
        allow_production=bool(option("allow_production")),
        rate_limit=RateLimit.parse(rate) if rate else None,
        seed=DEFAULT_SEED if seed is None else int(str(seed)),
        timeout_s=float(str(timeout)) if timeout is not None else 30.0,
        fixtures_file=Path(fixtures) if fixtures else None,
        time_budget_s=parse_duration(budget) if budget else None,
        outage_limit_s=parse_duration(outage, "--msaaq-outage-limit") if outage else 300.0,
    )


def credentials_from_env(env: Mapping[str, str] | None = None) -> Credentials:
    env = os.environ if env is None else env
    return Credentials(**{k: env.get(v, "") for k, v in ENV_CREDENTIALS.items()})


def other_credentials_from_env(
    env: Mapping[str, str] | None = None, variables: Mapping[str, str] = ENV_OTHER_CREDENTIALS
) -> Credentials | None:
    """The other academy's users (or, with ``ENV_SECOND_CREDENTIALS``, a second user of the main academy),
    sharing the main OAuth client; None when none is configured."""
    env = os.environ if env is None else env
    values = {k: env.get(v, "") for k, v in variables.items()}
    if not any(values.values()):
        return None
    main = credentials_from_env(env)
    return Credentials(client_id=main.client_id, client_secret=main.client_secret, **values)


def require_live_credentials(settings: Settings) -> None:
    """A live run needs the client credentials and a tenant; say which variable is missing."""
    missing = [
        var
        for key, var in ENV_CREDENTIALS.items()
        if key.startswith("client") and not getattr(settings.credentials, key)
    ]
    if not settings.tenant:
        missing.append("MSAAQ_TENANT")
    if missing:
        raise ConfigError(
            f"live run against {settings.base_url} needs {', '.join(missing)}",
            hint="export them (see README 'Live runs'), or run offline (no --base-url) or against --sim",
        )


def parse_duration(text: str, option: str = "--time-budget") -> float:
    """``--time-budget``, ``--outage-limit``: ``90``, ``90s``, ``30m``, ``1h``, ``1h30m`` or ``6m30s`` -> seconds."""
    compact = text.strip().lower().replace(" ", "")
    if re.fullmatch(r"\d+(\.\d+)?", compact):
        seconds = float(compact)
    else:
        parts = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?", compact)
        if not compact or parts is None:
            raise ConfigError(f"invalid {option} {text!r}", hint="use e.g. 30m, 1h, 6m30s or 90 (seconds)")
        h, m, s = (int(g) if g else 0 for g in parts.groups())
        seconds = float(h * 3600 + m * 60 + s)
    if seconds <= 0:
        raise ConfigError(f"invalid {option} {text!r}: it must be more than 0")
    return seconds


def validate_base_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"invalid --base-url {url!r}", hint="give the API base, e.g. https://api.msaaq.com/v1")
    return url.rstrip("/")
