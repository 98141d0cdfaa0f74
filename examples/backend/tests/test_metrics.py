from __future__ import annotations

from fastapi.testclient import TestClient

from metrics_text import sample_value

LABELS = {"track": "canary", "version": "1.4.2"}


def test_metrics_are_served_with_and_without_a_trailing_slash(client: TestClient) -> None:
    for path in ("/metrics", "/metrics/"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/plain")
        assert "http_requests_total" in response.text


def test_requests_are_counted_by_route_template(client: TestClient) -> None:
    client.get("/health")
    client.get("/health")
    client.get("/api/items/41")
    client.get("/api/items/42")
    client.get("/no/such/page")
    exposition = client.get("/metrics").text

    def count(method: str, route: str, status: str) -> float | None:
        labels = {**LABELS, "method": method, "route": route, "status": status}
        return sample_value(exposition, "http_requests_total", labels)

    assert count("GET", "/health", "200") == 2
    assert count("GET", "/api/items/{item_id}", "404") == 2
    assert count("GET", "unmatched", "404") == 1
    assert "/api/items/41" not in exposition
    # Scrapes are not counted.
    assert 'route="/metrics"' not in exposition


def test_durations_use_the_same_labels_and_buckets_up_to_ten_seconds(client: TestClient) -> None:
    client.get("/health")
    exposition = client.get("/metrics").text
    labels = {**LABELS, "method": "GET", "route": "/health"}
    assert sample_value(exposition, "http_request_duration_seconds_count", labels) == 1
    for bucket in ("0.005", "0.1", "1.0", "10.0", "+Inf"):
        assert sample_value(exposition, "http_request_duration_seconds_bucket", {**labels, "le": bucket}) == 1


def test_build_info(client: TestClient) -> None:
    exposition = client.get("/metrics").text
    assert sample_value(exposition, "app_build_info", {**LABELS, "git_sha": "0123abc"}) == 1


def test_items_created_counts_only_what_was_saved(client: TestClient) -> None:
    assert sample_value(client.get("/metrics").text, "items_created_total", LABELS) == 0
    assert client.post("/api/items", json={"name": "kettle"}).status_code == 201
    assert client.post("/api/items", json={"name": "kettle"}).status_code == 409
    assert client.post("/api/items", json={"name": "teapot"}).status_code == 201
    assert sample_value(client.get("/metrics").text, "items_created_total", LABELS) == 2
