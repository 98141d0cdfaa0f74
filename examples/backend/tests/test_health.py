from __future__ import annotations

import time
from typing import Callable

from fastapi.testclient import TestClient

from conftest import closed_port


def test_health_reports_the_build(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body == {
        "status": "ok",
        "version": "1.4.2",
        "git_sha": "0123abc",
        "uptime_seconds": body["uptime_seconds"],
        "track": "canary",
    }
    assert isinstance(body["uptime_seconds"], float)
    assert body["uptime_seconds"] >= 0
    assert response.headers["x-app-version"] == "1.4.2"
    assert response.headers["x-app-track"] == "canary"


def test_health_does_not_depend_on_the_database(make_client: Callable[..., TestClient]) -> None:
    client = make_client(
        database_url=f"postgresql://postgres@127.0.0.1:{closed_port()}/app",
        redis_url=f"redis://127.0.0.1:{closed_port()}/0",
    )
    assert client.get("/health").status_code == 200


def test_ready_when_postgres_and_redis_answer(client: TestClient) -> None:
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["status"] == "ready"
    assert [check["name"] for check in body["checks"]] == ["postgresql", "redis"]
    for check in body["checks"]:
        assert check["status"] == "ok"
        assert isinstance(check["latency_ms"], float)
        assert "error" not in check


def test_not_ready_when_redis_is_down(make_client: Callable[..., TestClient]) -> None:
    client = make_client(redis_url=f"redis://127.0.0.1:{closed_port()}/0")
    response = client.get("/ready")
    assert response.status_code == 503
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["status"] == "not_ready"
    checks = {check["name"]: check for check in body["checks"]}
    assert checks["postgresql"]["status"] == "ok"
    assert checks["redis"]["status"] == "fail"
    assert checks["redis"]["error"] == "Connection refused"
    assert checks["redis"]["latency_ms"] >= 0


def test_not_ready_when_postgres_is_down_and_the_password_stays_secret(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(
        database_url=f"postgresql://app:s3cret-Pa55@127.0.0.1:{closed_port()}/app"
    )
    response = client.get("/ready")
    assert response.status_code == 503
    checks = {check["name"]: check for check in response.json()["checks"]}
    assert checks["postgresql"] == {
        "name": "postgresql",
        "status": "fail",
        "latency_ms": checks["postgresql"]["latency_ms"],
        "error": "Connection refused",
    }
    assert checks["redis"]["status"] == "ok"
    assert "s3cret-Pa55" not in response.text


def test_ready_names_a_missing_database(make_client: Callable[..., TestClient], database_url: str) -> None:
    missing = database_url.rsplit("/", 1)[0] + "/no_such_database"
    response = make_client(database_url=missing).get("/ready")
    assert response.status_code == 503
    check = response.json()["checks"][0]
    assert check["error"] == 'database "no_such_database" does not exist'


def test_startup_delay_holds_back_serving(make_client: Callable[..., TestClient]) -> None:
    started = time.monotonic()
    client = make_client(startup_delay_seconds=0.3)
    assert time.monotonic() - started >= 0.3
    assert client.get("/health").status_code == 200
