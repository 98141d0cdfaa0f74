from __future__ import annotations

import time
from typing import Callable, List

from fastapi.testclient import TestClient

from metrics_text import sample_value

from app.faults import FaultInjector


def test_every_request_fails_at_100_percent_and_is_counted_as_500(
    make_client: Callable[..., TestClient], clean_tables: None
) -> None:
    client = make_client(fault_error_percent=100)
    for path in ("/health", "/ready", "/api/items"):
        response = client.get(path)
        assert response.status_code == 500, path
        assert response.headers["x-fault-injected"] == "error"
        assert response.json() == {"detail": "injected fault (FAULT_ERROR_PERCENT)"}

    metrics = client.get("/metrics")
    assert metrics.status_code == 200  # the fault switch leaves /metrics alone
    labels = {"track": "canary", "version": "1.4.2", "method": "GET", "status": "500"}
    assert sample_value(metrics.text, "http_requests_total", {**labels, "route": "/health"}) == 1
    assert sample_value(metrics.text, "http_requests_total", {**labels, "route": "/api/items"}) == 1


def test_no_faults_by_default(client: TestClient) -> None:
    assert all(client.get("/health").status_code == 200 for _ in range(50))


def test_latency_is_added_to_every_request_and_measured(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(fault_latency_ms=200)
    started = time.perf_counter()
    assert client.get("/health").status_code == 200
    assert time.perf_counter() - started >= 0.2

    started = time.perf_counter()
    client.get("/metrics")
    assert time.perf_counter() - started < 0.2

    exposition = client.get("/metrics").text
    labels = {"track": "canary", "version": "1.4.2", "method": "GET", "route": "/health"}
    assert sample_value(exposition, "http_request_duration_seconds_bucket", {**labels, "le": "0.1"}) == 0
    assert sample_value(exposition, "http_request_duration_seconds_bucket", {**labels, "le": "0.25"}) == 1


def test_a_seed_makes_the_error_sequence_repeatable(make_client: Callable[..., TestClient]) -> None:
    def statuses(client: TestClient) -> List[int]:
        return [client.get("/health").status_code for _ in range(40)]

    first = statuses(make_client(fault_error_percent=30, fault_seed=1234))
    second = statuses(make_client(fault_error_percent=30, fault_seed=1234))
    assert first == second
    assert set(first) == {200, 500}


def test_error_share_follows_the_percentage() -> None:
    injector = FaultInjector(error_percent=25, latency_ms=0, seed=99)
    failures = sum(injector.should_fail() for _ in range(10_000))
    assert 2_200 < failures < 2_800
    assert not any(FaultInjector(0, 0).should_fail() for _ in range(1000))


def test_fault_paths_fault_only_those_routes(
    make_client: Callable[..., TestClient], clean_tables: None
) -> None:
    # A release that breaks its users while its health checks still pass.
    client = make_client(fault_error_percent=100, fault_latency_ms=50, fault_paths=("/api",))
    assert client.get("/api/items").status_code == 500
    started = time.perf_counter()
    assert client.get("/health").status_code == 200
    assert time.perf_counter() - started < 0.05
    assert FaultInjector(100, 0, paths=("/api",)).applies_to("/api")
    assert not FaultInjector(100, 0, paths=("/api",)).applies_to("/apiary")
