"""Run settings are resolved in one pure function, shared by the pytest plugin and the CLI: options win over the
environment, which wins over defaults; what a run is (offline, sim, live, record) is decided there too."""

import pytest

from msaaq_contract.errors import ConfigError
from msaaq_contract.settings import CANONICAL_BASE, DEFAULT_SEED, RateLimit, resolve, run_mode

ENV = {"MSAAQ_BASE_URL": "https://staging.example/v1", "MSAAQ_TENANT": "academy.example", "MSAAQ_RATE_LIMIT": "5/s"}


def test_options_win_over_the_environment_which_wins_over_defaults():
    settings = resolve({"rate_limit": "2/s", "time_budget": "6m"}, ENV)
    assert settings.mode == "live" and settings.base_url == "https://staging.example/v1"
    assert settings.rate_limit == RateLimit.parse("2/s") and settings.time_budget_s == 360
    assert settings.tenant == "academy.example" and settings.seed == DEFAULT_SEED and settings.timeout_s == 30.0
    assert resolve({}, ENV).rate_limit == RateLimit.parse("5/s")


def test_no_target_is_offline_on_the_canonical_base():
    settings = resolve({}, {})
    assert settings.mode == "offline" and settings.base_url == CANONICAL_BASE


def test_the_reference_server_ignores_a_base_url_from_the_environment():
    settings = resolve({"sim": True}, ENV, sim_base_url="http://127.0.0.1:8765/v1")
    assert settings.mode == "sim" and settings.base_url == "http://127.0.0.1:8765/v1"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"base_url": "https://x/v1", "sim": True}, "--msaaq-sim and --msaaq-base-url are exclusive"),
        ({"base_url": None, "sim": False, "record_mode": "rewrite"}, "needs a target"),
    ],
)
def test_contradictions_are_one_line(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        run_mode(**kwargs)


def test_recording_a_target_is_record():
    assert run_mode(base_url=None, sim=True, record_mode="rewrite") == "record"
    assert run_mode(base_url="https://x/v1", sim=False, record_mode="none") == "live"


@pytest.mark.parametrize(
    ("text", "requests", "per_seconds"),
    [("5/s", 5, 1.0), ("300/m", 300, 60.0), ("60/min", 60, 60.0), ("100/10s", 100, 10.0), ("1000/h", 1000, 3600.0)],
)
def test_rate_limit_reads_the_same_grammar_as_the_reference_servers_limiter(text, requests, per_seconds):
    from msaaq_contract.refserver.limiter import Rate

    assert RateLimit.parse(text) == RateLimit(requests, per_seconds)
    assert Rate.parse(text) == Rate(requests, int(per_seconds))


def test_a_rate_limit_of_nothing_is_refused_in_one_line():
    with pytest.raises(ConfigError, match=r"invalid --rate-limit '0/m': it must allow at least one request"):
        RateLimit.parse("0/m")
