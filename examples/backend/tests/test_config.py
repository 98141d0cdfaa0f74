from __future__ import annotations

import os
import subprocess
import sys

import pytest

from app.config import ConfigError, Settings

from conftest import BACKEND_DIR, closed_port


def test_defaults_when_nothing_is_set() -> None:
    settings = Settings.from_env({})
    assert settings.app_version == "0.0.0-dev"
    assert settings.git_sha == "unknown"
    assert settings.track == "stable"
    assert settings.fault_error_percent == 0
    assert settings.fault_latency_ms == 0
    assert settings.fault_seed is None
    assert settings.startup_delay_seconds == 0


def test_reads_every_variable() -> None:
    settings = Settings.from_env(
        {
            "APP_VERSION": "2.0.1",
            "GIT_SHA": "deadbeef",
            "APP_TRACK": "canary",
            "DATABASE_URL": "postgres://app:pw@db.internal:5433/shop",
            "REDIS_URL": "redis://cache:6379/1",
            "FAULT_ERROR_PERCENT": "12.5",
            "FAULT_LATENCY_MS": "250",
            "FAULT_SEED": "7",
            "FAULT_PATHS": "/api, /v2/orders",
            "STARTUP_DELAY_SECONDS": "1.5",
        }
    )
    assert settings.track == "canary"
    assert settings.database_url == "postgresql://app:pw@db.internal:5433/shop"
    assert settings.database_url_redacted == "postgresql://app:***@db.internal:5433/shop"
    assert settings.database_password == "pw"
    assert settings.fault_error_percent == 12.5
    assert settings.fault_latency_ms == 250
    assert settings.fault_seed == 7
    assert settings.fault_paths == ("/api", "/v2/orders")
    assert settings.startup_delay_seconds == 1.5


def test_empty_values_count_as_unset() -> None:
    assert Settings.from_env({"FAULT_SEED": "", "APP_TRACK": " "}) == Settings()


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("FAULT_ERROR_PERCENT", "150", "FAULT_ERROR_PERCENT must be a number from 0 to 100"),
        ("FAULT_ERROR_PERCENT", "lots", "FAULT_ERROR_PERCENT must be a number from 0 to 100"),
        ("FAULT_LATENCY_MS", "-5", "FAULT_LATENCY_MS must not be negative"),
        ("FAULT_LATENCY_MS", "0.5s", "FAULT_LATENCY_MS must be an integer"),
        ("FAULT_SEED", "abc", "FAULT_SEED must be an integer"),
        ("FAULT_PATHS", "api", "FAULT_PATHS must be path prefixes starting with /"),
        ("STARTUP_DELAY_SECONDS", "nan", "STARTUP_DELAY_SECONDS must be a finite number"),
        ("APP_TRACK", "blue", "APP_TRACK must be one of stable, canary"),
        ("DATABASE_URL", "mysql://db/app", "DATABASE_URL must start with postgresql://"),
        ("DATABASE_URL", "postgresql://db:5432", "DATABASE_URL must name a database"),
        ("REDIS_URL", "cache:6379", "REDIS_URL must be a URL like redis://host:6379/0"),
        ("DEPENDENCY_URL", "payments.internal", "DEPENDENCY_URL must be an http:// or https:// URL"),
        ("DEPENDENCY_URL", "ftp://payments/x", "DEPENDENCY_URL must be an http:// or https:// URL"),
    ],
)
def test_invalid_values_are_named(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({name: value})
    assert message in str(raised.value)
    assert repr(value) in str(raised.value)


def test_all_problems_are_reported_at_once() -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({"FAULT_ERROR_PERCENT": "-1", "FAULT_SEED": "x"})
    assert len(raised.value.problems) == 2


def test_the_server_refuses_to_start_with_invalid_configuration() -> None:
    env = {**os.environ, "FAULT_ERROR_PERCENT": "150", "APP_TRACK": "blue"}
    result = subprocess.run(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(closed_port())],
        cwd=BACKEND_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "example-app: invalid configuration:" in result.stderr
    assert "FAULT_ERROR_PERCENT must be a number from 0 to 100 (got '150')" in result.stderr
    assert "APP_TRACK must be one of stable, canary (got 'blue')" in result.stderr
    assert "Traceback" not in result.stderr


def test_urls_are_redacted_for_logs() -> None:
    settings = Settings.from_env(
        {"DATABASE_URL": "postgresql://app:pw1@db/app", "REDIS_URL": "redis://:pw2@cache:6379/0"}
    )
    assert settings.database_url_redacted == "postgresql://app:***@db/app"
    assert settings.redis_url_redacted == "redis://:***@cache:6379/0"


def test_the_external_dependency_is_configured_by_url_with_a_5_second_limit() -> None:
    settings = Settings.from_env({"DEPENDENCY_URL": "https://payments.internal/health"})
    assert settings.dependency_url == "https://payments.internal/health"
    assert settings.dependency_timeout == 5.0
    assert Settings.from_env({}).dependency_url is None
