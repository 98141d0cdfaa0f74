"""Shared fixtures.

The database tests need ``DATABASE_URL`` (a disposable PostgreSQL database: the fixtures migrate
it to head and empty its tables) and ``REDIS_URL``; without them those tests are skipped with the
reason. Configuration tests run everywhere.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from app.config import Settings
from app.main import create_app

BACKEND_DIR = Path(__file__).resolve().parents[1]

SettingsFactory = Callable[..., Settings]


def _required_env(name: str, what: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        pytest.skip(f"{name} is not set: these tests need {what}")
    return value


@pytest.fixture(scope="session")
def database_url() -> str:
    return _required_env("DATABASE_URL", "a disposable PostgreSQL database")


@pytest.fixture(scope="session")
def redis_url() -> str:
    return _required_env("REDIS_URL", "a Redis server")


@pytest.fixture(scope="session")
def migrated_database(database_url: str) -> str:
    """Brings the test database to the newest revision, as a deployment would."""
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=BACKEND_DIR,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        pytest.fail(f"alembic upgrade head failed:\n{result.stdout}\n{result.stderr}")
    return database_url


@pytest.fixture
def clean_tables(migrated_database: str) -> Iterator[None]:
    engine = create_engine(migrated_database, future=True)
    with engine.begin() as connection:
        connection.execute(text("TRUNCATE items, reviews RESTART IDENTITY CASCADE"))
    engine.dispose()
    yield


@pytest.fixture
def make_settings(migrated_database: str, redis_url: str) -> SettingsFactory:
    def factory(**overrides: Any) -> Settings:
        values: dict[str, Any] = dict(
            app_version="1.4.2",
            git_sha="0123abc",
            track="canary",
            database_url=migrated_database,
            redis_url=redis_url,
        )
        values.update(overrides)
        return Settings(**values)

    return factory


@pytest.fixture
def make_client(make_settings: SettingsFactory) -> Iterator[Callable[..., TestClient]]:
    """Builds applications with setting overrides; runs their lifespan and closes them after."""
    clients: list[TestClient] = []

    def factory(**overrides: Any) -> TestClient:
        client = TestClient(create_app(make_settings(**overrides)))
        client.__enter__()
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient], clean_tables: None) -> TestClient:
    return make_client()


def closed_port() -> int:
    """A loopback port that nothing listens on (bound, read, released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
