from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from conftest import closed_port


def test_health_reports_the_build(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body == {
        "status": "healthy",
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
    assert checks["redis"]["status"] == "error"
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
        "status": "error",
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


class _Dependency(BaseHTTPRequestHandler):
    """A stand-in for the external service: answers ``status`` after ``delay`` seconds."""

    status = 200
    delay = 0.0

    def do_GET(self) -> None:  # noqa: N802 (the http.server name)
        time.sleep(type(self).delay)
        self.send_response(type(self).status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def dependency() -> Iterator[tuple[str, type[_Dependency]]]:
    handler = type("Dependency", (_Dependency,), {"status": 200, "delay": 0.0})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/health", handler
    server.shutdown()
    server.server_close()


def test_ready_skips_the_external_dependency_when_no_url_is_set(client: TestClient) -> None:
    names = [check["name"] for check in client.get("/ready").json()["checks"]]
    assert names == ["postgresql", "redis"]


def test_ready_checks_the_external_dependency(
    make_client: Callable[..., TestClient], dependency: tuple[str, type[_Dependency]]
) -> None:
    url, handler = dependency
    client = make_client(dependency_url=url)
    response = client.get("/ready")
    assert response.status_code == 200
    checks = {check["name"]: check for check in response.json()["checks"]}
    assert checks["external-http"]["status"] == "ok"

    handler.status = 503
    response = client.get("/ready")
    assert response.status_code == 503
    assert response.json()["status"] == "not_ready"
    checks = {check["name"]: check for check in response.json()["checks"]}
    assert checks["external-http"]["status"] == "error"
    assert checks["external-http"]["error"] == "HTTP 503"
    assert checks["postgresql"]["status"] == "ok"


def test_ready_fails_an_external_dependency_that_is_down_without_showing_its_password(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(dependency_url=f"http://probe:dep-Pa55@127.0.0.1:{closed_port()}/health")
    response = client.get("/ready")
    assert response.status_code == 503
    checks = {check["name"]: check for check in response.json()["checks"]}
    assert checks["external-http"]["status"] == "error"
    assert "dep-Pa55" not in response.text


def test_ready_gives_the_external_dependency_its_time_limit(
    make_client: Callable[..., TestClient], dependency: tuple[str, type[_Dependency]]
) -> None:
    url, handler = dependency
    handler.delay = 1.0
    client = make_client(dependency_url=url, dependency_timeout=0.2)
    response = client.get("/ready")
    assert response.status_code == 503
    checks = {check["name"]: check for check in response.json()["checks"]}
    assert checks["external-http"]["error"] == "timeout after 0.2s"

