"""Prometheus metrics of the HTTP traffic and of the business (items created), kept in a registry
per application instance."""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)

from .config import Settings

# 5 ms .. 10 s: covers a fast API call as well as a request slowed down by the fault switch.
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class HttpMetrics:
    def __init__(self, settings: Settings) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        self._track = settings.track
        self._version = settings.app_version
        self.requests = Counter(
            "http_requests_total",
            "HTTP requests answered, by route template and status code.",
            ["track", "version", "method", "route", "status"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, including injected latency.",
            ["track", "version", "method", "route"],
            buckets=DURATION_BUCKETS,
            registry=self.registry,
        )
        # The business metric: what users achieve, which error rates and latencies do not show
        # (a release that quietly stops saving items answers fast and with 2xx).
        self.items_created = Counter(
            "items_created",
            "Items created through the API.",
            ["track", "version"],
            registry=self.registry,
        )
        # Exported at 0 from the start, so a rate over the first items counts them all.
        self.items_created.labels(self._track, self._version)
        build_info = Gauge(
            "app_build_info",
            "The running build; always 1.",
            ["track", "version", "git_sha"],
            registry=self.registry,
        )
        build_info.labels(settings.track, settings.app_version, settings.git_sha).set(1)

    def item_created(self) -> None:
        self.items_created.labels(self._track, self._version).inc()

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(self._track, self._version, method, route, str(status)).inc()
        self.duration.labels(self._track, self._version, method, route).observe(seconds)
